"""The legal mentions' data file and which cases an invoice carries."""

import json
from urllib.parse import urlparse

import pytest
from l10n_be_nl_einvoice_lib import legal_mentions as lm
from l10n_be_nl_einvoice_lib.vat_categories import KINDS, MEANINGS


def test_every_case_has_four_languages_a_basis_and_checked_sources():
    for case in lm.cases().values():
        assert set(case.texts) == set(lm.LANGUAGES), case.key
        assert all(text.strip() for text in case.texts.values()), case.key
        assert case.basis, case.key
        assert case.sources, case.key
        for source in case.sources:
            assert source["evidence"] in ("official", "secondary", "derived")
            assert urlparse(source["url"]).scheme == "https", source["url"]
            assert source["title"] and source["note"]


def test_categories_match_the_tax_kinds():
    for key, case in lm.cases().items():
        kind = key.split("_", 1)[1] if key[:3] in ("be_", "nl_") else key
        if kind in MEANINGS and kind in dict(KINDS):
            assert case.category == MEANINGS[kind].category, key
        if case.vatex:
            assert case.vatex.startswith("VATEX-EU-"), key


def test_every_non_plain_kind_has_a_case_for_both_countries():
    for kind, _label in KINDS:
        for country in ("BE", "NL"):
            key = lm.case_key(kind, country)
            assert (key is None) == (kind in lm.PLAIN_KINDS), (kind, country)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nl_BE", "nl"), ("fr_BE", "fr"), ("de_DE", "de"), ("en_US", "en"),
     ("es_ES", "en"), (None, "en"), ("nl", "nl")],
)  # fmt: skip
def test_the_language_of_a_mention(lang, expected):
    assert lm.language(lang) == expected


def test_cases_of_an_invoice():
    assert lm.cases_for([("standard", None), ("zero", None)], "BE") == []
    assert lm.cases_for([("reverse_charge", None)], "BE") == ["be_reverse_charge"]
    assert lm.cases_for([("reverse_charge", None)], "NL") == ["nl_reverse_charge"]
    # Each once, in the data file's order, whatever the order of the lines.
    assert lm.cases_for(
        [
            ("intra_eu_services", None),
            ("intra_eu_goods", None),
            ("intra_eu_goods", None),
        ],
        "BE",
    ) == ["be_intra_eu_goods", "be_intra_eu_services"]
    # An exemption without a case of its own code has the country's general one.
    assert lm.cases_for([("exempt", "VATEX-EU-132")], "BE") == ["be_exempt"]
    # A small-business scheme is the only mention: no VAT is charged at all.
    assert lm.cases_for([("reverse_charge", None)], "BE", "be_franchise") == [
        "be_franchise"
    ]
    assert lm.cases_for([], "NL", "nl_kor") == ["nl_kor"]


def test_the_belgian_mentions_in_the_national_languages():
    cases = lm.cases()
    assert cases["be_reverse_charge"].text("nl_BE").startswith("Verlegging van heffing")
    assert cases["be_reverse_charge"].text("fr_BE").startswith("Autoliquidation")
    assert cases["be_franchise"].text("fr_BE") == (
        "Régime particulier de la franchise de taxe"
    )
    assert cases["nl_reverse_charge"].text("nl_NL") == "btw verlegd"


def test_a_case_without_a_language_is_refused(tmp_path, monkeypatch):
    data = json.loads(lm.DATA.read_text(encoding="utf-8"))
    del data["cases"]["be_export"]["texts"]["de"]
    broken = tmp_path / "legal_mentions.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(lm, "DATA", broken)
    lm.cases.cache_clear()
    try:
        with pytest.raises(ValueError, match="be_export: no text in de"):
            lm.cases()
    finally:
        monkeypatch.undo()
        lm.cases.cache_clear()
