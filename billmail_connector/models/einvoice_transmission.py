# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class EinvoiceTransmission(models.Model):
    _inherit = "einvoice.transmission"

    channel = fields.Selection(
        selection_add=[("billmail", "Accountant mailbox")],
        ondelete={"billmail": "cascade"},
    )
    billmail_mailbox_id = fields.Many2one(
        "billmail.mailbox",
        string="Accountant mailbox",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    billmail_remark = fields.Text(
        string="Remark", readonly=True, help="Written in the e-mail to the accountant."
    )

    @api.model
    def _values(self, record, channel, target, kind, resend_number):
        values = super()._values(record, channel, target, kind, resend_number)
        if channel == "billmail":
            values["billmail_mailbox_id"] = int(target)
        return values

    def _dispatch(self):
        mine = self.filtered(lambda t: t.channel == "billmail")
        if mine:
            self.env["billmail.sender"]._deliver(mine)
        return super(EinvoiceTransmission, self - mine)._dispatch()
