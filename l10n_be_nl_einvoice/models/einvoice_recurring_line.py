# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# What a recurring plan invoices: its lines, their price changes, and the periods
# already invoiced or skipped.
from decimal import Decimal

from odoo import api, fields, models

from ..lib import periods as lp


class EinvoiceRecurringLine(models.Model):
    _name = "einvoice.recurring.line"
    _description = "Recurring invoice plan line"
    _inherit = ["analytic.mixin"]
    _order = "plan_id, sequence, id"
    _check_company_auto = True

    plan_id = fields.Many2one(
        "einvoice.recurring.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one("product.product", check_company=True)
    name = fields.Char(string="Description")
    quantity = fields.Float(default=1.0, digits="Product Unit of Measure")
    product_uom_id = fields.Many2one("uom.uom", string="Unit")
    price_unit = fields.Float(string="Unit price", digits="Product Price")
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        domain="[('type_tax_use', '=', 'sale')]",
        check_company=True,
    )
    account_id = fields.Many2one("account.account", check_company=True)
    price_ids = fields.One2many("einvoice.recurring.price", "line_id")
    current_price = fields.Float(
        compute="_compute_current_price",
        digits="Product Price",
        help="The price of the next invoice, after price changes and the index.",
    )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        for line in self.filtered("product_id"):
            product = line.product_id
            line.name = line.name or product.display_name
            line.product_uom_id = product.uom_id
            line.price_unit = product.lst_price
            company = line.plan_id.company_id
            line.tax_ids = product.taxes_id.filtered(
                lambda t, company=company: t.company_id == company
            )

    @api.depends("price_unit", "price_ids.date_from", "price_ids.price_unit")
    @api.depends_context("uid")
    def _compute_current_price(self):
        for line in self:
            day = line.plan_id.next_date or fields.Date.context_today(line)
            line.current_price = float(line._price_on(day))

    def _price_on(self, day):
        """The unit price of a period beginning on `day`: the latest price change
        from that day or before (else the line's price), raised by the plan's yearly
        index."""
        self.ensure_one()
        changes = self.price_ids.filtered(lambda p: p.date_from <= day).sorted(
            "date_from"
        )
        base = changes[-1:].price_unit if changes else self.price_unit
        plan = self.plan_id
        digits = self.env["decimal.precision"].precision_get("Product Price")
        if not plan.index_percent:
            return Decimal(str(base))
        return lp.indexed_price(
            Decimal(str(base)),
            Decimal(str(plan.index_percent)),
            plan.index_date or plan.date_start,
            day,
            digits,
        )


class EinvoiceRecurringPrice(models.Model):
    _name = "einvoice.recurring.price"
    _description = "Price change of a recurring plan line"
    _order = "date_from, id"

    line_id = fields.Many2one(
        "einvoice.recurring.line", required=True, ondelete="cascade", index=True
    )
    plan_id = fields.Many2one(
        related="line_id.plan_id", store=True, index=True, readonly=True
    )
    company_id = fields.Many2one(related="line_id.company_id", store=True)
    date_from = fields.Date(string="From", required=True)
    price_unit = fields.Float(string="Unit price", digits="Product Price")

    _sql_constraints = [
        (
            "einvoice_recurring_price_once",
            "unique(line_id, date_from)",
            "A line has one price change per day.",
        )
    ]


class EinvoiceRecurringPeriod(models.Model):
    """A period of a plan, invoiced or skipped: the unique key (plan, index) is what
    makes each period invoiced once, whatever the scheduled runs do."""

    _name = "einvoice.recurring.period"
    _description = "Period of a recurring plan"
    _order = "plan_id, index"

    plan_id = fields.Many2one(
        "einvoice.recurring.plan", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    index = fields.Integer(required=True)
    date_start = fields.Date(string="From", required=True)
    date_end = fields.Date(string="To", required=True)
    invoice_date = fields.Date()
    move_id = fields.Many2one("account.move", string="Invoice", ondelete="set null")
    state = fields.Selection(
        [("invoiced", "Invoiced"), ("skipped", "Skipped")],
        default="invoiced",
        required=True,
    )

    _sql_constraints = [
        (
            "einvoice_recurring_period_once",
            "unique(plan_id, index)",
            "This period of the plan was already invoiced.",
        )
    ]
