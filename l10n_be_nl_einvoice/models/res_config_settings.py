# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    einvoice_ubl_profile = fields.Selection(
        related="company_id.einvoice_ubl_profile", readonly=False
    )
