# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).


def post_init_hook(env):
    """Existing databases: each sales journal numbered legally (by default those of
    Belgian and Dutch companies, set as the field is added) continues from its last
    number."""
    env["account.journal"].search([("type", "=", "sale")])._einvoice_ensure_series()
