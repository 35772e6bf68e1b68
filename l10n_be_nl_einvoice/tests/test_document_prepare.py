# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The documents of invoices prepared once for every channel (`einvoice.document`):
the PDF rendered once and kept, the UBL of the profile checked by the official
rules (many invoices in one exchange with the validator), UBL.BE with the PDF
inside, a fatal problem that blocks with its reason; for the users who send,
refused to the others, and never reached directly over RPC."""

import base64
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..lib import ubl_validate
from . import golden
from .common import DemoCompanyCase, DemoXmlrpcCase, own_sales_journal, role_users


def make_invoice(case, partner=None):
    move = (
        case.env["account.move"]
        .with_user(case.billing)
        .create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or case.customer).id,
                "journal_id": case.journal.id,
                "invoice_date": fields.Date.context_today(case.billing),
                "invoice_line_ids": [
                    Command.create({"product_id": case.hour.id, "quantity": 3})
                ],
            }
        )
    )
    move.action_post()
    return move


@tagged("post_install", "-at_install")
class TestDocumentPrepare(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.users = role_users(cls.env, cls.company, prefix="document")
        cls.billing = cls.users["billing"]
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )

    def invoice(self, partner=None):
        return make_invoice(self, partner)

    def documents(self, user=None):
        return self.env["einvoice.document"].with_user(user or self.billing)

    def test_the_pdf_is_rendered_once_and_a_second_prepare_reuses_it(self):
        moves = self.invoice() | self.invoice()
        reports = type(self.env["ir.actions.report"])
        render = reports._einvoice_render_pdfs
        rendered = []

        def counting(this, report_ref, res_ids, layout=None):
            rendered.append(sorted(res_ids))
            return render(this, report_ref, res_ids, layout=layout)

        with patch.object(reports, "_einvoice_render_pdfs", counting):
            first = self.documents().prepare(moves, "peppol_bis3")
            second = self.documents().prepare(moves, "peppol_bis3")
        self.assertEqual(rendered, [sorted(moves.ids)], "one call, for both")
        for move in moves:
            self.assertTrue(first[move.id].pdf)
            self.assertEqual(first[move.id].pdf, move.invoice_pdf_report_id)
            self.assertEqual(second[move.id].pdf, first[move.id].pdf)
            self.assertEqual(
                first[move.id].pdf.name, move._get_invoice_report_filename()
            )

    def test_the_ubl_of_the_profile_passes_the_official_rules(self):
        move = self.invoice()
        prepared = self.documents().prepare(move, channel="peppol")[move.id]
        self.assertFalse(prepared.error)
        self.assertEqual(prepared.profile, "peppol_bis3")
        self.assertEqual(
            prepared.ubl.name, move._get_invoice_report_filename(extension="xml")
        )
        validator = ubl_validate.get_validator(move._einvoice_rules_dir())
        report = validator.validate(prepared.ubl.raw, "peppol_bis3")
        self.assertTrue(report.valid, report.fatal)
        self.assertIn(move.einvoice_check_state, ("ok", "warning"))

    def test_ublbe_carries_the_invoices_pdf_inside(self):
        move = self.invoice()
        prepared = self.documents().prepare(move, "ublbe", pdf=False)[move.id]
        self.assertFalse(prepared.error)
        xml = prepared.ubl.raw
        self.assertIn(b"urn:UBL.BE", xml)
        [content] = golden.values(xml, "//cbc:EmbeddedDocumentBinaryObject")
        self.assertEqual(base64.b64decode(content), prepared.pdf.raw)
        [name] = golden.values(xml, "//cbc:EmbeddedDocumentBinaryObject/@filename")
        self.assertEqual(name, prepared.pdf.name)

    def test_a_fatal_problem_of_the_official_rules_blocks_with_its_reason(self):
        # Posting needs the customer's country; one removed afterwards is fatal.
        customer = self.customer.copy({"name": "No country", "vat": False})
        move = self.invoice(customer)
        customer.country_id = False
        draft = move.copy()
        result = self.documents().prepare(move | draft, "peppol_bis3")
        prepared = result[move.id]
        self.assertFalse(prepared.ubl)
        self.assertIn("does not pass the official rules", prepared.error)
        fatal = [p for p in prepared.problems if p["flag"] == "fatal"]
        self.assertTrue(fatal)
        for problem in fatal:
            self.assertIn(f"[{problem['rule']}] {problem['text']}", prepared.error)
        self.assertEqual(move.einvoice_check_state, "error")
        self.assertIn("only posted customer invoices", result[draft.id].error)
        self.assertFalse(result[draft.id].pdf or draft.invoice_pdf_report_id)

    def test_many_invoices_are_checked_in_one_exchange_with_the_validator(self):
        moves = self.invoice() | self.invoice() | self.invoice()
        ask = ubl_validate.ValidatorProcess._ask
        exchanges = []

        def counting(this, request, retry=True):
            exchanges.append(len(request.get("batch", [request])))
            return ask(this, request, retry)

        with patch.object(ubl_validate.ValidatorProcess, "_ask", counting):
            result = self.documents().prepare(moves, "peppol_bis3")
        self.assertEqual(exchanges, [3])
        self.assertEqual([result[m.id].error for m in moves], [None] * 3)
        self.assertTrue(all(result[m.id].ubl for m in moves))

    def test_a_user_without_accounting_rights_is_refused(self):
        move = self.invoice()
        internal = self.users["internal"]
        with self.assertRaises(AccessError):
            self.documents(internal).prepare(move.with_user(internal), "ublbe")
        with self.assertRaises(AccessError):
            self.documents(internal).render_pdfs(move.with_user(internal))
        self.assertFalse(move.invoice_pdf_report_id)
        self.assertFalse(move.einvoice_check_state)


@tagged("post_install", "-at_install")
class TestDocumentPrepareOverRpc(DemoXmlrpcCase):
    users_prefix = "document_rpc"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.billing = cls.users["billing"]
        cls.hour = cls.env["product.product"].search(
            [("name", "=", "Workshop hour")], limit=1
        )

    def test_the_service_stays_on_the_server(self):
        move = make_invoice(self)
        for role in ("internal", "billing"):
            for method in ("prepare", "render_pdfs", "check"):
                self.assertRpcRefused(
                    self.users[role], "einvoice.document", method, [move.id]
                )
        self.assertFalse(move.invoice_pdf_report_id)
        # What the channels offer over RPC is refused to the internal user too.
        self.assertRpcRefused(
            self.users["internal"], "account.move", "einvoice_send_email", [move.id]
        )
