from . import test_install
from . import test_billmail_send
from . import test_billmail_setup
from . import test_billmail_concurrency
from . import test_ui_tour
from . import test_xmlrpc
