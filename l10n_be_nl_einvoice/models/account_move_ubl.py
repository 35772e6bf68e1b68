# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# One concern per file (numbering in account_move.py, the e-invoice here) keeps each
# short, hence a second class extending account.move.
# pylint: disable=consider-merging-classes-inherited
from odoo import _, fields, models, tools
from odoo.exceptions import UserError

from ..lib.ubl_messages import ADVICE, advice, where
from ..lib.ubl_totals import check_totals
from ..lib.ubl_validate import UblValidationError, get_validator
from .access import BILLING, require_group
from .einvoice_document import INVOICE_REPORT

# Our profiles and their builders (Odoo's, extended; UBL.BE is ours).
BUILDERS = {
    "peppol_bis3": "account.edi.xml.ubl_bis3",
    "nlcius": "account.edi.xml.ubl_nl",
    "ublbe": "account.edi.xml.ubl_be",
}
# Odoo's e-invoice formats (on the customer) and the profile each one is.
FORMAT_PROFILES = {"ubl_bis3": "peppol_bis3", "nlcius": "nlcius", "ublbe": "ublbe"}
# Channels: how a document leaves. Peppol carries BIS 3.0 (or NLCIUS); the e-mail to
# the customer carries the customer's profile; the accountant's software its own.
CHANNELS = ("email", "peppol", "accountant")


