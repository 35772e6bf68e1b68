# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models

from ..models.billmail_sender import CHANNEL


def _last_month(today):
    first = today.replace(day=1)
    return first - relativedelta(months=1), first - relativedelta(days=1)


class BillmailSendWizard(models.TransientModel):
    """Send to accountant by hand: the documents of a period (or those selected)
    that a mailbox of their type did not receive yet, with an optional remark."""

    _name = "billmail.send.wizard"
    _description = "Send to accountant"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    selected_ids = fields.Many2many(
        "account.move",
        "billmail_send_wizard_selected_rel",
        string="Selected documents",
    )
    date_from = fields.Date(
        string="From",
        default=lambda self: _last_month(fields.Date.context_today(self))[0],
    )
    date_to = fields.Date(
        string="To",
        default=lambda self: _last_month(fields.Date.context_today(self))[1],
    )
    out_invoice = fields.Boolean(string="Customer invoices", default=True)
    out_refund = fields.Boolean(string="Customer credit notes", default=True)
    in_invoice = fields.Boolean(string="Vendor bills", default=True)
    in_refund = fields.Boolean(string="Vendor credit notes", default=True)
    remark = fields.Text(help="Written in each e-mail to the accountant.")
    move_ids = fields.Many2many(
        "account.move",
        "billmail_send_wizard_move_rel",
        string="To send",
        compute="_compute_move_ids",
        help="Posted documents of the period that a mailbox of their type has not "
        "received yet.",
    )
    move_count = fields.Integer(compute="_compute_move_ids")
    sent_count = fields.Integer(
        string="Sent before", compute="_compute_move_ids", help="Not sent again."
    )
    no_mailbox = fields.Char(compute="_compute_move_ids")

    @api.model
    def action_open(self, moves):
        wizard = self.create(
            {
                "selected_ids": [fields.Command.set(moves.ids)],
                "company_id": (moves.company_id[:1] or self.env.company).id,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Send to accountant"),
        }

    def _types(self):
        return [
            kind
            for kind in ("out_invoice", "out_refund", "in_invoice", "in_refund")
            if self[kind]
        ]

    def _candidates(self):
        if self.selected_ids:
            return self.selected_ids.filtered(
                lambda m: m.state == "posted" and m.move_type in self._types()
            )
        if not (self.date_from and self.date_to and self._types()):
            return self.env["account.move"]
        return self.env["account.move"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "=", "posted"),
                ("move_type", "in", self._types()),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
            ],
            order="date, name, id",
        )

    @api.depends(
        "company_id",
        "selected_ids",
        "date_from",
        "date_to",
        "out_invoice",
        "out_refund",
        "in_invoice",
        "in_refund",
    )
    def _compute_move_ids(self):
        types_label = dict(
            self.env["billmail.mailbox"]
            ._fields["document_type"]
            ._description_selection(self.env)
        )
        for wizard in self:
            candidates = wizard._candidates()
            mailboxes = self.env["billmail.mailbox"].search(
                [("company_id", "in", (candidates.company_id | wizard.company_id).ids)]
            )
            by_type = mailboxes.grouped(lambda b: (b.company_id, b.document_type))
            done = {
                (row["res_id"], row["target"])
                for row in self.env["einvoice.transmission"]
                .sudo()
                .search_read(
                    [
                        ("res_model", "=", "account.move"),
                        ("res_id", "in", candidates.ids),
                        ("channel", "=", CHANNEL),
                        ("kind", "=", "document"),
                        ("state", "!=", "cancelled"),
                    ],
                    ["res_id", "target"],
                )
            }
            todo = candidates.filtered(
                lambda m, by_type=by_type, done=done: any(
                    (m.id, str(box.id)) not in done
                    for box in by_type.get((m.company_id, m.move_type), ())
                )
            )
            wizard.move_ids = todo
            wizard.move_count = len(todo)
            wizard.sent_count = len(
                candidates.filtered(
                    lambda m, by_type=by_type: (m.company_id, m.move_type) in by_type
                )
                - todo
            )
            missing = sorted(
                {
                    types_label[m.move_type]
                    for m in candidates
                    if (m.company_id, m.move_type) not in by_type
                }
            )
            wizard.no_mailbox = (
                _("No mailbox for: %(types)s.", types=", ".join(missing))
                if missing
                else False
            )

    def action_send(self):
        self.ensure_one()
        moves = self.move_ids
        result = self.env["billmail.sender"]._send_now(moves, remark=self.remark)
        transmissions = self.env["einvoice.transmission"].browse(result["queued"])
        failed = transmissions.filtered(lambda t: t.state == "failed")
        if result["background"]:
            message = _(
                "%(count)s e-mail(s) to the accountant are sent in the background.",
                count=len(transmissions),
            )
        else:
            message = _(
                "%(sent)s e-mail(s) to the accountant handed to the mail queue, "
                "%(failed)s failed.",
                sent=len(transmissions) - len(failed),
                failed=len(failed),
            )
        details = [f"{t.document_name}: {t.last_error}" for t in failed] + [
            f"{item['name']}: {item['reason']}" for item in result["skipped"]
        ]
        return self.env["einvoice.transmission"]._result_notification(
            _("Send to accountant"), message, details
        )
