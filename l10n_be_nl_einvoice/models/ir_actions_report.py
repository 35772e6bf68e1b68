# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        result = super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)
        if res_ids and self._is_invoice_report(report_ref):
            # A printed or downloaded invoice may have reached the customer: from now on
            # it can only be cancelled by a credit note.
            moves = self.env["account.move"].browse(res_ids).exists()
            moves.filtered(
                lambda m: m.einvoice_number and not m.einvoice_sent
            ).sudo().write({"einvoice_sent": True})
        return result
