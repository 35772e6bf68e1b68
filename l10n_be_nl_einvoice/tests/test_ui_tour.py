# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUiTour(HttpCase):
    def test_bookkeeper_opens_invoicing_and_the_einvoicing_settings(self):
        if not self.env["res.partner"].search_count(
            [("name", "=", "Bakkerij Janssens BV")]
        ):
            self.skipTest(
                "needs the demo data of setup/demo_data.py (loaded by ./setup/test)"
            )
        self.start_tour("/odoo", "l10n_be_nl_einvoice_open_invoicing", login="admin")

    def test_bookkeeper_previews_the_payment_reminders(self):
        if not self.env["res.partner"].search_count(
            [("name", "=", "Bakkerij Janssens BV")]
        ):
            self.skipTest(
                "needs the demo data of setup/demo_data.py (loaded by ./setup/test)"
            )
        self.start_tour("/odoo", "l10n_be_nl_einvoice_reminders", login="admin")

    def test_bookkeeper_opens_the_dashboard_of_what_was_sent(self):
        if not self.env["res.partner"].search_count(
            [("name", "=", "Bakkerij Janssens BV")]
        ):
            self.skipTest(
                "needs the demo data of setup/demo_data.py (loaded by ./setup/test)"
            )
        self.start_tour("/odoo", "l10n_be_nl_einvoice_dashboard", login="admin")

    def test_bookkeeper_fixes_a_vat_number_on_the_data_quality_list(self):
        customer = self.env["res.partner"].search(
            [("name", "=", "Bakkerij Janssens BV")]
        )
        if not customer:
            self.skipTest(
                "needs the demo data of setup/demo_data.py (loaded by ./setup/test)"
            )
        wrong = customer.with_context(no_vat_validation=True).copy(
            {"name": "Slagerij Peeters BV", "vat": "BE0555444369", "customer_rank": 1}
        )
        self.start_tour("/odoo", "l10n_be_nl_einvoice_data_quality", login="admin")
        self.assertEqual(wrong.vat, "BE0555444368")
        self.assertFalse(wrong.einvoice_data_problems)
