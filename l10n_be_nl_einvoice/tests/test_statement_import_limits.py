# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""An uploaded archive is unpacked within limits: a zip bomb sent to the statement
import is refused with the file named, and nothing is imported."""

import base64

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..lib.archive import MIB
from ..lib.archive_writer import zip_bomb
from .common import DemoCompanyCase, role_users


@tagged("post_install", "-at_install")
class TestStatementImportLimits(DemoCompanyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = role_users(cls.env, cls.company, prefix="limits")["manager"]

    def test_a_zip_bomb_is_refused_with_its_name_and_imports_nothing(self):
        bomb = zip_bomb(300 * MIB)
        statements = self.env["account.bank.statement"].search_count([])
        wizard = self.env["einvoice.statement.import"].with_user(self.manager)
        with self.assertRaises(UserError) as caught:
            wizard.import_file("statements.zip", base64.b64encode(bomb).decode())
        self.assertIn("statements.zip", str(caught.exception))
        self.assertIn("300.0 MiB", str(caught.exception))
        # The upload form refuses it the same way.
        form = wizard.create(
            {
                "attachment_ids": [
                    (0, 0, {"name": "statements.zip", "raw": bomb}),
                ]
            }
        )
        with self.assertRaises(UserError):
            form.action_import()
        self.assertEqual(
            self.env["account.bank.statement"].search_count([]), statements
        )
