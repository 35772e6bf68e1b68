# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_is_installed_on_top_of_the_core(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "codabox_connector")]
        )
        self.assertEqual(module.state, "installed")
        self.assertEqual(module.dependencies_id.mapped("name"), ["l10n_be_nl_einvoice"])

    def test_settings_section_shows_the_api_address(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="codabox_api_url"', arch)

    def test_settings_save_the_api_address(self):
        params = self.env["ir.config_parameter"].sudo()
        with Form(self.env["res.config.settings"]) as settings:
            self.assertEqual(settings.codabox_api_url, "https://api.codabox.com/v2")
            settings.codabox_api_url = "https://sandbox-api.codabox.com/v2"
        settings.save().execute()
        self.assertEqual(
            params.get_param("codabox_connector.api_url"),
            "https://sandbox-api.codabox.com/v2",
        )
