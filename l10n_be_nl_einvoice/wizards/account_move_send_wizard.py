# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountMoveSendWizard(models.TransientModel):
    _inherit = "account.move.send.wizard"

    def _compute_sending_method_checkboxes(self):
        # EXTENDS account, account_peppol: Odoo 18.0 ticks one channel; a customer
        # that asked for it gets e-mail as well (`einvoice_also_email`).
        result = super()._compute_sending_method_checkboxes()
        for wizard in self:
            checkboxes = dict(wizard.sending_method_checkboxes or {})
            move = wizard.move_id
            extra = self._einvoice_sending_methods(move) - {
                self._get_default_sending_method(move)
            }
            for method in extra & checkboxes.keys():
                if not checkboxes[method].get("readonly"):
                    checkboxes[method] = {**checkboxes[method], "checked": True}
            wizard.sending_method_checkboxes = checkboxes
        return result

    def _update_preferred_settings(self):
        # EXTENDS account: Odoo keeps the channel of a customer's first sending as
        # the customer's own choice. The channel the law and the customer's Peppol
        # registration gave is not kept, so that it follows them (a Belgian business
        # that registers on Peppol later gets Peppol); one the user changed in the
        # dialog is kept, as Odoo does.
        self.ensure_one()
        partner = self.move_id.partner_id.with_company(self.company_id)
        had_choice = bool(partner.invoice_sending_method)
        by_rule = self.move_id._einvoice_gated() and set(
            self.sending_methods or []
        ) == self._einvoice_sending_methods(self.move_id)
        result = super()._update_preferred_settings()
        if by_rule and not had_choice and partner.invoice_sending_method:
            # sudo: as Odoo wrote it, also for users who may not edit contacts.
            partner.sudo().invoice_sending_method = False
        return result
