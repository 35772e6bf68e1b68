# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# A customer's Peppol registration as account_peppol looks it up (SML/SMP), kept with
# the day of the check, asked again at most once per N days, and never lost to a
# network that is down; the channel its invoices take by law (lib/peppol_channel.py).
# pylint: disable=consider-merging-classes-inherited
import logging

from lxml import etree

from odoo import api, fields, models
from odoo.tools.misc import format_date

from ..lib import peppol_channel
from .access import BILLING, require_group

_logger = logging.getLogger(__name__)

CHECK_DAYS_PARAMETER = "l10n_be_nl_einvoice.peppol_check_days"
CHECK_DAYS = 7
# A participant that is always in the Peppol directory: asked when a customer is not
# found, to tell "not registered" from "the directory cannot be reached". Every
# Belgian enterprise is listed there (account_peppol: pre-registered on Hermes); this
# one is the National Bank of Belgium.
PROBE_PARAMETER = "l10n_be_nl_einvoice.peppol_probe_participant"
PROBE_PARTICIPANT = "0208:0203201340"
# Customers looked up when the list's Send dialog opens; the others wait for the
# scheduled check.
DIALOG_LOOKUPS = 10


def channel_messages(env):
    """Reason and problem codes of `peppol_channel` -> their sentences in the user's
    language (the values as `peppol_channel.Choice.params` names them)."""
    return {
        "be_b2b": env._("Belgian business customer with VAT %(vat)s"),
        "be_b2b_not_on_peppol": env._(
            "Belgian business customer with VAT %(vat)s, not on Peppol"
        ),
        "nl_government": env._("Dutch government (OIN %(endpoint)s)"),
        "nl_government_not_on_peppol": env._(
            "Dutch government (OIN %(endpoint)s), not on Peppol"
        ),
        "nl_on_peppol": env._("Dutch customer registered on Peppol"),
        "on_peppol": env._("customer registered on Peppol"),
        "business": env._("business customer not on Peppol"),
        "consumer": env._("consumer"),
        "chosen": env._("chosen on the customer"),
        # What the law wants, and what to do.
        "obligation_be_b2b": env._(
            "%(customer)s is a Belgian business: its invoices must go over Peppol "
            "since 1 January 2026."
        ),
        "obligation_nl_government": env._(
            "%(customer)s is a Dutch government body: it receives its invoices over "
            "Peppol."
        ),
        "no_address": env._(
            "It has no Peppol address: fill in its Peppol ID, or ask it for it."
        ),
        "not_found": env._(
            "It is not found on Peppol (checked on %(checked_on)s): ask it for its "
            "Peppol address, or to register on Peppol."
        ),
        "wrong_format": env._(
            "It is on Peppol but does not receive this e-invoice format (checked on "
            "%(checked_on)s): ask it which format it receives."
        ),
        "not_checked": env._(
            "It is not known yet whether it is on Peppol: check its Peppol address."
        ),
        "chosen_other": env._(
            "It is on Peppol, but another channel is chosen: choose Peppol, unless "
            "you both agreed on another structured channel."
        ),
        "unreachable": env._(
            "Peppol could not be checked now: last known state from %(checked_on)s."
        ),
        "unreachable_never": env._(
            "Peppol could not be checked now, and never was before."
        ),
    }


