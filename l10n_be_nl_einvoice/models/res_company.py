# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

# The countries whose law this suite applies: their companies' invoices pass the
# master-data gate, and their sales journals are numbered legally by default.
EINVOICE_COUNTRIES = ("BE", "NL")

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

    einvoice_vat_scheme = fields.Selection(
        [
            ("standard", "VAT charged"),
            ("be_franchise", "Belgian small-business exemption (art. 56bis VAT Code)"),
            ("nl_kor", "Dutch small-business scheme (KOR, art. 25 Wet OB)"),
        ],
        string="VAT scheme",
        default="standard",
        required=True,
        help="A business under a small-business exemption scheme charges no VAT: "
        "its invoices show no VAT columns or totals, carry the scheme's legal "
        "mention, and their UBL states the exemption (category E) with its code.",
    )
    einvoice_hide_vat = fields.Boolean(
        string="Invoices without VAT",
        compute="_compute_einvoice_hide_vat",
    )
    einvoice_legal_register = fields.Char(
        string="Register of legal entities",
        help="Belgian legal entities: the register and the seat of the enterprise "
        "court that keeps it, as the Companies Code asks on invoices, e.g. "
        "'RPR Gent, afdeling Gent' or 'RPM Bruxelles'.",
    )
    einvoice_backdating = fields.Selection(
        [
            ("refuse", "Refuse it"),
            ("last_date", "Give it the date of the last invoice"),
            ("allow", "Post it (the numbering audit reports it)"),
        ],
        string="An invoice dated before the last one",
        # Belgian and Dutch practice: the dates of a series follow its numbers.
        default="refuse",
        required=True,
        help="Invoice dates should follow the numbers of their series. An invoice "
        "dated before the last numbered invoice of its series is refused at posting "
        "with the date it needs (the default), posted with that date, or posted as "
        "it is (the numbering audit reports the dates out of order).",
    )
    einvoice_vies_check = fields.Boolean(
        string="Check VAT numbers in VIES",
        help="Look customers' VAT numbers up in the EU's VIES service when they are "
        "checked (needs internet; never blocks when the service cannot be reached).",
    )

    def _einvoice_numbers_by_law(self):
        """Whether Belgian or Dutch law numbers this company's invoices (BE: Royal
        Decree no. 1 art. 5; NL: art. 35a Wet OB): its country or its fiscal country
        is Belgium or the Netherlands. A branch invoices under its root company's
        law."""
        self.ensure_one()
        root = self.root_id or self
        countries = {root.country_id.code, root.account_fiscal_country_id.code}
        return bool(countries & set(EINVOICE_COUNTRIES))

    def _compute_einvoice_hide_vat(self):
        for company in self:
            company.einvoice_hide_vat = company.einvoice_vat_scheme != "standard"

    def _einvoice_mail_template(self):
        self.ensure_one()
        return self.einvoice_mail_template_id or self.env.ref(
            "l10n_be_nl_einvoice.mail_template_einvoice"
        )
