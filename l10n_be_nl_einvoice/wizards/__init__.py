from . import einvoice_numbering_audit
from . import einvoice_statement_import
