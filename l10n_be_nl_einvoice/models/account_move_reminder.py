# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Payment reminders: what an invoice and a customer carry of them, and the action
# that invoices the interest and costs.
# pylint: disable=consider-merging-classes-inherited
from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

from ..lib import email_addresses


class AccountMove(models.Model):
    _inherit = "account.move"

    einvoice_reminder_hold = fields.Boolean(
        string="On hold (disputed)",
        copy=False,
        tracking=True,
        help="A disputed invoice is never reminded while it is on hold.",
    )
    einvoice_reminder_level_id = fields.Many2one(
        "einvoice.reminder.level",
        string="Last reminder",
        readonly=True,
        copy=False,
    )
    einvoice_reminder_date = fields.Date(
        string="Last reminded on", readonly=True, copy=False
    )
    einvoice_reminder_first_date = fields.Date(
        string="First reminded on", readonly=True, copy=False
    )
    einvoice_reminder_first_by_post = fields.Boolean(
        string="First reminder by post", readonly=True, copy=False
    )

    def einvoice_charge_late(self, on_date=None):
        """Invoice the statutory interest and costs of these overdue invoices on
        `on_date` (today), one draft customer invoice per customer referring to
        them, numbered in the legal series when it is posted (XML-RPC). Returns
        the new invoices' ids."""
        day = (
            fields.Date.to_date(on_date) if on_date else fields.Date.context_today(self)
        )
        created = self.browse()
        for partner, moves in self.grouped("commercial_partner_id").items():
            lines = []
            for move in moves:
                figures = move._einvoice_late_figures(day)
                if figures["problem"]:
                    raise UserError(
                        _("%(invoice)s: %(problem)s", invoice=move.display_name,
                          problem=figures["problem"])
                    )  # fmt: skip
                if figures["interest"]:
                    lines.append(
                        Command.create(
                            {
                                "name": _(
                                    "Late-payment interest on %(invoice)s of "
                                    "%(date)s, due %(due)s, %(days)s day(s) to "
                                    "%(day)s",
                                    invoice=move.name,
                                    date=move.invoice_date,
                                    due=move.invoice_date_due,
                                    days=figures["days_late"],
                                    day=day,
                                ),
                                "quantity": 1,
                                "price_unit": figures["interest"],
                                "tax_ids": [Command.clear()],
                            }
                        )
                    )
                if figures["compensation"]:
                    lines.append(
                        Command.create(
                            {
                                "name": _(
                                    "Fixed compensation for recovery costs, "
                                    "%(invoice)s",
                                    invoice=move.name,
                                ),
                                "quantity": 1,
                                "price_unit": figures["compensation"],
                                "tax_ids": [Command.clear()],
                            }
                        )
                    )
            if not lines:
                continue
            created |= self.create(
                {
                    "move_type": "out_invoice",
                    "company_id": moves.company_id.id,
                    "partner_id": partner.id,
                    "invoice_date": day,
                    "journal_id": moves[0].journal_id.id,
                    "ref": ", ".join(moves.mapped("name")),
                    "invoice_origin": ", ".join(moves.mapped("name")),
                    "invoice_line_ids": lines,
                }
            )
        return created.ids

    def action_einvoice_charge_late(self):
        overdue = self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state in ("not_paid", "partial")
            )
        )
        ids = overdue.einvoice_charge_late()
        if not ids:
            raise UserError(_("Nothing to charge on these invoices today."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", ids)]
        return action


class ResPartner(models.Model):
    _inherit = "res.partner"

    einvoice_reminder_exclude = fields.Boolean(
        string="No payment reminders",
        company_dependent=True,
        help="This customer never receives payment reminders from this company.",
    )
    einvoice_reminder_by_post = fields.Boolean(
        string="Reminders by post",
        help="Payment reminders are printed and posted instead of e-mailed.",
    )
    einvoice_reminder_email = fields.Char(
        string="Reminder e-mail",
        help="Where payment reminders go, when not to the invoice address.",
    )

    @api.constrains("einvoice_reminder_email")
    def _einvoice_check_reminder_email(self):
        for partner in self.filtered("einvoice_reminder_email"):
            wrong = email_addresses.problems(partner.einvoice_reminder_email)
            if wrong:
                raise UserError(
                    _(
                        "%(partner)s, reminder e-mail: %(wrong)s is not an e-mail "
                        "address.",
                        partner=partner.display_name,
                        wrong=", ".join(wrong),
                    )
                )

    def _einvoice_reminder_recipients(self):
        """The reminder address, else the invoice address, else the e-mail."""
        self.ensure_one()
        partner = self.commercial_partner_id
        for text in (
            partner.einvoice_reminder_email,
            partner._einvoice_invoice_recipients(),
            partner.email,
        ):
            addresses = email_addresses.split(text or "")
            if addresses:
                return ", ".join(addresses)
        return False


class ResCompany(models.Model):
    _inherit = "res.company"

    einvoice_reminder_auto = fields.Boolean(
        string="Send payment reminders every day",
        help="The scheduled action runs this company's reminders each day.",
    )
    einvoice_contract_rate = fields.Float(
        string="Agreed late-payment rate (%)",
        digits=(6, 4),
        help="The yearly rate your terms set for business customers; empty: the "
        "statutory rate of the period.",
    )
    einvoice_reminder_consumer_charges = fields.Boolean(
        string="Claim interest and costs from consumers",
        help="Only when your terms with consumers provide for them: then, after the "
        "free first reminder and the waiting period the law sets, interest at the "
        "legal rate and costs within the legal caps.",
    )
