# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# "Make recurring" on a sale order, and the plans made from it.
from odoo import api, fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # Recurring plans are the billing team's: a salesperson without billing rights
    # sees neither the plans nor the buttons.
    einvoice_recurring_plan_ids = fields.One2many(
        "einvoice.recurring.plan",
        "sale_order_id",
        string="Recurring plans",
        groups="account.group_account_invoice",
    )
    einvoice_recurring_plan_count = fields.Integer(
        string="Number of recurring plans",
        compute="_compute_einvoice_recurring_plan_count",
        groups="account.group_account_invoice",
    )

    @api.depends("einvoice_recurring_plan_ids")
    def _compute_einvoice_recurring_plan_count(self):
        for order in self:
            order.einvoice_recurring_plan_count = len(order.einvoice_recurring_plan_ids)

    def action_einvoice_make_recurring(self):
        """The sale order form's "Make recurring": a draft plan from this order."""
        self.ensure_one()
        plans = self.env["einvoice.recurring.plan"]
        return plans.browse(plans.create_from_sale_order(self.id))._action_open()

    def action_einvoice_recurring_plans(self):
        """The plans made from this order: its form when there is one."""
        self.ensure_one()
        return self.einvoice_recurring_plan_ids._action_open()
