# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Statement lines created in a batch by the import: the same records as Odoo's own
create."""

from odoo.tests import tagged

from .common import DemoCompanyCase


@tagged("post_install", "-at_install")
class TestStatementLineBatch(DemoCompanyCase):
    """Statement lines created in a batch are the same records, to the last journal
    item, as those Odoo's own `create` makes from the same values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.env["account.journal"].search(
            [("company_id", "=", cls.company.id), ("type", "=", "bank")], limit=1
        )
        cls.usd = cls.env.ref("base.USD")
        cls.usd.active = True
        # An analytic rule and a fiscal position that apply to the customer: the
        # batch must find them as Odoo does.
        plan = cls.env["account.analytic.plan"].create({"name": "Branches"})
        branch = cls.env["account.analytic.account"].create(
            {"name": "Gent", "plan_id": plan.id, "company_id": cls.company.id}
        )
        cls.env["account.analytic.distribution.model"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company.id,
                "analytic_distribution": {str(branch.id): 100},
            }
        )
        cls.env["account.fiscal.position"].create(
            {
                "name": "Bakkerij",
                "company_id": cls.company.id,
                "auto_apply": True,
                "country_id": cls.customer.country_id.id,
            }
        )

    def values(self, journal):
        receivable = self.customer.property_account_receivable_id
        day = "2026-11-03"
        return [
            {"date": day, "payment_ref": "plain", "amount": 10.0},
            {
                "date": day,
                "payment_ref": "with an account",
                "amount": -5.5,
                "partner_name": "X",
                "account_number": "BE71096123456769",
            },
            {
                "date": day,
                "payment_ref": "paying a receivable",
                "amount": 20.0,
                "partner_id": self.customer.id,
                "counterpart_account_id": receivable.id,
            },
            {
                "date": "2026-11-04",
                "payment_ref": "in another currency",
                "amount": 30.0,
                "foreign_currency_id": (
                    self.usd if journal.currency_id != self.usd else self.eur
                ).id,
                "amount_currency": 33.0,
                "partner_id": self.customer.id,
            },
            {
                "date": "2026-11-04",
                "payment_ref": "a customer",
                "amount": 40.0,
                "partner_id": self.customer.id,
            },
        ]

    @staticmethod
    def snapshot(lines):
        def value(record, name):
            field = record[name]
            return field.ids if hasattr(field, "ids") else field

        rows = []
        for line in lines:
            move = line.move_id
            rows.append(
                {
                    **{
                        name: value(line, name)
                        for name in (
                            "payment_ref",
                            "amount",
                            "amount_currency",
                            "partner_id",
                            "foreign_currency_id",
                            "currency_id",
                            "is_reconciled",
                            "amount_residual",
                        )
                    },
                    **{
                        f"move.{name}": value(move, name)
                        for name in (
                            "partner_id",
                            "commercial_partner_id",
                            "currency_id",
                            "state",
                            "move_type",
                            "journal_id",
                            "date",
                            "fiscal_position_id",
                            "amount_total",
                        )
                    },
                    "items": sorted(
                        (
                            item.account_id.code,
                            item.partner_id.id,
                            item.debit,
                            item.credit,
                            item.amount_currency,
                            item.currency_id.name,
                            item.name,
                            item.analytic_distribution or {},
                        )
                        for item in move.line_ids
                    ),
                }
            )
        return rows

    def check_same(self, journal):
        lines = self.env["account.bank.statement.line"]
        stock = lines.create(
            [{**v, "journal_id": journal.id} for v in self.values(journal)]
        )
        batch = lines._einvoice_create_batch(
            [{**v, "journal_id": journal.id} for v in self.values(journal)]
        )
        self.assertEqual(self.snapshot(batch), self.snapshot(stock))
        # Numbered like any entry of the journal: one after the other.
        numbers = (stock | batch).move_id.mapped("sequence_number")
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 10)))
        self.assertTrue(
            any(item[7] for row in self.snapshot(batch) for item in row["items"]),
            "the analytic rule applies to the customer's lines",
        )

    def test_same_records_as_odoo_in_the_company_currency(self):
        self.eur = self.env.ref("base.EUR")
        self.check_same(self.bank)

    def test_same_records_as_odoo_in_a_foreign_currency_journal(self):
        self.eur = self.env.ref("base.EUR")
        journal = self.env["account.journal"].create(
            {
                "name": "USD account",
                "type": "bank",
                "code": "BUSD",
                "currency_id": self.usd.id,
                "company_id": self.company.id,
            }
        )
        self.check_same(journal)
