# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models


class EinvoiceReminderRun(models.TransientModel):
    """The Reminders screen: for a chosen date, who gets which level with which
    amounts; send all of them or those kept selected."""

    _name = "einvoice.reminder.run"
    _description = "Run payment reminders"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many(
        "einvoice.reminder.run.line",
        "run_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    count = fields.Integer(compute="_compute_count")

    @api.depends("company_id", "date")
    def _compute_line_ids(self):
        for run in self:
            proposals = self.env["einvoice.reminder"]._proposals(
                run.company_id, run.date
            )
            run.line_ids = [fields.Command.clear()] + [
                fields.Command.create(
                    {
                        "partner_id": proposal["partner"].id,
                        "level_id": proposal["level"].id,
                        "invoice_count": len(proposal["lines"]),
                        "open_amount": sum(x["open_amount"] for x in proposal["lines"]),
                        "interest": sum(x["interest"] for x in proposal["lines"]),
                        "fees": sum(x["fees"] for x in proposal["lines"]),
                        "email_to": proposal["partner"]._einvoice_reminder_recipients(),
                    }
                )
                for proposal in proposals
            ]

    @api.depends("line_ids.selected")
    def _compute_count(self):
        for run in self:
            run.count = len(run.line_ids.filtered("selected"))

    def action_send(self):
        self.ensure_one()
        partners = self.line_ids.filtered("selected").partner_id
        result = self.env["einvoice.reminder"].run_reminders(
            self.company_id.id, self.date, partner_ids=partners.ids
        )
        message = _(
            "%(sent)s reminder(s) sent, %(queued)s sent in the background, "
            "%(failed)s failed.",
            sent=len(result["sent"]),
            queued=len(result["queued"]),
            failed=len(result["failed"]),
        )
        return self.env["einvoice.transmission"]._result_notification(
            _("Payment reminders"), message, (), warning=bool(result["failed"])
        )


class EinvoiceReminderRunLine(models.TransientModel):
    _name = "einvoice.reminder.run.line"
    _description = "Payment reminder to send"

    run_id = fields.Many2one("einvoice.reminder.run", required=True, ondelete="cascade")
    selected = fields.Boolean(string="Send", default=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("einvoice.reminder.level", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    currency_id = fields.Many2one(related="run_id.company_id.currency_id")
    open_amount = fields.Monetary(readonly=True)
    interest = fields.Monetary(readonly=True)
    fees = fields.Monetary(string="Costs", readonly=True)
    email_to = fields.Char(string="Recipient", readonly=True)
