"""Checks of a party's master data before it goes on an invoice, returned as data.

Each ``check_*`` function looks at one value (or a few that belong together) and
returns a list of :class:`Problem`; an empty list means nothing is wrong. A problem
names the Odoo field to fix, a stable ``code`` (the Odoo side translates by code,
from :data:`MESSAGES`), a plain English ``message`` and the values it speaks of in
``params``. On their own the checks mark every problem ``blocking``: the value is
missing or unusable. :func:`check_party` knows what an invoice needs from a seller or a
buyer and from the channel it travels by, and keeps ``blocking`` only where the law or
the channel requires the field; everything else is a warning.

What is required, and why:

* Belgian VAT Code art. 53 §2 with Royal Decree no. 1 art. 5, and Dutch Wet OB
  art. 35a: the name, address and VAT number of the seller, the name and address of the
  customer, and the customer's VAT number where the customer owes the tax (reverse
  charge) or for an intra-EU supply (``needs_buyer_vat``);
* a Belgian seller states its enterprise number (KBO/BCE), a Dutch one its KvK number
  (the NLCIUS asks for it as the seller's legal registration, BR-NL-1);
* Peppol BIS Billing 3.0 needs an electronic address for both parties (rules
  PEPPOL-EN16931-R010 and -R020); sending by e-mail needs the customer's address;
* a payment needs only the IBAN since SEPA went IBAN-only: a wrong BIC is a warning.

Numbers are checked with python-stdnum (VAT, KBO, Dutch postcodes) and schwifty (IBAN,
BIC, and which bank a Belgian or Dutch IBAN belongs to).
"""

import dataclasses
import re

from schwifty import BIC, IBAN
from schwifty import exceptions as iban_errors
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.eu import vat as eu_vat
from stdnum.nl import postcode as nl_postcode
from stdnum.nl import vat as nl_vat

