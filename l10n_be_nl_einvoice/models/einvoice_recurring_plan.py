# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..lib import periods as lp

UNITS = [
    ("week", "Weeks"),
    ("month", "Months"),
    ("quarter", "Quarters"),
    ("year", "Years"),
]


class EinvoiceRecurringPlan(models.Model):
    """A customer invoiced the same lines every N weeks, months, quarters or years.
    One invoice per plan and period, whatever happens: a period is recorded with a
    unique key (plan, index) in the transaction that makes its invoice."""

    _name = "einvoice.recurring.plan"
    _description = "Recurring invoice plan"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "next_date, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        help="Told by an activity when the plan needs attention.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        required=True,
        check_company=True,
        domain="[('type', '=', 'sale')]",
        default=lambda self: self._default_journal(),
    )
    payment_term_id = fields.Many2one(
        "account.payment.term", string="Payment terms", check_company=True
    )
    interval = fields.Integer(string="Every", default=1, required=True)
    unit = fields.Selection(UNITS, default="month", required=True)
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today
    )
    date_end = fields.Date(
        string="End",
        help="No period starting after this day is invoiced.",
    )
    count = fields.Integer(
        string="Number of invoices",
        help="Stop after this many periods (0: no limit).",
    )
    invoice_date_rule = fields.Selection(
        [
            ("start", "First day of the period"),
            ("end", "Last day of the period"),
            ("fixed", "Fixed day"),
        ],
        string="Invoice date",
        default="start",
        required=True,
    )
    invoice_day = fields.Integer(
        string="Day",
        default=1,
        help="Day of the month (31 is the last day of shorter months); for weekly "
        "plans the weekday, 1 (Monday) to 7 (Sunday).",
    )
    describe_period = fields.Boolean(
        string="Period on the lines",
        default=True,
        help="Write the period each invoice covers on its lines.",
    )
    invoice_action = fields.Selection(
        [
            ("draft", "Leave as draft"),
            ("post", "Post"),
            ("send", "Post and send"),
        ],
        string="Each invoice",
        default="post",
        required=True,
        help="Post and send: e-mailed to the customer with its PDF and the UBL the "
        "customer receives, through the transmission ledger.",
    )
    catch_up = fields.Selection(
        [
            ("all", "Invoice every missed period"),
            ("current", "Invoice only the latest period"),
        ],
        string="After an interruption",
        default="all",
        required=True,
        help="When periods were missed (the server was down, the plan paused): "
        "invoice each of them, or only the latest and record the others as skipped.",
    )
    index_percent = fields.Float(
        string="Yearly index (%)",
        digits=(5, 2),
        help="Prices rise by this percentage on every anniversary of the index date.",
    )
    index_date = fields.Date(
        help="From this day on, each anniversary raises the prices (default: start)."
    )
    line_ids = fields.One2many(
        "einvoice.recurring.line", "plan_id", string="Lines", copy=True
    )
    price_ids = fields.One2many(
        "einvoice.recurring.price", "plan_id", string="Price changes"
    )
    period_ids = fields.One2many(
        "einvoice.recurring.period", "plan_id", string="Periods", readonly=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("paused", "Paused"),
            ("attention", "Needs attention"),
            ("done", "Finished"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    problem = fields.Text(readonly=True, copy=False)
    next_index = fields.Integer(readonly=True, copy=False)
    next_date = fields.Date(
        string="Next invoice",
        compute="_compute_next_date",
        store=True,
        index=True,
        help="The invoice date of the next period to invoice.",
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")

    _sql_constraints = [
        ("einvoice_recurring_interval", "CHECK(interval >= 1)", "Every: at least 1."),
        ("einvoice_recurring_count", "CHECK(count >= 0)",
         "The number of invoices cannot be negative."),
    ]  # fmt: skip

    @api.model
    def _default_journal(self):
        return self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.env.company),
                ("type", "=", "sale"),
            ],
            limit=1,
        )

    @api.constrains(
        "invoice_date_rule", "invoice_day", "unit", "date_start", "date_end"
    )
    def _check_dates(self):
        for plan in self:
            try:
                plan._rhythm()
                lp.invoice_date(
                    lp.period(plan.date_start, plan._rhythm(), 0),
                    plan._rhythm(),
                    plan.invoice_date_rule,
                    plan.invoice_day,
                )
            except lp.PeriodError:
                if plan.unit == "week":
                    raise ValidationError(
                        _("%(plan)s: the fixed day of a weekly plan is a weekday, "
                          "1 (Monday) to 7 (Sunday).", plan=plan.name)
                    ) from None  # fmt: skip
                raise ValidationError(
                    _("%(plan)s: the fixed day is a day of the month, 1 to 31.",
                      plan=plan.name)
                ) from None  # fmt: skip
            if plan.date_end and plan.date_end < plan.date_start:
                raise ValidationError(
                    _("%(plan)s ends before it starts.", plan=plan.name)
                )

    @api.depends(
        "state",
        "next_index",
        "date_start",
        "interval",
        "unit",
        "invoice_date_rule",
        "invoice_day",
        "date_end",
        "count",
    )
    def _compute_next_date(self):
        for plan in self:
            if plan.state == "done" or not plan.date_start or plan.interval < 1:
                plan.next_date = False
                continue
            rhythm = plan._rhythm()
            if lp.is_finished(
                plan.date_start,
                rhythm,
                plan.next_index,
                plan.date_end or None,
                plan.count or None,
            ):
                plan.next_date = False
                continue
            try:
                plan.next_date = lp.invoice_date(
                    lp.period(plan.date_start, rhythm, plan.next_index),
                    rhythm,
                    plan.invoice_date_rule,
                    plan.invoice_day,
                )
            except lp.PeriodError:
                plan.next_date = False

    def _compute_invoice_count(self):
        counts = {
            plan.id: count
            for plan, count in self.env["einvoice.recurring.period"]._read_group(
                [("plan_id", "in", self.ids), ("move_id", "!=", False)],
                ["plan_id"],
                ["__count"],
            )
        }
        for plan in self:
            plan.invoice_count = counts.get(plan.id, 0)

    def _rhythm(self):
        self.ensure_one()
        return lp.Rhythm(self.unit, max(self.interval, 1))

    # -- the user's actions --------------------------------------------------------

    def action_start(self):
        for plan in self:
            if not plan.line_ids:
                raise UserError(_("%(plan)s has no lines to invoice.", plan=plan.name))
        self.write({"state": "running", "problem": False})
        return True

    def action_pause(self):
        self.filtered(lambda p: p.state in ("running", "attention")).state = "paused"
        return True

    def action_resume(self):
        """Back to running after a pause or a problem that was fixed; the activity
        about the problem is done."""
        self.filtered(lambda p: p.state in ("paused", "attention")).write(
            {"state": "running", "problem": False}
        )
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def action_generate_now(self):
        """Invoice what is due today (the scheduled run does the same)."""
        result = self._generate_due(fields.Date.context_today(self))
        message = _(
            "%(count)s invoice(s) made.", count=len(result["invoice_ids"])
        )  # fmt: skip
        details = [f"{item['name']}: {item['reason']}" for item in result["failed"]]
        return self.env["einvoice.transmission"]._result_notification(
            _("Recurring invoices"), message, details
        )

    def action_view_invoices(self):
        moves = self.period_ids.move_id
        return {
            "type": "ir.actions.act_window",
            "name": _("Invoices"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
            "context": {"default_move_type": "out_invoice"},
        }

    # -- starting from an invoice --------------------------------------------------

    def _action_open(self):
        """The window of these plans: the form of one, the list of several."""
        if len(self) == 1:
            return {
                "type": "ir.actions.act_window",
                "name": _("Recurring plan"),
                "res_model": self._name,
                "res_id": self.id,
                "view_mode": "form",
            }
        return {
            "type": "ir.actions.act_window",
            "name": _("Recurring plans"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", self.ids)],
        }

    @api.model
    def create_from_invoice(self, move_id, values=None):
        """A draft plan from a customer invoice (XML-RPC): its customer, lines,
        journal and payment terms; the invoice is the plan's first period, so the
        next invoice is for the following one."""
        move = self.env["account.move"].browse(move_id)
        if move.move_type != "out_invoice":
            raise UserError(_("Only a customer invoice can start a recurring plan."))
        start = move.invoice_date or fields.Date.context_today(self)
        plan = self.create(
            {
                "name": move.partner_id.commercial_partner_id.display_name,
                "company_id": move.company_id.id,
                "partner_id": move.partner_id.id,
                "journal_id": move.journal_id.id,
                "payment_term_id": move.invoice_payment_term_id.id,
                "date_start": start,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "quantity": line.quantity,
                            "product_uom_id": line.product_uom_id.id,
                            "price_unit": line.price_unit,
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                            "account_id": line.account_id.id,
                            "analytic_distribution": line.analytic_distribution,
                        }
                    )
                    for line in move.invoice_line_ids.filtered(
                        lambda line: line.display_type == "product"
                    )
                ],
                **(values or {}),
            }
        )
        if move.state == "posted" or move.invoice_date:
            rhythm = plan._rhythm()
            item = lp.period(plan.date_start, rhythm, 0)
            self.env["einvoice.recurring.period"].sudo().create(
                {**plan._period_values(item, rhythm), "move_id": move.id}
            )
            plan.next_index = 1
            move.einvoice_recurring_plan_id = plan
        return plan.id
