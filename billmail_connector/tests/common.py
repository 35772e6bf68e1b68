# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64

from odoo import Command, fields

from odoo.addons.l10n_be_nl_einvoice.tests.common import (
    DemoCompanyCase,
    deliver_mails,
    role_users,
    start_loopback_smtp,
)

SALES_BOX = "verkoop0712345630@kantoor-peeters.clearfacts.be"
PURCHASE_BOX = "0712345630@kantoor-peeters.clearfacts.be"
# A supplier's own PDF: what the accountant must receive, not a rendering of ours.
SUPPLIER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


class BillmailCase(DemoCompanyCase):
    """The demo company with a ClearFacts sales and purchase mailbox (documents
    dated from 2030-03-01), an SMTP server on loopback, real PDFs, and the users who
    click: ``billing`` sends documents, ``manager`` sets the mailboxes up."""

    @classmethod
    def setUpClass(cls):  # pylint: disable=invalid-name
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, force_report_rendering=True))
        cls.inbox = start_loopback_smtp(cls)
        cls.users = role_users(cls.env, cls.company, prefix="billmail")
        cls.billing = cls.users["billing"]
        cls.manager = cls.users["manager"]
        cls.company.write(
            {
                "billmail_schedule": "grace",
                "billmail_grace_minutes": 10,
                "billmail_email_from": "facturen@atelier-lambrecht.example",
            }
        )
        cls.mailboxes = cls.env["billmail.mailbox"].create(
            [
                {
                    "company_id": cls.company.id,
                    "preset": "clearfacts",
                    "document_type": kind,
                    "email": SALES_BOX if kind.startswith("out") else PURCHASE_BOX,
                    "ubl_profile": "ublbe",
                    "attach_pdf": True,
                    "date_start": fields.Date.to_date("2030-03-01"),
                }
                for kind in ("out_invoice", "out_refund", "in_invoice", "in_refund")
            ]
        )
        cls.sales_box = cls.mailboxes[0]
        cls.purchase_box = cls.mailboxes[2]
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )
        cls.supplier = cls.env["res.partner"].search(
            [("name", "=", "Müller Werkzeuge GmbH")], limit=1
        )

    def setUp(self):  # pylint: disable=invalid-name
        super().setUp()
        self.inbox.messages.clear()
        self.inbox.refuse = 0

    def invoice(self, day="2030-03-10", move_type="out_invoice", post=True):
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": self.customer.id,
                "invoice_date": fields.Date.to_date(day),
                "invoice_line_ids": [
                    Command.create({"product_id": self.hour.id, "quantity": 2})
                ],
            }
        )
        if post:
            move.action_post()
        return move

    def bill(self, day="2030-03-10", with_pdf=True, post=True):
        bill = self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": self.supplier.id,
                "ref": "RE-2030-0042",
                "invoice_date": fields.Date.to_date(day),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Drill bits", "quantity": 1, "price_unit": 120.0}
                    )
                ],
            }
        )
        if with_pdf:
            self.attach_supplier_pdf(bill)
        if post:
            bill.action_post()
        return bill

    def attach_supplier_pdf(self, bill):
        attachment = self.env["ir.attachment"].create(
            {
                "name": "RE-2030-0042.pdf",
                "datas": base64.b64encode(SUPPLIER_PDF),
                "mimetype": "application/pdf",
                "res_model": "account.move",
                "res_id": bill.id,
            }
        )
        bill.message_post(attachment_ids=attachment.ids)
        return attachment

    def ledger(self, moves, mailbox=None):
        return self.env["einvoice.transmission"].search(
            [
                ("res_model", "=", "account.move"),
                ("res_id", "in", moves.ids),
                ("channel", "=", "billmail"),
            ]
            + ([("billmail_mailbox_id", "=", mailbox.id)] if mailbox else []),
            order="id",
        )

    def run_cron(self):
        self.env["billmail.sender"]._cron_send()

    def deliver(self, transmissions):
        deliver_mails(transmissions.mail_id)

    def received(self, address):
        return [
            message
            for recipients, message in self.inbox.messages
            if address in recipients
        ]

    @staticmethod
    def files(message):
        return {
            part.get_filename(): part.get_content()
            for part in message.iter_attachments()
        }
