# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class EinvoiceTransmission(models.Model):
    _inherit = "einvoice.transmission"

    def _deliver(self):
        # Peppol: a record (the ledger's *Send again*) goes through Odoo's own Peppol
        # sending, whose states the ledger follows (account_move_peppol.py).
        mine = self.filtered(lambda t: t.channel == "peppol" and t.move_id)
        if mine:
            mine.move_id._einvoice_peppol_send()
        return super(EinvoiceTransmission, self - mine)._deliver()
