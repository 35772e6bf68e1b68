# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
import logging
import os
import resource
import time

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config

from .access import MANAGER, require_group

_logger = logging.getLogger(__name__)

# A step that failed this many times in a row stops the import and tells the
# sender; so does a step whose worker was stopped (a time limit, a restart) this
# many times in a row.
ATTEMPTS = 3
CUT_OFF = 2
# When the current go of the cron runner in this worker started: pid -> (processor
# time limit of the go, monotonic time). A worker sets a new limit for each go.
_GOES = {}
# The longest sleep of a cron worker between the ping its watchdog counts from and
# its next go (odoo.service.server: SLEEP_INTERVAL + pid % 10).
SLEEP_BEFORE_GO = 70


class EinvoiceStatementImportJob(models.Model):
    """A bank statement file imported in the background, in steps that each fit
    Odoo's time limits: the first checks the whole file and creates its
    statements (all or nothing), each next one imports as many lines as fit. Each
    step is committed with how far it got, so an import cut off by a time limit,
    a crash or a restart goes on where it stopped, without a line twice or a line
    missed. The sender is told the outcome, success or failure."""

    _name = "einvoice.statement.import.job"
    _description = "Bank statement import in the background"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(string="File", required=True, readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Original file", readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Sent by", readonly=True, default=lambda s: s.env.user
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("importing", "Importing"),
            ("done", "Imported"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    strict = fields.Boolean(readonly=True, default=True)
    create_journals = fields.Boolean(readonly=True)
    journal_id = fields.Many2one("account.journal", readonly=True)
    summary = fields.Text(readonly=True)
    statement_ids = fields.Many2many(
        "account.bank.statement", string="Statements", readonly=True
    )
    lines_total = fields.Integer(string="Lines", readonly=True)
    lines_done = fields.Integer(string="Lines imported", readonly=True)
    progress = fields.Json(readonly=True, copy=False)
    attempts = fields.Integer(
        readonly=True,
        copy=False,
        help="Failed tries of the current step; at 3 the import stops.",
    )

    # -- the import cron ------------------------------------------------------------

    @api.model
    def _cron_import(self):
        """One step of the oldest file to import, while the go of the cron runner
        has time left. The cron runner commits after each call and calls again
        while files remain (progress API); a second worker running this at the
        same time takes another file (rows locked, SKIP LOCKED)."""
        self.flush_model(["state"])
        row = None
        if self._time_left_in_go():
            self.env.cr.execute(
                "SELECT id FROM einvoice_statement_import_job "
                "WHERE state IN ('queued', 'importing') "
                "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED"
            )
            row = self.env.cr.fetchone()
        if row:
            self.browse(row[0])._step(cut_off=self._cut_off())
        remaining = self.search_count([("state", "in", ("queued", "importing"))])
        self.env["ir.cron"]._notify_progress(done=1 if row else 0, remaining=remaining)
        if remaining:
            # Called again at once by this go of the cron runner; after its tenth
            # call, the trigger wakes a cron worker for the next go instead of
            # leaving the rest for the worker's next poll (a minute or more).
            self.env.ref(
                "l10n_be_nl_einvoice.ir_cron_einvoice_statement_import"
            )._trigger()

    @api.model
    def _time_left_in_go(self):
        """Whether this go of the cron runner has time left for a step. A cron
        worker gives each go Odoo's limits (processor time, time in all, the
        latter counted from before the worker's sleep); a step starts only while
        more than half of both are left, so that a slow step on a loaded machine
        never meets them: the go then ends and the trigger of `_cron_import`
        starts the next one at once. Without limits (a server without workers),
        always."""
        soft, _hard = resource.getrlimit(resource.RLIMIT_CPU)
        if soft == resource.RLIM_INFINITY or not config["limit_time_cpu"]:
            return True
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_left = soft - (usage.ru_utime + usage.ru_stime)
        go = _GOES.get(os.getpid())
        if not go or go[0] != soft:
            go = _GOES[os.getpid()] = (soft, time.monotonic())
        started = go[1]
        budget = self._go_budget()
        if not budget:
            return cpu_left > config["limit_time_cpu"] / 2
        return (
            cpu_left > config["limit_time_cpu"] / 2
            and time.monotonic() - started < budget / 2
        )

    @api.model
    def _cut_off(self):
        """How many calls of this cron before this one were cut off in a row (a
        worker stopped by a time limit or a restart): Odoo counts them on the
        progress of the call (ir.cron.progress)."""
        progress_id = self.env.context.get("ir_cron_progress_id")
        if not progress_id:
            return 0
        # The cron runner's own bookkeeping, readable by the system only.
        progress = self.env["ir.cron.progress"].sudo().browse(progress_id)
        return max(progress.timed_out_counter - 1, 0)

    def _step(self, cut_off=0):
        """Check and plan the file (first step), and import its next lines. A step
        that was cut off is tried again with half the time; one that failed
        ATTEMPTS times, or was cut off CUT_OFF times, stops the import."""
        self.ensure_one()
        if cut_off >= CUT_OFF:
            # Odoo's cron runner gives up on the next cut-off without calling this.
            self._stop(
                _(
                    "The import was stopped %(count)s times in a row at the same "
                    "step, by a time limit or a restart of the server.",
                    count=cut_off,
                )
            )
            return
        importer = (
            self.env["einvoice.statement.importer"]
            .with_user(self.user_id)
            .with_company(self.company_id)
            .with_context(allowed_company_ids=self.company_id.ids)
        )
        files = [(self.name, self.attachment_id.raw)]
        journal = self.journal_id.with_user(self.user_id)
        seconds = self._step_seconds() / 2**cut_off
        try:
            with self.env.cr.savepoint():
                plan = copy.deepcopy(self.progress)
                if self.state == "queued":
                    plan = importer._plan(
                        files, self.strict, self.create_journals, journal
                    )
                finished = importer._import_lines(
                    files, plan, self.strict, journal, seconds=seconds
                )
        except UserError as error:
            self._stop(str(error))
            return
        except Exception as error:
            _logger.exception("bank statement file %s: step failed", self.id)
            self.attempts += 1
            if self.attempts >= ATTEMPTS:
                self._stop(str(error))
            return
        self.write(
            {
                "state": "done" if finished else "importing",
                "progress": plan,
                "attempts": 0,
                "statement_ids": [(6, 0, plan["result"]["statement_ids"])],
                "lines_total": sum(e["total"] for e in plan["statements"]),
                "lines_done": sum(e["done"] for e in plan["statements"]),
            }
        )
        if finished:
            self.summary = importer._summary_text(plan["result"])
            self._concluded()

    def _step_seconds(self):
        """The time a background step may take before it stops at the end of a
        chunk: system parameter l10n_be_nl_einvoice.statement_step_seconds, else a
        fifth of the smaller of the cron's processor time limit and the part of
        its time in all a go has (`_go_budget`): 10 s with Odoo's defaults. A
        step starts only while half of both are left (`_time_left_in_go`), so a
        step twice as slow as planned, on a loaded machine, still ends within
        them."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("l10n_be_nl_einvoice.statement_step_seconds")
        )
        if value:
            return float(value)
        limits = [
            limit
            for limit in (config["limit_time_cpu"], self._go_budget())
            if limit and limit > 0
        ]
        return min(limits) / 5 if limits else 10.0

    @api.model
    def _go_budget(self):
        """The time in all a go of the cron runner has for its work, in seconds (0
        for no limit): the cron's limit (limit_time_real_cron, or limit_time_real
        where it says -1), which Odoo's watchdog counts from before the worker's
        sleep between two goes (up to SLEEP_INTERVAL + 10 s)."""
        real = config["limit_time_real_cron"]
        if real is None or real < 0:
            real = config["limit_time_real"]
        if not real or real <= 0:
            return 0
        return max(real - SLEEP_BEFORE_GO, real / 4)

    def _stop(self, reason):
        """The import failed: the sender is told why, and how far it got."""
        text = [reason]
        if self.state == "importing":
            text.append(
                _(
                    "%(done)s of the file's %(total)s lines were imported before it "
                    "stopped; Retry goes on from there.",
                    done=self.lines_done,
                    total=self.lines_total,
                )
            )
        else:
            text.append(_("Nothing was imported."))
        self.write({"state": "failed", "summary": "\n".join(text)})
        self._concluded()

    def _concluded(self):
        """The import ended, imported (`done`) or not (`failed`, `summary` says
        why): the sender is told. Whoever handed the file over may follow up
        (the CodaBox feed goes on with its next file)."""
        return self._tell_sender()

    def _unknown_accounts(self):
        """The accounts of the file's statements that no bank journal has (those
        statements were left out)."""
        return ((self.progress or {}).get("result") or {}).get("unknown_accounts", [])

    def _tell_sender(self):
        self.message_post(
            body=self.summary,
            partner_ids=self.user_id.partner_id.ids,
            subject=_("Bank statement import: %(file)s", file=self.name),
        )

    # -- buttons ----------------------------------------------------------------------

    def action_retry(self):
        """Import a failed file again, from where it stopped (accounting managers)."""
        require_group(self.env, MANAGER, self.env._("Importing bank statements"))
        self.check_access("read")
        for job in self.filtered(lambda job: job.state == "failed"):
            # A job is the system's record: its sender reads it, only the import
            # writes it (the access file); retrying is the import's own step.
            job.sudo().write(
                {
                    "state": "importing" if job.progress else "queued",
                    "attempts": 0,
                    "summary": False,
                }
            )
        self.env.ref("l10n_be_nl_einvoice.ir_cron_einvoice_statement_import")._trigger()
        return True
