# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Customers looked up on Peppol over XML-RPC, as an integrator does before a
sending run: billing users and above, an internal user refused; the directory is a
stand-in on the requests seam."""

from odoo.tests import tagged

from .common import DemoXmlrpcCase
from .peppol_access_point import DirectoryLookups, PeppolDirectory


@tagged("post_install", "-at_install")
class TestPeppolLookupOverXmlrpc(DirectoryLookups, DemoXmlrpcCase):
    users_prefix = "peppol_rpc"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        formats = cls.env["account.edi.xml.ubl_21"]._get_customization_ids()
        cls.directory = PeppolDirectory([formats["ubl_bis3"]])
        cls.directory.registered = {"0208:0203201340", "0208:0555444368"}

    def test_billing_users_look_customers_up_on_peppol(self):
        not_on_peppol = self.env["res.partner"].search(
            [("name", "=", "Brasserie du Parc SRL")]
        )
        ids = [self.customer.id, not_on_peppol.id]
        self.assertRpcRefused(
            self.users["internal"], "res.partner", "einvoice_check_peppol", ids
        )
        for role in ("billing", "manager", "admin"):
            with self.subTest(role=role):
                rows = self.rpc(
                    self.users[role], "res.partner", "einvoice_check_peppol", ids,
                    force=True,
                )  # fmt: skip
                states = {row["id"]: row["state"] for row in rows}
                self.assertEqual(
                    states, {self.customer.id: "valid", not_on_peppol.id: "not_valid"}
                )
                self.assertTrue(all(row["checked_on"] for row in rows))
                self.assertFalse(any(row["unreachable"] for row in rows))
