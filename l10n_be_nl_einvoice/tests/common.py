# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import email
import logging
import socket
import xmlrpc.client
from email import policy
from unittest.mock import patch

import odoo
from odoo import Command, fields
from odoo.tests import HttpCase, TransactionCase, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# The people who click, by the groups Odoo 18 Community gives them: a billing user
# (Invoicing / Billing), an accounting manager (Invoicing / Administrator), a system
# administrator, and an internal user without accounting rights (who must be refused).
ROLE_GROUPS = {
    "billing": "account.group_account_invoice",
    "manager": "account.group_account_manager",
    "admin": "base.group_system,account.group_account_manager",
    "internal": "base.group_user",
}


def role_users(env, companies, prefix="einvoice"):
    """One user per role of ``ROLE_GROUPS`` in `companies` (the first is their
    current company), ``{role: user}``; each user's password is its login."""
    return {
        role: new_test_user(
            env,
            login=f"{prefix}_{role}",
            password=f"{prefix}_{role}",
            groups=groups,
            company_id=companies[0].id,
            company_ids=[Command.set(companies.ids)],
        )
        for role, groups in ROLE_GROUPS.items()
    }


class XmlrpcAsUsers:
    """For an ``HttpCase``: call a public method over XML-RPC as a given user (its
    password its login, as ``role_users`` makes them), and check a refusal is an
    access error, not any fault."""

    def rpc(self, user, model, method, *args, **kwargs):
        db = self.env.cr.dbname
        uid = self.xmlrpc_common.authenticate(db, user.login, user.login, {})
        self.assertTrue(uid, f"{user.login} could not log in")
        return self.xmlrpc_object.execute_kw(
            db, uid, user.login, model, method, list(args), kwargs
        )

    def assertRpcRefused(self, user, model, method, *args, **kwargs):  # pylint: disable=invalid-name
        with self.assertRaises(xmlrpc.client.Fault) as caught:
            self.rpc(user, model, method, *args, **kwargs)
        # Odoo's XML-RPC answers an AccessError with fault code 4.
        self.assertEqual(caught.exception.faultCode, 4, caught.exception.faultString)
        return caught.exception.faultString


class NumberingCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.journal = cls.company_data["default_journal_sale"]
        # Odoo's test company is neither Belgian nor Dutch (its fiscal country is the
        # United States): its sales journal numbers legally once switched on, as any
        # company's may be.
        cls.journal.einvoice_numbering = True
        company = cls.env.company
        cls.billing_user, cls.accountant, cls.administrator = (
            new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )
            for login, groups in (
                ("einvoice_billing", "account.group_account_invoice"),
                ("einvoice_accountant", "account.group_account_manager"),
                ("einvoice_admin", "base.group_system,account.group_account_manager"),
            )
        )

    def invoice(self, day="2026-11-05", move_type="out_invoice", post=True, **kwargs):
        return self.init_invoice(
            move_type,
            invoice_date=fields.Date.to_date(day),
            amounts=[kwargs.pop("amount", 100.0)],
            post=post,
            **kwargs,
        )

    def legacy_journal(self, code, count=0, day="2026-10-01"):
        """A sales journal numbered by Odoo (legal numbering off), with `count` posted
        invoices: what a database has before the module is installed."""
        journal = self.env["account.journal"].create(
            {
                "name": f"Legacy {code}",
                "code": code,
                "type": "sale",
                "einvoice_numbering": False,
                "default_account_id": self.company_data["default_account_revenue"].id,
            }
        )
        moves = self.env["account.move"]
        for _i in range(count):
            moves |= self.invoice(day=day, journal=journal, amount=50.0)
        return journal, moves


def own_sales_journal(env, company, code="OWN"):
    """A sales journal of a test's own in `company`, a copy of its first one with a
    number series of its own. The demo invoices are dated from today and a series
    keeps its invoice dates in number order: invoices at the fixed dates a test gives
    them post there in order on any day. It comes first among the company's sales
    journals, where a new invoice or a sale order finds its journal."""
    sales = env["account.journal"].search(
        [("company_id", "=", company.id), ("type", "=", "sale")]
    )
    return sales[:1].copy(
        {
            "name": f"Test sales {code}",
            "code": code,
            "sequence": min(sales.mapped("sequence")) - 1,
        }
    )


def on_demo_company(case):
    """The Belgian demo company of setup/demo_data.py (the test class `case` is
    skipped without it) as ``case.company``, ``case.env`` working in it, and its
    customer Bakkerij Janssens BV as ``case.customer``."""
    case.company = case.env["res.company"].search(
        [("name", "=", "Atelier Lambrecht BV")]
    )
    if not case.company:
        case.skipTest(case, "needs the demo data of setup/demo_data.py")
    case.env = case.env(
        context=dict(case.env.context, allowed_company_ids=case.company.ids)
    )
    case.customer = case.env["res.partner"].search(
        [("name", "=", "Bakkerij Janssens BV")]
    )


