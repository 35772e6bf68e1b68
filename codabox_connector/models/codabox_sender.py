# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, models

CHANNEL = "codabox"
TARGET = "accountant"
PROFILE = "ublbe"


class CodaboxSender(models.AbstractModel):
    """Sales invoices and credit notes to the accountant through CodaBox, each once:
    UBL.BE with the PDF inside, checked against the official rules first, one ledger
    record per invoice (channel ``codabox``; delivered by the ledger,
    einvoice_transmission.py)."""

    _name = "codabox.sender"
    _description = "Send sales invoices through CodaBox"

    @api.model
    def _skip_reason(self, move, connection):
        reason = self.env["einvoice.transmission"]._not_sendable(move)
        if reason:
            return reason
        if not connection or connection.state != "connected":
            return _(
                "%(company)s is not connected to CodaBox", company=move.company_id.name
            )
        if connection.vat_changed:
            return connection._vat_change_text()
        return move._einvoice_gate("accountant")

    @api.model
    def _send(self, moves):
        """Send `moves` in date order; ``{"sent": [ids], "skipped": [{"id", "name",
        "reason"}], "failed": [...]}``. Sending is for whoever may edit the
        invoices (billing users and up, of their company), asked before anything
        is prepared or sent."""
        moves.check_access("write")
        result = {"sent": [], "skipped": [], "failed": []}
        ledger = self.env["einvoice.transmission"]
        moves = moves.sorted(lambda m: (m.invoice_date or m.date, m.name or "", m.id))
        connections = {
            company: self.env["codabox.connection"].search(
                [("company_id", "=", company.id)], limit=1
            )
            for company in moves.company_id
        }
        todo = ledger.browse()
        for move in moves:
            reason = self._skip_reason(move, connections[move.company_id])
            transmission = ledger.browse()
            if not reason:
                transmission = ledger._open(move, CHANNEL, TARGET)
                # A pending one (just opened, or left waiting) goes now.
                if transmission.state != "pending":
                    reason = transmission._already_reason("CodaBox")
            if reason:
                result["skipped"].append(
                    {"id": move.id, "name": move.display_name, "reason": reason}
                )
                continue
            todo |= transmission
        todo._deliver()
        for transmission in todo:
            if transmission.state == "sent":
                result["sent"].append(transmission.move_id.id)
            else:
                result["failed"].append(
                    {
                        "id": transmission.move_id.id,
                        "name": transmission.move_id.display_name,
                        "reason": transmission.last_error,
                    }
                )
        return result
