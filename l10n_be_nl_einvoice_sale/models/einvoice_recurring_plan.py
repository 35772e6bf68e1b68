# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Recurring plans started from a confirmed sale order.
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..lib.prices import net_unit_price


class EinvoiceRecurringPlan(models.Model):
    _inherit = "einvoice.recurring.plan"

    sale_order_id = fields.Many2one(
        "sale.order",
        string="Sale order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The sale order this plan was made from; its invoices name it as their "
        "origin.",
    )

    @api.model
    def create_from_sale_order(self, order_id, values=None):
        """A draft plan from a confirmed sale order (XML-RPC): its invoice address,
        payment terms and product lines, from today (or ``values["date_start"]``);
        `values` overrides any of the plan's fields. Returns the plan's id.

        The plan's invoices are not linked to the order lines: a plan invoices
        periods, not the quantities ordered, so the order's invoicing status does
        not change.

        For a user who may create recurring plans and read the order (a billing
        user who sees it), asked first."""
        self.check_access("create")
        order = self.env["sale.order"].browse(order_id)
        order.check_access("read")
        if order.state != "sale":
            raise UserError(
                _("%(order)s is not confirmed: only a confirmed sale order can "
                  "start a recurring plan.", order=order.name)
            )  # fmt: skip
        # Sections and notes carry no price; a down payment is deducted once, not
        # every period; a combo's own line is only the heading of its items.
        lines = order.order_line.filtered(
            lambda line: (
                not line.display_type
                and not line.is_downpayment
                and line.product_id.type != "combo"
            )
        )
        if not lines:
            raise UserError(
                _("%(order)s has no product lines to invoice every period.",
                  order=order.name)
            )  # fmt: skip
        company = order.company_id
        if order.currency_id != company.currency_id:
            raise UserError(
                _("%(order)s is in %(currency)s, but a recurring plan invoices in "
                  "its company's currency (%(company_currency)s).",
                  order=order.name, currency=order.currency_id.name,
                  company_currency=company.currency_id.name)
            )  # fmt: skip
        digits = self.env["decimal.precision"].precision_get("Product Price")
        plan = self.with_company(company).create(
            {
                "name": f"{order.name} - {order.partner_id.commercial_partner_id.name}",
                "company_id": company.id,
                "partner_id": order.partner_invoice_id.id,
                "journal_id": (
                    order.journal_id or self.with_company(company)._default_journal()
                ).id,
                "payment_term_id": order.payment_term_id.id,
                "date_start": fields.Date.context_today(self),
                "sale_order_id": order.id,
                "line_ids": [
                    Command.create(
                        {
                            "sequence": line.sequence,
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "quantity": line.product_uom_qty,
                            "product_uom_id": line.product_uom.id,
                            "price_unit": float(
                                net_unit_price(
                                    Decimal(str(line.price_unit)),
                                    Decimal(str(line.discount)),
                                    digits,
                                )
                            ),
                            "tax_ids": [Command.set(line.tax_id.ids)],
                            "analytic_distribution": line.analytic_distribution,
                        }
                    )
                    for line in lines
                ],
                **(values or {}),
            }
        )
        return plan.id

    def _invoice_values(self, item, rhythm):
        values = super()._invoice_values(item, rhythm)
        if self.sale_order_id:
            values["invoice_origin"] = self.sale_order_id.name
        return values
