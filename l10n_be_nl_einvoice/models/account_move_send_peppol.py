# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Odoo's sending over Peppol (account_peppol) and the transmission ledger: what the
# sending knows and the invoice does not (why it failed, the file and format handed
# over). The states themselves follow in account_move_peppol.py.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models
from odoo.exceptions import UserError

from .account_move_peppol import CHANNEL


def _answer_lost(error):
    """Whether a failed call to the Peppol access point may have reached it: Odoo
    18.0's _call_peppol_proxy turns the proxy client's AccountEdiProxyError into a
    UserError; its code "connection_error" means no answer came back, or none that
    could be read."""
    return getattr(error.__context__, "code", None) == "connection_error"


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _call_web_service_after_invoice_pdf_render(self, invoices_data):
        # EXTENDS account_peppol (checked on Odoo 18.0): a failed call to the access
        # point raises out of the whole sending (account_peppol catches the proxy
        # client's error, but _call_peppol_proxy has turned it into a UserError), and
        # the rollback leaves no trace of an invoice that may have been delivered.
        # Here it is handled as account_peppol means to: the invoices' state
        # "error", and the reason.
        try:
            return super()._call_web_service_after_invoice_pdf_render(invoices_data)
        except UserError as error:
            handed = {
                invoice: data
                for invoice, data in invoices_data.items()
                if CHANNEL in data["sending_methods"]
                and not data.get("error")
                and invoice.peppol_move_state not in ("processing", "done")
            }
            if not handed:
                raise
            return self._einvoice_peppol_call_failed(handed, error)

    @api.model
    def _einvoice_peppol_call_failed(self, handed, error):
        """The access point did not take the invoices `handed` to it (``{move:
        invoice_data}``). Refused: an error of the sending, which Odoo reports (the
        Send dialog shows it and undoes the sending; the background sending posts
        it on the invoice). No answer: they may have been delivered, so the sending
        is not undone; the ledger says so, the invoice's chatter and activity too,
        and the user who clicked is told."""
        # sudo: as Odoo's sending writes the Peppol state (its invoices are sudo).
        moves = self.env["account.move"].sudo().browse([move.id for move in handed])
        moves.peppol_move_state = "error"
        moves._einvoice_peppol_attempted()
        if not _answer_lost(error):
            for invoice, data in handed.items():
                data["error"] = {
                    "error_title": self.env._(
                        "%(name)s was not sent over Peppol: the access point refused "
                        "it.",
                        name=invoice.display_name,
                    ),
                    "errors": [str(error)],
                }
            return
        reasons = {
            move.id: self.env._(
                "No answer from the Peppol access point when %(name)s was handed to "
                "it: it may have been delivered. Check with the customer before "
                "sending it again.\n%(error)s",
                name=move.display_name,
                error=str(error),
            )
            for move in moves
        }
        moves._einvoice_peppol_reasons(reasons, note=True)
        if not self.env.su:
            self.env.user._bus_send(
                "simple_notification",
                {
                    "type": "warning",
                    "title": self.env._("Peppol: outcome unknown"),
                    "message": "\n".join(reasons.values()),
                    "sticky": True,
                },
            )

    @api.model
    def _hook_if_errors(self, moves_data, allow_raising=True):
        # EXTENDS account: when it raises (the Send dialog), the whole sending is
        # undone, the ledger with it; otherwise Odoo has posted each error on its
        # invoice, and the ledger keeps it as the reason of the Peppol failure.
        result = super()._hook_if_errors(moves_data, allow_raising=allow_raising)
        reasons = {
            move.id: self._format_error_text(data["error"])
            for move, data in moves_data.items()
            if CHANNEL in (data.get("sending_methods") or ())
        }
        if reasons:
            self.env["account.move"].browse(reasons)._einvoice_peppol_reasons(reasons)
        return result

    @api.model
    def _link_invoice_documents(self, invoices_data):
        # EXTENDS account_edi_ubl_cii: the UBL handed to the Peppol access point is
        # attached to the invoice here; its ledger record keeps it.
        result = super()._link_invoice_documents(invoices_data)
        for invoice, data in invoices_data.items():
            if CHANNEL in (data.get("sending_methods") or ()):
                invoice._einvoice_peppol_keep_files(data.get("invoice_edi_format"))
        return result
