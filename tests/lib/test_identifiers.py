import pytest
from l10n_be_nl_einvoice_lib.identifiers import kbo_number, peppol_address


@pytest.mark.parametrize(
    ("vat", "registry", "kbo"),
    [
        ("BE0712345630", None, "0712345630"),
        (None, "0712.345.630", "0712345630"),
        ("BE 712 345 630", None, "0712345630"),
        ("BE0712345631", None, None),  # bad mod-97
        (None, None, None),
    ],
)
def test_the_belgian_enterprise_number_comes_from_the_registry_or_the_vat(
    vat, registry, kbo
):
    assert kbo_number(vat, registry) == kbo


@pytest.mark.parametrize(
    ("country", "vat", "registry", "address"),
    [
        ("BE", "BE0555444368", None, ("0208", "0555444368")),
        ("be", None, "0555444368", ("0208", "0555444368")),
        ("NL", "NL200000007B01", "12345678", ("0106", "12345678")),
        ("NL", None, "00000001234567890000", ("0190", "00000001234567890000")),
        ("NL", "NL200000007B01", None, ("9944", "NL200000007B01")),
        ("NL", "NL200000008B01", None, None),
        ("DE", "DE123456704", None, None),
    ],
)
def test_peppol_addresses_of_belgian_and_dutch_parties(country, vat, registry, address):
    assert peppol_address(country, vat, registry) == address
