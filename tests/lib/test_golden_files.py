"""Every golden e-invoice of the Odoo tests passes the official rules as it stands.

The Odoo tests (l10n_be_nl_einvoice/tests/test_ubl_cases.py) compare each export with
these files; here each file itself is run through XSD + schematron of its profile and
the totals guard, so a reviewed golden file is a valid one.
"""

import os
from pathlib import Path

import pytest
from l10n_be_nl_einvoice_lib.ubl_totals import check_totals
from l10n_be_nl_einvoice_lib.ubl_validate import get_validator

from conftest import REPO

GOLDEN = REPO / "l10n_be_nl_einvoice" / "tests" / "golden"
RULES = Path(os.environ.get("EINVOICE_RULES_DIR", REPO / ".local" / "rules"))
FILES = sorted(p.name for p in GOLDEN.glob("*.xml"))
# Warnings a profile cannot avoid: UBL.BE wants the line VAT amount that the Peppol
# rules it embeds advise against.
EXPECTED_WARNINGS = {"ublbe": {"UBL-CR-504", "UBL-CR-561", "UBL-CR-597"}}


@pytest.fixture(scope="module")
def validator():
    if not (RULES / "cen").is_dir():
        pytest.fail(f"the validation rules cache {RULES} is empty: run ./setup/test")
    return get_validator(RULES)


def test_there_are_golden_files_for_every_profile():
    profiles = {name.split(".")[-2] for name in FILES}
    assert profiles == {"peppol_bis3", "nlcius", "ublbe"}
    assert len(FILES) >= 15


@pytest.mark.parametrize("name", FILES)
def test_golden_file_passes_the_official_rules(validator, name):
    profile = name.split(".")[-2]
    data = (GOLDEN / name).read_bytes()
    assert check_totals(data) == []
    report = validator.validate(data, profile)
    assert report.profile == profile
    unexpected = [
        f"{f.rule}: {f.text}"
        for f in report.failures
        if f.rule not in EXPECTED_WARNINGS.get(profile, set())
    ]
    assert unexpected == []
