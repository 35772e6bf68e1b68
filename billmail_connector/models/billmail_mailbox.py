# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.l10n_be_nl_einvoice.lib import email_addresses
from odoo.addons.l10n_be_nl_einvoice.models.res_company import UBL_PROFILES

from ..lib.presets import PRESETS

DOCUMENT_TYPES = [
    ("out_invoice", "Customer invoices"),
    ("out_refund", "Customer credit notes"),
    ("in_invoice", "Vendor bills"),
    ("in_refund", "Vendor credit notes"),
]
PRESET_SELECTION = [(key, preset.label) for key, preset in PRESETS.items()]


class BillmailMailbox(models.Model):
    """One import mailbox of the accountant's software for one type of document:
    each posted document of that type goes there once (the transmission ledger
    holds one record per document and mailbox)."""

    _name = "billmail.mailbox"
    _description = "Accountant mailbox"
    _order = "company_id, sequence, id"

    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    preset = fields.Selection(
        PRESET_SELECTION,
        string="Accounting package",
        required=True,
        default="other",
    )
    document_type = fields.Selection(DOCUMENT_TYPES, required=True)
    email = fields.Char(
        string="Mailbox address",
        required=True,
        help="Copied from the accounting package; some (ClearFacts) tell upper from "
        "lower case, so it is kept exactly as typed.",
    )
    subject = fields.Char(
        help="A fixed subject the package asks for (Billtobox shows one in its "
        "settings). Empty: the document type and number.",
    )
    ubl_profile = fields.Selection(
        UBL_PROFILES,
        string="UBL format",
        help="The e-invoice sent with each customer invoice or credit note. Empty: "
        "no UBL, the PDF only. Vendor bills go with the supplier's own files.",
    )
    attach_pdf = fields.Boolean(
        string="Attach the PDF",
        default=True,
        help="Attach the invoice's PDF next to the UBL (the UBL.BE file also carries "
        "it inside).",
    )
    date_start = fields.Date(
        string="Documents dated from",
        required=True,
        default=fields.Date.context_today,
        help="Documents dated before this day are not sent on their own (the "
        "accountant had them before): send them by hand when needed.",
    )
    conditions = fields.Text(
        compute="_compute_conditions",
        help="What the accounting package expects from the documents it receives.",
    )
    last_test_at = fields.Datetime(string="Last test", readonly=True)
    last_test_result = fields.Text(readonly=True)
    transmission_ids = fields.One2many(
        "einvoice.transmission", "billmail_mailbox_id", string="Transmissions"
    )
    transmission_count = fields.Integer(compute="_compute_transmission_count")

    _sql_constraints = [
        (
            "one_address_per_type",
            "unique(company_id, document_type, email)",
            "This mailbox already receives this type of document.",
        ),
    ]

    @api.depends("preset", "document_type")
    def _compute_name(self):
        presets = dict(self._fields["preset"]._description_selection(self.env))
        types = dict(self._fields["document_type"]._description_selection(self.env))
        for mailbox in self:
            mailbox.name = " – ".join(
                part
                for part in (
                    presets.get(mailbox.preset),
                    types.get(mailbox.document_type),
                )
                if part
            )

    @api.depends("preset")
    def _compute_conditions(self):
        for mailbox in self:
            mailbox.conditions = self._preset_conditions(mailbox.preset)

    def _compute_transmission_count(self):
        counts = dict(
            self.env["einvoice.transmission"]._read_group(
                [("billmail_mailbox_id", "in", self.ids)],
                ["billmail_mailbox_id"],
                ["__count"],
            )
        )
        for mailbox in self:
            mailbox.transmission_count = counts.get(mailbox, 0)

    @api.model
    def _preset_conditions(self, preset):
        """What each package asks of the documents it receives, in the user's
        language (the sources are named in lib/presets.py)."""
        return {
            "clearfacts": _(
                "One address per tray of the dossier: the tray's name, then the "
                "company number, at the office's clearfacts.be domain (the purchase "
                "tray has no name in front). Upper and lower case matter: copy the "
                "tray names from the dossier's settings in ClearFacts. UBL (e-fff) "
                "and PDF are read; at most 20 MB per e-mail."
            ),
            "yuki": _(
                "One address per administration (Settings > Domain > "
                "Administrations) for every kind of document: Yuki sorts purchases "
                "from sales itself. A UBL and a PDF are taken as one document when "
                "their file names match, as they do here."
            ),
            "octopus": _(
                "Paste the dossier's mailbox addresses for purchases and for sales "
                "from Management > Dossiers in Octopus. They change when the "
                "dossier's folders change: update them here then. UBL (e-fff) is "
                "read."
            ),
            "winbooks": _(
                "The address chosen for the dossier in WinBooks Connect; it must "
                "end in @winbooksconnect.be, @myinvoices.be or @mydocs.be. WinBooks "
                "documents it for purchase invoices; give a sales address only when "
                "the dossier has one."
            ),
            "billtobox_nl": _(
                "Sales invoices go one per e-mail to the address built from the "
                "company's KvK number; check it, and the subject, against Settings > "
                "Sales invoices > E-mail in Billtobox. Billtobox takes them only from "
                "a trusted sender: add this company's sender address to that list. "
                "Switch off Billtobox's option that forwards imported invoices to "
                "the customer, or the customer receives them twice."
            ),
            "other": _(
                "Any mailbox that imports documents by e-mail: one document per "
                "e-mail, as UBL and/or PDF."
            ),
        }.get(preset, "")

    @api.constrains("email")
    def _check_email(self):
        for mailbox in self:
            if not email_addresses.is_address((mailbox.email or "").strip()):
                raise ValidationError(
                    _(
                        "%(mailbox)s: %(address)s is not an e-mail address.",
                        mailbox=mailbox.display_name,
                        address=mailbox.email,
                    )
                )

    @api.constrains("ubl_profile", "attach_pdf", "document_type")
    def _check_something_is_sent(self):
        for mailbox in self:
            if (
                mailbox.document_type in ("out_invoice", "out_refund")
                and not mailbox.ubl_profile
                and not mailbox.attach_pdf
            ):
                raise ValidationError(
                    _(
                        "%(mailbox)s: choose a UBL format, the PDF, or both.",
                        mailbox=mailbox.display_name,
                    )
                )

    def write(self, vals):
        if "email" in vals:
            vals["email"] = (vals["email"] or "").strip()
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("email"):
                vals["email"] = vals["email"].strip()
        return super().create(vals_list)

    # -- actions -------------------------------------------------------------------

    def action_send_test(self):
        """Send a real test e-mail to this mailbox now and say what the mail server
        answered (the answer is also kept on the mailbox). For whoever may change
        the mailbox (the accounting manager), asked before anything is sent."""
        self.ensure_one()
        self.check_access("write")
        company = self.company_id
        body = _(
            "<p>Test message from %(company)s: documents of the type %(type)s will "
            "be sent to this mailbox, one per e-mail.</p>",
            company=company.name,
            type=dict(self._fields["document_type"]._description_selection(self.env))[
                self.document_type
            ],
        )
        # Odoo lets system administrators only create raw e-mails (mail.mail);
        # this one's content and address are the mailbox's, checked above.
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": _("Test: %(mailbox)s", mailbox=self.display_name),
                    "email_from": company._billmail_sender(),
                    "email_to": self.email,
                    "body_html": body,
                    "auto_delete": False,
                }
            )
        )
        mail.send(raise_exception=False)
        if mail.state == "sent":
            result = _(
                "Accepted by the mail server for %(address)s.", address=self.email
            )
        else:
            result = _(
                "Not sent: %(reason)s",
                reason=mail.failure_reason or _("the mail server did not answer"),
            )
        self.write({"last_test_at": fields.Datetime.now(), "last_test_result": result})
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Test message"),
                "message": result,
                "type": "success" if mail.state == "sent" else "danger",
                "sticky": mail.state != "sent",
            },
        }

    def action_transmissions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "billmail_connector.action_billmail_transmissions"
        )
        action["domain"] = [("billmail_mailbox_id", "=", self.id)]
        action["context"] = {}
        return action

    def unlink(self):
        if self.env["einvoice.transmission"].search_count(
            [("billmail_mailbox_id", "in", self.ids)], limit=1
        ):
            raise UserError(
                _(
                    "Documents were sent to this mailbox: archive it instead, so the "
                    "history keeps where they went."
                )
            )
        return super().unlink()
