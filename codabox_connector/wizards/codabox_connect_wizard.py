# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..lib import client as cb


class CodaboxConnectWizard(models.TransientModel):
    """Connect a company to CodaBox: its enterprise number, then the token CodaBox
    e-mails to the address it knows for the company, exchanged once for the
    credentials."""

    _name = "codabox.connect.wizard"
    _description = "Connect to CodaBox"

    connection_id = fields.Many2one(
        "codabox.connection", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id")
    step = fields.Selection(
        [("vat", "Enterprise number"), ("token", "Token")], default="vat", required=True
    )
    vat = fields.Char(
        string="Enterprise number",
        compute="_compute_vat",
        store=True,
        readonly=False,
        help="The company's 10-digit enterprise number (KBO/BCE), as CodaBox knows it.",
    )
    token = fields.Char(help="The token CodaBox e-mailed, pasted as it is.")

    @api.depends("connection_id")
    def _compute_vat(self):
        for wizard in self:
            wizard.vat = wizard.connection_id._company_number(wizard.company_id)

    def _digits(self):
        digits = re.sub(r"\D", "", self.vat or "")
        if len(digits) == 9:
            digits = "0" + digits
        if len(digits) != 10:
            raise UserError(
                _(
                    "%(vat)s is not a Belgian enterprise number (10 digits).",
                    vat=self.vat or "",
                )
            )
        return digits

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Connect to CodaBox"),
        }

    def action_request_token(self):
        self.ensure_one()
        connection = self.connection_id
        # Before CodaBox e-mails anyone: the wizard may name any connection.
        connection._check_manager()
        digits = self._digits()
        try:
            connection._client(with_credentials=False).request_token(digits)
        except cb.CodaBoxError as error:
            raise UserError(connection._error_text(error)) from error
        connection.write({"state": "token", "vat": digits, "last_error": False})
        self.step = "token"
        return self._reopen()

    def action_confirm(self):
        self.ensure_one()
        connection = self.connection_id
        # Before the token is spent at CodaBox (it works once).
        connection._check_manager()
        if not (self.token or "").strip():
            raise UserError(_("Paste the token CodaBox e-mailed."))
        try:
            username, password = connection._client(
                with_credentials=False
            ).get_credentials(self.token)
        except cb.CodaBoxError as error:
            raise UserError(connection._error_text(error)) from error
        connection.write({"vat": self._digits(), "state": "connected"})
        # Only system administrators read the credentials; storing them is part
        # of connecting, which the manager (checked above) does.
        connection.sudo().write({"username": username, "password": password})
        connection.action_check()
        return {
            "type": "ir.actions.act_window",
            "res_model": connection._name,
            "res_id": connection.id,
            "view_mode": "form",
        }