from . import email_addresses


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing to fix in a party's data. `field` is the Odoo field, `code` stable,
    `blocking` whether the invoice must wait for it; `params` fill `message`."""

    field: str
    code: str
    message: str
    blocking: bool
    params: dict = dataclasses.field(default_factory=dict, compare=False, hash=False)


MESSAGES = {
    "name_missing": "The name is missing.",
    "vat_missing": "The VAT number is missing.",
    "vat_invalid": "{vat} is not a valid {country} VAT number: {reason}.",
    "kbo_missing": "The Belgian enterprise number (KBO/BCE) is missing.",
    "kbo_invalid": "{number} is not a valid Belgian enterprise number (KBO/BCE): "
    "{reason}.",
    "kbo_vat_mismatch": "The enterprise number {number} and the VAT number {vat} "
    "are not the same number.",
    "kvk_missing": "The KvK number is missing.",
    "kvk_invalid": "{number} is not a KvK number: a KvK number has exactly 8 digits.",
    "kvk_establishment_number": "{number} is a 12-digit establishment number "
    "(vestigingsnummer): the 8-digit KvK number is asked for.",
    "iban_missing": "The IBAN is missing.",
    "iban_invalid": "{iban} is not a valid IBAN: {reason}.",
    "bic_invalid": "{bic} is not a valid BIC: {reason}.",
    "iban_bic_mismatch": "The BIC {bic} is not the BIC of the bank of {iban} "
    "({expected}).",
    "street_missing": "The street is missing.",
    "zip_missing": "The postal code is missing.",
    "zip_invalid": "{zip} is not a valid {country} postal code (written like "
    "{example}).",
    "city_missing": "The city is missing.",
    "country_missing": "The country is missing.",
    "email_missing": "The e-mail address is missing.",
    "email_invalid": "{email} is not a valid e-mail address.",
    "peppol_eas_missing": "The Peppol scheme (EAS) is missing.",
    "peppol_eas_invalid": "{scheme} is not a Peppol scheme (EAS): it has 4 digits.",
    "peppol_endpoint_missing": "The Peppol endpoint is missing.",
    "peppol_endpoint_invalid": "{endpoint} is not a valid Peppol endpoint for scheme "
    "{scheme} (written like {example}).",
    "field_required": "The field {field} is required by the accounting software the "
    "invoice is sent to.",
}

# The `reason` param of vat_invalid, kbo_invalid, iban_invalid and bic_invalid.
REASONS = {
    "checksum": "the check digits do not match",
    "length": "it has the wrong number of characters",
    "format": "it is not written in the expected form",
    "country": "its country prefix is unknown",
}

# party key -> the Odoo field a user fixes (res.partner, res.partner.bank)
FIELDS = {
    "name": "name",
    "country": "country_id",
    "vat": "vat",
    "company_registry": "company_registry",
    "street": "street",
    "zip": "zip",
    "city": "city",
    "email": "email",
    "iban": "acc_number",
    "bic": "bank_bic",
    "peppol_scheme": "peppol_eas",
    "peppol_endpoint": "peppol_endpoint",
}
_KEY_OF_FIELD = {odoo_field: key for key, odoo_field in FIELDS.items()}

ROLES = ("seller", "buyer")
CHANNELS = (None, "email", "peppol", "accountant")

# VAT prefixes python-stdnum checks, mapped to the one VIES uses (Greece is EL).
EU_VAT_PREFIXES = {code.upper(): code.upper() for code in eu_vat.MEMBER_STATES}
EU_VAT_PREFIXES.update({"GR": "EL", "EL": "EL"})

# Places without postal codes, where an address is complete without one.
_WITHOUT_POSTCODES = frozenset({"AE", "HK", "MO", "QA"})
_POSTCODES = {
    # country: (check, how one is written)
    "BE": (re.compile(r"[1-9][0-9]{3}").fullmatch, "1000"),
    "NL": (nl_postcode.is_valid, "1234 AB"),
}
_PEPPOL_ENDPOINTS = {
    # EAS: (form, check digits or None, how an endpoint is written); other schemes
    # only need a value.
    "0208": (r"[01][0-9]{9}", be_vat.is_valid, "0123456749"),
    "9925": (r"(?:BE)?[01][0-9]{9}", be_vat.is_valid, "BE0123456749"),
    "0106": (r"[0-9]{8}", None, "12345678"),
    "0190": (r"[0-9]{20}", None, "00000001234567890000"),
    "9944": (r"(?:NL)?[0-9]{9}B[0-9]{2}", nl_vat.is_valid, "NL123456782B01"),
}
_SEPARATORS = re.compile(r"[\s.\-/]")
_OIN = re.compile(r"[0-9]{20}")


def _text(value) -> str:
    """A field value as stripped text; Odoo's False and None are empty."""
    return str(value).strip() if value not in (None, False) else ""


def _problem(field, code, /, blocking=True, **params) -> Problem:
    """A Problem whose message is MESSAGES[code] filled from `params`."""
    values = {**params, "reason": REASONS.get(params.get("reason"), "")}
    return Problem(field, code, MESSAGES[code].format_map(values), blocking, params)


def _marked(problems, blocking) -> list[Problem]:
    """`problems` with `blocking` set to the given value."""
    return [dataclasses.replace(p, blocking=blocking) for p in problems]


def _stdnum_reason(error) -> str:
    """The REASONS key for a python-stdnum validation error."""
    if isinstance(error, stdnum_errors.InvalidChecksum):
        return "checksum"
    if isinstance(error, stdnum_errors.InvalidLength):
        return "length"
    if isinstance(error, stdnum_errors.InvalidComponent):
        return "country"
    return "format"


def _schwifty_reason(error) -> str:
    """The REASONS key for a schwifty validation error."""
    if isinstance(
        error, iban_errors.InvalidChecksumDigits | iban_errors.InvalidBBANChecksum
    ):
        return "checksum"
    if isinstance(error, iban_errors.InvalidLength):
        return "length"
    if isinstance(error, iban_errors.InvalidCountryCode):
        return "country"
    return "format"


# VAT ------------------------------------------------------------------------------


def _vat_candidate(vat, country):
    """The number with its EU prefix (its own, else the party's country's), or None
    when neither is an EU member state."""
    compact = _SEPARATORS.sub("", _text(vat)).upper()
    if not compact:
        return None
    if compact[:2] in EU_VAT_PREFIXES:
        return compact
    prefix = EU_VAT_PREFIXES.get(_text(country).upper())
    return prefix + compact if prefix else None


