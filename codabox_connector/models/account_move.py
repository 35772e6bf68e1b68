# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models


class AccountMove(models.Model):
    _inherit = "account.move"

    def codabox_send(self):
        """Send these customer invoices and credit notes to the accountant through
        CodaBox, each once, in date order (XML-RPC; for users who may edit
        invoices). Returns ``{"sent": [ids], "skipped": [{"id", "name",
        "reason"}], "failed": [...]}``."""
        return self.env["codabox.sender"]._send(self)

    def action_codabox_send(self):
        result = self.codabox_send()
        details = [
            f"{item['name']}: {item['reason']}"
            for item in result["skipped"] + result["failed"]
        ]
        message = _(
            "%(sent)s invoice(s) sent to CodaBox, %(skipped)s skipped, %(failed)s "
            "failed.",
            sent=len(result["sent"]),
            skipped=len(result["skipped"]),
            failed=len(result["failed"]),
        )
        return self.env["einvoice.transmission"]._result_notification(
            _("Send to accountant via CodaBox"), message, details
        )
