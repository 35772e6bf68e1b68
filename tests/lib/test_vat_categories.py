"""The meaning of a sales tax on an e-invoice, from its VAT return grid."""

from decimal import Decimal

import pytest
from l10n_be_nl_einvoice_lib.vat_categories import (
    KINDS,
    MEANINGS,
    default_kind,
    grid_of,
    ublbe_name,
)


@pytest.mark.parametrize(
    ("country", "amount", "tags", "template", "kind"),
    [
        ("BE", 21, ["+03"], "", "standard"),
        ("BE", 0, ["+45"], "", "reverse_charge"),
        ("BE", 0, ["+44"], "", "intra_eu_services"),
        ("BE", 0, ["+46L"], "", "intra_eu_goods"),
        ("BE", 0, ["+46T"], "", "intra_eu_triangle"),
        ("BE", 0, ["+47"], "", "export"),
        ("BE", 0, ["+00"], "", "zero"),
        ("NL", 0, ["+1e (omzet)"], "1_btw_0", "zero"),
        ("NL", 0, ["+1e (omzet)"], "1_btw_verk_0", "reverse_charge"),
        ("NL", 0, ["+3bg (omzet)"], "", "intra_eu_goods"),
        ("NL", 0, ["+3bs (omzet)"], "", "intra_eu_services"),
        ("NL", 0, ["+3a (omzet)"], "", "export"),
        ("NL", 9, ["+1b (omzet)"], "", "standard"),
        ("DE", 0, ["+41"], "", None),
        ("BE", 0, [], "", None),
    ],
)
def test_kind_from_the_grid(country, amount, tags, template, kind):
    assert default_kind(country, amount, tags, template) == kind


def test_grid_of_strips_sign_and_label():
    assert grid_of("+3bg (omzet)") == "3bg"
    assert grid_of("-46L") == "46L"


def test_every_kind_has_a_meaning_within_the_official_code_lists():
    assert {k for k, _label in KINDS} == set(MEANINGS)
    for meaning in MEANINGS.values():
        assert meaning.category in {"S", "Z", "E", "AE", "K", "G", "O"}
        assert meaning.vatex is None or meaning.vatex.startswith("VATEX-EU-")
        if meaning.ublbe_code:
            assert meaning.ublbe_code == f"BETE-{meaning.ublbe_name}"


@pytest.mark.parametrize(
    ("kind", "percent", "name"),
    [
        ("standard", 21.0, "03"),
        ("standard", Decimal("12.00"), "02"),
        (None, 6, "01"),
        ("zero", 0, "00"),
        ("reverse_charge", 0, "45"),
        ("intra_eu_services", 0, "44"),
        ("export", 0, "47/EX"),
        ("standard", 9, None),
    ],
)
def test_ublbe_names(kind, percent, name):
    assert ublbe_name(kind, percent) == name
