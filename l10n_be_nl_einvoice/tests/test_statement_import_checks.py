# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the statement import refuses or leaves to the bookkeeper: a payment that
quotes a reference is not matched by its amount, a chosen journal takes only its own
account, a file that does not add up and a statement that does not continue the
previous one are refused unless asked."""

import base64
from datetime import date
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib.coda_writer import Payment, write
from .test_statement_import import IBAN, StatementImportCase


@tagged("post_install", "-at_install")
class TestStatementImportChecks(StatementImportCase):
    def test_a_quoted_reference_is_never_overruled_by_the_amount(self):
        # Another customer's invoice of the same amount and due date is open; the
        # payments quote the reference of a paid invoice and one no invoice has.
        paid = self.invoice(88)
        paid_day = date(2026, 11, 10)
        self.wizard.import_file(
            "first.cod",
            base64.b64encode(
                write(IBAN, [Payment(Decimal("88.00"), paid_day, ogm=self.ogm(paid))])
            ),
        )
        self.assertIn(paid.payment_state, ("paid", "in_payment"))
        other = self.invoice(88, partner=self.other)
        day = date(2026, 11, 25)
        data = write(
            IBAN,
            [
                Payment(Decimal("88.00"), day, ogm=self.ogm(paid)),
                Payment(Decimal("88.00"), day, ogm="090933755493"),
            ],
            sequence=2,
            old_balance=Decimal("88.00"),
        )
        result = self.wizard.import_file("second.cod", base64.b64encode(data))
        self.assertEqual(result["unmatched"], 2)
        self.assertEqual(other.payment_state, "not_paid")
        lines = (
            self.env["account.bank.statement"].browse(result["statement_ids"]).line_ids
        )
        self.assertEqual(
            sorted(lines.mapped("einvoice_match_reason")),
            sorted(
                [
                    f"{paid.name}, whose reference it quotes, is already paid.",
                    "No invoice has the reference 090933755493.",
                ]
            ),
        )

    def test_a_chosen_journal_takes_only_its_own_account(self):
        day = date(2026, 11, 3)
        own = write(IBAN, [Payment(Decimal("5.00"), day, text="own")], sequence=7)
        other_iban = "BE68539007547034"
        other = write(other_iban, [Payment(Decimal("6.00"), day, text="other")])
        statements = self.env["account.bank.statement"]
        before = statements.search_count([])
        with self.assertRaises(UserError) as caught:
            self.wizard.import_file(
                "other.cod", base64.b64encode(other), journal_id=self.bank.id
            )
        self.assertIn(other_iban, str(caught.exception))
        self.assertIn(self.bank.display_name, str(caught.exception))
        self.assertEqual(statements.search_count([]), before)
        result = self.wizard.import_file(
            "own.cod", base64.b64encode(own), journal_id=self.bank.id
        )
        self.assertEqual(
            statements.browse(result["statement_ids"]).journal_id, self.bank
        )
        # Asked to, the other account's statement goes to a journal of its own.
        result = self.wizard.import_file(
            "other.cod",
            base64.b64encode(other),
            journal_id=self.bank.id,
            create_journals=True,
        )
        journal = statements.browse(result["statement_ids"]).journal_id
        self.assertEqual(journal.bank_account_id.sanitized_acc_number, other_iban)

    def test_a_file_that_does_not_add_up_is_refused_unless_asked_and_says_so(self):
        day = date(2026, 11, 4)
        data = write(IBAN, [Payment(Decimal("32770.48"), day, text="x")], sequence=5)
        lines = data.split(b"\r\n")
        index = next(i for i, line in enumerate(lines) if line.startswith(b"21"))
        # One digit of the amount damaged: the movement no longer adds up to the
        # trailer's total and the new balance.
        record = lines[index]
        digit = b"9" if record[40:41] != b"9" else b"8"
        lines[index] = record[:40] + digit + record[41:]
        damaged = b"\r\n".join(lines)
        encoded = base64.b64encode(damaged)
        with self.assertRaises(UserError) as caught:
            self.wizard.import_file("damaged.cod", encoded)
        self.assertIn("damaged.cod", str(caught.exception))
        self.assertIn("line", str(caught.exception))
        result = self.wizard.import_file("damaged.cod", encoded, strict=False)
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertTrue(statement.einvoice_import_warnings)
        self.assertTrue(result["warnings"])

    def test_a_statement_continues_the_previous_ones_closing_balance(self):
        first = write(
            IBAN,
            [Payment(Decimal("100.00"), date(2026, 11, 5), text="a")],
            sequence=11,
            old_balance=Decimal("500.00"),
        )
        self.wizard.import_file("first.cod", base64.b64encode(first))
        # Closed at 600.00; the next one opens at 590.00: one is missing.
        gap = write(
            IBAN,
            [Payment(Decimal("10.00"), date(2026, 11, 9), text="b")],
            sequence=13,
            old_balance=Decimal("590.00"),
        )
        with self.assertRaises(UserError) as caught:
            self.wizard.import_file("gap.cod", base64.b64encode(gap))
        self.assertIn("590", str(caught.exception))
        self.assertIn("600", str(caught.exception))
        result = self.wizard.import_file("gap.cod", base64.b64encode(gap), strict=False)
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertIn("a statement is missing", statement.einvoice_import_warnings)
        # The one that continues it is imported without a word.
        following = write(
            IBAN,
            [Payment(Decimal("1.00"), date(2026, 11, 10), text="c")],
            sequence=14,
            old_balance=Decimal("600.00"),
        )
        result = self.wizard.import_file("next.cod", base64.b64encode(following))
        statement = self.env["account.bank.statement"].browse(result["statement_ids"])
        self.assertFalse(statement.einvoice_import_warnings)
