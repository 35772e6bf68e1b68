# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUiTour(HttpCase):
    def test_bookkeeper_sets_up_yuki_mailboxes_and_opens_send_to_accountant(self):
        if not self.env["res.company"].search_count(
            [("name", "=", "Atelier Lambrecht BV")]
        ):
            self.skipTest(
                "needs the demo data of setup/demo_data.py (loaded by ./setup/test)"
            )
        self.start_tour("/odoo", "billmail_connector_setup_mailboxes", login="admin")
