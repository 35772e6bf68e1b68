"""What the installed wkhtmltopdf can do, from what ``wkhtmltopdf --version`` prints.

Only the build "with patched qt" (the one wkhtmltopdf.org ships and Odoo recommends)
renders several documents in one call, and draws headers and footers (the company's
letterhead). Distribution packages are built against plain Qt: with them an invoice is
rendered one per call.
"""

import re

_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")


def is_patched(version_output: str) -> bool:
    """Whether the output of ``wkhtmltopdf --version`` names a patched-Qt build."""
    return "patched qt" in (version_output or "").lower()


def version(version_output: str) -> tuple[int, int, int] | None:
    """The version printed, e.g. ``(0, 12, 6)``; None when there is none."""
    found = _VERSION.search(version_output or "")
    return tuple(int(part) for part in found.groups()) if found else None
