"""What a bookkeeper should do about a failed validation rule.

The official rule texts speak of business terms (BT-48, BG-7); the bookkeeper needs
the field in Odoo. Rules not listed here keep their official text.
"""

# Where in the document -> what the bookkeeper knows it as.
PARTS = [
    ("AccountingSupplierParty", "your company"),
    ("AccountingCustomerParty", "the customer"),
    ("InvoiceLine", "an invoice line"),
    ("CreditNoteLine", "a credit note line"),
    ("TaxTotal", "the VAT totals"),
    ("LegalMonetaryTotal", "the totals"),
    ("PaymentMeans", "the payment details"),
]

ADVICE = {
    "PEPPOL-EN16931-R010": "Give the customer a Peppol address (EAS and endpoint) "
    "on its contact, Accounting tab.",
    "PEPPOL-EN16931-R020": "Give your company a Peppol address (EAS and endpoint).",
    "PEPPOL-COMMON-R043": "The Belgian enterprise number (KBO/BCE) is not valid: check "
    "the company registry or VAT number.",
    "BR-CO-09": "The VAT number must start with its country code (BE, NL, ...).",
    "BR-CO-15": "The total with VAT does not equal the total without VAT plus VAT.",
    "BR-CO-16": "The amount due does not equal the total with VAT minus what was paid.",
    "BR-S-08": "The taxable amount of a 21/12/6 % VAT rate does not match its lines.",
    "BR-E-10": "A VAT exemption needs its reason (VATEX code) on the tax.",
    "BR-AE-10": "Reverse charge needs the VAT numbers of both parties.",
    "BR-NL-10": "Dutch receivers need the customer's KvK or OIN number.",
    "BR-CL-04": "The currency is not a valid ISO 4217 code.",
    "BR-11": "The customer needs a country.",
    "BR-09": "Your company needs a country.",
}


def where(location: str) -> str:
    """The part of the document an XPath location points to, in plain words."""
    for element, words in PARTS:
        if element in (location or ""):
            return words
    return "the document"


def advice(rule: str, official_text: str) -> str:
    return ADVICE.get(rule, official_text)
