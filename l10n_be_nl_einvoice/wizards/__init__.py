from . import einvoice_numbering_audit
from . import einvoice_statement_import
from . import einvoice_transmission_resend
from . import einvoice_reminder_run
from . import account_move_send_wizard
from . import account_move_send_batch_wizard
