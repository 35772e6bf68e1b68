# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import importlib.util
from pathlib import Path

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools.misc import format_date

from ..hooks import post_init_hook
from .common import NumberingCommon

MIGRATION = (
    Path(__file__).parents[1] / "migrations" / "18.0.1.0.1" / "post-migration.py"
)


@tagged("post_install", "-at_install")
class TestNumberingDefaults(NumberingCommon):
    """Legal numbering is on by default where Belgian or Dutch law asks for it, and a
    series keeps its invoice dates in number order unless the company says
    otherwise."""

    # Every company here takes Odoo's generic chart: the country is what counts.
    chart_template = "generic_coa"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        countries = {code: cls.env.ref(f"base.{code}") for code in ("be", "nl", "fr")}
        cls.companies = {
            code: cls.setup_other_company(
                name=f"Company {code.upper()}", country_id=country.id
            )["company"]
            for code, country in countries.items()
        }
        belgian = cls.companies["be"]
        belgian.write(
            {
                "child_ids": [
                    Command.create(
                        {"name": "Succursale Lille", "country_id": countries["fr"].id}
                    )
                ]
            }
        )
        cls.env.cr.precommit.run()  # the branch's chart of accounts, as Odoo's tests
        cls.companies["branch"] = belgian.child_ids
        # The accounting manager who sets up the journals of every company.
        cls.manager = new_test_user(
            cls.env,
            login="einvoice_defaults_manager",
            groups="account.group_account_manager",
            company_id=cls.env.company.id,
            company_ids=[
                Command.set(
                    [cls.env.company.id, *(c.id for c in cls.companies.values())]
                )
            ],
        )

    def new_sales_journal(self, company, code, **values):
        return (
            self.env["account.journal"]
            .with_user(self.manager)
            .with_context(allowed_company_ids=company.ids)
            .create(
                {
                    "name": f"Sales {code}",
                    "code": code,
                    "type": "sale",
                    "company_id": company.id,
                    **values,
                }
            )
        )

    def test_belgian_and_dutch_sales_journals_number_legally_from_their_creation(self):
        for key in ("be", "nl", "branch"):
            company = self.companies[key]
            charted = self.env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "sale")]
            )
            created = self.new_sales_journal(company, f"S{key[:2].upper()}")
            for journal in charted | created:
                self.assertTrue(journal.einvoice_numbering, journal.display_name)
                self.assertTrue(journal.einvoice_series_ids, journal.display_name)

    def test_a_branch_follows_its_root_companys_country(self):
        branch = self.companies["branch"]
        self.assertEqual(branch.country_id.code, "FR")
        self.assertEqual(branch.root_id.country_id.code, "BE")
        self.assertTrue(branch._einvoice_numbers_by_law())
        self.assertFalse(self.companies["fr"]._einvoice_numbers_by_law())

    def test_a_dutch_fiscal_country_is_enough(self):
        french = self.companies["fr"]
        french.account_fiscal_country_id = self.env.ref("base.nl")
        self.assertTrue(self.new_sales_journal(french, "FIS").einvoice_numbering)

    def french_sales_journal(self):
        return self.env["account.journal"].search(
            [("company_id", "=", self.companies["fr"].id), ("type", "=", "sale")],
            limit=1,
        )

    def test_a_french_sales_journal_keeps_odoos_numbering_by_default(self):
        french = self.companies["fr"]
        self.assertFalse(self.new_sales_journal(french, "SFR").einvoice_numbering)
        journal = self.french_sales_journal()
        self.assertFalse(journal.einvoice_numbering)
        self.assertFalse(journal.einvoice_series_ids)
        move = self.invoice(company=french, journal=journal)
        self.assertEqual(move.name, f"{journal.code}/2026/00001")
        self.assertFalse(move.einvoice_number)

    def test_a_french_journal_switched_on_by_hand_numbers_legally(self):
        french = self.companies["fr"]
        journal = self.french_sales_journal()
        in_french = journal.with_user(self.manager).with_context(
            allowed_company_ids=french.ids
        )
        with Form(in_french) as form:
            self.assertFalse(form.einvoice_numbering)
            form.einvoice_numbering = True
            form.einvoice_number_format = "yy"
            form.einvoice_number_prefix = "FV-"
        self.assertTrue(journal.einvoice_numbering)
        first = self.invoice(company=french, journal=journal)
        second = self.invoice(company=french, journal=journal, day="2026-11-06")
        self.assertEqual((first.name, second.name), ("FV-2600001", "FV-2600002"))
        self.assertEqual(second.einvoice_number, 2)

    def test_installation_numbers_the_belgian_journals_and_leaves_the_others(self):
        # As the module is installed: Odoo computes the new field for the journals
        # that exist, then the hook gives the numbered ones their series.
        be_journal = self.new_sales_journal(
            self.companies["be"], "OBE", einvoice_numbering=False
        )
        fr_journal = self.new_sales_journal(
            self.companies["fr"], "OFR", einvoice_numbering=False
        )
        journals = be_journal | fr_journal
        self.env.add_to_compute(journals._fields["einvoice_numbering"], journals)
        post_init_hook(self.env)
        self.assertTrue(be_journal.einvoice_numbering)
        self.assertTrue(be_journal.einvoice_series_ids)
        self.assertFalse(fr_journal.einvoice_numbering)
        self.assertFalse(fr_journal.einvoice_series_ids)

    def test_an_invoice_dated_before_the_last_one_is_refused_by_default(self):
        company = self.env.company
        self.assertEqual(company.einvoice_backdating, "refuse")
        self.assertEqual(self.companies["fr"].einvoice_backdating, "refuse")
        last = self.invoice(day="2026-11-20")
        early = self.invoice(day="2026-11-10", post=False)
        draft_name = early.display_name
        with self.assertRaisesRegex(UserError, "cannot be dated") as refused:
            early.with_user(self.billing_user).action_post()
        message = str(refused.exception)
        for part in (
            f"{draft_name} ({early.partner_id.display_name})",
            format_date(self.env, early.invoice_date),
            last.name,
            format_date(self.env, last.invoice_date),
        ):
            self.assertIn(part, message)

    def test_updating_the_module_refuses_backdating_where_it_was_the_old_default(self):
        spec = importlib.util.spec_from_file_location("einvoice_migration", MIGRATION)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        french, dutch = self.companies["fr"], self.companies["nl"]
        self.env.company.einvoice_backdating = "allow"
        french.einvoice_backdating = "last_date"
        dutch.einvoice_backdating = "allow"
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(
            [c.einvoice_backdating for c in (self.env.company, french, dutch)],
            ["refuse", "last_date", "refuse"],
        )
