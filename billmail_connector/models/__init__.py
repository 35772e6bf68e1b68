from . import res_company
from . import res_config_settings
from . import billmail_mailbox
from . import einvoice_transmission
from . import account_move
from . import billmail_sender
