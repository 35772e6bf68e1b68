"""What a bookkeeper should do about a failed validation rule.

The official rule texts speak of business terms (BT-48, BG-7); the bookkeeper needs
the field in Odoo. Rules not listed here keep their official text.
"""


def _lt(text):
    """Marks a text for Odoo's translation export; the addon translates it when it
    shows it (lib/ does not import Odoo)."""
    return text


# Where in the document -> what the bookkeeper knows it as.
PARTS = [
    ("AccountingSupplierParty", _lt("your company")),
    ("AccountingCustomerParty", _lt("the customer")),
    ("InvoiceLine", _lt("an invoice line")),
    ("CreditNoteLine", _lt("a credit note line")),
    ("TaxTotal", _lt("the VAT totals")),
    ("LegalMonetaryTotal", _lt("the totals")),
    ("PaymentMeans", _lt("the payment details")),
]

ADVICE = {
    "XML-DTD": _lt(
        "The document has a document type declaration (<!DOCTYPE ...>), which an "
        "e-invoice must not have: remove it."
    ),
    "PEPPOL-EN16931-R010": _lt(
        "Give the customer a Peppol address (EAS and endpoint) on its contact, "
        "Accounting tab."
    ),
    "PEPPOL-EN16931-R020": _lt(
        "Give your company a Peppol address (EAS and endpoint)."
    ),
    "PEPPOL-COMMON-R043": _lt(
        "The Belgian enterprise number (KBO/BCE) is not valid: check the company "
        "registry or VAT number."
    ),
    "BR-CO-09": _lt("The VAT number must start with its country code (BE, NL, ...)."),
    "BR-CO-15": _lt(
        "The total with VAT does not equal the total without VAT plus VAT."
    ),
    "BR-CO-16": _lt(
        "The amount due does not equal the total with VAT minus what was paid."
    ),
    "BR-S-08": _lt(
        "The taxable amount of a 21/12/6 % VAT rate does not match its lines."
    ),
    "BR-E-10": _lt("A VAT exemption needs its reason (VATEX code) on the tax."),
    "BR-AE-10": _lt("Reverse charge needs the VAT numbers of both parties."),
    "BR-NL-10": _lt("Dutch receivers need the customer's KvK or OIN number."),
    "BR-CL-04": _lt("The currency is not a valid ISO 4217 code."),
    "BR-11": _lt("The customer needs a country."),
    "BR-09": _lt("Your company needs a country."),
}


def where(location: str) -> str:
    """The part of the document an XPath location points to, in plain words."""
    for element, words in PARTS:
        if element in (location or ""):
            return words
    return _lt("the document")


def advice(rule: str, official_text: str) -> str:
    return ADVICE.get(rule, official_text)
