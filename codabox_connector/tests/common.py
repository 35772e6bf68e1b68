# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.l10n_be_nl_einvoice.tests.common import role_users

from .fake_codabox import SOFTWARE_COMPANY, FakeCodaBox

KBO = "0712345630"  # the demo company's enterprise number


def start_fake_codabox(case, page_size=50):
    """Serve the stand-in of CodaBox on loopback for the test class `case` and point
    Odoo at it; returns it."""
    fake = FakeCodaBox(page_size=page_size).start()
    case.addClassCleanup(fake.stop)
    params = case.env["ir.config_parameter"].sudo()
    params.set_param("codabox_connector.api_url", fake.url)
    params.set_param("codabox_connector.software_company", SOFTWARE_COMPANY)
    return fake


def reset_fake_codabox(fake):
    """Forget what earlier tests did; the demo company is a client of an office."""
    for state in (
        fake.offices,
        fake.registered,
        fake.clients,
        fake.tokens,
        fake.faults,
        fake.requests,
        fake.uploads,
        fake.emailed_tokens,
    ):
        state.clear()
    fake.add_office_client(KBO)


def codabox_users(case):
    """The users who click, by role, in the demo company (``case.company``), and
    an accounting manager of the Dutch demo company only (``case.other_manager``),
    who must not reach the Belgian company's connection."""
    case.users = role_users(case.env, case.company, prefix="codabox")
    other = case.env["res.company"].search(
        [("name", "=", "Fietsenmakerij De Vries B.V.")]
    )
    case.other_manager = role_users(case.env, other, prefix="codabox_nl")["manager"]
    return case.users
