# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..lib.client import DEFAULT_BASE_URL as DEFAULT_API_URL
from ..lib.client import DEFAULT_UPLOAD_PATH


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # One CodaBox service for the whole database; a test or sandbox server is set here.
    codabox_api_url = fields.Char(
        string="CodaBox API address",
        config_parameter="codabox_connector.api_url",
        default=DEFAULT_API_URL,
        help="Base address of CodaBox API v2. Change it only to use CodaBox's sandbox.",
    )
    codabox_software_company = fields.Char(
        string="CodaBox software id",
        config_parameter="codabox_connector.software_company",
        help="The id CodaBox gave this software as a partner, sent with every call.",
    )
    codabox_upload_path = fields.Char(
        string="CodaBox invoice upload path",
        config_parameter="codabox_connector.upload_path",
        default=DEFAULT_UPLOAD_PATH,
        help="Where sales invoices are posted, relative to the API address. CodaBox "
        "does not publish it: set the one CodaBox gives its software partners.",
    )

    def action_codabox_connection(self):
        return self.env["codabox.connection"].action_open_company_connection()
