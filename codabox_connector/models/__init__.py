from . import res_config_settings
from . import codabox_connection
from . import codabox_set_aside
from . import einvoice_statement_import_job
from . import einvoice_transmission
from . import codabox_sender
from . import account_move
