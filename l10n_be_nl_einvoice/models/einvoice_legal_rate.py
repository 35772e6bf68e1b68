# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from decimal import Decimal

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError

from ..lib.late_interest import RatePeriod

KINDS = [
    ("commercial", "Commercial transactions"),
    ("legal", "Legal rate (civil, consumers)"),
]


class EinvoiceLegalRate(models.Model):
    """The statutory late-payment rates, by country, kind of transaction and period,
    each with where it was published. Shipped as data and kept up to date here: a
    new period is one more line, no code."""

    _name = "einvoice.legal.rate"
    _description = "Statutory late-payment interest rate"
    _order = "country_id, kind, date_from desc"

    country_id = fields.Many2one("res.country", required=True, index=True)
    kind = fields.Selection(KINDS, required=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(
        string="Until",
        help="The last day the rate is known to apply (included); empty: until the "
        "next line. Interest for a day after the last known one is not computed.",
    )
    rate = fields.Float(string="Rate (%)", digits=(6, 4), required=True)
    publication = fields.Char(
        help="Where the rate is published officially, e.g. the Belgian Official "
        "Gazette notice or the Dutch Staatsblad."
    )
    source_url = fields.Char(string="Source")
    evidence = fields.Selection(
        [
            ("official", "Read in the official publication"),
            ("secondary", "Read in a secondary source"),
            ("derived", "Computed with the law's formula"),
        ],
        required=True,
        default="official",
        help="How the value was checked when it was entered: compare a line that is "
        "not read in the official publication with it.",
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "one_per_start",
            "unique(country_id, kind, date_from)",
            "A rate of this country and kind already starts on that day.",
        ),
        ("rate_not_negative", "CHECK (rate >= 0)", "A rate cannot be negative."),
    ]

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for rate in self:
            if rate.date_to and rate.date_to < rate.date_from:
                raise ValidationError(
                    _(
                        "%(country)s, %(kind)s: the rate from %(start)s ends before "
                        "it starts.",
                        country=rate.country_id.name,
                        kind=dict(
                            self._fields["kind"]._description_selection(self.env)
                        )[rate.kind],
                        start=rate.date_from,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _periods(self, country_code, kind):
        """The table of `country_code` and `kind` as the computation reads it (kept
        in memory: a reminder run reads it for every invoice)."""
        return list(self._periods_cached(country_code, kind))

    @tools.ormcache("country_code", "kind")
    def _periods_cached(self, country_code, kind):
        rates = self.sudo().search(
            [("country_id.code", "=", country_code), ("kind", "=", kind)],
            order="date_from",
        )
        return tuple(
            RatePeriod(
                start=rate.date_from,
                # A float with at most four decimals, written back exactly.
                rate=Decimal(f"{rate.rate:.4f}"),
                end=rate.date_to or None,
            )
            for rate in rates
        )
