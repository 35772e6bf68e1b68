# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class EinvoiceReminderLevel(models.Model):
    """A step of a company's reminders: how long after the due date, which e-mail,
    whether interest and costs are claimed and the invoices attached."""

    _name = "einvoice.reminder.level"
    _description = "Payment reminder level"
    _order = "company_id, sequence, delay_days, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    delay_days = fields.Integer(
        string="Days after the due date",
        required=True,
        help="An invoice reaches this level this many days after its due date, "
        "once the level before was sent.",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail",
        domain=[("model", "=", "einvoice.reminder")],
        help="Written in the customer's language. Empty: the standard reminder.",
    )
    formal_notice = fields.Boolean(
        string="Formal notice",
        help="The reminder is a formal notice (ingebrekestelling, mise en demeure).",
    )
    charge_interest = fields.Boolean(string="Claim interest")
    charge_fees = fields.Boolean(string="Claim recovery costs")
    attach_invoices = fields.Boolean(string="Attach the invoices")

    _sql_constraints = [
        (
            "delay_not_negative",
            "CHECK (delay_days >= 0)",
            "A reminder level cannot come before the due date.",
        )
    ]

    @api.model
    def _default_levels(self, env):
        """The default levels, named in `env`'s language."""
        return [
            {"sequence": 10, "name": env._("Friendly reminder"), "delay_days": 7},
            {
                "sequence": 20,
                "name": env._("Formal notice"),
                "delay_days": 21,
                "formal_notice": True,
                "charge_interest": True,
                "charge_fees": True,
            },
            {
                "sequence": 30,
                "name": env._("Last notice"),
                "delay_days": 35,
                "formal_notice": True,
                "charge_interest": True,
                "charge_fees": True,
                "attach_invoices": True,
            },
        ]

    @api.model
    def _ensure_defaults(self, companies):
        """Three levels for each company that has none: a friendly reminder, a
        formal notice with interest and costs, a last notice with the invoices;
        named in every installed language."""
        model = self.sudo().with_context(lang="en_US")
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for company in companies:
            if model.search_count([("company_id", "=", company.id)]):
                continue
            levels = model.create(
                [
                    dict(values, company_id=company.id)
                    for values in self._default_levels(model.env)
                ]
            )
            for lang in langs:
                if lang == "en_US":
                    continue
                translated = model.with_context(lang=lang)
                for level, values in zip(
                    levels, self._default_levels(translated.env), strict=True
                ):
                    level.with_context(lang=lang).name = values["name"]

    @api.model
    def _ensure_defaults_all(self):
        self._ensure_defaults(self.env["res.company"].sudo().search([]))

    def _template(self):
        self.ensure_one()
        return self.mail_template_id or self.env.ref(
            "l10n_be_nl_einvoice.mail_template_einvoice_reminder"
        )
