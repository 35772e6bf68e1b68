# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

UBL_PROFILES = [
    ("peppol_bis3", "Peppol BIS Billing 3.0"),
    ("nlcius", "NLCIUS (SI-UBL 2.0)"),
    ("ublbe", "UBL.BE (Belgian accounting software)"),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    einvoice_ubl_profile = fields.Selection(
        UBL_PROFILES,
        string="Default UBL profile",
        default="peppol_bis3",
        required=True,
        help="The UBL flavour produced for a customer that does not ask for another "
        "one: Peppol BIS Billing 3.0 for the Peppol network, NLCIUS for Dutch public "
        "and private receivers, UBL.BE for Belgian accounting software.",
    )
    einvoice_accountant_profile = fields.Selection(
        UBL_PROFILES,
        string="UBL profile for the accountant",
        default="ublbe",
        required=True,
        help="The UBL flavour sent to the accountant's software (CodaBox, import "
        "mailboxes): UBL.BE for Belgian accounting packages.",
    )
    einvoice_mail_template_id = fields.Many2one(
        "mail.template",
        string="Invoice e-mail template",
        domain=[("model", "=", "account.move")],
        help="The e-mail that carries this company's invoices to customers; %n in "
        "its subject is the invoice number. Empty: the standard one.",
    )

    einvoice_email_layout_id = fields.Many2one(
        "report.layout",
        string="Letterhead of e-mailed invoices",
        help="The document layout of the PDF invoices e-mailed to customers; empty: "
        "the company's document layout.",
    )

    def _einvoice_mail_template(self):
        self.ensure_one()
        return self.einvoice_mail_template_id or self.env.ref(
            "l10n_be_nl_einvoice.mail_template_einvoice"
        )
