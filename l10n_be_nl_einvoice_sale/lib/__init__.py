"""Pure logic of the sale order glue of the e-invoicing suite, free of Odoo.

Each function takes and returns plain Python values (``Decimal`` for money) and is
tested with plain pytest.
"""