class DemoCompanyCase(TransactionCase):
    """Tests on the Belgian demo company, selling to its customer
    (`on_demo_company`)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        on_demo_company(cls)


class DemoXmlrpcCase(XmlrpcAsUsers, HttpCase):
    """XML-RPC calls on the Belgian demo company (`on_demo_company`) as the users
    who click: a user per role of ``ROLE_GROUPS`` working in it, as ``cls.users``
    (logins prefixed with ``users_prefix``; none made when it is empty)."""

    users_prefix = "einvoice"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        on_demo_company(cls)
        if cls.users_prefix:
            cls.users = role_users(cls.env, cls.company, prefix=cls.users_prefix)


class DemoInvoicingCase(DemoCompanyCase):
    """Invoices of the Belgian and the Dutch demo companies to their demo customers
    in Belgium, the Netherlands, Germany and the United States; UBL.BE gets a stand-in
    PDF."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nl_company = cls.env["res.company"].search(
            [("name", "=", "Fietsenmakerij De Vries B.V.")]
        )
        # The invoices of these cases are dated 10 November 2026 (their golden files
        # say so): each company invoices them in a journal of the tests' own.
        cls.journal = own_sales_journal(cls.env, cls.company)
        cls.nl_journal = own_sales_journal(cls.env, cls.nl_company)
        # The PDF a UBL.BE file carries is rendered anew each time: a stand-in
        # keeps the golden files stable.
        cls.startClassPatcher(
            patch.object(
                type(cls.env["account.move"]),
                "_einvoice_pdf",
                lambda move, printed=True: ("invoice.pdf", b"%PDF-1.4 test"),
            )
        )
        partners = cls.env["res.partner"]
        cls.be_customer = partners.search([("name", "=", "Bakkerij Janssens BV")])
        cls.nl_customer = partners.search([("name", "=", "Groenteboer Bakker B.V.")])
        cls.de_customer = partners.search([("name", "=", "Müller Werkzeuge GmbH")])
        cls.us_customer = partners.search([("name", "=", "Harbor Supplies Inc.")])
        # Outside Peppol's address schemes a DUNS number reaches the customer.
        cls.us_customer.write({"peppol_eas": "0060", "peppol_endpoint": "123456789"})
        products = cls.env["product.product"]
        cls.hour = products.search([("name", "=", "Workshop hour")], limit=1)
        cls.table = products.search([("name", "=", "Oak side table")], limit=1)

    def tax(self, name, company=None):
        return (
            self.env["account.chart.template"]
            .with_company(company or self.company)
            .ref(name)
        )

    def line(self, product, price, taxes, quantity=1, **extra):
        return Command.create(
            {
                "product_id": product.id,
                "quantity": quantity,
                "price_unit": price,
                "tax_ids": [Command.set([t.id for t in taxes])],
                **extra,
            }
        )

    def invoice(self, partner, lines, company=None, post=True, **values):
        company = company or self.company
        move = (
            self.env["account.move"]
            .with_company(company)
            .with_context(allowed_company_ids=company.ids)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": (
                        self.nl_journal if company == self.nl_company else self.journal
                    ).id,
                    "invoice_date": fields.Date.to_date("2026-11-10"),
                    "invoice_date_due": fields.Date.to_date("2026-12-10"),
                    "invoice_line_ids": lines,
                    **values,
                }
            )
        )
        if post:
            move.action_post()
        return move


try:
    from aiosmtpd.controller import Controller
except ImportError:  # pragma: no cover - installed by setup/requirements.txt
    Controller = None


class Inbox:
    """An SMTP server's handler: keeps what it accepts; refuses the next `refuse`
    messages with `answer` (by default a temporary error, as a server that is down
    would); ends the connection of the next `drop` ones before answering them, as
    a connection dropped mid-message."""

    TEMPORARY = "451 4.3.0 Try again later"

    def __init__(self):
        self.messages = []
        self.reset()

    def reset(self):
        self.messages.clear()
        self.refuse = 0
        self.answer = self.TEMPORARY
        self.drop = 0

    async def handle_DATA(self, server, session, envelope):  # pylint: disable=invalid-name,unused-argument
        if self.drop:
            self.drop -= 1
            server.transport.close()
            return "250 OK"  # never reaches the client
        if self.refuse:
            self.refuse -= 1
            return self.answer
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mail_server_down(env):
    """A mail server first in line where nothing listens: e-mails to it fail."""
    return env["ir.mail_server"].create(
        {
            "name": "down",
            "sequence": 1,
            "smtp_host": "127.0.0.1",
            "smtp_port": free_port(),  # nothing listens there
            "smtp_encryption": "none",
        }
    )


def overseas_customer(env, **values):
    """A company customer in the United States: no Peppol address, so its Peppol
    BIS 3.0 file fails the official rules (PEPPOL-EN16931-R010)."""
    return env["res.partner"].create(
        {
            "name": "Overseas",
            "street": "1 Harbor Road",
            "zip": "02110",
            "city": "Boston",
            "country_id": env.ref("base.us").id,
            "is_company": True,
            **values,
        }
    )


def start_loopback_smtp(case):
    """Start an SMTP server on loopback for the test class `case` and point Odoo's
    mail queue at it (the other mail servers switched off); returns its inbox."""
    if Controller is None:
        case.skipTest(case, "aiosmtpd is not installed (./setup/test installs it)")
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    case.addClassCleanup(smtp.stop)
    case.env["ir.mail_server"].search([]).active = False
    case.env["ir.mail_server"].create(
        {
            "name": "loopback",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
            "smtp_encryption": "none",
        }
    )
    return inbox


def deliver_mails(mails):
    """Let the mail queue send `mails` for real (Odoo's test mode fakes sending)."""
    with patch.object(odoo.modules.module, "current_test", False):
        mails.send(auto_commit=False, raise_exception=False)
