from . import test_install
from . import test_ui_tour
from . import test_translations
from . import test_numbering
from . import test_numbering_concurrency
from . import test_numbering_audit
from . import test_ubl_check
from . import test_late_interest
