# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One concern per file: the statutory late-payment figures of an invoice.
# pylint: disable=consider-merging-classes-inherited
from decimal import Decimal

from odoo import _, fields, models

from ..lib import late_interest as li


class AccountMove(models.Model):
    _inherit = "account.move"

    def einvoice_late_interest(self, on_date=None):
        """The statutory late-payment interest and recovery costs of these customer
        invoices on `on_date` (today when empty), over XML-RPC: per invoice
        ``{"id", "name", "due_date", "days_late", "open_amount", "interest",
        "compensation", "kind", "compound", "stretches": [{"from", "to", "days",
        "base", "rate", "interest"}], "problem"}``. A business customer owes the
        commercial rate and the fixed compensation; a consumer the legal rate (costs
        only after the reminder the law requires). Payments and credit notes lower
        the amount from their date."""
        day = (
            fields.Date.to_date(on_date) if on_date else fields.Date.context_today(self)
        )
        return [move._einvoice_late_figures(day) for move in self]

    def _einvoice_late_figures(self, day):
        self.ensure_one()
        due = self.invoice_date_due or self.invoice_date
        result = {
            "id": self.id,
            "name": self.display_name,
            "due_date": fields.Date.to_string(due) if due else False,
            "days_late": max((day - due).days, 0) if due else 0,
            "open_amount": self.amount_residual,
            "interest": 0.0,
            "compensation": 0.0,
            "kind": False,
            "compound": False,
            "stretches": [],
            "problem": False,
        }
        if self.move_type != "out_invoice" or self.state != "posted" or not due:
            result["problem"] = _("not a posted customer invoice")
            return result
        country = self.company_id.account_fiscal_country_id.code
        if country not in ("BE", "NL"):
            result["problem"] = _(
                "no statutory late-payment rules known for %(country)s",
                country=self.company_id.account_fiscal_country_id.name or "?",
            )
            return result
        business = self.commercial_partner_id.is_company
        kind = "commercial" if business else "legal"
        compound = country == "NL"
        result.update(kind=kind, compound=compound)
        if day <= due or self.currency_id.is_zero(self.amount_residual):
            return result
        periods = self.env["einvoice.legal.rate"]._periods(country, kind)
        contract = self.company_id.einvoice_contract_rate
        if business and contract:
            # The rate agreed in the company's terms replaces the statutory one.
            periods = [li.RatePeriod(due, Decimal(f"{contract:.4f}"))]
            result["kind"] = "contract"
        try:
            interest = li.late_interest(
                Decimal(str(self.amount_total)),
                due,
                day,
                periods,
                payments=self._einvoice_payments(),
                compound=compound,
            )
        except li.NoRateError as error:
            kinds = dict(
                self.env["einvoice.legal.rate"]
                ._fields["kind"]
                ._description_selection(self.env)
            )
            result["problem"] = _(
                "no %(kind)s rate of %(country)s is known for %(day)s: add the "
                "published rate (E-invoicing > Legal interest rates)",
                kind=kinds[kind],
                country=country,
                day=error.day,
            )
            return result
        result["interest"] = float(interest.total)
        result["stretches"] = [
            {
                "from": fields.Date.to_string(stretch.first),
                "to": fields.Date.to_string(stretch.last),
                "days": stretch.days,
                "base": float(li.money(stretch.base)),
                "rate": float(stretch.rate),
                "interest": float(li.money(stretch.interest)),
            }
            for stretch in interest.stretches
        ]
        if business:
            open_amount = Decimal(str(self.amount_residual))
            result["compensation"] = float(
                li.be_b2b_compensation()
                if country == "BE"
                else li.nl_b2b_compensation(open_amount)
            )
        return result

    def _einvoice_payments(self):
        """(date, amount) of what was paid on this invoice: payments, credit notes,
        payments still in transit, in the invoice's currency."""
        content = (self.invoice_payments_widget or {}).get("content") or []
        return [
            (fields.Date.to_date(item["date"]), Decimal(str(item["amount"])))
            for item in content
            if item.get("date")
        ]
