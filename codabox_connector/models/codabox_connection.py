# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import base64
import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.l10n_be_nl_einvoice.lib.identifiers import kbo_number

from ..lib import client as cb

_logger = logging.getLogger(__name__)

DEFAULT_API_URL = cb.DEFAULT_BASE_URL
# Held (per connection) by the transaction that reads its feed.
FETCH_LOCK = 0x636F_6461  # "coda"


class CodaboxConnection(models.Model):
    """A company's connection to CodaBox: the credentials CodaBox issued for it, the
    VAT number they were issued for, and what the last contacts gave."""

    _name = "codabox.connection"
    _description = "CodaBox connection"
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [
            ("draft", "Not connected"),
            ("token", "Waiting for the token"),
            ("connected", "Connected"),
            ("error", "Needs attention"),
        ],
        default="draft",
        required=True,
        readonly=True,
    )
    vat = fields.Char(
        string="Connected for",
        readonly=True,
        help="The enterprise number the connection was made for.",
    )
    username = fields.Char(readonly=True, groups="base.group_system", copy=False)
    password = fields.Char(readonly=True, groups="base.group_system", copy=False)
    client_name = fields.Char(string="Name at CodaBox", readonly=True)
    feed_ids = fields.Char(string="Feeds", readonly=True)
    fetch_enabled = fields.Boolean(
        string="Import bank statements on schedule",
        default=True,
        help="The scheduled action reads this company's CodaBox feed and imports "
        "each new CODA file, like a manual upload.",
    )
    last_contact = fields.Datetime(readonly=True)
    last_fetch = fields.Datetime(string="Last import", readonly=True)
    create_journals = fields.Boolean(
        string="Create the journal of a new bank account",
        help="A CODA file of an account no bank journal has creates that journal; "
        "otherwise the file is set aside until a journal has the account.",
    )
    set_aside_ids = fields.One2many(
        "codabox.set.aside",
        "connection_id",
        string="Files set aside",
        groups="account.group_account_manager",
    )
    last_fetch_summary = fields.Text(string="Last import result", readonly=True)
    last_error = fields.Text(readonly=True)
    pending_ack_feed = fields.Integer(
        string="Feed to confirm", readonly=True, copy=False
    )
    pending_ack_index = fields.Char(
        string="Entry to confirm",
        readonly=True,
        copy=False,
        help="The feed entry imported last: CodaBox is told it arrived on the next "
        "step, once the import is committed.",
    )
    vat_changed = fields.Boolean(
        string="Enterprise number changed", compute="_compute_vat_changed"
    )

    _sql_constraints = [
        (
            "one_per_company",
            "unique(company_id)",
            "A company has one CodaBox connection.",
        )
    ]

    @api.depends("vat", "company_id.vat", "company_id.company_registry")
    def _compute_vat_changed(self):
        for connection in self:
            connection.vat_changed = bool(
                connection.vat
                and connection.vat != self._company_number(connection.company_id)
            )

    @api.model
    def _company_number(self, company):
        """The company's 10-digit enterprise number, as CodaBox knows companies."""
        return kbo_number(company.vat, company.company_registry) or ""

    @api.model
    def _for_company(self, company):
        connection = self.search([("company_id", "=", company.id)], limit=1)
        # The record only holds the state; creating it is not connecting, and
        # whoever may read connections may see that the company is not connected.
        return connection or self.sudo().create({"company_id": company.id}).sudo(False)

    def _check_manager(self):
        """Connecting, checking, importing and disconnecting are the accounting
        manager's of the connection's company (as Odoo's own bank and e-invoicing
        set-up is): whoever may write the connection, asked before CodaBox is
        contacted or anything changes. Billing users see the connection only."""
        self.check_access("write")

    @api.model
    def action_open_company_connection(self):
        """The current company's connection (XML-RPC), for whoever may read
        connections: billing users see its state, managers act on it."""
        self.check_access("read")
        connection = self._for_company(self.env.company)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": connection.id,
            "view_mode": "form",
            "name": _("CodaBox"),
        }

    # -- talking to CodaBox --------------------------------------------------------

    def _client(self, with_credentials=True):
        """The API client for this connection; tests point the API address (system
        parameter codabox_connector.api_url) at a local server."""
        # The settings and the credentials are the system administrator's; they
        # are used here, never shown, by whoever the caller already let act.
        params = self.env["ir.config_parameter"].sudo()
        credentials = self.sudo()
        return cb.CodaBoxClient(
            params.get_param("codabox_connector.api_url") or DEFAULT_API_URL,
            params.get_param("codabox_connector.software_company") or "",
            username=credentials.username if with_credentials else None,
            password=credentials.password if with_credentials else None,
            upload_path=params.get_param("codabox_connector.upload_path")
            or cb.DEFAULT_UPLOAD_PATH,
        )

    @api.model
    def _error_text(self, error):
        """What a person can do about a CodaBox error, in their language."""
        if isinstance(error, cb.UnknownAccountingOffice):
            return _(
                "CodaBox does not know this company with an accounting office: ask "
                "your accountant to add it to their CodaBox office, then try again."
            )
        if isinstance(error, cb.AlreadyRegistered):
            return _(
                "This software is already connected to CodaBox for this company: "
                "revoke that connection in myCodaBox, then connect again."
            )
        if isinstance(error, cb.InvalidToken):
            return _(
                "CodaBox does not accept this token (unknown, already used or "
                "expired): ask for a new one."
            )
        if isinstance(error, cb.Unauthorized):
            return _(
                "CodaBox refuses the connection's credentials: connect this company "
                "again (a token is e-mailed again)."
            )
        if isinstance(error, cb.InvalidRequest):
            return _("CodaBox refuses the request: %(detail)s", detail=error.message)
        if isinstance(error, cb.OutcomeUnknown):
            return _(
                "CodaBox's answer was lost (%(code)s): it may or may not have taken "
                "the document; check in CodaBox before sending it again.",
                code=error.code,
            )
        if isinstance(error, cb.Unavailable):
            return _(
                "CodaBox cannot be reached right now (%(code)s); it is tried again "
                "later.",
                code=error.code,
            )
        return _(
            "CodaBox answered %(code)s %(detail)s",
            code=error.code,
            detail=error.message,
        )

    def _vat_change_text(self):
        return _(
            "The company's enterprise number (%(now)s) is not the one CodaBox was "
            "connected for (%(then)s): connect it again for the new number.",
            now=self._company_number(self.company_id) or _("none"),
            then=self.vat,
        )

    def action_check(self):
        """Ask CodaBox who we are for this company; the state says what it answered."""
        self._check_manager()
        for connection in self:
            if connection.vat_changed:
                connection.write(
                    {"state": "error", "last_error": connection._vat_change_text()}
                )
                continue
            try:
                pod = connection._client().pod_client()
            except cb.CodaBoxError as error:
                connection.write(
                    {
                        "state": "error"
                        if isinstance(error, cb.Unauthorized)
                        else connection.state,
                        "last_error": self._error_text(error),
                    }
                )
                continue
            connection.write(
                {
                    "state": "connected",
                    "last_contact": fields.Datetime.now(),
                    "client_name": ", ".join(
                        feed.client_name
                        for feed in pod.feed_clients
                        if feed.client_name
                    ),
                    "feed_ids": ",".join(str(feed.id) for feed in pod.feed_clients),
                    "last_error": False,
                }
            )
        return True

    def action_disconnect(self):
        """Forget the credentials: the company is connected again with a new token
        (after the old connection is revoked in myCodaBox)."""
        self._check_manager()
        self.write(
            {"state": "draft", "vat": False, "feed_ids": False, "client_name": False}
        )
        # The credentials are readable by system administrators only; the manager,
        # allowed to disconnect just above, clears them without reading them.
        self.sudo().write({"username": False, "password": False})
        return True

    def action_connect(self):
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "res_model": "codabox.connect.wizard",
            "view_mode": "form",
            "target": "new",
            "name": _("Connect to CodaBox"),
            "context": {"default_connection_id": self.id},
        }

    # -- bank statements in --------------------------------------------------------

    def action_fetch_now(self):
        """Import what CodaBox has now, in the background (each file is committed
        before CodaBox is told it arrived)."""
        self._check_manager()
        self.env.ref("codabox_connector.ir_cron_codabox_fetch")._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("CodaBox"),
                "message": _("The bank statements are imported in the background."),
                "type": "info",
            },
        }

    @api.model
    def _cron_fetch(self):
        """Import the next CODA file of the connected companies. One file per call:
        the cron runner commits after each call, and CodaBox is told a file arrived
        at the start of the next call, once its import is committed. The runner
        calls again while files remain."""
        connections = self.search(
            [("state", "=", "connected"), ("fetch_enabled", "=", True)]
        )
        done, more = 0, False
        for connection in connections:
            done, more = connection._fetch()
            if more:
                break
        self.env["ir.cron"]._notify_progress(done=done, remaining=int(more))

    def _fetch(self):
        """One step of reading this company's feed: tell CodaBox the file imported
        by the previous step arrived (that step is committed by now), then import
        the next file through the core's import (the same duplicate check and
        matching as an upload) and remember to acknowledge it. A file that cannot
        be imported is set aside with its reason (`codabox.set.aside`) and the
        feed goes on: one damaged file, or a new bank account, never holds back
        the statements behind it. Returns (files imported, whether to call
        again)."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [FETCH_LOCK, self.id]
        )
        if not self.env.cr.fetchone()[0]:
            _logger.info("CodaBox import of %s already running", self.company_id.name)
            return 0, False
        if self.vat_changed:
            self.write({"state": "error", "last_error": self._vat_change_text()})
            return 0, False
        client = self._client()
        try:
            if self.pending_ack_index:
                client.acknowledge(self.pending_ack_feed, self.pending_ack_index)
                self.write({"pending_ack_feed": 0, "pending_ack_index": False})
            if self._importing():
                # The next file's statements continue this one's: the feed goes
                # on when its import ends (`_job_concluded`).
                return 0, False
            for feed in client.pod_client().feed_clients:
                entries = client.feed(feed.id)
                if not entries:
                    continue
                line = self._import_entry(client, entries[0])
                self.write(
                    {
                        "pending_ack_feed": feed.id,
                        "pending_ack_index": entries[0].feed_index,
                    }
                )
                self._fetch_result(line, False)
                return 1, True
        except (cb.CodaBoxError, UserError) as error:
            message = (
                self._error_text(error)
                if isinstance(error, cb.CodaBoxError)
                else str(error)
            )
            self._fetch_result(
                False, message, unauthorized=isinstance(error, cb.Unauthorized)
            )
            return 0, False
        self._fetch_result(False, False)
        return 0, False

    def _no_journal_text(self, accounts):
        return _(
            "No bank journal of %(company)s has the account "
            "%(accounts)s; add the account to its bank journal and "
            "import the file again, or import it with a new journal.",
            company=self.company_id.name,
            accounts=", ".join(accounts),
        )

    def _importing(self):
        """The file of the feed being imported in the background, if any."""
        return self.env["einvoice.statement.import.job"].search(
            [
                ("codabox_connection_id", "=", self.id),
                ("state", "in", ("queued", "importing")),
            ],
            limit=1,
        )

    def _import_entry(self, client, entry):
        """Import one feed entry; a line for the summary. A CODA file that cannot
        be imported is set aside, nothing of it imported. A big file (more lines
        than a request imports) goes to the background import, in steps that fit
        Odoo's time limits: the feed waits for it (`_importing`)."""
        meta = entry.metadata
        label = (
            " ".join(
                str(part)
                for part in (meta.get("iban"), meta.get("new_balance_date"))
                if part
            )
            or entry.feed_index
        )
        if entry.document_model != "coda":
            return _(
                "%(entry)s: a %(kind)s document, not imported here.",
                entry=label,
                kind=entry.document_model or "?",
            )
        content = client.download(entry.feed_index, "cod")
        name = f"codabox-{entry.feed_index}.cod"
        importer = self.env["einvoice.statement.import"].with_company(self.company_id)
        try:
            with self.env.cr.savepoint():
                result = importer.import_file(
                    name,
                    base64.b64encode(content).decode(),
                    create_journals=self.create_journals,
                )
                if result.get("job_ids"):
                    job = self.env["einvoice.statement.import.job"].browse(
                        result["job_ids"]
                    )
                    # The feed's own note on the job it handed over.
                    job.sudo().write(
                        {
                            "codabox_connection_id": self.id,
                            "codabox_feed_index": str(entry.feed_index),
                        }
                    )
                    return _(
                        "%(entry)s: a big file (%(file)s), imported in the background.",
                        entry=label,
                        file=name,
                    )
                if result.get("unknown_accounts"):
                    raise UserError(self._no_journal_text(result["unknown_accounts"]))
        except UserError as error:
            reason = _("%(entry)s: %(error)s", entry=label, error=str(error))
            self.env["codabox.set.aside"]._set_aside(
                self, name, entry.feed_index, content, reason
            )
            return _("%(reason)s (set aside)", reason=reason)
        if result.get("duplicates"):
            return _("%(entry)s: imported before, skipped.", entry=label)
        return _(
            "%(entry)s: %(lines)s line(s), %(paid)s invoice(s) paid by reference.",
            entry=label,
            lines=result.get("lines", 0),
            paid=result.get("matched", {}).get("reference", 0),
        )

    def _job_concluded(self, job):
        """The background import of a file of the feed ended: a file it could not
        import (or only in part: a statement of an account without a journal) is
        set aside like a refused one, and the feed goes on."""
        label = job.name
        accounts = job._unknown_accounts()
        if job.state == "failed" or accounts:
            reason = (
                job.summary
                if job.state == "failed"
                else self._no_journal_text(accounts)
            )
            reason = _("%(entry)s: %(error)s", entry=label, error=reason)
            self.env["codabox.set.aside"]._set_aside(
                self,
                job.name,
                job.codabox_feed_index,
                job.attachment_id.raw,
                reason,
                job=job,
            )
            line = _("%(reason)s (set aside)", reason=reason)
        else:
            result = job.progress["result"]
            line = _(
                "%(entry)s: %(lines)s line(s), %(paid)s invoice(s) paid by reference.",
                entry=label,
                lines=result.get("lines", 0),
                paid=result.get("matched", {}).get("reference", 0),
            )
        self._fetch_result(line, False)
        self.env.ref("codabox_connector.ir_cron_codabox_fetch")._trigger()

    def _fetch_result(self, line, error, unauthorized=False):
        """Keep what the import of the last files gave (the last 50 lines)."""
        values = {"last_fetch": fields.Datetime.now(), "last_error": error or False}
        if line:
            lines = (self.last_fetch_summary or "").splitlines()
            if lines == [_("Nothing new.")]:
                lines = []
            values["last_fetch_summary"] = "\n".join([*lines, line][-50:])
        elif not error and not self.last_fetch_summary:
            values["last_fetch_summary"] = _("Nothing new.")
        if unauthorized:
            values["state"] = "error"
        else:
            values["last_contact"] = fields.Datetime.now()
        self.write(values)
