# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    billmail_schedule = fields.Selection(
        related="company_id.billmail_schedule", readonly=False
    )
    billmail_grace_minutes = fields.Integer(
        related="company_id.billmail_grace_minutes", readonly=False
    )
    billmail_email_from = fields.Char(
        related="company_id.billmail_email_from", readonly=False
    )
    billmail_mailbox_count = fields.Integer(compute="_compute_billmail_mailbox_count")

    def _compute_billmail_mailbox_count(self):
        for settings in self:
            settings.billmail_mailbox_count = self.env["billmail.mailbox"].search_count(
                [("company_id", "=", settings.company_id.id)]
            )

    def action_billmail_mailboxes(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "billmail_connector.action_billmail_mailboxes"
        )
