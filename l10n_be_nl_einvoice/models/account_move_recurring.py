# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Recurring plans: the plan an invoice was made by, and "Make recurring".
# pylint: disable=consider-merging-classes-inherited
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    einvoice_recurring_plan_id = fields.Many2one(
        "einvoice.recurring.plan",
        string="Recurring plan",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )

    def action_einvoice_make_recurring(self):
        """The invoice form's "Make recurring": a draft plan from this invoice."""
        self.ensure_one()
        plans = self.env["einvoice.recurring.plan"]
        return plans.browse(plans.create_from_invoice(self.id))._action_open()
