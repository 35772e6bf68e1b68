# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class EinvoiceStatementImportJob(models.Model):
    """A big CODA file of the CodaBox feed is imported in the background, in steps;
    when it ends, the feed goes on with its next file, and a file that could not
    be imported is set aside."""

    _inherit = "einvoice.statement.import.job"

    codabox_connection_id = fields.Many2one(
        "codabox.connection",
        string="From the CodaBox feed of",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    codabox_feed_index = fields.Char(string="CodaBox feed entry", readonly=True)

    def _concluded(self):
        result = super()._concluded()
        # The import runs as the scheduled action; what it concludes for the feed
        # and for files set aside is the system's bookkeeping.
        asides = (
            self.env["codabox.set.aside"].sudo().search([("job_id", "in", self.ids)])
        )
        for job in self:
            aside = asides.filtered(lambda record, job=job: record.job_id == job)
            if aside:
                aside._job_concluded(job)
            elif job.codabox_connection_id:
                job.codabox_connection_id.sudo()._job_concluded(job)
        return result
