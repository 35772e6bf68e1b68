# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The master data of customers and companies: checked before posting and sending,
# listed on the "Data quality" screen, and optionally looked up in VIES.
# pylint: disable=consider-merging-classes-inherited
import logging
import re
from datetime import timedelta

from odoo import _, api, fields, models

from ..lib import master_data, vies
from .access import BILLING, MANAGER, require_group

_logger = logging.getLogger(__name__)

# A VIES answer is trusted this long before it is asked again.
VIES_CACHE = timedelta(days=30)
VIES_URL_PARAMETER = "l10n_be_nl_einvoice.vies_url"


def _compact_vat(vat):
    """A VAT number as VIES reads it: no spaces, dots or dashes."""
    return re.sub(r"[^0-9A-Z]", "", (vat or "").upper())


def _messages(env):
    """Problem code -> its sentence in the user's language, with the parameters
    `master_data` gives (the values found, a reason)."""
    return {
        "name_missing": env._("the name is missing"),
        "vat_missing": env._("the VAT number is missing"),
        "vat_invalid": env._(
            "%(vat)s is not a valid %(country)s VAT number: %(reason)s"
        ),
        "kbo_missing": env._("the enterprise number (KBO/BCE) is missing"),
        "kbo_invalid": env._(
            "%(number)s is not a valid enterprise number (KBO/BCE): %(reason)s"
        ),
        "kbo_vat_mismatch": env._(
            "the enterprise number %(number)s and the VAT number %(vat)s are not "
            "the same number"
        ),
        "kvk_missing": env._("the KvK number is missing"),
        "kvk_invalid": env._("%(number)s is not a KvK number (8 digits)"),
        "kvk_establishment_number": env._(
            "%(number)s is an establishment number: the 8-digit KvK number is asked for"
        ),
        "iban_missing": env._("the IBAN is missing"),
        "iban_invalid": env._("%(iban)s is not a valid IBAN: %(reason)s"),
        "bic_invalid": env._("%(bic)s is not a valid BIC: %(reason)s"),
        "iban_bic_mismatch": env._(
            "the BIC %(bic)s is not the one of the bank of %(iban)s (%(expected)s)"
        ),
        "street_missing": env._("the street is missing"),
        "zip_missing": env._("the postcode is missing"),
        "zip_invalid": env._(
            "%(zip)s is not a postcode of %(country)s (written like %(example)s)"
        ),
        "city_missing": env._("the city is missing"),
        "country_missing": env._("the country is missing"),
        "email_missing": env._("no e-mail address to send invoices to"),
        "email_invalid": env._("%(email)s is not an e-mail address"),
        "peppol_eas_missing": env._("the Peppol scheme (EAS) is missing"),
        "peppol_eas_invalid": env._(
            "%(scheme)s is not a Peppol scheme (EAS, 4 digits)"
        ),
        "peppol_endpoint_missing": env._("the Peppol address is missing"),
        "peppol_endpoint_invalid": env._(
            "%(endpoint)s is not a valid Peppol address for scheme %(scheme)s "
            "(written like %(example)s)"
        ),
        "field_required": env._("it is required by the accountant's software"),
        "vies_invalid": env._("VIES does not know the VAT number %(vat)s"),
    }


def _reasons(env):
    return {
        "checksum": env._("the check digits do not match"),
        "length": env._("it has the wrong number of characters"),
        "format": env._("it is not written in the expected form"),
        "country": env._("its country prefix is unknown"),
    }