def _vat_reason(candidate):
    """Why an EU VAT number (with prefix) is not valid, as a REASONS key, or None."""
    try:
        number = eu_vat.validate(candidate)
    except stdnum_errors.ValidationError as error:
        return _stdnum_reason(error)
    # Belgian numbers start with 0, or with 1 since 2023; stdnum checks only mod 97.
    if number.startswith("BE") and number[2] not in "01":
        return "format"
    return None


def normalise_vat(vat, country=None):
    """The valid EU VAT number in compact form with its VIES prefix (``BE0403170701``),
    or None: invalid, empty, or not an EU number."""
    candidate = _vat_candidate(vat, country)
    if candidate is None or _vat_reason(candidate):
        return None
    number = eu_vat.compact(candidate)
    return EU_VAT_PREFIXES[number[:2]] + number[2:]


def check_vat(vat, country=None) -> list[Problem]:
    """An EU VAT number, prefixed or written bare for a party in `country` (ISO code);
    numbers outside the EU are not checked."""
    text = _text(vat)
    if not text:
        return [_problem("vat", "vat_missing")]
    candidate = _vat_candidate(text, country)
    if candidate is None:
        return []
    reason = _vat_reason(candidate)
    if reason:
        return [
            _problem(
                "vat", "vat_invalid", vat=text, country=candidate[:2], reason=reason
            )
        ]
    return []


# Company registers ----------------------------------------------------------------


def _kbo_reason(digits):
    """Why compact `digits` are not an enterprise number (REASONS key), or None."""
    if not re.fullmatch(r"[0-9]+", digits):
        return "format"
    if len(digits) not in (9, 10):  # 9: written without its leading 0, as before 2005
        return "length"
    digits = digits.zfill(10)
    if digits[0] not in "01":
        return "format"
    return None if be_vat.is_valid(digits) else "checksum"


def check_kbo(number, vat=None) -> list[Problem]:
    """A Belgian enterprise number (``0403.170.701``; 9 or 10 digits, mod 97); it must
    be the number of `vat` when that is a Belgian VAT number (bare digits count)."""
    text = _text(number)
    if not text:
        return [_problem("company_registry", "kbo_missing")]
    digits = _SEPARATORS.sub("", text).upper().removeprefix("BE")
    reason = _kbo_reason(digits)
    if reason:
        return [_problem("company_registry", "kbo_invalid", number=text, reason=reason)]
    belgian_vat = normalise_vat(vat, "BE") or ""
    if belgian_vat.startswith("BE") and belgian_vat[2:] != digits.zfill(10):
        return [
            _problem(
                "company_registry", "kbo_vat_mismatch", number=text, vat=_text(vat)
            )
        ]
    return []


def check_kvk(number) -> list[Problem]:
    """A Dutch KvK number: exactly 8 digits (no check digit since 2016). A 12-digit
    establishment number is refused with its own code."""
    text = _text(number)
    if not text:
        return [_problem("company_registry", "kvk_missing")]
    digits = _SEPARATORS.sub("", text)
    if re.fullmatch(r"[0-9]{12}", digits):
        return [_problem("company_registry", "kvk_establishment_number", number=text)]
    if not re.fullmatch(r"[0-9]{8}", digits):
        return [_problem("company_registry", "kvk_invalid", number=text)]
    return []


# Bank -----------------------------------------------------------------------------

# Countries whose national check digits (inside the BBAN) schwifty verifies reliably.
_NATIONAL_CHECK = frozenset({"BE"})
# Countries whose bank codes schwifty maps to the banks' BICs, one BIC a bank.
_BIC_OF_BANK = frozenset({"BE", "NL"})


def _bank_bics(account):
    """The BIC8s schwifty knows for the bank of a BE or NL IBAN (empty if unknown)."""
    if account.country_code not in _BIC_OF_BANK:
        return set()
    try:
        candidates = BIC.candidates_from_bank_code(
            account.country_code, account.bank_code
        )
    except iban_errors.SchwiftyException:
        return set()
    return {bic.compact[:8] for bic in candidates}


