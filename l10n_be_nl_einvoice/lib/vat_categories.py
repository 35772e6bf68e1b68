"""What a sales tax means on an e-invoice.

EN 16931 describes each VAT line by a category (UNCL 5305: S, Z, E, AE, K, G, O), an
exemption reason code (VATEX) and a reason text; UBL.BE adds a Belgian name (the VAT
return grid, "BTCC" list) and its own reason code and text (BVERC lists). The rate
alone cannot tell a Belgian co-contractor sale from an intra-EU service or an export:
each is a 0 % tax. The VAT return grid the tax reports to can, so the kind of a tax is
taken from its grid (Belgian VAT return: 00, 44, 45, 46, 47; Dutch: 1e, 3a, 3b, 3c) and
can be set by hand on the tax.

Zero-rated is not exempt. A supply at the 0 % rate (in Belgium e.g. daily and weekly
newspapers) is taxed, at a nil rate, and keeps the right to deduct: EN 16931 category
Z, with no exemption reason (BR-Z-10). An exemption (Belgian VAT Code art. 44, Dutch
art. 11 Wet OB) is E, with its legal mention. Belgian grid 00 holds (among other
operations under a special regime) the supplies at the 0 % rate, and the Belgian
chart's 0 % taxes report there: a 0 % tax of grid 00 is taken as zero-rated. A tax
for sales exempt under art. 44 is set to *Exempt* by hand, with its VATEX code where
one applies.
"""

from dataclasses import dataclass
from decimal import Decimal

KINDS = [
    ("standard", "Taxed at the rate"),
    ("zero", "Zero rate"),
    ("exempt", "Exempt"),
    ("reverse_charge", "Reverse charge (domestic, co-contractor)"),
    ("intra_eu_goods", "Intra-EU supply of goods"),
    ("intra_eu_triangle", "Intra-EU triangular supply"),
    ("intra_eu_services", "Intra-EU services (reverse charge)"),
    ("export", "Export outside the EU"),
    ("outside_scope", "Not subject to VAT"),
]

# CEF VATEX exemption reason codes (EN 16931 BT-121) for Belgium and the Netherlands.
VATEX = [
    ("VATEX-EU-79-C", "Article 79(c) of Directive 2006/112/EC (costs paid on behalf)"),
    ("VATEX-EU-132", "Article 132 of Directive 2006/112/EC (public interest)"),
    ("VATEX-EU-143", "Article 143 of Directive 2006/112/EC (imports)"),
    ("VATEX-EU-148", "Article 148 of Directive 2006/112/EC (international transport)"),
    ("VATEX-EU-151", "Article 151 of Directive 2006/112/EC (diplomatic, NATO)"),
    ("VATEX-EU-309", "Article 309 of Directive 2006/112/EC (travel agents, non-EU)"),
    ("VATEX-EU-AE", "Reverse charge"),
    ("VATEX-EU-D", "Margin scheme: travel agents"),
    ("VATEX-EU-F", "Margin scheme: second-hand goods"),
    ("VATEX-EU-G", "Export outside the EU"),
    ("VATEX-EU-I", "Margin scheme: works of art"),
    ("VATEX-EU-IC", "Intra-Community supply"),
    ("VATEX-EU-J", "Margin scheme: collectors' items and antiques"),
    ("VATEX-EU-O", "Not subject to VAT"),
]


@dataclass(frozen=True)
class Meaning:
    category: str  # UNCL 5305
    vatex: str | None  # CEF VATEX code
    reason: str | None  # exemption reason text (EN 16931 BT-120)
    ublbe_name: str | None  # UBL.BE TaxCategory/Name (BTCC list)
    ublbe_code: str | None  # UBL.BE TaxExemptionReasonCode (BVERC list)
    ublbe_reason: str | None  # UBL.BE TaxExemptionReason (BVERCText list)