class AccountMove(models.Model):
    _inherit = "account.move"

    einvoice_check_state = fields.Selection(
        [("ok", "Valid"), ("warning", "Valid, with warnings"), ("error", "Errors")],
        string="E-invoice check",
        readonly=True,
        copy=False,
    )
    einvoice_check_messages = fields.Text(
        string="E-invoice check result", readonly=True, copy=False
    )

    def _einvoice_profile(self, profile=None, channel=None):
        """The UBL profile of this invoice on a channel.

        The profile asked for wins. On Peppol: NLCIUS when the customer's e-invoice
        format is NLCIUS, else Peppol BIS 3.0. To the accountant: the company's
        accountant profile. By e-mail (and when no channel is named): the customer's
        UBL profile, else the profile of its e-invoice format, else the company's
        default."""
        if profile:
            return profile
        if channel and channel not in CHANNELS:
            raise UserError(
                _("Unknown channel %(channel)s: use one of %(channels)s.",
                  channel=channel, channels=", ".join(CHANNELS))
            )  # fmt: skip
        customer = self.commercial_partner_id
        edi_profile = FORMAT_PROFILES.get(customer.invoice_edi_format)
        if channel == "peppol":
            return "nlcius" if edi_profile == "nlcius" else "peppol_bis3"
        if channel == "accountant":
            return self.company_id.einvoice_accountant_profile
        return (
            customer.einvoice_ubl_profile
            or edi_profile
            or self.company_id.einvoice_ubl_profile
        )

    def einvoice_ubl(self, profile=None, channel=None):
        """The invoice's UBL document for a profile or a channel (XML-RPC: returns
        the XML text). A UBL.BE file carries the invoice's PDF, which is then
        handed out as a download is."""
        self.ensure_one()
        used = self._einvoice_profile(profile, channel)
        pdf = self._einvoice_pdf() if used == "ublbe" else None
        xml, _errors = self._einvoice_export(used, pdf=pdf)
        return xml.decode()

    def _einvoice_pdf(self, printed=True):
        """(file name, content) of the invoice's PDF: the one sent, else rendered.
        A rendering is `printed`, as a downloaded PDF is (the invoice can then no
        longer be deleted), unless it is made for a document that stays in Odoo
        (`printed=False`: the e-invoice check)."""
        self.ensure_one()
        if self.invoice_pdf_report_id:
            return self.invoice_pdf_report_id.name, self.invoice_pdf_report_id.raw
        # The invoice report's action is limited to invoicing users; the callers
        # of the e-invoice check their own rights (einvoice_check: billing users).
        reports = self.env["ir.actions.report"].sudo()
        if printed:
            content, _type = reports._render_qweb_pdf(INVOICE_REPORT, self.ids)
        else:
            content = reports._einvoice_render_unprinted(INVOICE_REPORT, self.id)
        return f"{self.name.replace('/', '_')}.pdf", content

    def _einvoice_unexportable(self):
        """Why this document has no e-invoice, or None."""
        self.ensure_one()
        if not self.is_sale_document() or self.state != "posted":
            return _("%(name)s: only posted customer invoices and credit notes have an "
                     "e-invoice.", name=self.display_name)  # fmt: skip
        return None

    def _einvoice_export(self, profile, pdf=None):
        """(XML, Odoo's errors) of the invoice's UBL in `profile`; `pdf`, a (file
        name, content) pair, is put inside a UBL.BE file, in the document's own
        reference (ubl-BE-02)."""
        if profile not in BUILDERS:
            raise UserError(
                _(
                    "The UBL profile %(profile)s cannot be produced yet.",
                    profile=profile,
                )
            )
        reason = self._einvoice_unexportable()
        if reason:
            raise UserError(reason)
        xml, errors = self.env[BUILDERS[profile]]._export_invoice(self)
        if profile == "ublbe" and pdf:
            xml = self.env["account.edi.xml.ubl_be"]._einvoice_embed_pdf(xml, *pdf)
        return xml, errors

    def _einvoice_rules_dir(self):
        rules = tools.config.get("einvoice_rules_dir")
        if not rules:
            raise UserError(
                _(
                    "The official validation rules are not configured: set "
                    "einvoice_rules_dir in the Odoo configuration file (the setup "
                    "fills it)."
                )
            )
        return rules

    def _einvoice_problems(self, xml, profile, builder_errors=(), report=None):
        """What stands between this e-invoice and the receiver: Odoo's own checks, the
        totals guard, then the official rules (their `report` when they already ran).
        Dicts with rule, flag, where, text; the outcome is also stored on the invoice
        (E-invoice tab)."""
        self.ensure_one()
        problems = [
            {
                "rule": "ODOO",
                "flag": "fatal",
                "where": self.env._("the invoice"),
                "text": error,
            }
            for error in sorted(builder_errors)
        ]
        try:
            problems += [
                {
                    "rule": m.rule,
                    "flag": "fatal",
                    "where": self.env._("the totals"),
                    "text": self._einvoice_mismatch_text(m),
                }
                for m in check_totals(xml)
            ]
            if report is None:
                validator = get_validator(self._einvoice_rules_dir())
                report = validator.validate(xml, profile)
        except UblValidationError as error:
            raise UserError(
                _("%(name)s: the e-invoice cannot be checked: %(error)s",
                  name=self.display_name, error=str(error))
            ) from error  # fmt: skip
        problems += [
            {
                "rule": failure.rule,
                "flag": failure.flag,
                "where": self.env._(where(failure.location)),
                "text": self._einvoice_advice(failure.rule, failure.text),
            }
            for failure in report.failures
        ]
        fatal = [p for p in problems if p["flag"] == "fatal"]
        # The check's outcome only: the invoice's lines stay as they are.
        self.sudo().with_context(skip_invoice_sync=True).write(
            {
                "einvoice_check_state": "error"
                if fatal
                else ("warning" if problems else "ok"),
                "einvoice_check_messages": "\n".join(
                    f"[{p['rule']}] {p['where']}: {p['text']}" for p in problems
                )
                or _("Valid %(profile)s e-invoice.", profile=profile),
            }
        )
        return problems

    def _einvoice_advice(self, rule, official_text):
        """The bookkeeper's advice for a rule in the user's language; the rule's
        official (English) text when there is none."""
        text = advice(rule, official_text)
        return self.env._(text) if text in ADVICE.values() else text

    def _einvoice_mismatch_text(self, mismatch):
        what = self.env._(mismatch.what)
        if mismatch.category:
            what = self.env._(
                "VAT %(category)s%%: %(what)s", category=mismatch.category, what=what
            )
        return self.env._(
            "%(what)s: computed %(expected)s, the document says %(found)s",
            what=what,
            expected=mismatch.expected,
            found=mismatch.found,
        )

    def einvoice_check(self, profile=None, channel=None):
        """Build the e-invoice and check it with the official rules; store and return
        the result (XML-RPC: a list of dicts, one per invoice). For billing users
        and above (the outcome is stored on the invoice as sudo)."""
        require_group(self.env, BILLING, self.env._("Checking e-invoices"))
        results = []
        for move in self:
            used = move._einvoice_profile(profile, channel)
            # UBL.BE carries the invoice's PDF. Rendered for a check, the PDF stays
            # in Odoo: it is not a print, and the last invoice can still be deleted
            # (account.move unlink).
            pdf = move._einvoice_pdf(printed=False) if used == "ublbe" else None
            xml, builder_errors = move._einvoice_export(used, pdf=pdf)
            problems = move._einvoice_problems(xml, used, builder_errors)
            results.append(
                {
                    "id": move.id,
                    "profile": used,
                    "valid": not any(p["flag"] == "fatal" for p in problems),
                    "problems": problems,
                }
            )
        return results

    def action_einvoice_check(self):
        results = self.einvoice_check()
        invalid = [r for r in results if not r["valid"]]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("E-invoice check"),
                "message": _("%(bad)s of %(all)s e-invoice(s) have errors: see the "
                             "E-invoice tab.", bad=len(invalid), all=len(results))
                if invalid
                else _("Every e-invoice passed the official rules."),
                "type": "danger" if invalid else "success",
                "sticky": bool(invalid),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }  # fmt: skip