def check_bank(iban, bic=None) -> list[Problem]:
    """An IBAN (length and check digits per country, Belgian national check), a BIC's
    form, and for BE/NL IBANs that the BIC is the bank's when schwifty knows it."""
    problems, account, iban_text, bic_text = [], None, _text(iban), _text(bic)
    if not iban_text:
        problems.append(_problem("acc_number", "iban_missing"))
    else:
        national = iban_text[:2].upper() in _NATIONAL_CHECK
        try:
            account = IBAN(iban_text, validate_bban=national)
        except iban_errors.SchwiftyException as error:
            reason = _schwifty_reason(error)
            problems.append(
                _problem("acc_number", "iban_invalid", iban=iban_text, reason=reason)
            )
    if not bic_text:
        return problems
    try:
        bank_bic = BIC(bic_text)
    except iban_errors.SchwiftyException as error:
        reason = _schwifty_reason(error)
        return [
            *problems,
            _problem("bank_bic", "bic_invalid", bic=bic_text, reason=reason),
        ]
    expected = _bank_bics(account) if account is not None else set()
    if expected and bank_bic.compact[:8] not in expected:
        problems.append(
            _problem(
                "bank_bic",
                "iban_bic_mismatch",
                bic=bic_text,
                iban=iban_text,
                expected=", ".join(sorted(expected)),
            )
        )
    return problems


# Address and contact --------------------------------------------------------------


def check_address(street, zip_code, city, country) -> list[Problem]:
    """Street, postal code, city and country (ISO code) present; the postal code in the
    Belgian (4 digits, 1000-9999) or Dutch (``1234 AB``) form."""
    country = _text(country).upper()
    zip_text = _text(zip_code)
    problems = []
    if not _text(street):
        problems.append(_problem("street", "street_missing"))
    if not zip_text:
        if country not in _WITHOUT_POSTCODES:
            problems.append(_problem("zip", "zip_missing"))
    elif country in _POSTCODES:
        is_valid, example = _POSTCODES[country]
        if not is_valid(zip_text):
            problems.append(
                _problem(
                    "zip", "zip_invalid", zip=zip_text, country=country, example=example
                )
            )
    if not _text(city):
        problems.append(_problem("city", "city_missing"))
    if not country:
        problems.append(_problem("country_id", "country_missing"))
    return problems


def check_email(value) -> list[Problem]:
    """One or more e-mail addresses (separated by ``;`` or ``,``), each one valid."""
    invalid = email_addresses.problems(_text(value))
    if invalid:
        return [_problem("email", "email_invalid", email="; ".join(invalid))]
    if not email_addresses.split(_text(value)):
        return [_problem("email", "email_missing")]
    return []


def check_peppol_endpoint(scheme, endpoint) -> list[Problem]:
    """A Peppol address: a 4-digit EAS and an endpoint in that scheme's form (KBO, BE
    VAT, KvK, OIN, NL VAT are checked; other schemes only need a value)."""
    scheme, endpoint = _text(scheme), _text(endpoint)
    problems = []
    if not scheme:
        problems.append(_problem("peppol_eas", "peppol_eas_missing"))
    elif not re.fullmatch(r"[0-9]{4}", scheme):
        problems.append(_problem("peppol_eas", "peppol_eas_invalid", scheme=scheme))
    if not endpoint:
        problems.append(_problem("peppol_endpoint", "peppol_endpoint_missing"))
    elif scheme in _PEPPOL_ENDPOINTS:
        # Not normalised: the endpoint is looked up in the SMP exactly as written.
        form, check_digits, example = _PEPPOL_ENDPOINTS[scheme]
        well_formed = re.fullmatch(form, endpoint, re.IGNORECASE)
        if not well_formed or (check_digits and not check_digits(endpoint)):
            problems.append(
                _problem(
                    "peppol_endpoint",
                    "peppol_endpoint_invalid",
                    endpoint=endpoint,
                    scheme=scheme,
                    example=example,
                )
            )
    return problems


# A party --------------------------------------------------------------------------


