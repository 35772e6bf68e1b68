# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    einvoice_reminder_auto = fields.Boolean(
        related="company_id.einvoice_reminder_auto", readonly=False
    )
    einvoice_reminder_consumer_charges = fields.Boolean(
        related="company_id.einvoice_reminder_consumer_charges", readonly=False
    )
    einvoice_contract_rate = fields.Float(
        related="company_id.einvoice_contract_rate", readonly=False
    )
    einvoice_ubl_profile = fields.Selection(
        related="company_id.einvoice_ubl_profile", readonly=False
    )
    einvoice_accountant_profile = fields.Selection(
        related="company_id.einvoice_accountant_profile", readonly=False
    )
    einvoice_mail_template_id = fields.Many2one(
        related="company_id.einvoice_mail_template_id", readonly=False
    )
    einvoice_email_layout_id = fields.Many2one(
        related="company_id.einvoice_email_layout_id", readonly=False
    )
    einvoice_vat_scheme = fields.Selection(
        related="company_id.einvoice_vat_scheme", readonly=False
    )
    einvoice_legal_register = fields.Char(
        related="company_id.einvoice_legal_register", readonly=False
    )
    einvoice_backdating = fields.Selection(
        related="company_id.einvoice_backdating", readonly=False
    )
    einvoice_vies_check = fields.Boolean(
        related="company_id.einvoice_vies_check", readonly=False
    )
    einvoice_batch_pdf = fields.Boolean(
        string="Invoices rendered in batches",
        compute="_compute_einvoice_batch_pdf",
        help="wkhtmltopdf with patched Qt renders many invoices per call and draws "
        "the letterhead; a distribution build renders one invoice per call.",
    )
    einvoice_sale_journal_id = fields.Many2one(
        "account.journal",
        string="Sales journal",
        compute="_compute_einvoice_sale_journal_id",
    )
    einvoice_next_number = fields.Char(
        related="einvoice_sale_journal_id.einvoice_next_number"
    )

    def _compute_einvoice_batch_pdf(self):
        batch = self.env["ir.actions.report"]._einvoice_batch_rendering()
        for settings in self:
            settings.einvoice_batch_pdf = batch

    @api.depends("company_id")
    def _compute_einvoice_sale_journal_id(self):
        for settings in self:
            settings.einvoice_sale_journal_id = self.env["account.journal"].search(
                [
                    ("company_id", "=", settings.company_id.id),
                    ("type", "=", "sale"),
                    ("einvoice_numbering", "=", True),
                ],
                order="sequence, id",
                limit=1,
            )

    def action_open_einvoice_numbering(self):
        """The sales journal's form, where its number series is set."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.journal",
            "res_id": self.einvoice_sale_journal_id.id,
            "view_mode": "form",
            "target": "current",
        }
