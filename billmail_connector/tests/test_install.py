# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from psycopg2 import IntegrityError

from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_is_installed_on_top_of_the_core(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "billmail_connector")]
        )
        self.assertEqual(module.state, "installed")
        self.assertEqual(module.dependencies_id.mapped("name"), ["l10n_be_nl_einvoice"])

    def test_settings_save_the_delay_on_the_company(self):
        self.assertEqual(self.env.company.billmail_grace_minutes, 10)
        with Form(self.env["res.config.settings"]) as settings:
            settings.billmail_grace_minutes = 15
        settings.save().execute()
        self.assertEqual(self.env.company.billmail_grace_minutes, 15)

    def test_the_delay_cannot_be_negative(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env.company.billmail_grace_minutes = -5
            self.env.flush_all()
