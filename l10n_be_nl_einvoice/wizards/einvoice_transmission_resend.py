# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class EinvoiceTransmissionResend(models.TransientModel):
    """Send a document again through the same channel: only with the reason, which
    the new ledger record keeps."""

    _name = "einvoice.transmission.resend"
    _description = "Send a document again"

    transmission_id = fields.Many2one(
        "einvoice.transmission", required=True, readonly=True, ondelete="cascade"
    )
    reason = fields.Text(required=True)

    def action_resend(self):
        self.ensure_one()
        transmission = self.transmission_id._resend(self.reason)
        transmission._dispatch()
        return {
            "type": "ir.actions.act_window",
            "res_model": transmission._name,
            "res_id": transmission.id,
            "view_mode": "form",
        }
