"""The net unit price a recurring plan line takes from a discounted sale order line."""

from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_sale_lib.prices import net_unit_price


@pytest.mark.parametrize(
    ("price", "discount", "digits", "net"),
    [
        ("640", "12.5", 2, "560.00"),
        ("85", "0", 2, "85.00"),
        ("33.33", "15", 2, "28.33"),  # 28.3305
        ("10.05", "50", 2, "5.03"),  # 5.025: half up, not to even
        ("12.3456", "10", 4, "11.1110"),  # 11.11104
        ("100", "100", 2, "0.00"),
    ],
)
def test_the_net_price_is_the_discounted_price_rounded_half_up(
    price, discount, digits, net
):
    assert net_unit_price(Decimal(price), Decimal(discount), digits) == Decimal(net)
