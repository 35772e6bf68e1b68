from . import einvoice_numbering_audit
