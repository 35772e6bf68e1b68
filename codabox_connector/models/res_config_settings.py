# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

DEFAULT_API_URL = "https://api.codabox.com/v2"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # One CodaBox service for the whole database; a test or sandbox server is set here.
    codabox_api_url = fields.Char(
        string="CodaBox API address",
        config_parameter="codabox_connector.api_url",
        default=DEFAULT_API_URL,
        help="Base address of CodaBox API v2. Change it only to use CodaBox's sandbox.",
    )
