"""The channel a customer document travels by, and why, as the law decides it.

Belgium: since 1 January 2026 an enterprise established in Belgium invoices its
Belgian VAT-registered business customers with a structured e-invoice (law of
6 February 2024 amending the VAT Code, and its implementing royal decree).
Peppol BIS Billing 3.0 is the channel everyone can be reached by; another structured
channel only when both parties agreed on it. Consumers, and businesses without a
Belgian VAT number, may still get a PDF by e-mail or a letter.

The Netherlands: the Dutch government receives its invoices as e-invoices over Peppol
(Besluit elektronisch factureren); it is addressed by its OIN, Peppol scheme 0190.
A Dutch customer, or any other, that is registered on Peppol gets its invoices there.

:func:`choose` takes what is known of the customer (:class:`Customer`) and returns a
:class:`Choice`: the channels, the reason as a stable code with its values (the Odoo
side turns it into a sentence in the user's language), and, when the law wants Peppol
but the invoice cannot go there, the problem to solve. :func:`lookup_due` says when the
customer's Peppol registration is worth looking up again.
"""

import dataclasses
import re
from datetime import date, datetime, timedelta

PEPPOL = "peppol"
EMAIL = "email"
# Peppol's scheme of the Dutch government's Organisatie-identificatienummer.
OIN_SCHEME = "0190"

# Obligations: who must get its invoices over Peppol.
BE_B2B = "be_b2b"
NL_GOVERNMENT = "nl_government"

# Reasons: why these channels (codes; the values they name are in Choice.params).
REASONS = {
    "be_b2b": "Belgian business customer with VAT {vat}",
    "be_b2b_not_on_peppol": "Belgian business customer with VAT {vat}, not on Peppol",
    "nl_government": "Dutch government (OIN {endpoint})",
    "nl_government_not_on_peppol": "Dutch government (OIN {endpoint}), not on Peppol",
    "nl_on_peppol": "Dutch customer registered on Peppol",
    "on_peppol": "customer registered on Peppol",
    "business": "business customer not on Peppol",
    "consumer": "consumer",
    "chosen": "chosen on the customer",
}
# Problems: why an invoice the law wants on Peppol cannot go there, and what to do.
PROBLEMS = {
    "no_address": "It has no Peppol address: fill in its Peppol ID, or ask it for it.",
    "not_found": "It is not found on Peppol (checked on {checked_on}): ask it for "
    "its Peppol address, or to register on Peppol.",
    "wrong_format": "It is on Peppol but does not receive this e-invoice format "
    "(checked on {checked_on}): ask it which format it receives.",
    "not_checked": "It is not known yet whether it is on Peppol: check its Peppol "
    "address.",
    "chosen_other": "It is on Peppol, but another channel is chosen: choose Peppol, "
    "unless you both agreed on another structured channel.",
}
# The states Odoo keeps of a Peppol look-up (account_peppol).
VALID, NOT_VALID, WRONG_FORMAT, NOT_VERIFIED = (
    "valid",
    "not_valid",
    "not_valid_format",
    "not_verified",
)


@dataclasses.dataclass(frozen=True)
class Customer:
    """What the choice needs of a customer (its commercial entity).

    `peppol_state` is the last answer of the Peppol directory for `peppol_scheme`:
    `peppol_endpoint` (None: never asked), `checked_on` its day; `unreachable` says the
    latest look-up could not reach the directory, so that answer is older. `chosen` is
    the sending method chosen on the customer (None: none), `also_email` its wish to
    get its invoices by e-mail too."""

    is_business: bool
    country: str | None = None
    vat: str | None = None
    peppol_scheme: str | None = None
    peppol_endpoint: str | None = None
    peppol_state: str | None = None
    checked_on: date | None = None
    unreachable: bool = False
    chosen: str | None = None
    also_email: bool = False


