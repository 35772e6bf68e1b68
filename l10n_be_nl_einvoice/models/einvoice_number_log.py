# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from .einvoice_number_series import KINDS


class EinvoiceNumberLog(models.Model):
    """What happened to numbers outside normal posting: the deletion of the last
    invoice of a series, whose number then goes to the next invoice, and the number
    a series was continued from, after an earlier program's. Written by the code
    only; nobody can change or delete an entry."""

    _name = "einvoice.number.log"
    _description = "Invoice numbering audit log"
    _order = "create_date desc, id desc"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    journal_id = fields.Many2one("account.journal", required=True, readonly=True)
    series_id = fields.Many2one("einvoice.number.series", readonly=True)
    kind = fields.Selection(KINDS, readonly=True)
    period = fields.Char(readonly=True)
    number = fields.Integer(readonly=True)
    name = fields.Char(string="Invoice number", readonly=True)
    event = fields.Selection(
        [
            ("deleted", "Last invoice deleted, number given back"),
            ("continued", "Series continued from a number set by hand"),
        ],
        required=True,
        readonly=True,
    )
    next_before = fields.Char(
        string="Next number before",
        readonly=True,
        help="For a series continued from a number: the next number it had.",
    )
    move_id = fields.Integer(string="Invoice ID", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    invoice_date = fields.Date(readonly=True)
    amount_total = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="By", readonly=True)
