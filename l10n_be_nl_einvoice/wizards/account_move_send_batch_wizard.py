# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMoveSendBatchWizard(models.TransientModel):
    _inherit = "account.move.send.batch.wizard"

    def action_send_and_print(self, force_synchronous=False, allow_fallback_pdf=False):
        # EXTENDS account: the invoices of the selection that go by e-mail wait in
        # the transmission ledger as one batch (progress, then a summary for the
        # sender) while Odoo's sending cron sends them.
        if not force_synchronous:
            emailed = self.move_ids.filtered(
                lambda move: self._get_default_sending_method(move) == "email"
            )
            ready, skipped = self.env["einvoice.email.send"]._split(emailed, again=True)
            self.env["einvoice.send.batch"]._start(ready, skipped, background=False)
        return super().action_send_and_print(
            force_synchronous=force_synchronous, allow_fallback_pdf=allow_fallback_pdf
        )
