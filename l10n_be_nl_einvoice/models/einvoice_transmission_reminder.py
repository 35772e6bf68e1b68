# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import models


class EinvoiceTransmission(models.Model):
    _inherit = "einvoice.transmission"

    def _deliver(self):
        # Reminders: the PDFs and e-mails of all of them made at once (few
        # wkhtmltopdf calls), then each e-mailed, or made ready to print and post
        # (it counts as sent once posted: `einvoice.reminder.action_mark_posted`).
        mine = self.filtered(
            lambda t: t.kind == "reminder" and t.res_model == "einvoice.reminder"
        )
        if mine:
            reminders = self.env["einvoice.reminder"].browse(mine.mapped("res_id"))
            pdfs = reminders._pdfs()
            by_email = mine.filtered(lambda t: t.channel == "email")
            contents = reminders.browse(by_email.mapped("res_id"))._mail_contents()

            def hand_over(transmission):
                reminder = reminders.browse(transmission.res_id)
                if transmission.channel == "post":
                    reminder._prepare_letter(transmission, pdfs.get(reminder.id))
                else:
                    reminder._send_by_email(
                        transmission, pdfs.get(reminder.id), contents[reminder.id]
                    )

            failed = mine._deliver_each(hand_over)
            reminders.browse(failed.mapped("res_id"))._write_outcome(
                {"state": "failed"}
            )
            if by_email:
                self._wake_mail_queue()
        return super(EinvoiceTransmission, self - mine)._deliver()
