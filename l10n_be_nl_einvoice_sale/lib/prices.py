"""Prices of a sale order line as a recurring plan line carries them."""

from decimal import ROUND_HALF_UP, Decimal


def net_unit_price(price_unit: Decimal, discount: Decimal, digits: int) -> Decimal:
    """The unit price after a discount in percent, rounded half up to `digits`
    decimals (the precision of unit prices): a plan line has no discount of its own,
    so it invoices the price the customer agreed to."""
    net = price_unit * (Decimal(100) - discount) / Decimal(100)
    return net.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
