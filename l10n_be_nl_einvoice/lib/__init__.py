"""Pure logic of the Belgian and Dutch e-invoicing suite.

Nothing in this package imports Odoo: each module takes and returns plain Python values
(``Decimal`` for money, ``date`` for dates) and is tested with plain pytest.
"""
