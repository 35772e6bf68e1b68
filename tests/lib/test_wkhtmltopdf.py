"""Telling a patched-Qt wkhtmltopdf from a distribution build."""

from l10n_be_nl_einvoice_lib.wkhtmltopdf import is_patched, version


def test_the_official_build_is_patched():
    assert is_patched("wkhtmltopdf 0.12.6.1 (with patched qt)\n")
    assert version("wkhtmltopdf 0.12.6.1 (with patched qt)") == (0, 12, 6)


def test_a_distribution_build_is_not():
    assert not is_patched("wkhtmltopdf 0.12.6\n")
    assert version("wkhtmltopdf 0.12.6") == (0, 12, 6)
    assert not is_patched("") and version("") is None
