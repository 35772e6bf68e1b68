from . import einvoice_recurring_plan
from . import sale_order
