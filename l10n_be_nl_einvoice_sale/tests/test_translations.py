# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def test_dutch_and_french_labels_load_for_belgian_users(self):
        for lang in ("nl_BE", "fr_BE"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"].search(
            [("name", "=", "l10n_be_nl_einvoice_sale")]
        )._update_translations(["nl_BE", "fr_BE"])
        fields = self.env["ir.model.fields"]
        for lang, label in (("nl_BE", "Verkooporder"), ("fr_BE", "Commande client")):
            self.assertEqual(
                fields.with_context(lang=lang)
                ._get("einvoice.recurring.plan", "sale_order_id")
                .field_description,
                label,
            )
