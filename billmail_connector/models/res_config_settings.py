# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    billmail_grace_minutes = fields.Integer(
        related="company_id.billmail_grace_minutes", readonly=False
    )
