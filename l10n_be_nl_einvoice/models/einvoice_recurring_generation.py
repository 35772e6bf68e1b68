# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Recurring plans: making the invoices of the periods that are due, once each.
# pylint: disable=consider-merging-classes-inherited
import logging

from psycopg2 import errors

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..lib import periods as lp

_logger = logging.getLogger(__name__)

# Plans generated per scheduled call; the runner calls again while some are due.
CHUNK = 50


class EinvoiceRecurringPlan(models.Model):
    _inherit = "einvoice.recurring.plan"

    # -- generation ----------------------------------------------------------------

    @api.model
    def run_due(self, company_id=None, date=None):
        """Invoice every running plan due on `date` (today) (XML-RPC): of a company,
        or of all companies. Returns ``{"invoice_ids", "plans", "caught_up",
        "skipped_periods", "failed": [{"plan_id", "name", "reason"}]}``, the periods
        caught up and skipped keyed by the plan's id as a string."""
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
                        outcomes += plan._generate_together(day)
                except errors.UniqueViolation:
                    # Its periods were invoiced by another run a moment ago.
                    _logger.info("plan %s already invoiced by another run", plan.id)
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
            # Keyed by the plan's id as text: XML-RPC marshals string keys only.
            if caught_up > 1:
                result["caught_up"][str(plan.id)] = caught_up
            if skipped:
                result["skipped_periods"][str(plan.id)] = skipped
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
        """The invoices of these plans for the periods due on `day`: the periods,
        the invoices and their posting each in one go; ``[(plan, moves, periods
        invoiced, periods skipped)]``. Any problem raises, and the caller goes
        plan by plan."""
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
