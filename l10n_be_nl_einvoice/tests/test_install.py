# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import Form, TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_module_is_installed_with_its_dependencies(self):
        module = self.env["ir.module.module"].search(
            [("name", "=", "l10n_be_nl_einvoice")]
        )
        self.assertEqual(module.state, "installed")
        for dependency in ("account", "account_edi_ubl_cii", "mail"):
            self.assertIn(dependency, module.dependencies_id.mapped("name"))

    def test_settings_menu_opens_its_action_and_view(self):
        menu = self.env.ref("l10n_be_nl_einvoice.menu_einvoice_settings")
        self.assertEqual(
            menu.parent_id, self.env.ref("l10n_be_nl_einvoice.menu_einvoice_root")
        )
        action = menu.action.sudo().read()[0]
        self.assertEqual(action["res_model"], "res.config.settings")
        views = self.env["res.config.settings"].get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        self.assertIn('id="einvoice_be_nl"', arch)
        self.assertIn('name="einvoice_ubl_profile"', arch)

    def test_settings_save_the_ubl_profile_on_the_company(self):
        company = self.env.company
        self.assertEqual(company.einvoice_ubl_profile, "peppol_bis3")
        with Form(self.env["res.config.settings"]) as settings:
            settings.einvoice_ubl_profile = "ublbe"
        settings.save().execute()
        self.assertEqual(company.einvoice_ubl_profile, "ublbe")

    def test_the_profile_is_per_company(self):
        other = self.env["res.company"].create({"name": "Other company"})
        self.env.company.einvoice_ubl_profile = "nlcius"
        self.assertEqual(other.einvoice_ubl_profile, "peppol_bis3")
