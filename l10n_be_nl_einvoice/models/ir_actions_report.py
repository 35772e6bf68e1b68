# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import io
import logging
import subprocess

import lxml.html

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.pdf import PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

from ..lib.wkhtmltopdf import is_patched, render_in_batches

_logger = logging.getLogger(__name__)

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
    def _einvoice_render_unprinted(self, report_ref, res_id):
        """The PDF of one record as `_render_qweb_pdf` renders it, but not counted
        as printed: for a document that does not leave Odoo (an e-invoice built
        to be checked). In test mode without forced rendering, its HTML, as
        Odoo's own rendering gives."""
        content, report_type = self._pre_render_qweb_pdf(report_ref, res_ids=[res_id])
        return self._get_splitted_report(report_ref, content, report_type)[res_id]

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

    @api.model
    def _einvoice_batch_rendering(self):
        """Whether the installed wkhtmltopdf renders many documents in one call that
        can be told apart (a build with patched Qt)."""
        return is_patched(self._einvoice_wkhtmltopdf_version())

    @api.model
    def _einvoice_render_pdfs(self, report_ref, res_ids, layout=None):
        """``{res_id: PDF}`` of a report that keeps no attachment, for many records
        in as few wkhtmltopdf calls as the installed build allows: the suite's one
        batch renderer (invoices through `einvoice.document.render_pdfs`,
        reminders). With patched Qt, Odoo's own batch; without it, documents of one
        page share a call (`render_in_batches`). `layout`: the key of the letterhead
        (external layout) to print on, else the company's. A record that cannot be
        rendered is missing from the result, with the reason in the log."""
        # Without JavaScript to wait for, the print delay can be short
        # (FAST_PRINT_DELAY); the letterhead is read by report/external_layout.xml.
        return self.with_context(
            einvoice_fast_print=True, einvoice_report_layout=layout or False
        )._einvoice_render_batch(report_ref, list(res_ids))

    @api.model
    def _einvoice_render_batch(self, report_ref, res_ids):
        if len(res_ids) < 2:
            return self._einvoice_render_each(report_ref, res_ids)
        if self._einvoice_batch_rendering():
            try:
                content, report_type = self._pre_render_qweb_pdf(
                    report_ref, res_ids=res_ids
                )
                split = self._get_splitted_report(report_ref, content, report_type)
            except UserError as error:
                _logger.warning("batch rendering failed, one by one: %s", error)
                split = {}
            pdfs = {res_id: split[res_id] for res_id in res_ids if split.get(res_id)}
            rest = [res_id for res_id in res_ids if res_id not in pdfs]
            return pdfs | self._einvoice_render_each(report_ref, rest)
        report = self._get_report(report_ref)
        context = {"debug": False}
        data = {"report_type": "pdf", "debug": False}
        # As account's _pre_render_qweb_pdf does for invoices.
        if self._is_invoice_report(report_ref) and self.env[
            "ir.config_parameter"
        ].sudo().get_param("account.display_name_in_footer"):
            data["display_name_in_footer"] = True
        html = self.with_context(**context)._render_qweb_html(
            report_ref, res_ids, data=data
        )[0]
        bodies, html_ids, header, footer, paper = report.with_context(
            **context
        )._prepare_html(html, report_model=report.model)
        if html_ids != res_ids:
            return self._einvoice_render_each(report_ref, res_ids)

        def run(body):
            return self._run_wkhtmltopdf(
                [body],
                report_ref=report_ref,
                header=header,
                footer=footer,
                landscape=self.env.context.get("landscape"),
                specific_paperformat_args=paper,
                set_viewport_size=self.env.context.get("set_viewport_size"),
            )

        def render_batch(items):
            try:
                pdf = run(_one_flow([body for _res_id, body in items]))
            except UserError as error:
                _logger.info("shared rendering failed, halving: %s", error)
                return None
            reader = PdfFileReader(io.BytesIO(pdf), strict=False)
            if len(reader.pages) != len(items):
                return None
            documents = []
            for page in reader.pages:
                writer = PdfFileWriter()
                writer.add_page(page)
                stream = io.BytesIO()
                writer.write(stream)
                documents.append(stream.getvalue())
            return documents

        def render_one(item):
            try:
                return run(item[1])
            except UserError as error:
                _logger.warning("record %s not rendered: %s", item[0], error)
                return None

        documents = render_in_batches(
            list(zip(res_ids, bodies, strict=True)), render_batch, render_one
        )
        return {
            res_id: pdf
            for res_id, pdf in zip(res_ids, documents, strict=True)
            if pdf is not None
        }

    @api.model
    def _einvoice_render_each(self, report_ref, res_ids):
        pdfs = {}
        for res_id in res_ids:
            try:
                pdfs[res_id] = self._render_qweb_pdf(report_ref, res_ids=[res_id])[0]
            except UserError as error:
                _logger.warning("record %s not rendered: %s", res_id, error)
        return pdfs


def _one_flow(bodies):
    """The documents of ``bodies`` (each a page of Odoo's minimal report layout) in
    one page, each from a new page on."""
    first = lxml.html.document_fromstring(bodies[0])
    body = first.find("body")
    for html in bodies[1:]:
        other = lxml.html.document_fromstring(html).find("body")
        for index, node in enumerate(other):
            if index == 0:
                style = node.get("style", "")
                node.set("style", f"page-break-before: always; {style}".strip())
            body.append(node)
    return lxml.html.tostring(first, encoding="unicode", doctype="<!DOCTYPE html>")
