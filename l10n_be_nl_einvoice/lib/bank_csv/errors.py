"""The one error a bank CSV import raises."""


class BankCsvError(ValueError):
    """A statement file that cannot be imported, and where.

    ``message`` is a translatable template, ``params`` its values; ``line`` (1-based,
    as an editor shows it) and ``column`` (a header name, or a 1-based position) say
    where, when the problem is in one cell.
    """

    def __init__(self, message, line=None, column=None, params=None):
        self.message = message
        self.params = dict(params or {})
        self.line = line
        self.column = column
        super().__init__(self._text())

    def _text(self):
        text = self.message % self.params if self.params else self.message
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if isinstance(self.column, str):
            where.append(f"column {self.column!r}")
        elif self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {text}" if where else text

    def at(self, line, column=None):
        """The same problem, placed in the file."""
        return BankCsvError(self.message, line, column, self.params)
