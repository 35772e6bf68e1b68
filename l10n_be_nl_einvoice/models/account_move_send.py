# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from concurrent.futures import ThreadPoolExecutor

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import groupby

from ..lib.ubl_validate import Report, UblValidationError, get_validator
from .account_move_ubl import FORMAT_PROFILES
from .res_company import UBL_PROFILES

_logger = logging.getLogger(__name__)
# Odoo's e-invoice format of each of our profiles.
PROFILE_FORMATS = {profile: key for key, profile in FORMAT_PROFILES.items()}


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    def _hook_invoice_document_before_pdf_report_render(self, invoice, invoice_data):
        # EXTENDS account_edi_ubl_cii: the UBL just built is checked with the official
        # rules before anything leaves; a fatal failure stops this invoice's sending
        # (no XML, no e-mail) and says why, the others go on.
        # The master data Peppol needs is checked first: nothing is built for an
        # invoice that cannot go.
        methods = invoice_data.get("sending_methods") or ()
        for channel in ("peppol", "email"):
            reason = channel in methods and invoice._einvoice_gate(channel)
            if reason:
                invoice_data["error"] = {
                    "error_title": _(
                        "%(name)s was not sent: its master data is incomplete.",
                        name=invoice.display_name,
                    ),
                    "errors": [reason],
                }
                return
        super()._hook_invoice_document_before_pdf_report_render(invoice, invoice_data)
        profile = FORMAT_PROFILES.get(invoice_data.get("invoice_edi_format"))
        if not profile or not invoice_data.get("ubl_cii_xml_attachment_values"):
            return
        invoice_data["einvoice_unchecked"] = profile
        if "peppol" in methods:
            # Checked before anything reaches the access point.
            self._einvoice_check_ubls({invoice: invoice_data})()

    @api.model
    def _einvoice_check_ubls(self, invoices_data):
        """Start the official rules on the UBL files of `invoices_data` not checked
        yet, in one exchange with their helper process and in a thread of their
        own, so that PDFs render meanwhile; returns the function that waits for
        the outcome and stops an invoice whose file does not pass (no file, no
        sending, the reason said)."""
        unchecked = {
            invoice: invoice_data
            for invoice, invoice_data in invoices_data.items()
            if invoice_data.get("einvoice_unchecked") and not invoice_data.get("error")
        }
        if not unchecked:
            return lambda: None
        documents = [
            (data["ubl_cii_xml_attachment_values"]["raw"], data["einvoice_unchecked"])
            for data in unchecked.values()
        ]
        try:
            validator = get_validator(next(iter(unchecked))._einvoice_rules_dir())
        except UserError:
            validator = None  # each one is checked, and refused, on its own below
        pool = ThreadPoolExecutor(max_workers=1)
        checking = validator and pool.submit(validator.validate_many, documents)

        def finish():
            try:
                reports = checking.result() if checking else []
            except UblValidationError as error:
                _logger.warning("e-invoices checked one by one: %s", error)
                reports = []
            finally:
                pool.shutdown()
            reports += [None] * (len(unchecked) - len(reports))
            for (invoice, data), report in zip(unchecked.items(), reports, strict=True):
                self._einvoice_apply_check(
                    invoice, data, report if isinstance(report, Report) else None
                )

        return finish

    @api.model
    def _einvoice_apply_check(self, invoice, invoice_data, report):
        profile = invoice_data.pop("einvoice_unchecked")
        xml = invoice_data["ubl_cii_xml_attachment_values"]["raw"]
        problems = invoice._einvoice_problems(xml, profile, report=report)
        fatal = [p for p in problems if p["flag"] == "fatal"]
        if not fatal:
            return
        invoice_data.pop("ubl_cii_xml_attachment_values")
        invoice_data.pop("ubl_cii_xml_options", None)
        lines = [f"[{p['rule']}] {p['where']}: {p['text']}" for p in fatal]
        methods = invoice_data.get("sending_methods") or ()
        if methods and "peppol" not in methods:
            # By e-mail (or a download) the PDF is the invoice: it goes without the
            # e-invoice, and the invoice says why.
            invoice_data["einvoice_ubl_left_out"] = True
            invoice._message_log(
                body=_(
                    "Sent without its e-invoice (%(profile)s): it does not pass the "
                    "official rules.\n%(problems)s",
                    profile=dict(UBL_PROFILES)[profile],
                    problems="\n".join(lines),
                )
            )
        else:
            invoice_data["error"] = {
                "error_title": _(
                    "%(name)s was not sent: its e-invoice does not pass the official "
                    "rules.",
                    name=invoice.display_name,
                ),
                "errors": lines,
            }

    @api.model
    def _call_web_service_after_invoice_pdf_render(self, invoices_data):
        # EXTENDS account: the e-invoices not checked while their PDFs rendered (an
        # invoice that had its PDF) are checked now, before anything leaves.
        self._einvoice_check_ubls(invoices_data)()
        return super()._call_web_service_after_invoice_pdf_render(
            {
                invoice: invoice_data
                for invoice, invoice_data in invoices_data.items()
                if not invoice_data.get("error")
            }
        )

    @api.model
    def _prepare_invoice_pdf_report(self, invoices_data):
        # EXTENDS account: the PDFs are rendered as the customer receives them, on
        # the company's letterhead, by the documents' service of the suite
        # (`einvoice.document.render_pdfs`): many in one call with a patched
        # wkhtmltopdf; with Debian's build, which cannot tell the invoices of one
        # call apart, invoices of one page share a call and the others have one
        # each (Odoo's own batch fails there).
        documents = self.env["einvoice.document"]
        checked = self._einvoice_check_ubls(invoices_data)
        groups = groupby(
            invoices_data.items(),
            key=lambda item: (item[1]["pdf_report"], item[0].company_id),
        )
        try:
            self._einvoice_render_pdfs(documents, groups)
        finally:
            checked()

    @api.model
    def _einvoice_render_pdfs(self, documents, groups):
        for (report, company), items in groups:
            moves = self.env["account.move"].browse([move.id for move, _d in items])
            pdfs = documents.with_company(company).render_pdfs(
                moves.with_company(company), report.report_name
            )
            for invoice, invoice_data in items:
                if not pdfs.get(invoice.id):
                    invoice_data["error"] = {
                        "error_title": _(
                            "The PDF of %(invoice)s could not be made.",
                            invoice=invoice.display_name,
                        ),
                        "errors": [],
                    }
                    continue
                invoice_data["pdf_attachment_values"] = {
                    "name": invoice._get_invoice_report_filename(),
                    "raw": pdfs[invoice.id],
                    "mimetype": "application/pdf",
                    "res_model": invoice._name,
                    "res_id": invoice.id,
                    "res_field": "invoice_pdf_report_file",
                }

    def _postprocess_invoice_ubl_xml(self, invoice, invoice_data):
        # EXTENDS account_edi_ubl_cii: UBL.BE carries the PDF in the document's own
        # reference (ubl-BE-02), not in an extra one.
        if invoice_data.get("invoice_edi_format") != "ublbe":
            return super()._postprocess_invoice_ubl_xml(invoice, invoice_data)
        pdf = (
            invoice.invoice_pdf_report_id
            or invoice_data.get("pdf_attachment_values")
            or invoice_data["proforma_pdf_attachment_values"]
        )
        xml_values = invoice_data["ubl_cii_xml_attachment_values"]
        xml_values["raw"] = self.env["account.edi.xml.ubl_be"]._einvoice_embed_pdf(
            xml_values["raw"], pdf["name"], pdf["raw"]
        )

    # -- e-mail: the company's template, the invoice's Recipient, the ledger ------

    @api.model
    def _get_default_mail_template_id(self, move):
        # EXTENDS account: a customer document goes with its company's invoice
        # e-mail (%n in its subject is the invoice number).
        if move.is_sale_document(include_receipts=False):
            return move.company_id._einvoice_mail_template()
        return super()._get_default_mail_template_id(move)

    @api.model
    def _get_default_mail_subject(self, move, mail_template, mail_lang):
        subject = super()._get_default_mail_subject(move, mail_template, mail_lang)
        if subject and move.name:
            subject = subject.replace("%n", move.name)
        return subject

    @api.model
    def _get_default_mail_partner_ids(self, move, mail_template, mail_lang):
        # EXTENDS account: a customer document goes to the invoice's Recipient (the
        # customer's invoice address when it was made), not the general address.
        if move.is_sale_document(include_receipts=False) and move.einvoice_email_to:
            return move._einvoice_recipient_partners()
        return super()._get_default_mail_partner_ids(move, mail_template, mail_lang)

    @api.model
    def _get_alerts(self, moves, moves_data):
        alerts = super()._get_alerts(moves, moves_data)
        sent = moves.filtered(
            lambda move: (
                "email" in moves_data[move]["sending_methods"]
                and move._einvoice_email_transmission().state == "sent"
            )
        )
        if sent:
            alerts["l10n_be_nl_einvoice_sent_before"] = {
                "level": "info",
                "message": _(
                    "Already e-mailed: %(names)s. Sending again is recorded as a "
                    "resend in the transmission ledger.",
                    names=", ".join(sent.mapped("display_name")),
                ),
            }
        return alerts

    @api.model
    def _get_mail_params(self, move, move_data):
        params = super()._get_mail_params(move, move_data)
        profile = FORMAT_PROFILES.get(move_data.get("invoice_edi_format"))
        if move_data.get("einvoice_ubl_left_out"):
            profile = None
        params["einvoice_user_id"] = move_data.get("author_user_id")
        params["einvoice_formats"] = ["PDF"] + (
            [dict(UBL_PROFILES)[profile]] if profile else []
        )
        return params

    @api.model
    def _send_mail(self, move, mail_template, **kwargs):
        # EXTENDS account: a customer document is e-mailed through the transmission
        # ledger (`einvoice.email.send._send_composed`): its outcome is the mail
        # queue's, its addresses are sent as typed, a second click while it is
        # being sent sends nothing.
        formats = kwargs.pop("einvoice_formats", None)
        user_id = kwargs.pop("einvoice_user_id", None)
        if not move.is_sale_document(include_receipts=False):
            return super()._send_mail(move, mail_template, **kwargs)
        return self.env["einvoice.email.send"]._send_composed(
            move, formats=formats, user_id=user_id, **kwargs
        )

    # -- the settings of a sending, its errors -------------------------------------

    @api.model
    def _get_default_sending_settings(self, move, from_cron=False, **custom_settings):
        # EXTENDS account: a background sending keeps the channels it was asked
        # for (`einvoice_send_email` asks for e-mail only).
        methods = from_cron and (move.sending_data or {}).get("sending_methods")
        if methods and "sending_methods" not in custom_settings:
            custom_settings["sending_methods"] = set(methods)
        return super()._get_default_sending_settings(
            move, from_cron=from_cron, **custom_settings
        )

    @api.model
    def _get_default_invoice_edi_format(self, move, **kwargs):
        # EXTENDS account: by e-mail, a customer document of a Belgian or Dutch
        # company carries the UBL of the customer's profile (else the company's),
        # unless the customer takes another format (Factur-X, XRechnung, ...).
        own = super()._get_default_invoice_edi_format(move, **kwargs)
        methods = kwargs.get("sending_methods") or ()
        if (
            "peppol" in methods
            or not move._einvoice_gated()
            or (own and own not in FORMAT_PROFILES)
        ):
            return own
        return PROFILE_FORMATS.get(move._einvoice_profile(None, "email"), own)

    @api.model
    def _hook_if_errors(self, moves_data, allow_raising=True):
        # EXTENDS account: an e-mail that was waiting in the ledger (a background
        # batch, a resend) and cannot go is failed there, with the reason; the
        # reasons are also given to whoever asked (`einvoice.email.send._send`).
        reasons = self.env.context.get("einvoice_send_errors")
        for move, move_data in moves_data.items():
            text = self._format_error_text(move_data["error"])
            if reasons is not None:
                reasons[move.id] = text
            waiting = move._einvoice_email_transmission()
            if "email" in move_data["sending_methods"] and waiting.state == "pending":
                waiting._mark_failed(text)
        return super()._hook_if_errors(moves_data, allow_raising=allow_raising)
