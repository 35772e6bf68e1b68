# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Who may start an action that the access file alone cannot guard: a public
method that reads or writes other models for the user (with ``sudo()`` where the
system keeps its own records), called from a button or over RPC."""

from odoo.exceptions import AccessError

# The groups of Odoo 18 Community that the actions of the suite are for, as stock
# Odoo gives its own: sending, reminding and reading invoices to billing users;
# configuration, rates and bank statements to accounting managers.
BILLING = "account.group_account_invoice"
MANAGER = "account.group_account_manager"


def require_group(env, group, what):
    """Refuse `what` (a translated description of the action) with an access error
    to a user outside `group` (an xml id), before anything is read or written. The
    superuser passes: scheduled actions run as it, and code that already chose
    ``sudo()`` answers for itself."""
    if env.su or env.user.has_group(group):
        return
    raise AccessError(
        env._(
            "%(what)s: only for the users of the group “%(group)s”.",
            what=what,
            group=env.ref(group).sudo().full_name,
        )
    )


def require_company(env, company_id):
    """The company `company_id` (default: the current one), refused with an access
    error when the user does not work in it (the superuser works in all)."""
    if not company_id:
        return env.company
    company = env["res.company"].browse(company_id)
    if not env.su and company not in env.user.company_ids:
        raise AccessError(env._("You have no access to this company's invoicing."))
    return company
