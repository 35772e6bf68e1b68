from . import test_recurring_from_sale
from . import test_translations
from . import test_xmlrpc
