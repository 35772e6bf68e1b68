# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Legal mentions on invoices and the master-data gate before posting and sending.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, models
from odoo.exceptions import UserError

from ..lib import legal_mentions
from ..lib.identifiers import kbo_number
from .res_company import EINVOICE_COUNTRIES

# Tax kinds for which the law asks for the customer's VAT number on the invoice.
NEEDS_BUYER_VAT = frozenset(
    {"reverse_charge", "intra_eu_goods", "intra_eu_triangle", "intra_eu_services"}
)


class AccountMove(models.Model):
    _inherit = "account.move"

    # -- legal mentions --------------------------------------------------------------

    def _einvoice_legal_cases(self):
        """The keys of the legal mentions this invoice carries."""
        self.ensure_one()
        if not self.is_sale_document(include_receipts=False):
            return []
        taxes = self.invoice_line_ids.tax_ids.flatten_taxes_hierarchy()
        kinds = [(tax.einvoice_vat_kind, tax.einvoice_vatex or None) for tax in taxes]
        return legal_mentions.cases_for(
            kinds,
            self.company_id.account_fiscal_country_id.code
            or self.company_id.country_id.code,
            self.company_id.einvoice_vat_scheme,
        )

    def _einvoice_legal_mentions(self):
        """The legal mentions of this invoice, in its customer's language."""
        self.ensure_one()
        return legal_mentions.mentions(
            self._einvoice_legal_cases(), self.partner_id.lang or self.env.lang
        )

    def _einvoice_seller_identity(self):
        """The seller's legal identity as the invoice prints it: name, VAT number,
        Belgian enterprise number and register, or Dutch KvK number."""
        self.ensure_one()
        company = self.company_id
        lang = self.partner_id.lang or self.env.lang
        env = self.with_context(lang=lang).env
        parts = [company.name]
        if company.vat:
            parts.append(env._("VAT %(number)s", number=company.vat))
        country = company.account_fiscal_country_id.code or company.country_id.code
        if country == "BE":
            kbo = kbo_number(company.vat, company.company_registry)
            if kbo:
                dotted = ".".join((kbo[:4], kbo[4:7], kbo[7:]))
                parts.append(env._("Enterprise number %(number)s", number=dotted))
            if company.einvoice_legal_register:
                parts.append(company.einvoice_legal_register)
        elif country == "NL" and company.company_registry:
            parts.append(env._("KvK %(number)s", number=company.company_registry))
        return " – ".join(parts)

    # -- the gate ----------------------------------------------------------------------

    def _einvoice_gated(self):
        """Whether the master-data gate applies: a customer invoice or credit note of
        a Belgian or Dutch company."""
        self.ensure_one()
        country = (
            self.company_id.account_fiscal_country_id.code
            or self.company_id.country_id.code
        )
        return (
            self.move_type in ("out_invoice", "out_refund")
            and country in EINVOICE_COUNTRIES
        )

    def _einvoice_data_problems(self, channel=None, target_fields=()):
        """What is wrong with this invoice's master data and legal content, for
        posting (`channel` None) or for sending through `channel` ("email",
        "peppol", "accountant"): ``[{"model", "res_id", "record", "field",
        "field_label", "code", "message", "blocking"}]``."""
        self.ensure_one()
        partners = self.env["res.partner"]
        kinds = set(
            self.invoice_line_ids.tax_ids.flatten_taxes_hierarchy().mapped(
                "einvoice_vat_kind"
            )
        )
        problems = partners._einvoice_party_problems(
            self.company_id.partner_id,
            role="seller",
            company=self.company_id,
            bank=self.partner_bank_id,
        )
        problems += partners._einvoice_party_problems(
            self.commercial_partner_id,
            role="buyer",
            channel=channel,
            needs_buyer_vat=bool(kinds & NEEDS_BUYER_VAT),
            email=self.einvoice_email_to if channel == "email" else None,
            target_fields=target_fields,
        )
        if self.company_id.einvoice_hide_vat:
            charged = self.invoice_line_ids.tax_ids.filtered(lambda t: t.amount)
            if charged:
                problems.append(
                    {
                        "model": "account.move",
                        "res_id": self.id,
                        "record": self.display_name,
                        "field": "invoice_line_ids",
                        "field_label": _("Taxes"),
                        "code": "vat_under_exemption",
                        "message": _(
                            "%(company)s invoices under a small-business exemption "
                            "and may not charge VAT (%(taxes)s)",
                            company=self.company_id.name,
                            taxes=", ".join(charged.mapped("name")),
                        ),
                        "blocking": True,
                    }
                )
        return problems

    def _einvoice_gate(self, channel=None, target_fields=()):
        """The blocking problems of this invoice as one sentence, or None."""
        self.ensure_one()
        if not self._einvoice_gated():
            return None
        blocking = [
            p
            for p in self._einvoice_data_problems(channel, target_fields)
            if p["blocking"]
        ]
        if not blocking:
            return None
        by_record = {}
        for problem in blocking:
            by_record.setdefault(problem["record"], []).append(problem["message"])
        return " / ".join(
            f"{record} — {'; '.join(messages)}"
            for record, messages in by_record.items()
        )

    def _post(self, soft=True):
        # The law's mandatory content is checked before a number is given: an
        # invoice with wrong or missing master data is not posted.
        refused = []
        for move in self:
            if move.state == "draft" and move._einvoice_gated():
                reason = move._einvoice_gate()
                if reason:
                    refused.append(
                        _(
                            "%(invoice)s: %(reason)s",
                            invoice=move.display_name,
                            reason=reason,
                        )
                    )
        if refused:
            raise UserError(
                _(
                    "Fix the master data before posting:\n%(problems)s",
                    problems="\n".join(refused),
                )
            )
        return super()._post(soft=soft)