MEANINGS = {
    "standard": Meaning("S", None, None, None, None, None),
    "zero": Meaning("Z", None, None, "00", None, None),
    "exempt": Meaning(
        "E", None, "Exempt from VAT", "00/44", "BETE-00/44", "0% Clause 44"
    ),
    "reverse_charge": Meaning(
        "AE",
        "VATEX-EU-AE",
        "Reverse charge",
        "45",
        "BETE-45",
        "Reverse charge - Contractor",
    ),
    "intra_eu_goods": Meaning(
        "K",
        "VATEX-EU-IC",
        "Intra-Community supply",
        "46/GO",
        "BETE-46/GO",
        "Intra-community supply - Goods",
    ),
    "intra_eu_triangle": Meaning(
        "K",
        "VATEX-EU-IC",
        "Intra-Community supply",
        "46/TR",
        "BETE-46/TR",
        "Intra-community supply - Triangle a-B-c",
    ),
    "intra_eu_services": Meaning(
        "AE",
        "VATEX-EU-AE",
        "Reverse charge",
        "44",
        "BETE-44",
        "Intra-community supply - Services B2B",
    ),
    "export": Meaning(
        "G",
        "VATEX-EU-G",
        "Export outside the EU",
        "47/EX",
        "BETE-47/EX",
        "Export non E.U.",
    ),
    "outside_scope": Meaning(
        "O", "VATEX-EU-O", "Not subject to VAT", "NS", "BETE-NS", "Not subject to VAT"
    ),
}
# Not a kind of tax: every line of a seller under a small-business exemption scheme.
SCHEME_MEANINGS = {
    "franchise": Meaning("E", None, None, "SC", "BETE-SC", "Small company"),
}


def meaning_of(kind):
    """The meaning of a kind of tax or of a small-business scheme, or None."""
    return MEANINGS.get(kind) or SCHEME_MEANINGS.get(kind)


# UBL.BE names of the Belgian rates (VAT return grids 00-03).
UBLBE_RATE_NAMES = {
    Decimal(0): "00",
    Decimal(6): "01",
    Decimal(12): "02",
    Decimal(21): "03",
}
# UBL.BE name of Odoo's early-payment (financial) discount breakdown.
UBLBE_FINANCIAL_DISCOUNT = "FD"

# VAT return grid (tax tag without its sign) -> kind, for 0 % taxes.
_GRID_KINDS = {
    "BE": {
        "00": "zero",
        "44": "intra_eu_services",
        "45": "reverse_charge",
        "46L": "intra_eu_goods",
        "46T": "intra_eu_triangle",
        "47": "export",
    },
    "NL": {
        "1e": "zero",
        "3a": "export",
        "3bg": "intra_eu_goods",
        "3bt": "intra_eu_triangle",
        "3bs": "intra_eu_services",
        "3c": "outside_scope",
    },
}
# Taxes whose grid is shared with another kind, known by their template name.
_TEMPLATE_KINDS = {"btw_verk_0": "reverse_charge"}


def grid_of(tag_name: str) -> str:
    """'+46L' or '3bg (omzet)' -> '46L' / '3bg'."""
    return tag_name.strip().lstrip("+-").split(" ")[0]


def default_kind(country, amount, tag_names=(), template_name=""):
    """The kind of a sales tax from its rate, its VAT return grids and, for Dutch
    reverse charge (reported in grid 1e with the zero rate), its template name.
    None when nothing tells (Odoo's own guess then applies)."""
    if Decimal(str(amount or 0)) != 0:
        return "standard"
    for suffix, kind in _TEMPLATE_KINDS.items():
        if template_name and template_name.endswith(suffix):
            return kind
    grids = _GRID_KINDS.get(country or "", {})
    for tag in tag_names:
        kind = grids.get(grid_of(tag))
        if kind:
            return kind
    return None


def ublbe_name(kind, percent):
    """The UBL.BE tax category name (BTCC list) of a kind of tax at a rate."""
    if kind in (None, "standard", "zero"):
        return UBLBE_RATE_NAMES.get(Decimal(str(percent or 0)).normalize())
    return meaning_of(kind).ublbe_name
