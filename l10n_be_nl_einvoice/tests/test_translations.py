# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    def _field_label(self, lang, model, field):
        return (
            self.env["ir.model.fields"]
            .with_context(lang=lang)
            ._get(model, field)
            .field_description
        )

    def test_dutch_and_french_labels_load_for_belgian_users(self):
        suite = ["l10n_be_nl_einvoice", "codabox_connector", "billmail_connector"]
        for lang in ("nl_BE", "fr_BE"):
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"].search(
            [("name", "in", suite)]
        )._update_translations(["nl_BE", "fr_BE"])
        cases = [
            (
                "res.company",
                "einvoice_ubl_profile",
                "Standaard UBL-profiel",
                "Profil UBL par défaut",
            ),
            (
                "res.config.settings",
                "codabox_api_url",
                "Adres CodaBox-API",
                "Adresse de l'API CodaBox",
            ),
            (
                "res.company",
                "billmail_grace_minutes",
                "Wachttijd na boeken (minuten)",
                "Délai après comptabilisation (minutes)",
            ),
        ]
        for model, field, dutch, french in cases:
            self.assertEqual(self._field_label("nl_BE", model, field), dutch)
            self.assertEqual(self._field_label("fr_BE", model, field), french)
