"""The pre-flight validator and the totals guard on the official example documents."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from l10n_be_nl_einvoice_lib.ubl_totals import Mismatch, br_co_17_holds, check_totals
from l10n_be_nl_einvoice_lib.ubl_validate import UblValidationError, get_validator

from conftest import REPO, SHARED

EXAMPLES = SHARED / "validation" / "examples"
RULES = Path(os.environ.get("EINVOICE_RULES_DIR", REPO / ".local" / "rules"))
pytestmark = pytest.mark.skipif(
    not EXAMPLES.is_dir(), reason="needs the official examples in ../shared/validation"
)


@pytest.fixture(scope="module")
def validator():
    if not (RULES / "cen").is_dir():
        pytest.fail(f"the validation rules cache {RULES} is empty: run ./setup/test")
    return get_validator(RULES)


def example(name):
    return (EXAMPLES / name).read_bytes()


PEPPOL_OK = sorted(p.name for p in (EXAMPLES / "peppol").glob("*.xml"))


@pytest.mark.parametrize("name", PEPPOL_OK)
def test_official_peppol_examples_pass_and_their_totals_agree(validator, name):
    data = example(f"peppol/{name}")
    report = validator.validate(data)
    assert report.profile == "peppol_bis3"
    assert report.valid, report.fatal
    assert check_totals(data) == []


def test_broken_rules_are_reported_by_id_and_layer(validator):
    report = validator.validate(example("broken/base-example-broken-rules.xml"))
    assert not report.valid
    ids = report.rule_ids()
    for rule in (
        "BR-CO-15",
        "BR-CO-16",
        "BR-CL-04",
        "PEPPOL-EN16931-R003",
        "PEPPOL-COMMON-R043",
    ):
        assert rule in ids
    layers = {f.rule: f.layer for f in report.fatal}
    assert (layers["BR-CO-15"], layers["PEPPOL-COMMON-R043"]) == ("en16931", "peppol")
    assert all(f.location.startswith("/") for f in report.fatal)


def test_the_schema_is_checked_first_with_the_line(validator):
    report = validator.validate(example("broken/base-example-broken-xsd.xml"))
    assert [f.rule for f in report.failures] == ["XSD"]
    assert report.failures[0].line > 0
    assert "Foo" in report.failures[0].text


def test_nlcius_documents_get_the_dutch_rules(validator):
    ok = validator.validate(example("nlcius/SI-UBL-2.0_BR-NL-12_ok.xml"))
    assert (ok.profile, ok.valid) == ("nlcius", True)
    bad = validator.validate(example("nlcius/SI-UBL-2.0_BR-NL-10_error_empty.xml"))
    assert "BR-NL-10" in bad.rule_ids()


def test_ublbe_documents_get_the_belgian_rules(validator):
    report = validator.validate(example("ublbe/UBLBE_BE0000000196_V01-15000001.xml"))
    assert report.profile == "ublbe"
    assert report.valid, report.fatal


def test_entities_are_not_expanded_and_non_ubl_is_refused(validator):
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    with pytest.raises(UblValidationError, match="not a UBL Invoice"):
        validator.validate(evil)
    with pytest.raises(UblValidationError, match="not well-formed"):
        validator.validate(b"<Invoice>")


def with_a_dtd(data):
    """`data` with a document type declaration whose entities would read a local
    file and grow (a billion laughs in small), used in a note."""
    declaration = (
        b"<!DOCTYPE Invoice [\n"
        b'  <!ENTITY secret SYSTEM "file:///etc/passwd">\n'
        b'  <!ENTITY lol "lol">\n'
        b'  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
        b"]>\n"
    )
    data = data.replace(b"<Invoice ", declaration + b"<Invoice ", 1)
    return data.replace(b"<cbc:Note>", b"<cbc:Note>&secret;&lol2;", 1)


def test_a_document_with_a_dtd_is_invalid_and_the_helper_stays_up(validator):
    # A DTD's entities are never read: such a document is answered as invalid, with
    # what to change, and the same helper process checks the next document.
    good = example("peppol/base-example.xml")
    evil = with_a_dtd(good)
    assert b"<!DOCTYPE Invoice [" in evil and b"&secret;" in evil
    validator.validate(good)
    helper = validator._process.pid
    report = validator.validate(evil)
    assert not report.valid
    assert [(f.rule, f.flag) for f in report.failures] == [("XML-DTD", "fatal")]
    assert "document type declaration" in report.failures[0].text
    assert "root:" not in report.failures[0].text
    assert validator.validate(good).valid
    reports = validator.validate_many([(evil, "peppol_bis3"), (good, "peppol_bis3")])
    assert [r.valid for r in reports] == [False, True]
    assert reports[0].rule_ids() == ["XML-DTD"]
    assert validator._process.pid == helper
    # The totals guard reads such a document without expanding anything either.
    assert check_totals(evil) == []


def test_the_totals_guard_names_the_figures_that_disagree():
    found = check_totals(example("broken/base-example-broken-rules.xml"))
    assert (
        Mismatch("BR-CO-15", "amount with VAT", Decimal("1656.25"), Decimal("1656.26"))
        in found
    )
    assert [m.rule for m in found] == ["BR-CO-15", "BR-CO-16"]
    assert "computed 1656.25, document says 1656.26" in str(found[0])


def test_the_totals_guard_checks_each_vat_breakdown():
    data = example("peppol/Vat-category-S.xml").replace(
        b"<cbc:TaxableAmount currencyID=", b"<cbc:TaxableAmount currencyID=", 1
    )
    assert check_totals(data) == []
    text = data.decode()
    start = text.index("<cbc:TaxableAmount")
    end = text.index("</cbc:TaxableAmount>", start)
    amount = text[text.index(">", start) + 1 : end]
    broken = (
        text[:start]
        + text[start:end].replace(amount, str(Decimal(amount) + 1))
        + text[end:]
    ).encode()
    rules = {m.rule for m in check_totals(broken)}
    assert rules & {"BR-S-08", "BR-CO-17"}


def with_vat_adjusted(data, delta):
    """Vat-category-S.xml with the 25 % breakdown's VAT changed by `delta`, and the
    VAT total, the total with VAT and the amount due following it (so that only
    BR-CO-17 can object)."""
    text = data.decode()
    for old, amount in (
        ('<cbc:TaxAmount currencyID="EUR">1250<', "1250"),
        ('<cbc:TaxAmount currencyID="EUR">1550.00<', "1550.00"),
        ('<cbc:TaxInclusiveAmount currencyID="EUR">8550<', "8550"),
        ('<cbc:PayableAmount currencyID="EUR">8550<', "8550"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, old.replace(amount, str(Decimal(amount) + delta)))
    return text.encode()


@pytest.mark.parametrize(
    ("delta", "valid"),
    [
        (Decimal("0.03"), True),
        (Decimal("-0.99"), True),
        (Decimal("0.99"), True),
        (Decimal("1.00"), False),
        (Decimal("-1.00"), False),
        (Decimal("1.50"), False),
    ],
)
def test_the_totals_guard_allows_the_vat_rounding_the_official_rule_allows(
    validator, delta, valid
):
    # BR-CO-17 tolerates a breakdown's VAT that differs from taxable x rate by less
    # than 1.00 (VAT rounded per line, or adjusted by the user); the guard must
    # accept what the official rules accept, and refuse what they refuse.
    data = with_vat_adjusted(example("peppol/Vat-category-S.xml"), delta)
    report = validator.validate(data)
    assert ("BR-CO-17" not in report.rule_ids()) is valid, report.fatal
    assert report.valid is valid, report.fatal
    found = check_totals(data)
    assert [m.rule for m in found] == ([] if valid else ["BR-CO-17"])
    if not valid:
        assert str(found[0]) == (
            f"[BR-CO-17] VAT S 25%: tax: computed 1250.00, document says {1250 + delta}"
        )


@pytest.mark.parametrize(
    ("taxable", "rate", "tax", "holds"),
    [
        ("100.00", "21", "21.00", True),
        ("100.00", "21", "21.99", True),
        ("100.00", "21", "22.00", False),
        ("100.00", "21", "20.01", True),
        ("100.00", "21", "20.00", False),
        ("-100.00", "21", "-21.50", True),  # a credit note: the rule compares |amounts|
        ("10.05", "6", "0.60", True),  # 0.603 rounds to 0.60
        ("100.00", "0", "0.00", True),
        ("100.00", "0", "0.49", True),  # at 0 %, the tax must round to 0
        ("100.00", "0", "0.50", False),
        ("100.00", "0.4", "0.00", True),  # a rate that rounds to 0 counts as 0 %
    ],
)
def test_br_co_17_reads_as_the_official_schematron(taxable, rate, tax, holds):
    assert br_co_17_holds(Decimal(taxable), Decimal(rate), Decimal(tax)) is holds


def test_the_validator_runs_under_odoos_memory_limit_and_survives_a_crash(validator):
    # Odoo limits a server process's address space (limit_memory_hard, 2.5 GiB), under
    # which Saxon cannot start in-process.
    code = f"""
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2560 * 1024 * 1024, resource.RLIM_INFINITY))
sys.path.insert(0, {str(REPO / "l10n_be_nl_einvoice" / "lib")!r})
from ubl_validate import ValidatorProcess
report = ValidatorProcess({str(RULES)!r}).validate(open(sys.argv[1], "rb").read())
print(report.valid)
"""
    result = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLES / "peppol" / "base-example.xml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.stdout.strip() == "True", result.stderr
    validator.validate(example("peppol/base-example.xml"))
    validator._process.kill()
    assert validator.validate(example("peppol/base-example.xml")).valid


def test_many_documents_are_checked_in_one_exchange_from_another_thread(validator):
    from concurrent.futures import ThreadPoolExecutor

    good = example("peppol/base-example.xml")
    broken = good.replace(b"<cbc:IssueDate>", b"<cbc:IssueDate>x", 1)
    single = [validator.validate(good), validator.validate(broken)]
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(
            validator.validate_many, [(good, None), (broken, None), (b"<x/>", None)]
        )
        reports = future.result(timeout=120)
    assert [r.valid for r in reports[:2]] == [True, False]
    assert reports[1].rule_ids() == single[1].rule_ids()
    assert isinstance(reports[2], UblValidationError)
    assert validator.validate_many([]) == []
    # The helper answers single requests as before.
    assert validator.validate(good).valid
