# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from decimal import Decimal

from psycopg2 import errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..lib import periods as lp

_logger = logging.getLogger(__name__)

# Plans generated per scheduled call; the runner calls again while some are due.
CHUNK = 50

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

    # -- generation ----------------------------------------------------------------

    @api.model
    def run_due(self, company_id=None, date=None):
        """Invoice every running plan due on `date` (today) (XML-RPC): of a company,
        or of all companies. Returns ``{"invoice_ids", "plans", "caught_up",
        "skipped_periods", "failed": [{"plan_id", "name", "reason"}]}``."""
        day = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        domain = [("state", "=", "running"), ("next_date", "<=", day)]
        if company_id:
            domain.append(("company_id", "=", company_id))
        return self.search(domain)._generate_due(day)

    def _generate_due(self, day):
        """Invoice the due periods of these plans. All at once when nothing goes
        wrong (one creation and one posting for the lot); otherwise plan by plan,
        each in a savepoint: a plan that fails is set aside with its reason and an
        activity, and the others go on. Invoices to send are handed to the
        background sending at the end."""
        result = {
            "invoice_ids": [],
            "plans": 0,
            "caught_up": {},
            "skipped_periods": {},
            "failed": [],
        }
        plans = self._locked()
        plans.invalidate_recordset()
        plans = plans.filtered(lambda p: p.state == "running")
        outcomes = None
        if len(plans) > 1:
            try:
                with self.env.cr.savepoint():
                    outcomes = plans._generate_together(day)
            except (UserError, ValidationError, errors.UniqueViolation) as error:
                _logger.info("recurring plans one by one: %s", error)
                plans.invalidate_recordset()
        if outcomes is None:
            outcomes = []
            for plan in plans:
                try:
                    with self.env.cr.savepoint():
                        outcomes.append((plan, *plan._generate(day)))
                except (UserError, ValidationError) as error:
                    plan._set_aside(str(error))
                    result["failed"].append(
                        {"plan_id": plan.id, "name": plan.name, "reason": str(error)}
                    )
        to_send = self.env["account.move"]
        for plan, moves, caught_up, skipped in outcomes:
            if moves:
                result["plans"] += 1
            result["invoice_ids"] += moves.ids
            if caught_up > 1:
                result["caught_up"][plan.id] = caught_up
            if skipped:
                result["skipped_periods"][plan.id] = skipped
            if plan.invoice_action == "send":
                to_send |= moves
        if to_send:
            to_send.einvoice_send_email(background=True)
        return result

    def _locked(self):
        """These plans but those another run holds or changed since this
        transaction began (`_lock`): one statement for all, else one by one."""
        if not self:
            return self
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM einvoice_recurring_plan WHERE id IN %s "
                    "FOR UPDATE SKIP LOCKED",
                    [tuple(self.ids)],
                )
                locked = {row[0] for row in self.env.cr.fetchall()}
            return self.filtered(lambda p: p.id in locked)
        except errors.SerializationFailure:
            return self.filtered(lambda p: p._lock())

    def _due_periods(self, day):
        """``(due, skipped)``: the periods to invoice on `day` and, for a plan that
        invoices only the latest after an interruption, those it skips."""
        self.ensure_one()
        due = lp.due(
            self.date_start,
            self._rhythm(),
            self.invoice_date_rule,
            self.invoice_day,
            self.next_index,
            day,
            self.date_end or None,
            self.count or None,
        )
        if self.catch_up == "current" and len(due) > 1:
            return due[-1:], due[:-1]
        return due, []

    def _generate_together(self, day):
        """`_generate` for many plans at once: the periods, the invoices and their
        posting each in one go. Any problem raises, and the caller goes plan by
        plan."""
        work = []
        for plan in self:
            due, skipped = plan._due_periods(day)
            if not due:
                plan._finish_if_done()
                continue
            plan._check_ready()
            work.append((plan, plan._rhythm(), due, skipped))
        if not work:
            return []
        moves = self.env["account.move"]
        # No "created" note on each invoice: the plan's periods say where it
        # comes from.
        creator = self.env["account.move"].with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True
        )
        for company in self.company_id:
            moves |= creator.with_company(company).create(
                [
                    plan._invoice_values(item, rhythm)
                    for plan, rhythm, due, _skipped in work
                    if plan.company_id == company
                    for item in due
                ]
            )
        by_plan = {}
        for move in moves:
            by_plan.setdefault(move.einvoice_recurring_plan_id.id, []).append(move)
        periods = []
        made = []
        for plan, rhythm, due, skipped in work:
            periods += [plan._period_values(i, rhythm, "skipped") for i in skipped]
            plan_moves = self.env["account.move"]
            for item, move in zip(due, by_plan[plan.id], strict=True):
                periods.append(
                    {**plan._period_values(item, rhythm), "move_id": move.id}
                )
                plan_moves |= move
            made.append((plan, plan_moves, due, skipped))
        self.env["einvoice.recurring.period"].sudo().create(periods)
        to_post = moves.filtered(
            lambda m: m.einvoice_recurring_plan_id.invoice_action in ("post", "send")
        )
        if to_post:
            to_post.action_post()
        to_send = moves.filtered(
            lambda m: m.einvoice_recurring_plan_id.invoice_action == "send"
        )
        _ready, refused = self.env["einvoice.email.send"]._split(to_send)
        if refused:
            raise UserError(refused[0]["reason"])
        outcomes = []
        for plan, plan_moves, due, skipped in made:
            plan._advance(due, skipped)
            outcomes.append((plan, plan_moves, len(due), len(skipped)))
        return outcomes

    def _advance(self, due, skipped):
        self.next_index = due[-1].index + 1
        self._finish_if_done()
        if len(due) > 1 or skipped:
            self.message_post(body=self._catch_up_note(due, skipped))

    def _generate(self, day):
        """This plan's invoices for the periods due on `day`: ``(moves, number of
        periods invoiced, number of periods skipped)``."""
        self.ensure_one()
        rhythm = self._rhythm()
        due, skipped = self._due_periods(day)
        if not due:
            self._finish_if_done()
            return self.env["account.move"], 0, 0
        self._check_ready()
        period_model = self.env["einvoice.recurring.period"].sudo()
        for item in skipped:
            period_model.create(self._period_values(item, rhythm, state="skipped"))
        moves = self.env["account.move"]
        for item in due:
            try:
                with self.env.cr.savepoint():
                    period = period_model.create(self._period_values(item, rhythm))
            except errors.UniqueViolation:
                # Invoiced by another run a moment ago.
                _logger.info(
                    "period %s of plan %s already invoiced", item.index, self.id
                )
                continue
            move = (
                self.env["account.move"]
                .with_company(self.company_id)
                .create(self._invoice_values(item, rhythm))
            )
            period.move_id = move
            moves |= move
        if self.invoice_action in ("post", "send") and moves:
            moves.action_post()
        if self.invoice_action == "send" and moves:
            _ready, refused = self.env["einvoice.email.send"]._split(moves)
            if refused:
                raise UserError(refused[0]["reason"])
        self._advance(due, skipped)
        return moves, len(due), len(skipped)

    def _period_values(self, item, rhythm, state="invoiced"):
        return {
            "plan_id": self.id,
            "index": item.index,
            "date_start": item.start,
            "date_end": item.end,
            "invoice_date": lp.invoice_date(
                item, rhythm, self.invoice_date_rule, self.invoice_day
            ),
            "state": state,
        }

    def _catch_up_note(self, due, skipped):
        lang_env = self.with_context(lang=self.partner_id.lang or self.env.lang).env
        parts = []
        if len(due) > 1:
            parts.append(
                _(
                    "%(count)s periods invoiced at once (%(first)s to %(last)s): "
                    "they had been missed.",
                    count=len(due),
                    first=format_date(lang_env, due[0].start),
                    last=format_date(lang_env, due[-1].end),
                )
            )
        if skipped:
            parts.append(
                _(
                    "%(count)s missed period(s) not invoiced (%(first)s to %(last)s), "
                    "as the plan invoices only the latest.",
                    count=len(skipped),
                    first=format_date(lang_env, skipped[0].start),
                    last=format_date(lang_env, skipped[-1].end),
                )
            )
        return " ".join(parts)

    def _finish_if_done(self):
        if lp.is_finished(
            self.date_start,
            self._rhythm(),
            self.next_index,
            self.date_end or None,
            self.count or None,
        ):
            self.state = "done"

    def _check_ready(self):
        """What would make this plan's invoice wrong or impossible, as one clear
        message naming the plan and what to fix."""
        problems = []
        if not self.partner_id.active:
            problems.append(
                _("the customer %(customer)s is archived",
                  customer=self.partner_id.display_name)
            )  # fmt: skip
        if not self.line_ids:
            problems.append(_("it has no lines"))
        for line in self.line_ids:
            if line.product_id and not line.product_id.active:
                problems.append(
                    _("the product %(product)s is archived",
                      product=line.product_id.display_name)
                )  # fmt: skip
        if not self.journal_id.active:
            problems.append(_("its journal is archived"))
        if problems:
            raise UserError(
                _(
                    "%(plan)s cannot invoice: %(problems)s.",
                    plan=self.name,
                    problems="; ".join(problems),
                )
            )

    def _invoice_values(self, item, rhythm):
        lang = self.partner_id.lang or self.env.lang
        lang_env = self.with_context(lang=lang).env
        period_text = _(
            "%(start)s to %(end)s",
            start=format_date(lang_env, item.start),
            end=format_date(lang_env, item.end),
        )
        # The customer's fiscal position maps the plan's taxes, as on an invoice
        # made by hand (an intra-EU customer's reverse charge).
        fiscal_position = (
            self.env["account.fiscal.position"]
            .with_company(self.company_id)
            ._get_fiscal_position(self.partner_id)
        )
        lines = []
        for line in self.line_ids:
            name = line.name or line.product_id.with_context(lang=lang).display_name
            if self.describe_period:
                name = f"{name} ({period_text})"
            values = {
                "name": name,
                "quantity": line.quantity,
                "price_unit": float(line._price_on(item.start)),
                "tax_ids": [Command.set(fiscal_position.map_tax(line.tax_ids).ids)],
            }
            if line.product_id:
                values["product_id"] = line.product_id.id
            if line.product_uom_id:
                values["product_uom_id"] = line.product_uom_id.id
            if line.account_id:
                values["account_id"] = line.account_id.id
            if line.analytic_distribution:
                values["analytic_distribution"] = line.analytic_distribution
            lines.append(Command.create(values))
        return {
            "move_type": "out_invoice",
            "company_id": self.company_id.id,
            "partner_id": self.partner_id.id,
            "journal_id": self.journal_id.id,
            "invoice_date": lp.invoice_date(
                item, rhythm, self.invoice_date_rule, self.invoice_day
            ),
            "invoice_payment_term_id": self.payment_term_id.id,
            "invoice_origin": self.name,
            "fiscal_position_id": fiscal_position.id,
            "einvoice_recurring_plan_id": self.id,
            "invoice_line_ids": lines,
        }

    def _set_aside(self, reason):
        """The plan stops until someone fixes it and resumes it; its responsible
        person gets an activity with the reason."""
        self.ensure_one()
        self.write({"state": "attention", "problem": reason})
        self.message_post(body=reason)
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Recurring invoices stopped"),
            note=reason,
            user_id=(self.user_id or self.env.user).id,
        )

    @api.model
    def _cron_generate(self):
        """Plans due today, a chunk per call: several workers share them (rows locked
        and skipped by the others); the runner calls again while some remain."""
        day = fields.Date.context_today(self)
        self.flush_model()
        self.env.cr.execute(
            "SELECT id FROM einvoice_recurring_plan WHERE active AND state = 'running' "
            "AND next_date <= %s ORDER BY next_date, id LIMIT %s "
            "FOR UPDATE SKIP LOCKED",
            [day, CHUNK],
        )
        plans = self.browse([row[0] for row in self.env.cr.fetchall()])
        plans._generate_due(day)
        remaining = self.search_count(
            [("state", "=", "running"), ("next_date", "<=", day)]
        )
        self.env["ir.cron"]._notify_progress(done=len(plans), remaining=remaining)

    # -- starting from an invoice --------------------------------------------------

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