class ResPartner(models.Model):
    _inherit = "res.partner"

    einvoice_also_email = fields.Boolean(
        string="Also send by e-mail",
        company_dependent=True,
        help="E-mail this customer's invoices (PDF and UBL) in addition to the "
        "channel they travel by, such as Peppol. Per company, like the invoice "
        "sending method it adds to: each of your companies agrees on it with the "
        "customer.",
    )
    einvoice_peppol_checked_on = fields.Date(
        string="Peppol checked on",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="When the Peppol directory last answered for this customer's Peppol "
        "address.",
    )
    einvoice_peppol_checked_id = fields.Char(
        string="Peppol address checked",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="The Peppol address and e-invoice format the last answer was about.",
    )
    einvoice_peppol_unreachable_on = fields.Datetime(
        string="Peppol unreachable at",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="When the latest look-up could not reach the Peppol directory; the "
        "state shown is the one known before.",
    )

    # -- the look-up -------------------------------------------------------------------

    @api.model
    def _get_peppol_verification_state(
        self, peppol_endpoint, peppol_eas, invoice_edi_format
    ):
        # EXTENDS account_peppol (checked on Odoo 18.0). Asked about an address alone
        # (the Send dialog's checks and alerts, the sending itself), it answers what
        # the last look-up of a customer learnt for that address, and asks the
        # directory only about an address never looked up: no look-up per dialog or
        # per invoice of a batch. Asked on one partner (its Verify, a check after its
        # address changed, the dialog's and scheduled refresh), it looks up; a
        # directory that cannot be reached keeps what was known.
        if len(self) != 1:
            kept = self._einvoice_peppol_kept(
                peppol_endpoint, peppol_eas, invoice_edi_format
            )
            if kept:
                return kept
            return super()._get_peppol_verification_state(
                peppol_endpoint, peppol_eas, invoice_edi_format
            )
        state = super()._get_peppol_verification_state(
            peppol_endpoint, peppol_eas, invoice_edi_format
        )
        key = f"{peppol_eas}:{peppol_endpoint} {invoice_edi_format}"
        # sudo: the answers of the directory are the system's (read-only fields),
        # also for the users who send and may not edit contacts.
        partner = self.sudo()
        if state == peppol_channel.NOT_VALID and not self._einvoice_peppol_reachable():
            _logger.info("Peppol directory unreachable, %s keeps its state", key)
            partner.einvoice_peppol_unreachable_on = fields.Datetime.now()
            if partner.einvoice_peppol_checked_id not in (False, key):
                return False  # what was known is about another address
            return partner.peppol_verification_state
        if state != peppol_channel.NOT_VERIFIED:
            partner.write(
                {
                    "einvoice_peppol_checked_on": fields.Date.context_today(self),
                    "einvoice_peppol_checked_id": key,
                    "einvoice_peppol_unreachable_on": False,
                }
            )
        return state

    @api.model
    def _einvoice_peppol_kept(self, peppol_endpoint, peppol_eas, invoice_edi_format):
        """The state the last look-up of a partner found for this address and format
        (for the current company), or None."""
        if not (peppol_endpoint and peppol_eas):
            return None
        key = f"{peppol_eas}:{peppol_endpoint} {invoice_edi_format}"
        # sudo: a fact about an address, whoever's partner it was learnt on. Found
        # by the plain columns first: the key is per company (jsonb).
        partners = self.sudo().search(
            [
                ("peppol_endpoint", "=", peppol_endpoint),
                ("peppol_eas", "=", peppol_eas),
            ],
            order="id desc",
        )
        partner = partners.filtered(lambda p: p.einvoice_peppol_checked_id == key)[:1]
        return partner.peppol_verification_state or None

    @api.model
    def _einvoice_peppol_reachable(self):
        """Whether the Peppol directory answers now: it knows the probe participant
        (system parameter, else a Belgian enterprise that is always listed)."""
        if self.env.company._get_peppol_edi_mode() == "demo":
            return True
        probe = (
            self.env["ir.config_parameter"].sudo().get_param(PROBE_PARAMETER)
            or PROBE_PARTICIPANT
        )
        try:
            return self._get_participant_info(probe.strip().lower()) is not None
        except (etree.XMLSyntaxError, TypeError, ValueError):
            # Odoo catches the network's errors (None above). An answer that is not
            # a service group (unreadable, or from a stand-in that cannot answer
            # it) is an answer: the directory is reachable, and what it said about
            # the customer stands.
            _logger.warning("Peppol directory probe failed", exc_info=True)
            return True

    def button_account_peppol_check_partner_endpoint(self, company=None, force=False):
        # EXTENDS account_peppol: Odoo checks a customer each time a Send dialog
        # opens; here at most once per N days (system parameter) per address, and
        # not again within the hour after the directory could not be reached.
        # `force`: the user's own Verify. Odoo also makes Peppol the customer's
        # sending method when it finds it there: the method chosen on the customer
        # stays as it was (none: the law and the registration decide, see
        # peppol_channel.choose; another: the customer's choice, which wins).
        self.ensure_one()
        company = company or self.env.company
        partner = self.with_company(company)
        if not force and not partner._einvoice_peppol_lookup_due():
            return False
        chosen = partner.invoice_sending_method
        result = super(
            ResPartner, partner
        ).button_account_peppol_check_partner_endpoint(company=company)
        if partner.invoice_sending_method != chosen:
            # sudo: as Odoo wrote it, also for users who may not edit contacts.
            partner.sudo().invoice_sending_method = chosen
        return result

    def _einvoice_peppol_key(self):
        self.ensure_one()
        return (
            f"{self.peppol_eas}:{self.peppol_endpoint} {self._get_peppol_edi_format()}"
        )

    def _einvoice_peppol_lookup_due(self):
        """Whether this partner's Peppol address is worth looking up now (for the
        current company): see `peppol_channel.lookup_due`."""
        self.ensure_one()
        if self.einvoice_peppol_checked_id != self._einvoice_peppol_key():
            return True  # never looked up, or a new address
        days = int(
            self.env["ir.config_parameter"].sudo().get_param(CHECK_DAYS_PARAMETER)
            or CHECK_DAYS
        )
        return peppol_channel.lookup_due(
            self.einvoice_peppol_checked_on,
            self.einvoice_peppol_unreachable_on,
            fields.Datetime.now(),
            days,
        )

    def _einvoice_peppol_refresh(self, company, limit=None, force=False):
        """Look these partners' Peppol addresses up for `company` where due (all with
        `force`), at most `limit` of them; stop at the first the directory could not
        be reached for. Returns (how many were looked up, whether the directory
        answered each time)."""
        done = 0
        for partner in self.with_company(company):
            if limit is not None and done >= limit:
                break
            if not (partner.peppol_eas and partner.peppol_endpoint):
                continue
            if not force and not partner._einvoice_peppol_lookup_due():
                continue
            before = partner.einvoice_peppol_unreachable_on
            partner.button_account_peppol_check_partner_endpoint(
                company=company, force=True
            )
            done += 1
            after = partner.einvoice_peppol_unreachable_on
            if after and after != before:
                return done, False
        return done, True

    def einvoice_check_peppol(self, force=False):
        """Look these partners up on Peppol (XML-RPC), for the current company: a
        check of the last N days is kept unless `force`. Returns ``[{"id", "state",
        "checked_on", "unreachable"}]``. For billing users and above."""
        require_group(self.env, BILLING, self.env._("Looking customers up on Peppol"))
        partners = self.with_company(self.env.company)
        # sudo: the directory's answers are the system's (Odoo writes the state on
        # the contact), also for users who may not edit contacts.
        partners.sudo()._einvoice_peppol_refresh(self.env.company, force=force)
        return [
            {
                "id": partner.id,
                "state": partner.peppol_verification_state or False,
                "checked_on": fields.Date.to_string(partner.einvoice_peppol_checked_on),
                "unreachable": bool(partner.einvoice_peppol_unreachable_on),
            }
            for partner in partners
        ]

    def action_einvoice_check_peppol(self):
        """The Verify button: look up now."""
        self.einvoice_check_peppol(force=True)
        return True

    @api.model
    def _cron_einvoice_check_peppol(self, limit=100):
        """For each Belgian or Dutch company, look up the customers whose Peppol
        check is due, a few at a time; a directory that cannot be reached ends the
        run (the next one tries again)."""
        companies = self.env["res.company"].search([])
        companies = companies.filtered(
            lambda c: (
                (c.account_fiscal_country_id.code or c.country_id.code) in ("BE", "NL")
            )
        )
        done = remaining = 0
        reached = True
        for company in companies:
            partners = self.with_company(company).search(
                [
                    ("parent_id", "=", False),
                    ("customer_rank", ">", 0),
                    ("peppol_eas", "!=", False),
                    ("peppol_endpoint", "!=", False),
                    ("company_id", "in", [False, company.id]),
                ],
                order="id",
            )
            due = partners.filtered(lambda p: p._einvoice_peppol_lookup_due())
            looked_up = 0
            if reached and done < limit:
                looked_up, reached = due._einvoice_peppol_refresh(
                    company, limit=limit - done
                )
            done += looked_up
            remaining += len(due) - looked_up
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    # -- the channel -------------------------------------------------------------------

    def _einvoice_peppol_customer(self, company, invoice_partner=None):
        """What `peppol_channel.choose` needs of this customer (a commercial partner)
        for `company`; `invoice_partner`: the invoice's contact, whose sending
        method and e-mail wish count as Odoo reads them."""
        self.ensure_one()
        customer = self.with_company(company)
        contact = (invoice_partner or self).with_company(company)
        state = customer.peppol_verification_state or None
        if customer.einvoice_peppol_checked_id and (
            customer.einvoice_peppol_checked_id != customer._einvoice_peppol_key()
        ):
            state = None  # the state known is about another address
        return peppol_channel.Customer(
            is_business=customer.is_company or bool(customer.vat),
            country=customer.country_id.code or None,
            vat=customer.vat or None,
            peppol_scheme=customer.peppol_eas or None,
            peppol_endpoint=customer.peppol_endpoint or None,
            peppol_state=state,
            checked_on=customer.einvoice_peppol_checked_on or None,
            unreachable=bool(customer.einvoice_peppol_unreachable_on),
            chosen=contact.invoice_sending_method or customer.invoice_sending_method,
            also_email=contact.einvoice_also_email or customer.einvoice_also_email,
        )

    def _einvoice_peppol_advice(self, choice, company, problem=None):
        """The warning of a customer the law wants on Peppol: what the law says,
        then why it does not go there and what to do (`problem`: instead of the
        choice's), then whether the directory could be asked now."""
        self.ensure_one()
        messages = channel_messages(self.env)
        checked_on = self.with_company(company).einvoice_peppol_checked_on
        when = format_date(self.env, checked_on) if checked_on else "-"
        problem = problem or choice.problem
        parts = [
            messages[f"obligation_{choice.obligation}"]
            % {"customer": self.display_name},
            messages[problem] % {"checked_on": when},
        ]
        if choice.unreachable:
            parts.append(self._einvoice_peppol_unreachable_note(company))
        return " ".join(parts)

    def _einvoice_peppol_unreachable_note(self, company):
        checked_on = self.with_company(company).einvoice_peppol_checked_on
        messages = channel_messages(self.env)
        if not checked_on:
            return messages["unreachable_never"]
        return messages["unreachable"] % {
            "checked_on": format_date(self.env, checked_on)
        }

    def _einvoice_peppol_problems(self, company):
        """For the data-quality list: a Belgian business customer of a Belgian
        company that is not (known to be) reachable on Peppol, as a warning with
        the advice of the Send dialog; an address never checked is no problem
        yet (the scheduled check will tell)."""
        self.ensure_one()
        country = company.account_fiscal_country_id.code or company.country_id.code
        choice = peppol_channel.choose(country, self._einvoice_peppol_customer(company))
        if choice.obligation != peppol_channel.BE_B2B or choice.problem not in (
            "no_address",
            "not_found",
            "wrong_format",
        ):
            return []
        field = "peppol_endpoint"
        return [
            {
                "model": self._name,
                "res_id": self.id,
                "record": self.display_name,
                "field": field,
                "field_label": self._fields[field].get_description(self.env)["string"],
                "code": f"peppol_required_{choice.problem}",
                "message": self._einvoice_peppol_advice(choice, company),
                "blocking": False,
            }
        ]
