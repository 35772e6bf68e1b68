# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models

from ..models.res_partner_peppol import DIALOG_LOOKUPS


class AccountMoveSendBatchWizard(models.TransientModel):
    _inherit = "account.move.send.batch.wizard"

    def _einvoice_refresh_peppol(self):
        """Look up the customers of the selection whose Peppol check is due (a few;
        the scheduled check does the rest), so that the channels and reasons shown
        are today's. Whichever of the summary and the alerts is computed first
        does it; the other finds nothing due."""
        for wizard in self:
            for company, moves in wizard.move_ids.grouped("company_id").items():
                # sudo: the directory's answers are the system's (Odoo writes the
                # state on the contact), also for users who may not edit contacts.
                moves.commercial_partner_id.sudo()._einvoice_peppol_refresh(
                    company, limit=DIALOG_LOOKUPS
                )

    def _compute_alerts(self):
        # EXTENDS account: the channels said are today's.
        self._einvoice_refresh_peppol()
        return super()._compute_alerts()

    def _compute_summary_data(self):
        # EXTENDS account, account_peppol: the channels counted are today's. Odoo
        # 18.0 counts one channel per invoice: an invoice that also goes by e-mail
        # is counted under each of its channels.
        self._einvoice_refresh_peppol()
        result = super()._compute_summary_data()
        for wizard in self:
            summary = dict(wizard.summary_data or {})
            for move in wizard.move_ids:
                if len(self._einvoice_sending_methods(move)) < 2:
                    continue
                settings = self._get_default_sending_settings(move)
                methods = settings["sending_methods"]
                # Counted by Odoo: the first of the set, as it iterates it.
                counted = next(iter(methods))
                for method in methods - {counted}:
                    if not self._is_applicable_to_move(method, move, **settings):
                        continue
                    entry = summary.get(method) or {
                        "count": 0,
                        "label": self._einvoice_method_label(method),
                    }
                    summary[method] = {**entry, "count": entry["count"] + 1}
            wizard.summary_data = summary
        return result

    def _einvoice_method_label(self, method):
        labels = dict(
            self.env["res.partner"]
            ._fields["invoice_sending_method"]
            ._description_selection(self.env)
        )
        return labels.get(method, method)

    def action_send_and_print(self, force_synchronous=False, allow_fallback_pdf=False):
        # EXTENDS account: the invoices of the selection that go by e-mail (alone or
        # besides Peppol) wait in the transmission ledger as one batch (progress,
        # then a summary for the sender) while Odoo's sending cron sends them.
        if not force_synchronous:
            emailed = self.move_ids.filtered(
                lambda move: "email" in self._einvoice_sending_methods(move)
            )
            ready, skipped = self.env["einvoice.email.send"]._split(emailed, again=True)
            self.env["einvoice.send.batch"]._start(ready, skipped, background=False)
        return super().action_send_and_print(
            force_synchronous=force_synchronous, allow_fallback_pdf=allow_fallback_pdf
        )
