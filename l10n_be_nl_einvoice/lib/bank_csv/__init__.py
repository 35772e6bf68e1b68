"""Bank statements downloaded as CSV from Belgian and Dutch banks, read into plain rows.

Besides CODA (Belgium) and MT940/CAMT (the Netherlands), every bank lets a bookkeeper
download the movements of an account as a CSV or tab-separated file, each bank with
its own columns, date format, decimal comma or point and sign convention. A `Layout`
describes one such export; `PRESETS` holds those of the common banks, each recognised
by the columns of its header (or, without header, by the shape of its lines):

* BNP Paribas Fortis (and Hello bank!), ``;``: ``be_bnp_v3_nl`` / ``be_bnp_v3_fr``
  (13 columns, with a status and the reason of a refusal), ``be_bnp_v2_nl`` /
  ``be_bnp_v2_fr`` (8 columns, "TEGENPARTIJ VAN DE VERRICHTING"), ``be_bnp_v1_fr``
  (7 columns); Fintro ``be_fintro_fr``;
* Belfius ``be_belfius_nl`` (``;``, the query's filters above the header), KBC and CBC
  ``be_kbc`` / ``be_kbc_variant`` (``;``), ING Belgium ``be_ing`` / ``be_ing_old``
  (``;``), Argenta ``be_argenta`` (``;``, or tab when copied from its XLSX);
* ABN AMRO ``nl_abnamro_tab`` (the TXT*.TAB download: tab, no header) and
  ``nl_abnamro_csv`` (its XLS saved as CSV), ING Netherlands ``nl_ing_comma``,
  ``nl_ing_semicolon`` and ``nl_ing_english``, Rabobank ``nl_rabobank`` (``,``, the
  current export) and ``nl_rabobank_legacy`` (``,``, no header, the former one).

`read(data)` recognises the layout (`detect`) and returns one `Row` per movement: dates
as `date`, the amount as a signed `Decimal` (money in is positive), the counterparty,
the texts, and, when one can be recognised, the structured reference that ties the
payment to an invoice: a Belgian OGM (``+++123/4567/89012+++``) or an ISO 11649
creditor reference (``RF18539007547034``), from the bank's own column for it or found
in the free text (`find_structured_reference`).

An import is all or nothing: the first row that cannot be read raises `BankCsvError`,
which names the line and the column ("line 7, column 'Bedrag': '12,3x' is not an
amount"). Its message is a translatable template with its values apart, so the addon
can show it in the user's language.

Any other bank is described with a plain mapping (`Layout.from_dict`), e.g.::

    Layout.from_dict({
        "name": "my_bank", "separator": ";", "date_formats": ["dd/mm/yyyy"],
        "date": "Datum", "amount": "Bedrag", "communication": ["Mededeling"],
    })

Columns are named by their header text (compared without case, accents kept) or, for a
file without header, by their position counted from 0.
"""

from ..references import find_structured_reference
from .errors import BankCsvError
from .layout import Layout, Row
from .presets import PRESETS
from .reader import detect, read
from .values import parse_amount, parse_date

__all__ = [
    "PRESETS",
    "BankCsvError",
    "Layout",
    "Row",
    "detect",
    "find_structured_reference",
    "parse_amount",
    "parse_date",
    "read",
]