@dataclasses.dataclass(frozen=True)
class Choice:
    """`methods`: the channels, the main one first. `reason` (a key of
    :data:`REASONS`) with `params`; `obligation` (BE_B2B, NL_GOVERNMENT or None) the
    law that wants Peppol, and `problem` (a key of :data:`PROBLEMS`, or None) why the
    invoice does not go there as it should; `unreachable`: the Peppol answer used is
    an older one, the directory could not be reached at the latest look-up."""

    methods: tuple
    reason: str
    params: dict = dataclasses.field(default_factory=dict)
    obligation: str | None = None
    problem: str | None = None
    unreachable: bool = False

    @property
    def also_email(self):
        """E-mail on top of the main channel (the customer asked for it)."""
        return len(self.methods) > 1 and EMAIL in self.methods[1:]

    def message(self):
        """The reason in plain English (the Odoo side says it in the user's
        language)."""
        return REASONS[self.reason].format(**self.params)


def compact_vat(vat):
    """A VAT number without spaces, dots or dashes, upper case."""
    return re.sub(r"[^0-9A-Z]", "", (vat or "").upper())


def belgian_vat(customer):
    """The customer's Belgian VAT number (``BE0123456789``), or None: a number with
    the BE prefix, or ten digits written bare for a customer in Belgium."""
    vat = compact_vat(customer.vat)
    if vat.startswith("BE") and vat[2:].isdigit():
        return vat
    if vat.isdigit() and customer.country == "BE" and len(vat) in (9, 10):
        return "BE" + vat.zfill(10)
    return None


def obligation(company_country, customer):
    """The law that wants this customer's invoices on Peppol, or None."""
    if customer.peppol_scheme == OIN_SCHEME:
        return NL_GOVERNMENT
    if company_country == "BE" and customer.is_business and belgian_vat(customer):
        return BE_B2B
    return None


def _problem(customer):
    """Why a customer is not (known to be) reachable on Peppol, or None."""
    if not (customer.peppol_scheme and customer.peppol_endpoint):
        return "no_address"
    return {
        VALID: None,
        NOT_VALID: "not_found",
        WRONG_FORMAT: "wrong_format",
    }.get(customer.peppol_state, "not_checked")


def choose(company_country, customer):
    """The channels of `customer`'s invoices from a company in `company_country`
    (ISO code), and why.

    A channel chosen on the customer wins, except Peppol while the customer cannot
    be reached there (Odoo cannot send it): then the rule decides. The rule: Peppol
    when the law wants it (Belgian VAT-registered businesses of a Belgian company,
    the Dutch government) or the customer is registered on Peppol; else e-mail. A
    customer that asks for it gets e-mail as well."""
    law = obligation(company_country, customer)
    problem = _problem(customer)
    on_peppol = problem is None
    if law == BE_B2B:
        params = {"vat": belgian_vat(customer)}
        reason = "be_b2b" if on_peppol else "be_b2b_not_on_peppol"
    elif law == NL_GOVERNMENT:
        params = {"endpoint": customer.peppol_endpoint}
        reason = "nl_government" if on_peppol else "nl_government_not_on_peppol"
    elif on_peppol:
        params = {}
        reason = "nl_on_peppol" if customer.country == "NL" else "on_peppol"
    else:
        params = {}
        reason = "business" if customer.is_business else "consumer"
    main = PEPPOL if on_peppol else EMAIL
    if customer.chosen and customer.chosen != main and customer.chosen != PEPPOL:
        # The customer's own choice (e-mail while on Peppol, a letter, ...).
        main, reason, params = customer.chosen, "chosen", {}
        if law and on_peppol:
            problem = "chosen_other"
    methods = (main,)
    if customer.also_email and main != EMAIL:
        methods += (EMAIL,)
    return Choice(
        methods=methods,
        reason=reason,
        params=params,
        obligation=law,
        problem=problem if law else None,
        unreachable=customer.unreachable,
    )


def lookup_due(
    checked_on,
    failed_at,
    now,
    max_age_days,
    retry_after=timedelta(hours=1),
):
    """Whether a customer's Peppol registration should be looked up now (`now`, a
    datetime): never checked, or last checked (`checked_on`, a date) `max_age_days`
    or more days ago; but not within `retry_after` of a look-up that could not
    reach the directory (`failed_at`, a datetime), so that a network that is down
    costs one wait, not one per dialog."""
    if failed_at and now - failed_at < retry_after:
        return False
    if not checked_on:
        return True
    today = now.date() if isinstance(now, datetime) else now
    return (today - checked_on).days >= max_age_days
