# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import subprocess

from odoo import api, models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

# Without JavaScript to wait for, an invoice needs no print delay: Odoo's default
# (report.print_delay, 1 s) is most of the time an invoice takes to render.
FAST_PRINT_DELAY = "l10n_be_nl_einvoice.print_delay"


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

    @api.model
    def _einvoice_wkhtmltopdf_version(self):
        """What ``wkhtmltopdf --version`` prints ("" when it cannot run)."""
        if not hasattr(type(self), "_einvoice_wkhtmltopdf_output"):
            try:
                output = subprocess.run(
                    [_get_wkhtmltopdf_bin(), "--version"],
                    capture_output=True,
                    timeout=10,
                    check=False,
                ).stdout.decode(errors="replace")
            except (OSError, subprocess.SubprocessError):
                output = ""
            type(self)._einvoice_wkhtmltopdf_output = output
        return type(self)._einvoice_wkhtmltopdf_output

    def _build_wkhtmltopdf_args(
        self,
        paperformat_id,
        landscape,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        args = super()._build_wkhtmltopdf_args(
            paperformat_id,
            landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
        if self.env.context.get("einvoice_fast_print") and "--javascript-delay" in args:
            delay = (
                self.env["ir.config_parameter"].sudo().get_param(FAST_PRINT_DELAY, "50")
            )
            args[args.index("--javascript-delay") + 1] = str(int(delay))
        return args
