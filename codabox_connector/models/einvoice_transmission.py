# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class EinvoiceTransmission(models.Model):
    _inherit = "einvoice.transmission"

    channel = fields.Selection(
        selection_add=[("codabox", "CodaBox")], ondelete={"codabox": "cascade"}
    )
    codabox_outcome_unknown = fields.Boolean(
        string="CodaBox's answer lost",
        readonly=True,
        help="The upload may have reached CodaBox but its answer was lost: it is not "
        "sent again on its own.",
    )

    def _dispatch(self):
        mine = self.filtered(lambda t: t.channel == "codabox" and t.state == "pending")
        for transmission in mine:
            self.env["codabox.sender"]._deliver(transmission)
        return super(EinvoiceTransmission, self - mine)._dispatch()
