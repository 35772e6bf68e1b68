# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.codabox_sender import CHANNEL


def _year_start(today):
    return today.replace(month=1, day=1)


class CodaboxSendWizard(models.TransientModel):
    """Send to accountant via CodaBox: the posted customer invoices and credit notes
    of a period of the current calendar year that CodaBox has not received, oldest
    first."""

    _name = "codabox.send.wizard"
    _description = "Send to accountant via CodaBox"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: _year_start(fields.Date.context_today(self)),
    )
    date_to = fields.Date(
        string="To", required=True, default=lambda self: fields.Date.context_today(self)
    )
    move_ids = fields.Many2many(
        "account.move", string="To send", compute="_compute_move_ids"
    )
    move_count = fields.Integer(compute="_compute_move_ids")

    @api.depends("company_id", "date_from", "date_to")
    def _compute_move_ids(self):
        for wizard in self:
            moves = self.env["account.move"]
            if wizard.date_from and wizard.date_to:
                moves = moves.search(
                    [
                        ("company_id", "=", wizard.company_id.id),
                        ("state", "=", "posted"),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("invoice_date", ">=", wizard.date_from),
                        ("invoice_date", "<=", wizard.date_to),
                    ],
                    order="invoice_date, name, id",
                )
                sent = {
                    row["res_id"]
                    for row in self.env["einvoice.transmission"]
                    .sudo()
                    .search_read(
                        [
                            ("res_model", "=", "account.move"),
                            ("res_id", "in", moves.ids),
                            ("channel", "=", CHANNEL),
                            "|",
                            ("state", "in", ("sending", "sent")),
                            ("codabox_outcome_unknown", "=", True),
                        ],
                        ["res_id"],
                    )
                }
                moves = moves.filtered(lambda m, sent=sent: m.id not in sent)
            wizard.move_ids = moves
            wizard.move_count = len(moves)

    def action_send(self):
        self.ensure_one()
        today = fields.Date.context_today(self)
        if self.date_from < _year_start(today) or self.date_to > today:
            raise UserError(
                _(
                    "CodaBox takes the invoices of the current calendar year: choose "
                    "dates from %(start)s to today.",
                    start=_year_start(today),
                )
            )
        return self.move_ids.action_codabox_send()
