from . import test_install
from . import test_codabox
from . import test_xmlrpc
