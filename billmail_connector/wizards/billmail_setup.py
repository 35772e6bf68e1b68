# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.l10n_be_nl_einvoice.lib.identifiers import kbo_number
from odoo.addons.l10n_be_nl_einvoice.models.res_company import UBL_PROFILES

from ..lib import presets
from ..models.billmail_mailbox import DOCUMENT_TYPES, PRESET_SELECTION


class BillmailSetup(models.TransientModel):
    """Set up a company's accountant mailboxes from its accounting package: the
    addresses built from the company's identifiers and what the package shows,
    each one editable before it is saved."""

    _name = "billmail.setup"
    _description = "Set up accountant mailboxes"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    preset = fields.Selection(
        PRESET_SELECTION,
        string="Accounting package",
        required=True,
        default="clearfacts",
    )
    conditions = fields.Text(compute="_compute_conditions")
    office = fields.Char(
        help="ClearFacts: the accounting office's name in its addresses, as in "
        "…@office.clearfacts.be.",
    )
    sales_tray = fields.Char(
        help="ClearFacts: the name of the sales tray, as it stands in front of the "
        "company number in that tray's address.",
    )
    purchase_tray = fields.Char(
        help="ClearFacts: the name of the purchase tray in front of the company "
        "number; empty when the address is the number alone.",
    )
    name = fields.Char(
        string="Mailbox name",
        help="Yuki: the administration's e-mail name. WinBooks Connect: the name "
        "chosen for the dossier.",
    )
    domain = fields.Char(
        help="The package's domain, after the @.",
        compute="_compute_defaults",
        store=True,
        readonly=False,
    )
    sales_address = fields.Char(help="The address for sales documents, as shown.")
    purchase_address = fields.Char(help="The address for purchase documents, as shown.")
    subject = fields.Char(
        help="A subject the package asks for (Billtobox shows one); empty: the "
        "document's type and number."
    )
    ubl_profile = fields.Selection(
        UBL_PROFILES,
        string="UBL format",
        compute="_compute_defaults",
        store=True,
        readonly=False,
    )
    attach_pdf = fields.Boolean(string="Attach the PDF", default=True)
    date_start = fields.Date(
        string="Documents dated from",
        required=True,
        default=fields.Date.context_today,
        help="Older documents are not sent on their own.",
    )
    address_out_invoice = fields.Char(
        string="Customer invoices",
        compute="_compute_addresses",
        store=True,
        readonly=False,
    )
    address_out_refund = fields.Char(
        string="Customer credit notes",
        compute="_compute_addresses",
        store=True,
        readonly=False,
    )
    address_in_invoice = fields.Char(
        string="Vendor bills", compute="_compute_addresses", store=True, readonly=False
    )
    address_in_refund = fields.Char(
        string="Vendor credit notes",
        compute="_compute_addresses",
        store=True,
        readonly=False,
    )
    problem = fields.Char(compute="_compute_addresses", store=True)

    @api.depends("preset")
    def _compute_conditions(self):
        for wizard in self:
            wizard.conditions = self.env["billmail.mailbox"]._preset_conditions(
                wizard.preset
            )

    @api.depends("preset", "company_id")
    def _compute_defaults(self):
        for wizard in self:
            country = wizard.company_id.account_fiscal_country_id.code
            wizard.ubl_profile = presets.profile_for(wizard.preset, country)
            wizard.domain = presets.default_domain(wizard.preset, country)

    @api.depends(
        "preset",
        "company_id",
        "office",
        "sales_tray",
        "purchase_tray",
        "name",
        "domain",
        "sales_address",
        "purchase_address",
    )
    def _compute_addresses(self):
        for wizard in self:
            company = wizard.company_id
            inputs = {
                field: wizard[field] for field in presets.PRESETS[wizard.preset].inputs
            }
            try:
                addresses = presets.build(
                    wizard.preset,
                    inputs,
                    kbo=kbo_number(company.vat, company.company_registry),
                    kvk=presets.kvk_number(company.company_registry),
                )
            except presets.PresetError as error:
                addresses, wizard.problem = {}, wizard._problem_text(error)
            else:
                wizard.problem = False
            for kind, _label in DOCUMENT_TYPES:
                wizard[f"address_{kind}"] = addresses.get(kind, False)

    def _problem_text(self, error):
        label = (
            self._fields[error.field]._description_string(self.env)
            if error.field in self._fields
            else error.field
        )
        company = self.company_id.display_name
        return {
            "missing": _("Fill in %(field)s.", field=label),
            "no_kbo": _(
                "%(company)s has no valid Belgian enterprise number (VAT or company "
                "registry): ClearFacts addresses are built from it.",
                company=company,
            ),
            "no_kvk": _(
                "%(company)s has no 8-digit KvK number in its company registry: the "
                "Billtobox address is built from it.",
                company=company,
            ),
            "bad_label": _(
                "%(field)s: %(value)s cannot be part of an address (letters, digits "
                "and hyphens only).",
                field=label,
                value=error.params.get("value"),
            ),
            "bad_local_part": _(
                "%(field)s: %(value)s cannot stand before the @ of an address.",
                field=label,
                value=error.params.get("value"),
            ),
            "bad_domain": _(
                "%(field)s: %(value)s is not one of %(domains)s.",
                field=label,
                value=error.params.get("value"),
                domains=", ".join(error.params.get("domains", ())),
            ),
            "bad_address": _(
                "%(field)s: %(value)s is not an e-mail address.",
                field=label,
                value=error.params.get("value"),
            ),
            "same_tray": _("The sales and the purchase tray must differ."),
        }.get(error.code, str(error))

    def action_save(self):
        """Create (or update) one mailbox per document type that has an address;
        the package's other mailboxes for those types are archived."""
        self.ensure_one()
        if self.problem:
            raise UserError(self.problem)
        mailbox_model = self.env["billmail.mailbox"].with_context(active_test=False)
        saved = mailbox_model.browse()
        for kind, _label in DOCUMENT_TYPES:
            address = (self[f"address_{kind}"] or "").strip()
            if not address:
                continue
            values = {
                "company_id": self.company_id.id,
                "preset": self.preset,
                "document_type": kind,
                "email": address,
                "subject": self.subject or False,
                "ubl_profile": self.ubl_profile or False,
                "attach_pdf": self.attach_pdf,
                "date_start": self.date_start,
                "active": True,
            }
            existing = mailbox_model.search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("document_type", "=", kind),
                    ("email", "=", address),
                ],
                limit=1,
            )
            if existing:
                existing.write(values)
                saved |= existing
            else:
                saved |= mailbox_model.create(values)
            (
                mailbox_model.search(
                    [
                        ("company_id", "=", self.company_id.id),
                        ("document_type", "=", kind),
                        ("preset", "=", self.preset),
                        ("id", "not in", saved.ids),
                    ]
                )
            ).active = False
        if not saved:
            raise UserError(_("Give at least one mailbox address."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billmail_connector.action_billmail_mailboxes"
        )
        action["domain"] = [("id", "in", saved.ids)]
        return action
