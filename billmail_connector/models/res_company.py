# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # A posted invoice can still be reset and corrected for a while; the accountant
    # should only ever receive the final version.
    billmail_grace_minutes = fields.Integer(
        string="Accountant mailbox delay (minutes)",
        default=60,
        help="Documents are e-mailed to the accountant's mailboxes this many minutes "
        "after they are posted.",
    )

    _sql_constraints = [
        (
            "billmail_grace_minutes_not_negative",
            "CHECK (billmail_grace_minutes >= 0)",
            "The delay before documents go to the accountant cannot be negative.",
        ),
    ]
