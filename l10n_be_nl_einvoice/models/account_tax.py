# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..lib.vat_categories import KINDS, VATEX, default_kind


class AccountTax(models.Model):
    _inherit = "account.tax"

    einvoice_vat_kind = fields.Selection(
        KINDS,
        string="E-invoice VAT category",
        compute="_compute_einvoice_vat_kind",
        store=True,
        readonly=False,
        help="What this tax means on an e-invoice: the VAT category, the exemption "
        "code and the legal reason written in the UBL. Filled from the VAT return "
        "grid of the tax; empty: Odoo's guess from the countries.",
    )

    einvoice_vatex = fields.Selection(
        VATEX,
        string="VAT exemption code (VATEX)",
        help="The exemption reason code written in the e-invoice; empty: the code "
        "of the category (reverse charge, intra-EU supply, export), none for other "
        "exemptions.",
    )

    @api.depends("amount", "type_tax_use", "invoice_repartition_line_ids.tag_ids")
    def _compute_einvoice_vat_kind(self):
        names = self._einvoice_template_names()
        for tax in self:
            if tax.type_tax_use != "sale":
                tax.einvoice_vat_kind = False
                continue
            tax.einvoice_vat_kind = default_kind(
                tax.country_id.code,
                tax.amount if tax.amount_type == "percent" else 1,
                tax.invoice_repartition_line_ids.tag_ids.mapped("name"),
                names.get(tax.id, ""),
            )

    def _einvoice_template_names(self):
        """Tax id -> the name of the chart template record it comes from."""
        ids = [tax_id for tax_id in self.ids if isinstance(tax_id, int)]
        if not ids:
            return {}
        data = (
            self.env["ir.model.data"]
            .sudo()
            .search_read(
                [("model", "=", "account.tax"), ("res_id", "in", ids)],
                ["name", "res_id"],
            )
        )
        return {row["res_id"]: row["name"] for row in data}
