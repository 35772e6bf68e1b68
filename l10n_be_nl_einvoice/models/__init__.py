from . import res_company
from . import res_config_settings
from . import einvoice_number_series
from . import einvoice_number_log
from . import account_journal
from . import account_move
from . import account_resequence
from . import ir_actions_report