class ResPartner(models.Model):
    _inherit = "res.partner"

    einvoice_data_problems = fields.Text(
        string="Data problems",
        compute="_compute_einvoice_data_problems",
        help="What is missing or wrong in this party's data for invoicing; "
        "blocking problems stop posting or sending.",
    )
    einvoice_vies_state = fields.Selection(
        [
            ("valid", "Valid"),
            ("invalid", "Unknown to VIES"),
            ("unavailable", "VIES unavailable"),
        ],
        string="VIES check",
        readonly=True,
        copy=False,
    )
    einvoice_vies_checked_on = fields.Date(
        string="VIES checked on", readonly=True, copy=False
    )
    einvoice_vies_name = fields.Char(string="Name in VIES", readonly=True, copy=False)

    def write(self, vals):
        renumbered = self.browse()
        if "vat" in vals and "einvoice_vies_state" not in vals:
            renumbered = self.filtered(
                lambda p: (
                    p.einvoice_vies_state
                    and _compact_vat(p.vat) != _compact_vat(vals["vat"])
                )
            )
        result = super().write(vals)
        if renumbered:
            # A VIES answer is about the number that was asked: a new number has
            # none yet, and the 30-day memory must not answer for it. Written by
            # the system, like every VIES answer (the fields are read-only).
            renumbered.sudo().write(
                {
                    "einvoice_vies_state": False,
                    "einvoice_vies_checked_on": False,
                    "einvoice_vies_name": False,
                }
            )
        return result

    # -- checks ----------------------------------------------------------------------

    @api.model
    def _einvoice_party(self, partner, company=None, bank=None, email=None):
        """The plain data `master_data` checks, from a partner (and a company's
        registration and bank account)."""
        bank = bank or (company and company.partner_id.bank_ids[:1])
        return {
            "name": partner.name,
            "is_company": partner.is_company or bool(company),
            "country": partner.country_id.code,
            "vat": partner.vat,
            "company_registry": (company or partner).company_registry,
            "street": partner.street,
            "zip": partner.zip,
            "city": partner.city,
            "email": email if email is not None else partner.email,
            "iban": bank.acc_number if bank else None,
            "bic": bank.bank_bic if bank else None,
            "peppol_scheme": partner.peppol_eas,
            "peppol_endpoint": partner.peppol_endpoint,
        }

    @api.model
    def _einvoice_party_problems(
        self,
        partner,
        role,
        channel=None,
        company=None,
        bank=None,
        needs_buyer_vat=False,
        email=None,
        target_fields=(),
    ):
        """The problems of `partner` as seller (of `company`) or buyer, each
        ``{"model", "res_id", "record", "field", "field_label", "code", "message",
        "blocking"}``: the record and field to fix."""
        party = self._einvoice_party(partner, company, bank, email)
        found = master_data.check_party(
            party,
            role=role,
            channel=channel,
            target_fields=target_fields,
            needs_buyer_vat=needs_buyer_vat,
        )
        if role == "buyer" and partner.einvoice_vies_state == "invalid":
            found.append(
                master_data.Problem(
                    "vat",
                    "vies_invalid",
                    "unknown to VIES",
                    False,
                    {"vat": partner.vat},
                )
            )
        messages, reasons = _messages(self.env), _reasons(self.env)
        problems = []
        for problem in found:
            record, field = self._einvoice_problem_target(
                partner, company, bank, problem.field
            )
            label = (
                record._fields[field].get_description(self.env)["string"]
                if field in record._fields
                else problem.field
            )
            params = dict(problem.params)
            if "reason" in params:
                params["reason"] = reasons.get(params["reason"], params["reason"])
            try:
                message = messages[problem.code] % params
            except (KeyError, TypeError, ValueError):
                message = problem.message
            problems.append(
                {
                    "model": record._name,
                    "res_id": record.id,
                    "record": record.display_name,
                    "field": field,
                    "field_label": label,
                    "code": problem.code,
                    "message": f"{label}: {message}",
                    "blocking": problem.blocking,
                }
            )
        return problems

    @api.model
    def _einvoice_problem_target(self, partner, company, bank, field):
        """(record, field name) where a problem with `field` is fixed."""
        if field in ("acc_number", "iban", "bank_bic", "bic") and bank:
            return bank, "bank_bic" if field in ("bank_bic", "bic") else "acc_number"
        if field == "company_registry" and company:
            return company, "company_registry"
        if field == "peppol_scheme":
            return partner, "peppol_eas"
        return partner, field

    @api.model
    def _einvoice_companies_by_partner(self):
        """{partner id: company} of every company."""
        companies = self.env["res.company"].sudo().search([])
        return {company.partner_id.id: company for company in companies}

    def _einvoice_own_problems(self, companies=None):
        """This partner's problems as the data-quality screen shows them: as a
        company's seller data when it is one (`companies`: from
        `_einvoice_companies_by_partner`, looked up once for many partners), else
        as a customer."""
        self.ensure_one()
        if companies is None:
            companies = self._einvoice_companies_by_partner()
        company = companies.get(self.id)
        if company:
            return self._einvoice_party_problems(self, role="seller", company=company)
        customer = self.commercial_partner_id
        return self._einvoice_party_problems(
            customer,
            role="buyer",
            email=self._einvoice_invoice_recipients() or None,
        ) + customer._einvoice_peppol_problems(self.env.company)

    @api.depends(
        "name", "is_company", "vat", "company_registry", "street", "zip", "city",
        "country_id", "email", "einvoice_invoice_email", "peppol_eas",
        "peppol_endpoint", "einvoice_vies_state", "bank_ids.acc_number",
        "peppol_verification_state", "einvoice_peppol_checked_on",
        "einvoice_peppol_checked_id",
    )  # fmt: skip
    @api.depends_context("company")
    def _compute_einvoice_data_problems(self):
        companies = self._einvoice_companies_by_partner()
        for partner in self:
            problems = partner._einvoice_own_problems(companies) if partner.id else []
            partner.einvoice_data_problems = "\n".join(
                ("⛔ " if p["blocking"] else "⚠ ") + p["message"] for p in problems
            )

    # -- the data-quality screen -------------------------------------------------------

    @api.model
    def _einvoice_quality_candidates(self, company_id=None):
        """The companies' partners and the customers (commercial partners that were
        invoiced or are marked as customers), of one company or all."""
        companies = (
            self.env["res.company"].browse(company_id)
            if company_id
            else (self.env.companies)
        )
        domain = [
            ("parent_id", "=", False),
            "|",
            ("customer_rank", ">", 0),
            ("id", "in", companies.partner_id.ids),
        ]
        if company_id:
            domain += [("company_id", "in", [False, company_id])]
        return self.search(domain, order="name, id")

    @api.model
    def einvoice_data_quality(self, company_id=None):
        """Every company and customer with a problem in its master data (XML-RPC):
        ``[{"id", "name", "problems": [{"model", "res_id", "record", "field",
        "field_label", "code", "message", "blocking"}]}]``. For billing users and
        above (the Data quality menu's groups)."""
        require_group(self.env, BILLING, self.env._("The data-quality list"))
        # The Peppol check is the one company's when one is named.
        partners = self.with_company(company_id) if company_id else self
        result = []
        companies = self._einvoice_companies_by_partner()
        for partner in partners._einvoice_quality_candidates(company_id):
            problems = partner._einvoice_own_problems(companies)
            if problems:
                result.append(
                    {
                        "id": partner.id,
                        "name": partner.display_name,
                        "problems": problems,
                    }
                )
        return result

    @api.model
    def action_einvoice_data_quality(self):
        """The list of the companies and customers with problems, editable in
        place."""
        ids = [row["id"] for row in self.einvoice_data_quality()]
        return {
            "type": "ir.actions.act_window",
            "name": _("Data quality"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref("l10n_be_nl_einvoice.view_partner_data_quality").id,
                    "list",
                ),
                (False, "form"),
            ],
            "domain": [("id", "in", ids)],
            "context": {"create": False},
            "help": _("<p>No customer or company has a problem in its data.</p>"),
        }

    # -- VIES --------------------------------------------------------------------------

    def einvoice_check_vies(self, force=False, stop_when_unavailable=False):
        """Look these partners' VAT numbers up in VIES (XML-RPC): a recent answer
        (30 days) is kept; offline or unavailable, nothing is blocked. Returns
        ``[{"id", "state", "checked_on", "name"}]``. For billing users and above;
        asking again within 30 days (`force`) for accounting managers, who answer
        for the company's use of the service (the daily check runs as the
        superuser)."""
        require_group(self.env, BILLING, self.env._("Looking VAT numbers up in VIES"))
        if force:
            require_group(
                self.env, MANAGER, self.env._("Asking VIES again within 30 days")
            )
        url = (
            self.env["ir.config_parameter"].sudo().get_param(VIES_URL_PARAMETER)
            or vies.DEFAULT_URL
        )
        today = fields.Date.context_today(self)
        result = []
        unavailable = False
        for partner in self.filtered("vat"):
            if unavailable and stop_when_unavailable:
                break
            fresh = (
                partner.einvoice_vies_checked_on
                and partner.einvoice_vies_state in ("valid", "invalid")
                and today - partner.einvoice_vies_checked_on < VIES_CACHE
            )
            if force or not fresh:
                answer = vies.check(
                    partner.vat, country=partner.country_id.code, url=url
                )
                if answer.status == "unavailable":
                    # Nothing learnt: an earlier answer stays, the date too, so
                    # the next run asks again.
                    _logger.info(
                        "VIES unavailable for %s: %s", partner.vat, answer.message
                    )
                    if partner.einvoice_vies_state not in ("valid", "invalid"):
                        # VIES answers are the system's (read-only fields), also
                        # for users who may not edit contacts.
                        partner.sudo().einvoice_vies_state = "unavailable"
                    unavailable = True
                else:
                    # VIES answers are the system's (read-only fields), also for
                    # users who may not edit contacts.
                    partner.sudo().write(
                        {
                            "einvoice_vies_state": answer.status,
                            "einvoice_vies_checked_on": answer.checked_on or today,
                            "einvoice_vies_name": answer.name or False,
                        }
                    )
            result.append(
                {
                    "id": partner.id,
                    "state": partner.einvoice_vies_state,
                    "checked_on": fields.Date.to_string(
                        partner.einvoice_vies_checked_on
                    ),
                    "name": partner.einvoice_vies_name or "",
                }
            )
        return result

    @api.model
    def _cron_einvoice_check_vies(self, limit=200):
        """For the companies that ask for it, look up in VIES the customers' VAT
        numbers never checked or checked more than 30 days ago, a few at a time;
        when VIES cannot be reached the next run tries again."""
        companies = (
            self.env["res.company"].sudo().search([("einvoice_vies_check", "=", True)])
        )
        if not companies:
            return
        stale = fields.Date.context_today(self) - VIES_CACHE
        partners = self.search(
            [
                ("vat", "!=", False),
                ("parent_id", "=", False),
                ("customer_rank", ">", 0),
                ("company_id", "in", [False, *companies.ids]),
                "|",
                ("einvoice_vies_checked_on", "=", False),
                ("einvoice_vies_checked_on", "<", stale),
            ],
            limit=limit,
            order="einvoice_vies_checked_on asc nulls first, id",
        )
        partners.einvoice_check_vies(stop_when_unavailable=True)

    def action_einvoice_check_vies(self):
        """The "Check in VIES" button: an accounting manager's click asks VIES
        again; a billing user's gets the answer of the last 30 days when there is
        one (a changed VAT number has none)."""
        self.einvoice_check_vies(force=self.env.su or self.env.user.has_group(MANAGER))
        return True
