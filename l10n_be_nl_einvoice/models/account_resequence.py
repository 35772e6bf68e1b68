# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, models
from odoo.exceptions import UserError


class AccountResequenceWizard(models.TransientModel):
    _inherit = "account.resequence.wizard"

    def resequence(self):
        numbered = self.move_ids.filtered("einvoice_number")
        if numbered or self.move_ids.journal_id._einvoice_managed():
            raise UserError(
                _(
                    "Journal %(journal)s has legal invoice numbering: its numbers "
                    "cannot be changed or reordered.",
                    journal=(numbered or self.move_ids).journal_id[:1].display_name,
                )
            )
        return super().resequence()
