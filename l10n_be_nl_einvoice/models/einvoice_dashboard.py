# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date

from .access import BILLING, require_company, require_group

TODO_ROWS = 10


class EinvoiceDashboard(models.AbstractModel):
    """The figures of the invoicing dashboard. "Sent" is read from the transmission
    ledger only: a draft, or a posted invoice nobody sent, is on the to-do list and
    never counted as sent."""

    _name = "einvoice.dashboard"
    _description = "Invoicing dashboard"

    @api.model
    def figures(self, company_id=None, months=12, date=None):
        """The dashboard of a company (XML-RPC; default: the current one) for the
        `months` months up to `date` (today): per month, the documents sent by
        channel (distinct invoices and credit notes, from the ledger), the amount
        invoiced, credited, paid and overdue of that month's invoices; the to-do
        list (drafts, posted but never sent, failed transmissions); the recurring
        plans due within a week. Amounts in the company's currency."""
        # The Dashboard menu's group: the figures are read with the user's rights.
        require_group(self.env, BILLING, self.env._("The invoicing dashboard"))
        company = self._company(company_id)
        today = fields.Date.to_date(date) if date else fields.Date.context_today(self)
        months = max(1, min(int(months), 36))
        first = today.replace(day=1) - relativedelta(months=months - 1)
        keys = [first + relativedelta(months=i) for i in range(months)]
        rows = {key: self._empty_month(key) for key in keys}
        self._add_invoiced(company, first, today, rows)
        self._add_sent(company, first, today, rows)
        currency = company.currency_id
        for row in rows.values():
            for field in ("invoiced", "credited", "paid", "overdue"):
                row[field] = currency.round(row[field])
        channels = dict(
            self.env["einvoice.transmission"]
            ._fields["channel"]
            ._description_selection(self.env)
        )
        return {
            "company": {"id": company.id, "name": company.name},
            "currency": {
                "symbol": currency.symbol,
                "position": currency.position,
                "digits": currency.decimal_places,
            },
            "date": fields.Date.to_string(today),
            "channels": [
                {"key": key, "label": label} for key, label in channels.items()
            ],
            "months": [rows[key] for key in keys],
            "totals": self._totals(company, today),
            "todo": self._todo(company, first),
            "plans_due": self._plans_due(company, today),
        }

    @api.model
    def _company(self, company_id):
        return require_company(self.env, company_id)

    @api.model
    def _empty_month(self, key):
        return {
            "month": key.strftime("%Y-%m"),
            "label": format_date(self.env, key, date_format="MMM yyyy"),
            "sent": {},
            "sent_total": 0,
            "invoices": 0,
            "invoiced": 0.0,
            "credit_notes": 0,
            "credited": 0.0,
            "paid": 0.0,
            "overdue": 0.0,
        }

    @api.model
    def _add_invoiced(self, company, first, today, rows):
        moves = self.env["account.move"]
        base = [
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("invoice_date", ">=", first),
            ("invoice_date", "<=", today),
        ]
        for month, move_type, count, total, residual in moves._read_group(
            [*base, ("move_type", "in", ("out_invoice", "out_refund"))],
            ["invoice_date:month", "move_type"],
            ["__count", "amount_total_signed:sum", "amount_residual_signed:sum"],
        ):
            row = rows.get(fields.Date.to_date(month))
            if row is None:
                continue
            if move_type == "out_invoice":
                row["invoices"] += count
                row["invoiced"] += total
                row["paid"] += total - residual
            else:
                row["credit_notes"] += count
                row["credited"] += -total
        for month, residual in moves._read_group(
            [
                *base,
                ("move_type", "=", "out_invoice"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<", today),
            ],
            ["invoice_date:month"],
            ["amount_residual_signed:sum"],
        ):
            row = rows.get(fields.Date.to_date(month))
            if row is not None:
                row["overdue"] += residual

    @api.model
    def _add_sent(self, company, first, today, rows):
        """Distinct invoices and credit notes sent per month (by the date the
        channel took them) and channel: a resend is not a second document."""
        start = datetime.combine(first, time.min)
        end = datetime.combine(today + timedelta(days=1), time.min)
        self.env["einvoice.transmission"].flush_model()
        self.env["account.move"].flush_model(["move_type"])
        self.env.cr.execute(
            """
            SELECT date_trunc('month', t.sent_at)::date, t.channel,
                   count(DISTINCT t.move_id)
              FROM einvoice_transmission t
              JOIN account_move m ON m.id = t.move_id
             WHERE t.company_id = %s AND t.state = 'sent' AND t.kind = 'document'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND t.sent_at >= %s AND t.sent_at < %s
             GROUP BY 1, 2
            """,
            [company.id, start, end],
        )
        for month, channel, count in self.env.cr.fetchall():
            row = rows.get(month)
            if row is not None:
                row["sent"][channel] = count
        self.env.cr.execute(
            """
            SELECT date_trunc('month', t.sent_at)::date, count(DISTINCT t.move_id)
              FROM einvoice_transmission t
              JOIN account_move m ON m.id = t.move_id
             WHERE t.company_id = %s AND t.state = 'sent' AND t.kind = 'document'
               AND m.move_type IN ('out_invoice', 'out_refund')
               AND t.sent_at >= %s AND t.sent_at < %s
             GROUP BY 1
            """,
            [company.id, start, end],
        )
        for month, count in self.env.cr.fetchall():
            row = rows.get(month)
            if row is not None:
                row["sent_total"] = count

    @api.model
    def _totals(self, company, today):
        moves = self.env["account.move"]
        base = [
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("move_type", "=", "out_invoice"),
            ("payment_state", "in", ("not_paid", "partial")),
        ]
        [(open_amount, open_count)] = moves._read_group(
            base, [], ["amount_residual_signed:sum", "__count"]
        )
        [(overdue_amount, overdue_count)] = moves._read_group(
            [*base, ("invoice_date_due", "<", today)],
            [],
            ["amount_residual_signed:sum", "__count"],
        )
        currency = company.currency_id
        return {
            "open": currency.round(open_amount or 0.0),
            "open_count": open_count,
            "overdue": currency.round(overdue_amount or 0.0),
            "overdue_count": overdue_count,
        }

    @api.model
    def _todo(self, company, first):
        """Drafts, posted documents never sent to the customer (since the first
        month shown), and transmissions that failed."""
        moves = self.env["account.move"]
        customer_documents = [
            ("company_id", "=", company.id),
            ("move_type", "in", ("out_invoice", "out_refund")),
        ]
        drafts = [*customer_documents, ("state", "=", "draft")]
        unsent = [
            *customer_documents,
            ("state", "=", "posted"),
            ("invoice_date", ">=", first),
            (
                "einvoice_transmission_ids",
                "not any",
                [
                    ("target", "=", "customer"),
                    ("kind", "=", "document"),
                    ("state", "in", ("sending", "sent")),
                ],
            ),
        ]
        transmissions = self.env["einvoice.transmission"]
        failed = [
            ("company_id", "=", company.id),
            ("state", "=", "failed"),
        ]
        return {
            "drafts": self._move_rows(moves.search(drafts, limit=TODO_ROWS)),
            "draft_count": moves.search_count(drafts),
            "unsent": self._move_rows(
                moves.search(unsent, order="invoice_date, id", limit=TODO_ROWS)
            ),
            "unsent_count": moves.search_count(unsent),
            "failed": [
                {
                    "id": transmission.id,
                    "document": transmission.document_name,
                    "channel": transmission.channel,
                    "error": transmission.last_error or "",
                }
                for transmission in transmissions.search(failed, limit=TODO_ROWS)
            ],
            "failed_count": transmissions.search_count(failed),
        }

    @api.model
    def _move_rows(self, moves):
        return [
            {
                "id": move.id,
                "name": move.name
                if move.name and move.name != "/"
                else self.env._("Draft"),
                "partner": move.partner_id.display_name or "",
                "date": fields.Date.to_string(move.invoice_date) or "",
                "amount": move.amount_total_signed,
            }
            for move in moves
        ]

    @api.model
    def _plans_due(self, company, today):
        plans = self.env["einvoice.recurring.plan"].search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "running"),
                ("next_date", "<=", today + timedelta(days=7)),
            ],
            order="next_date, id",
        )
        return [
            {
                "id": plan.id,
                "name": plan.name,
                "partner": plan.partner_id.display_name,
                "date": fields.Date.to_string(plan.next_date),
            }
            for plan in plans
        ]
