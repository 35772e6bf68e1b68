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
