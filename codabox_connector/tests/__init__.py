from . import test_install
from . import test_codabox
from . import test_codabox_big_files
from . import test_xmlrpc
