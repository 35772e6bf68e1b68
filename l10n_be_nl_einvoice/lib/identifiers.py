"""Identifiers of Belgian and Dutch parties, checked with python-stdnum.

Peppol addresses a party by an EAS scheme and an endpoint. The schemes a Belgian or
Dutch receiver is found under, in the order they are preferred:

* Belgium: 0208 (KBO/BCE enterprise number, 10 digits), 9925 (VAT, BE + 10 digits);
* the Netherlands: 0106 (KvK, 8 digits), 0190 (OIN, 20 digits), 9944 (VAT, NL...B..).
"""

import re

from stdnum.be import vat as be_vat
from stdnum.nl import vat as nl_vat


def kbo_number(vat=None, company_registry=None):
    """The 10-digit Belgian enterprise number, from the registry or the VAT number."""
    for candidate in (company_registry, vat):
        digits = re.sub(r"\D", "", candidate or "")
        if len(digits) == 9:  # written without its leading 0
            digits = "0" + digits
        if len(digits) == 10 and be_vat.is_valid("BE" + digits):
            return digits
    return None


def peppol_address(country, vat=None, company_registry=None):
    """(EAS, endpoint) under which a BE or NL party is likely on Peppol, or None."""
    country = (country or "").upper()
    if country == "BE":
        kbo = kbo_number(vat, company_registry)
        return ("0208", kbo) if kbo else None
    if country == "NL":
        registry = re.sub(r"\s", "", company_registry or "")
        if re.fullmatch(r"\d{8}", registry):
            return ("0106", registry)
        if re.fullmatch(r"\d{20}", registry):
            return ("0190", registry)
        if vat and nl_vat.is_valid(vat):
            return ("9944", "NL" + nl_vat.compact(vat))
    return None
