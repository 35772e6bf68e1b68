# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# The channel of each customer document by law (lib/peppol_channel.py), as the default
# of Odoo's Send, and said in its dialog, with the reason, before anything leaves.
# pylint: disable=consider-merging-classes-inherited
from odoo import api, models

from ..lib import peppol_channel
from .res_partner_peppol import channel_messages

# The invoices a batch's alert names, at most.
NAMED = 10


class AccountMoveSend(models.AbstractModel):
    _inherit = "account.move.send"

    @api.model
    def _einvoice_channel(self, move):
        """The channels of `move` (a `peppol_channel.Choice`): by law, the customer's
        registration on Peppol and its own choice; None for what the rule does not
        cover (not a customer invoice or credit note of a Belgian or Dutch
        company)."""
        if not move._einvoice_gated():
            return None
        company = move.company_id
        customer = move.commercial_partner_id._einvoice_peppol_customer(
            company, move.partner_id
        )
        country = company.account_fiscal_country_id.code or company.country_id.code
        return peppol_channel.choose(country, customer)

    @api.model
    def _einvoice_sending_methods(self, move):
        """The set of channels `move` goes by unless the user changes them."""
        choice = self._einvoice_channel(move)
        if choice is None:
            return {self._get_default_sending_method(move)}
        return set(choice.methods)

    @api.model
    def _get_default_sending_method(self, move):
        # EXTENDS account: the main channel by law (Odoo: the customer's method, or
        # e-mail); a channel chosen on the customer wins, as in Odoo.
        choice = self._einvoice_channel(move)
        if choice is None:
            return super()._get_default_sending_method(move)
        return choice.methods[0]

    @api.model
    def _get_default_sending_settings(self, move, from_cron=False, **custom_settings):
        # EXTENDS account: a customer that asked for it gets e-mail as well (Odoo 18.0
        # defaults to one channel); a background sending keeps what it was asked
        # for (account_move_send.py).
        stored = from_cron and (move.sending_data or {}).get("sending_methods")
        if "sending_methods" not in custom_settings and not stored:
            choice = self._einvoice_channel(move)
            if choice and len(choice.methods) > 1:
                custom_settings["sending_methods"] = set(choice.methods)
        return super()._get_default_sending_settings(
            move, from_cron=from_cron, **custom_settings
        )

    # -- the dialog says which channel, and why ------------------------------------

    @api.model
    def _get_alerts(self, moves, moves_data):
        # EXTENDS account: each invoice's channel and the reason (info), and a
        # warning for a customer the law wants on Peppol whose invoice does not go
        # there, with what to do. In the list's dialog, grouped, with the invoices
        # named.
        alerts = super()._get_alerts(moves, moves_data)
        infos, warnings = {}, {}
        for move in moves:
            choice = self._einvoice_channel(move)
            methods = list(moves_data[move].get("sending_methods") or [])
            if choice is None or not methods:
                continue
            customer = move.commercial_partner_id
            company = move.company_id
            warned = bool(choice.obligation) and peppol_channel.PEPPOL not in methods
            text = self._einvoice_channel_text(choice, methods)
            if choice.unreachable and not warned:
                note = customer._einvoice_peppol_unreachable_note(company)
                text = f"{text}. {note}"
            infos.setdefault(text, []).append(move)
            if warned:
                problem = choice.problem or "chosen_other"
                advice = customer._einvoice_peppol_advice(choice, company, problem)
                warnings.setdefault(customer, (advice, []))[1].append(move)
        batch = len(moves) > 1
        for index, (text, named) in enumerate(infos.items()):
            alerts[f"l10n_be_nl_einvoice_channel_{index}"] = {
                "level": "info",
                "message": self._einvoice_named(text, named) if batch else text,
            }
        for customer, (advice, named) in warnings.items():
            alerts[f"l10n_be_nl_einvoice_peppol_required_{customer.id}"] = {
                "level": "warning",
                "message": self._einvoice_named(advice, named) if batch else advice,
                "action_text": self.env._("View customer"),
                "action": customer._get_records_action(name=self.env._("Customer")),
            }
        return alerts

    @api.model
    def _einvoice_channel_text(self, choice, methods):
        """ "By Peppol: Belgian business customer with VAT BE0…": the channels ticked
        and why (the dialog's own choice when the user changed them)."""
        env = self.env
        labels = {
            peppol_channel.PEPPOL: env._("By Peppol"),
            peppol_channel.EMAIL: env._("By e-mail"),
        }
        others = dict(
            env["res.partner"]
            ._fields["invoice_sending_method"]
            ._description_selection(env)
        )
        ordered = [m for m in choice.methods if m in methods] + sorted(
            m for m in methods if m not in choice.methods
        )
        channels = " + ".join(labels.get(m) or others.get(m, m) for m in ordered)
        if set(methods) == set(choice.methods):
            reason = channel_messages(env)[choice.reason] % choice.params
            if choice.also_email:
                reason = env._(
                    "%(reason)s; also by e-mail, as the customer asked", reason=reason
                )
        else:
            reason = env._("chosen in this dialog")
        return env._("%(channels)s: %(reason)s", channels=channels, reason=reason)

    @api.model
    def _einvoice_named(self, text, moves):
        names = [move.display_name for move in moves[:NAMED]]
        if len(moves) > NAMED:
            names.append("…")
        return self.env._(
            "%(text)s (%(invoices)s)", text=text, invoices=", ".join(names)
        )
