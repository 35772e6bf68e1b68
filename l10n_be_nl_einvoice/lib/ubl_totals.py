"""Totals guard: recompute a UBL document's totals from its own lines and refuse it
when they disagree, naming the figures, before the Schematron rules run.

The checks are the EN 16931 calculation rules, in Decimal:

* BR-CO-10  sum of line net amounts = LineExtensionAmount
* BR-CO-11  sum of document allowances = AllowanceTotalAmount
* BR-CO-12  sum of document charges = ChargeTotalAmount
* BR-CO-13  TaxExclusiveAmount = LineExtension - AllowanceTotal + ChargeTotal
* BR-CO-14  TaxTotal/TaxAmount = sum of the VAT breakdown's tax amounts
* BR-CO-15  TaxInclusiveAmount = TaxExclusiveAmount + TaxTotal/TaxAmount
* BR-CO-16  PayableAmount = TaxInclusive - PrepaidAmount + PayableRoundingAmount
* BR-CO-17  each breakdown's tax = taxable amount x rate, rounded to the cent, give or
            take less than 1.00 (the tolerance of the official rule: VAT rounded per
            line, or adjusted by hand, stays valid); at a 0 % rate the tax rounds to 0
* BR-S-08, BR-Z-08, BR-E-08, BR-AE-08, ...: each breakdown's taxable amount = its
            lines - its allowances + its charges, per VAT category and rate
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

from .ubl_messages import _lt
from .ubl_validate import NS, UblValidationError, parse_xml

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Mismatch:
    rule: str
    what: str
    expected: Decimal
    found: Decimal
    category: str = ""  # "S 21" for a VAT breakdown line

    def __str__(self):
        what = f"VAT {self.category}%: {self.what}" if self.category else self.what
        return (
            f"[{self.rule}] {what}: computed {self.expected}, "
            f"document says {self.found}"
        )


def _amount(element, path, default=None):
    text = element.findtext(path, namespaces=NS)
    if text is None:
        if default is None:
            raise UblValidationError(f"{path} is missing")
        return default
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise UblValidationError(f"{path} is not an amount: {text!r}") from None


def _category(element):
    """(VAT category code, rate) of a line's or allowance's tax category."""
    category = element.find("cac:ClassifiedTaxCategory", NS)
    if category is None:
        category = element.find("cac:TaxCategory", NS)
    if category is None:
        return None
    rate = category.findtext("cbc:Percent", namespaces=NS)
    return (
        (category.findtext("cbc:ID", namespaces=NS) or "").strip(),
        Decimal(rate.strip()).normalize() if rate else Decimal(0),
    )


def _xpath_round(value: Decimal) -> Decimal:
    """XPath's round(): the nearest integer, a half towards positive infinity."""
    return (value + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)


def br_co_17_holds(taxable: Decimal, rate: Decimal, tax: Decimal) -> bool:
    """[BR-CO-17] as the official EN 16931 Schematron tests it: at a rate that rounds
    to 0 the tax rounds to 0; otherwise |taxable| x rate / 100, rounded to the cent,
    lies strictly within 1.00 of |tax|."""
    if _xpath_round(rate) == 0:
        return _xpath_round(tax) == 0
    due = _xpath_round(abs(taxable) * rate / 100 * 100) / 100
    return abs(tax) - 1 < due < abs(tax) + 1


def check_totals(data: bytes):
    """All disagreements between a document's totals and its lines (empty: none)."""
    root = parse_xml(data)
    lines = root.findall("cac:InvoiceLine", NS) or root.findall(
        "cac:CreditNoteLine", NS
    )
    totals = root.find("cac:LegalMonetaryTotal", NS)
    if totals is None:
        raise UblValidationError("cac:LegalMonetaryTotal is missing")
    found = []

    def compare(rule, what, expected, actual, category=""):
        if expected != actual:
            found.append(Mismatch(rule, what, expected, actual, category))

    taxable = defaultdict(Decimal)
    line_total = Decimal(0)
    for line in lines:
        amount = _amount(line, "cbc:LineExtensionAmount")
        line_total += amount
        taxable[_category(line.find("cac:Item", NS))] += amount
    allowances = charges = Decimal(0)
    for allowance_charge in root.findall("cac:AllowanceCharge", NS):
        amount = _amount(allowance_charge, "cbc:Amount")
        is_charge = allowance_charge.findtext("cbc:ChargeIndicator", namespaces=NS)
        if (is_charge or "").strip() == "true":
            charges += amount
            taxable[_category(allowance_charge)] += amount
        else:
            allowances += amount
            taxable[_category(allowance_charge)] -= amount

    line_extension = _amount(totals, "cbc:LineExtensionAmount")
    allowance_total = _amount(totals, "cbc:AllowanceTotalAmount", Decimal(0))
    charge_total = _amount(totals, "cbc:ChargeTotalAmount", Decimal(0))
    tax_exclusive = _amount(totals, "cbc:TaxExclusiveAmount")
    tax_inclusive = _amount(totals, "cbc:TaxInclusiveAmount")
    compare("BR-CO-10", _lt("sum of the line amounts"), line_total, line_extension)
    compare("BR-CO-11", _lt("sum of the allowances"), allowances, allowance_total)
    compare("BR-CO-12", _lt("sum of the charges"), charges, charge_total)
    compare(
        "BR-CO-13",
        _lt("amount without VAT"),
        line_extension - allowance_total + charge_total,
        tax_exclusive,
    )

    vat = Decimal(0)
    for tax_total in root.findall("cac:TaxTotal", NS):
        breakdown = tax_total.findall("cac:TaxSubtotal", NS)
        if not breakdown:
            continue  # the VAT total in the accounting currency (BT-111) has none
        vat = _amount(tax_total, "cbc:TaxAmount")
        compare(
            "BR-CO-14",
            _lt("VAT total against its breakdown"),
            sum((_amount(s, "cbc:TaxAmount") for s in breakdown), Decimal(0)),
            vat,
        )
        for subtotal in breakdown:
            category = _category(subtotal)
            base = _amount(subtotal, "cbc:TaxableAmount")
            tax = _amount(subtotal, "cbc:TaxAmount")
            label = f"{category[0]} {category[1]}"
            compare(
                f"BR-{category[0]}-08",
                _lt("taxable amount"),
                taxable.get(category, Decimal(0)),
                base,
                label,
            )
            if not br_co_17_holds(base, category[1], tax):
                due = (base * category[1] / 100).quantize(CENT, ROUND_HALF_UP)
                found.append(Mismatch("BR-CO-17", _lt("tax"), due, tax, label))
    compare("BR-CO-15", _lt("amount with VAT"), tax_exclusive + vat, tax_inclusive)
    compare(
        "BR-CO-16",
        _lt("amount due"),
        tax_inclusive
        - _amount(totals, "cbc:PrepaidAmount", Decimal(0))
        + _amount(totals, "cbc:PayableRoundingAmount", Decimal(0)),
        _amount(totals, "cbc:PayableAmount"),
    )
    return found
