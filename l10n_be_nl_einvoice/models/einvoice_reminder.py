# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from decimal import Decimal

from psycopg2 import errors

from odoo import _, api, fields, models
from odoo.tools import format_amount

from ..lib import late_interest as li
from .access import BILLING, require_company, require_group

_logger = logging.getLogger(__name__)

# Reminders sent at once by a run; more go to the background.
SEND_NOW = 20
# Reminders rendered and handed to the mail queue per cron call.
CHUNK = 50


class EinvoiceReminder(models.Model):
    """One reminder to one customer: its overdue invoices that reach a new level,
    with the interest and costs due on the day, sent once through the ledger."""

    _name = "einvoice.reminder"
    _description = "Payment reminder"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    level_id = fields.Many2one(
        "einvoice.reminder.level", required=True, readonly=True, ondelete="restrict"
    )
    date = fields.Date(required=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    line_ids = fields.One2many("einvoice.reminder.line", "reminder_id", readonly=True)
    open_amount = fields.Monetary(readonly=True)
    interest = fields.Monetary(readonly=True)
    fees = fields.Monetary(string="Costs", readonly=True)
    total = fields.Monetary(string="To pay", readonly=True)
    email_to = fields.Char(string="Recipient", readonly=True)
    state = fields.Selection(
        [
            ("queued", "To send"),
            ("to_post", "To post"),
            ("sent", "Sent"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    note = fields.Text(readonly=True, help="What the law required of this reminder.")
    by_post = fields.Boolean(
        string="By post",
        readonly=True,
        help="Printed and posted: sent once someone confirms it was posted.",
    )
    transmission_ids = fields.One2many(
        "einvoice.transmission",
        "res_id",
        domain=[("res_model", "=", "einvoice.reminder")],
        readonly=True,
    )

    @api.depends("partner_id", "level_id", "date")
    def _compute_name(self):
        for reminder in self:
            reminder.name = " – ".join(
                str(part)
                for part in (
                    reminder.level_id.name,
                    reminder.partner_id.display_name,
                    reminder.date,
                )
                if part
            )

    # -- what is due ---------------------------------------------------------------

    @api.model
    def _proposals(self, company, day):
        """What a run on `day` would send for `company`: one dict per customer, with
        the level and the lines (one per invoice reaching a new level)."""
        self.env["einvoice.reminder.level"]._ensure_defaults(company)
        levels = self.env["einvoice.reminder.level"].search(
            [("company_id", "=", company.id)]
        )
        invoices = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", day),
                ("einvoice_reminder_hold", "=", False),
                ("commercial_partner_id.einvoice_reminder_exclude", "=", False),
            ],
            order="invoice_date_due, id",
        )
        reached = self._reached(invoices)
        proposals = {}
        for invoice in invoices:
            level = self._next_level(invoice, levels, day, reached.get(invoice.id, ()))
            if not level:
                continue
            partner = invoice.commercial_partner_id
            proposal = proposals.setdefault(
                partner.id, {"partner": partner, "level": level, "lines": []}
            )
            if level.sequence > proposal["level"].sequence:
                proposal["level"] = level
            proposal["lines"].append(self._line_values(invoice, level, day))
        return list(proposals.values())

    @api.model
    def _reached(self, invoices):
        """The levels each invoice already had, from the reminder lines."""
        reached = {}
        for row in (
            self.env["einvoice.reminder.line"]
            .sudo()
            .search_read([("move_id", "in", invoices.ids)], ["move_id", "level_id"])
        ):
            reached.setdefault(row["move_id"][0], set()).add(row["level_id"][0])
        return reached

    @api.model
    def _next_level(self, invoice, levels, day, reached):
        """The first level `invoice` has not had, if its delay has passed."""
        days_late = (day - invoice.invoice_date_due).days
        for level in levels.sorted(lambda lv: (lv.sequence, lv.delay_days, lv.id)):
            if level.id in reached:
                continue
            return level if days_late >= level.delay_days else None
        return None

    @api.model
    def _line_values(self, invoice, level, day):
        """The figures of one invoice at `level` on `day`: interest and costs only
        where the level claims them and the law allows them yet."""
        figures = invoice._einvoice_late_figures(day)
        interest = Decimal(str(figures["interest"])) if level.charge_interest else 0
        fees = Decimal(str(figures["compensation"])) if level.charge_fees else 0
        note = figures["problem"] or ""
        if figures["kind"] == "legal":
            interest, fees, note = self._consumer_charges(invoice, level, day, figures)
        return {
            "move_id": invoice.id,
            "level_id": level.id,
            "open_amount": invoice.amount_residual,
            "days_late": figures["days_late"],
            "interest": float(interest),
            "fees": float(fees),
            "note": note or False,
        }

    @api.model
    def _consumer_charges(self, invoice, level, day, figures):
        """A consumer pays nothing for the first reminder, and interest and costs
        only after the waiting period the law sets after it (Belgium: book XIX of
        the Code of Economic Law; the Netherlands: the 14-day letter), and only when
        the company claims them from consumers."""
        company = invoice.company_id
        first = invoice.einvoice_reminder_first_date
        country = company.account_fiscal_country_id.code
        if not company.einvoice_reminder_consumer_charges:
            return 0, 0, _("no interest or costs claimed from consumers")
        if not first:
            return 0, 0, _("first reminder: free of charge")
        if country == "BE":
            allowed = li.be_consumer_costs_from(
                first, electronic=not invoice.einvoice_reminder_first_by_post
            )
        else:
            allowed = li.nl_consumer_costs_from(first)
        if day < allowed:
            return (
                0,
                0,
                _(
                    "interest and costs only from %(day)s (waiting period after the "
                    "first reminder)",
                    day=allowed,
                ),
            )
        open_amount = Decimal(str(invoice.amount_residual))
        interest = Decimal(str(figures["interest"])) if level.charge_interest else 0
        fees = 0
        if level.charge_fees:
            fees = (
                li.be_consumer_damages_cap(open_amount)
                if country == "BE"
                else li.nl_collection_costs(open_amount)
            )
        return interest, fees, figures["problem"] or ""

    # -- running -------------------------------------------------------------------

    @api.model
    def run_reminders(self, company_id=None, date=None, partner_ids=None):
        """Run the reminders of a company (XML-RPC): create one reminder per customer
        with invoices reaching a new level on `date` (today), and send them: a few
        at once, more in the background. Returns ``{"reminder_ids", "queued",
        "sent", "failed"}``. A run started twice sends nothing twice: each invoice
        has each level once (a database constraint). For billing users and above
        (the Reminders menu's groups); the daily scheduled action runs as the
        superuser."""
        require_group(self.env, BILLING, self.env._("Running payment reminders"))
        company = require_company(self.env, company_id)
        day = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        reminders = self.browse()
        for proposal in self._proposals(company, day):
            if partner_ids and proposal["partner"].id not in partner_ids:
                continue
            reminders |= self._create_from(company, day, proposal)
        if len(reminders) > SEND_NOW:
            self.env.ref(
                "l10n_be_nl_einvoice.ir_cron_einvoice_reminder_send"
            )._trigger()
        else:
            reminders._send()
        return {
            "reminder_ids": reminders.ids,
            "queued": reminders.filtered(lambda r: r.state == "queued").ids,
            "sent": reminders.filtered(lambda r: r.state == "sent").ids,
            "failed": reminders.filtered(lambda r: r.state == "failed").ids,
        }

    @api.model
    def _create_from(self, company, day, proposal):
        lines = proposal["lines"]
        money = company.currency_id.round
        open_amount = money(sum(line["open_amount"] for line in lines))
        interest = money(sum(line["interest"] for line in lines))
        fees = money(sum(line["fees"] for line in lines))
        partner = proposal["partner"]
        try:
            with self.env.cr.savepoint():
                # A reminder is the system's record of what a run sent: users read
                # it, only a run makes and updates it (billing users may run
                # reminders, checked in run_reminders, and read them). Returned in
                # the user's environment, so that nothing else is done as sudo.
                reminder = self.sudo().create(
                    {
                        "company_id": company.id,
                        "partner_id": partner.id,
                        "level_id": proposal["level"].id,
                        "date": day,
                        "open_amount": open_amount,
                        "interest": interest,
                        "fees": fees,
                        "total": money(open_amount + interest + fees),
                        "email_to": partner._einvoice_reminder_recipients(),
                        "by_post": partner.einvoice_reminder_by_post,
                        "note": self.with_context(lang=partner.lang)._legal_note(
                            company, partner, open_amount
                        ),
                        "line_ids": [fields.Command.create(line) for line in lines],
                    }
                )
                return reminder.sudo(False)
        except errors.UniqueViolation:
            # Another run reminded these invoices at this level a moment ago.
            _logger.info("reminder of %s already made by another run", partner.id)
            return self.browse()

    @api.model
    def _legal_note(self, company, partner, open_amount):
        """What the law has a reminder say, in the customer's language (the
        context's): to a business, the statutory interest and compensation; to a
        consumer, the free first reminder, the term to pay and what may be claimed
        after it (Belgium: book XIX of the Code of Economic Law; the Netherlands:
        the 14-day letter of art. 6:96 lid 6 BW)."""
        country = company.account_fiscal_country_id.code
        amount = Decimal(str(open_amount))
        if partner.is_company:
            if country == "NL":
                return _(
                    "Statutory commercial interest (art. 6:119a of the Dutch Civil "
                    "Code) is due from the day after the due date, with collection "
                    "costs of at least EUR 40 (art. 6:96)."
                )
            return _(
                "Under the law of 2 August 2002 on late payment in commercial "
                "transactions, interest at the statutory rate is due from the day "
                "after the due date, without notice, with a fixed compensation of "
                "EUR 40 per invoice."
            )
        charges = company.einvoice_reminder_consumer_charges
        if country == "NL":
            text = _(
                "Please pay within 14 days from the day after you receive this "
                "reminder."
            )
            if charges:
                text += " " + _(
                    "If you do not, collection costs of %(costs)s will be due.",
                    costs=format_amount(
                        self.env,
                        float(li.nl_collection_costs(amount)),
                        company.currency_id,
                    ),
                )
            return text
        text = _("Please pay within 14 days.")
        if charges:
            text += " " + _(
                "If the amount is not paid by then, interest at the legal rate and "
                "damages of %(damages)s will be claimed.",
                damages=format_amount(
                    self.env,
                    float(li.be_consumer_damages_cap(amount)),
                    company.currency_id,
                ),
            )
        return text

    @api.model
    def _cron_send(self):
        """Send the next chunk of queued reminders (several workers share them)."""
        self.flush_model()
        self.env.cr.execute(
            "SELECT id FROM einvoice_reminder WHERE state = 'queued' ORDER BY id "
            "LIMIT %s FOR UPDATE SKIP LOCKED",
            [CHUNK],
        )
        reminders = self.browse([row[0] for row in self.env.cr.fetchall()])
        reminders._send()
        remaining = self.search_count([("state", "=", "queued")])
        self.env["ir.cron"]._notify_progress(done=len(reminders), remaining=remaining)

    @api.model
    def _cron_run(self):
        """The companies that asked for it get their reminders run every day."""
        for company in self.env["res.company"].search(
            [("einvoice_reminder_auto", "=", True)]
        ):
            self.with_company(company).run_reminders(company.id)


class EinvoiceReminderLine(models.Model):
    _name = "einvoice.reminder.line"
    _description = "Invoice in a payment reminder"
    _order = "id"

    reminder_id = fields.Many2one(
        "einvoice.reminder", required=True, ondelete="cascade", index=True
    )
    move_id = fields.Many2one(
        "account.move", string="Invoice", required=True, index=True, ondelete="cascade"
    )
    level_id = fields.Many2one(
        "einvoice.reminder.level", required=True, ondelete="restrict"
    )
    currency_id = fields.Many2one(related="reminder_id.currency_id")
    invoice_date = fields.Date(related="move_id.invoice_date")
    due_date = fields.Date(related="move_id.invoice_date_due")
    payment_reference = fields.Char(related="move_id.payment_reference")
    open_amount = fields.Monetary()
    days_late = fields.Integer()
    interest = fields.Monetary()
    fees = fields.Monetary(string="Costs")
    note = fields.Char()

    _sql_constraints = [
        (
            "einvoice_reminder_line_once_per_level",
            "unique(move_id, level_id)",
            "This invoice was already reminded at this level.",
        )
    ]
