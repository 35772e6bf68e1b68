from . import billmail_setup
from . import billmail_send_wizard