def _register_problems(country, registry, vat):
    """The enterprise number of a Belgian party, the KvK number of a Dutch one (a Dutch
    public body may give its 20-digit OIN instead, NLCIUS BR-NL-1)."""
    if country == "BE":
        return check_kbo(registry, vat)
    if country == "NL" and not _OIN.fullmatch(_SEPARATORS.sub("", registry)):
        return check_kvk(registry)
    return []


def _seller_identity(value, country):
    """VAT number and company register of the seller: all of them blocking."""
    vat, registry = value("vat"), value("company_registry")
    problems = check_vat(vat, country)
    belgian_vat = (normalise_vat(vat, "BE") or "").startswith("BE")
    if country == "BE" and not registry and belgian_vat:
        return problems  # the enterprise number is the VAT number's digits
    return problems + _register_problems(country, registry, vat)


def _buyer_identity(value, country, is_company, needs_buyer_vat):
    """VAT number and register of the buyer: a company's wrong VAT number blocks, a
    missing one only when the law asks for it (reverse charge, intra-EU)."""
    vat, registry = value("vat"), value("company_registry")
    if vat:
        problems = _marked(check_vat(vat, country), is_company or needs_buyer_vat)
    elif needs_buyer_vat:
        problems = [_problem("vat", "vat_missing")]
    elif is_company and country in EU_VAT_PREFIXES:
        problems = [_problem("vat", "vat_missing", blocking=False)]
    else:
        problems = []
    if is_company and registry:
        problems += _marked(_register_problems(country, registry, vat), False)
    return problems


def _contact(value, role, channel):
    """E-mail and Peppol address: blocking where the channel needs them, otherwise
    warnings when given but wrong."""
    email, endpoint = value("email"), value("peppol_endpoint")
    problems = []
    if channel == "email" and role == "buyer":
        problems += check_email(email)
    elif email:
        problems += _marked(check_email(email), False)
    if channel == "peppol":
        problems += check_peppol_endpoint(value("peppol_scheme"), endpoint)
    elif endpoint:
        peppol = check_peppol_endpoint(value("peppol_scheme"), endpoint)
        problems += _marked(peppol, False)
    return problems


def _bank(value, role):
    """Bank details, when given: the seller's IBAN is where the customer pays, so a
    wrong one blocks; a BIC is no longer needed for a SEPA payment."""
    if not value("iban"):
        return []
    return [
        dataclasses.replace(p, blocking=role == "seller" and p.code == "iban_invalid")
        for p in check_bank(value("iban"), value("bic"))
    ]


def _require_targets(problems, value, target_fields):
    """Fields the accountant's software requires: a missing one blocks (an existing
    `*_missing` problem of that field becomes blocking rather than repeated)."""
    problems = list(problems)
    for name in target_fields:
        key = _KEY_OF_FIELD.get(name, name)
        field = FIELDS.get(key, name)
        if value(key):
            continue
        known = [
            i
            for i, p in enumerate(problems)
            if p.field == field and p.code.endswith("_missing")
        ]
        for i in known:
            problems[i] = dataclasses.replace(problems[i], blocking=True)
        if not known:
            problems.append(_problem(field, "field_required", field=field))
    return problems


def check_party(
    party, *, role, channel=None, target_fields=(), needs_buyer_vat=False
) -> list[Problem]:
    """All problems of a party (a dict: name, is_company, country, vat,
    company_registry, street, zip, city, email, iban, bic, peppol_scheme,
    peppol_endpoint) as seller or buyer of an invoice sent by `channel`.

    `target_fields` are the fields (Odoo names or party keys) an accountant's import
    requires; `needs_buyer_vat` says the law requires the buyer's VAT number."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}, not {channel!r}")

    def value(key):
        return _text(party.get(key))

    country = value("country").upper()
    problems = [] if value("name") else [_problem("name", "name_missing")]
    # Both parties' addresses are on the invoice by law (see the module docstring).
    problems += check_address(value("street"), value("zip"), value("city"), country)
    if role == "seller":
        problems += _seller_identity(value, country)
    else:
        is_company = bool(party.get("is_company"))
        problems += _buyer_identity(value, country, is_company, needs_buyer_vat)
    problems += _contact(value, role, channel)
    problems += _bank(value, role)
    return _require_targets(problems, value, target_fields)
