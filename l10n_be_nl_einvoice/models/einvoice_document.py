# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from dataclasses import dataclass, field

from odoo import api, models
from odoo.exceptions import UserError

from ..lib.ubl_validate import Report, UblValidationError, get_validator
from .res_company import UBL_PROFILES

_logger = logging.getLogger(__name__)

INVOICE_REPORT = "account.account_invoices"


@dataclass
class PreparedDocument:
    """What `einvoice.document.prepare` made of one invoice, ready to hand over:
    `pdf` and `ubl` are attachments (`ubl` empty when not asked for or refused),
    `problems` what the official rules found (dicts with rule, flag, where,
    text), `error` why it cannot go (no PDF, a fatal problem, not an invoice)."""

    move: models.BaseModel
    pdf: models.BaseModel
    ubl: models.BaseModel
    profile: str | None = None
    problems: list = field(default_factory=list)
    error: str | None = None


class EinvoiceDocument(models.AbstractModel):
    """The documents of invoices, prepared once for whichever channel sends them
    (the customer e-mail, the accountant's mailboxes, CodaBox): the PDF as the
    customer receives it, the UBL of the profile (UBL.BE with that PDF inside), and
    what the official rules say of it. A fatal problem blocks: that invoice has no
    UBL and the reason is given.

    Server-side only (`api.private`): its arguments and results are records. Over
    RPC, the channels' own methods reach it (`einvoice_send_email`,
    `billmail_send`, `codabox_send`), each for the users it is for."""

    _name = "einvoice.document"
    _description = "Invoice documents prepared for sending"

    @api.private
    @api.model
    def prepare(self, moves, profile=None, channel=None, pdf=True, ubl=True):
        """``{move id: PreparedDocument}`` for posted customer invoices and credit
        notes (another document has only its `error`).

        `profile` (else the invoice's profile on `channel`, `_einvoice_profile`):
        the UBL made when `ubl`; `pdf`: the PDF is wanted besides (a UBL.BE file is
        given its PDF anyway). The invoice's own PDF when it has one, else one
        rendered now for all of them (`render_pdfs`) and kept as its PDF; the UBL
        files of all of them checked by the official rules in one exchange. For
        whoever may edit the invoices: their files are stored with them."""
        moves.check_access("write")
        results = {}
        for move in moves:
            results[move.id] = PreparedDocument(
                move,
                pdf=self.env["ir.attachment"],
                ubl=self.env["ir.attachment"],
                profile=move._einvoice_profile(profile, channel) if ubl else None,
                error=move._einvoice_unexportable(),
            )
        ready = [prepared for prepared in results.values() if not prepared.error]
        wanted = [p for p in ready if pdf or p.profile == "ublbe"]
        pdfs = self._pdf_attachments(moves.browse([p.move.id for p in wanted]))
        for prepared in wanted:
            prepared.pdf = pdfs.get(prepared.move.id, prepared.pdf)
            if not prepared.pdf:
                prepared.error = self.env._(
                    "The PDF of %(invoice)s could not be made.",
                    invoice=prepared.move.display_name,
                )
        if ubl:
            self._make_ubls([p for p in ready if not p.error])
        return results

    @api.private
    @api.model
    def render_pdfs(self, moves, report=INVOICE_REPORT):
        """``{move id: PDF}`` of the invoices in `moves` that have no PDF yet, as
        their customer receives it: on their company's letterhead for invoices,
        rendered together by the suite's one batch renderer
        (`ir.actions.report._einvoice_render_pdfs`). One that cannot be rendered is
        missing from the result (the reason in the server log). Nothing is stored:
        for whoever may read the invoices."""
        moves.check_access("read")
        pdfs = {}
        todo = moves.filtered(lambda move: not move.invoice_pdf_report_id)
        for company, group in todo.grouped("company_id").items():
            reports = self.env["ir.actions.report"].with_company(company)
            pdfs.update(
                reports._einvoice_render_pdfs(
                    report,
                    group.ids,
                    layout=company.einvoice_email_layout_id.view_id.key or None,
                )
            )
        return pdfs

    @api.model
    def _pdf_attachments(self, moves):
        """``{move id: its PDF}``: the one it has, else rendered now and kept as its
        PDF from then on (as Odoo's Send keeps it); none for one that could not be
        rendered."""
        attachments = {m.id: m.invoice_pdf_report_id for m in moves}
        todo = moves.filtered(lambda move: not attachments[move.id])
        rendered = self.render_pdfs(todo)
        made = todo.filtered(lambda move: move.id in rendered)
        # The invoice's PDF is the system's file of it, whoever's sending made it.
        created = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": move._get_invoice_report_filename(),
                        "raw": rendered[move.id],
                        "mimetype": "application/pdf",
                        "res_model": move._name,
                        "res_id": move.id,
                        "res_field": "invoice_pdf_report_file",
                    }
                    for move in made
                ]
            )
        )
        made.invalidate_recordset(["invoice_pdf_report_id", "invoice_pdf_report_file"])
        attachments.update(zip(made.ids, created, strict=True))
        return attachments

    @api.model
    def _make_ubls(self, documents):
        """The UBL of each of `documents` (PreparedDocument), built, checked by the
        official rules, and kept as a file when nothing fatal was found."""
        built = []
        for prepared in documents:
            move = prepared.move
            inside = (
                (prepared.pdf.name, prepared.pdf.raw)
                if prepared.profile == "ublbe"
                else None
            )
            try:
                xml, errors = move._einvoice_export(prepared.profile, pdf=inside)
            except UserError as error:
                prepared.error = str(error)
                continue
            built.append((prepared, xml, errors))
        reports = self.check([(xml, p.profile) for p, xml, _errors in built])
        keep = []
        for (prepared, xml, errors), report in zip(built, reports, strict=True):
            move = prepared.move
            try:
                prepared.problems = move._einvoice_problems(
                    xml, prepared.profile, errors, report=report
                )
            except UserError as error:
                prepared.error = str(error)
                continue
            fatal = [p for p in prepared.problems if p["flag"] == "fatal"]
            if fatal:
                prepared.error = self.env._(
                    "%(invoice)s: the %(profile)s file does not pass the official "
                    "rules: %(problems)s",
                    invoice=move.display_name,
                    profile=dict(UBL_PROFILES).get(prepared.profile, prepared.profile),
                    problems="; ".join(f"[{p['rule']}] {p['text']}" for p in fatal),
                )
                continue
            keep.append((prepared, xml))
        # The files sent are the system's record of what went, like the ledger.
        created = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": p.move._get_invoice_report_filename(extension="xml"),
                        "raw": xml,
                        "mimetype": "application/xml",
                        "res_model": p.move._name,
                        "res_id": p.move.id,
                    }
                    for p, xml in keep
                ]
            )
        )
        for (prepared, _xml), attachment in zip(keep, created, strict=True):
            prepared.ubl = attachment

    @api.private
    @api.model
    def check(self, documents):
        """The official rules' reports of `documents` ((XML bytes, profile) pairs),
        in one exchange with their validator; None in the place of one the
        validator could not check (`account.move._einvoice_problems` then checks
        it on its own, and says why it cannot)."""
        if not documents:
            return []
        try:
            rules = self.env["account.move"]._einvoice_rules_dir()
            answers = get_validator(rules).validate_many(documents)
        except (UserError, UblValidationError) as error:
            _logger.warning("e-invoices to be checked one by one: %s", error)
            answers = []
        answers = list(answers) + [None] * (len(documents) - len(answers))
        return [answer if isinstance(answer, Report) else None for answer in answers]
