"""Accountant mailbox presets: the address each package expects, from the company's
identifiers and what the package shows; and when a document is due."""

from datetime import date, datetime

import pytest
from billmail_connector_lib.presets import (
    PRESETS,
    PresetError,
    build,
    default_domain,
    kvk_number,
    profile_for,
)
from billmail_connector_lib.schedule import cutoffs

KBO = "0712345630"


def test_clearfacts_builds_one_address_per_tray_from_the_enterprise_number():
    addresses = build(
        "clearfacts",
        {"office": "Kantoor-Peeters.clearfacts.be", "sales_tray": "Verkoop"},
        kbo=KBO,
    )
    # The purchase tray is the bare number; tray names keep their case.
    assert addresses == {
        "out_invoice": "Verkoop0712345630@kantoor-peeters.clearfacts.be",
        "out_refund": "Verkoop0712345630@kantoor-peeters.clearfacts.be",
        "in_invoice": "0712345630@kantoor-peeters.clearfacts.be",
        "in_refund": "0712345630@kantoor-peeters.clearfacts.be",
    }


def test_clearfacts_with_a_named_purchase_tray():
    addresses = build(
        "clearfacts",
        {"office": "@boekhouder", "sales_tray": "sales", "purchase_tray": "purch"},
        kbo=KBO,
    )
    assert addresses["in_invoice"] == "purch0712345630@boekhouder.clearfacts.be"


@pytest.mark.parametrize(
    ("inputs", "kbo", "code", "field"),
    [
        ({"office": "x", "sales_tray": "v"}, None, "no_kbo", "company"),
        ({"sales_tray": "v"}, KBO, "missing", "office"),
        ({"office": "x"}, KBO, "missing", "sales_tray"),
        ({"office": "een kantoor", "sales_tray": "v"}, KBO, "bad_label", "office"),
        ({"office": "x", "sales_tray": "v k"}, KBO, "bad_local_part", "sales_tray"),
        (
            {"office": "x", "sales_tray": "v", "purchase_tray": "v"},
            KBO,
            "same_tray",
            "sales_tray",
        ),
    ],
)
def test_clearfacts_names_the_input_to_fix(inputs, kbo, code, field):
    with pytest.raises(PresetError) as raised:
        build("clearfacts", inputs, kbo=kbo)
    assert (raised.value.code, raised.value.field) == (code, field)


def test_yuki_has_one_address_per_administration_for_every_document():
    addresses = build("yuki", {"name": "atelier-lambrecht", "domain": "yukiworks.be"})
    assert set(addresses.values()) == {"atelier-lambrecht@yukiworks.be"}
    assert set(addresses) == {"out_invoice", "out_refund", "in_invoice", "in_refund"}
    with pytest.raises(PresetError) as raised:
        build("yuki", {"name": "x", "domain": "yuki.com"})
    assert raised.value.code == "bad_domain"


def test_winbooks_builds_the_purchase_address_and_takes_a_pasted_sales_one():
    addresses = build(
        "winbooks",
        {"name": "lambrecht", "domain": "myinvoices.be"},
    )
    assert addresses == {
        "in_invoice": "lambrecht@myinvoices.be",
        "in_refund": "lambrecht@myinvoices.be",
    }
    addresses = build(
        "winbooks",
        {"name": "lambrecht", "sales_address": "verkoop@mydocs.be"},
    )
    assert addresses["in_invoice"] == "lambrecht@winbooksconnect.be"
    assert addresses["out_invoice"] == "verkoop@mydocs.be"


def test_billtobox_nl_builds_the_sales_address_from_the_kvk_number():
    addresses = build("billtobox_nl", {}, kvk="12345678")
    assert addresses == {
        "out_invoice": "12345678@out.nl.billtobox.com",
        "out_refund": "12345678@out.nl.billtobox.com",
    }
    with pytest.raises(PresetError) as raised:
        build("billtobox_nl", {})
    assert raised.value.code == "no_kvk"


def test_octopus_and_other_packages_take_the_addresses_as_shown():
    addresses = build(
        "octopus",
        {"sales_address": "v.123@docin.octopus.be", "purchase_address": ""},
    )
    assert addresses == {
        "out_invoice": "v.123@docin.octopus.be",
        "out_refund": "v.123@docin.octopus.be",
    }
    with pytest.raises(PresetError) as raised:
        build("other", {"sales_address": "not an address"})
    assert raised.value.code == "bad_address"
    with pytest.raises(PresetError) as raised:
        build("other", {})
    assert raised.value.code == "missing"


def test_each_preset_reads_a_profile_and_unknown_presets_are_refused():
    assert profile_for("yuki", "NL") == "nlcius"
    assert profile_for("yuki", "be") == "ublbe"
    assert profile_for("clearfacts", "FR") == "ublbe"
    assert all(profile_for(key) for key in PRESETS)
    assert default_domain("yuki", "BE") == "yukiworks.be"
    assert default_domain("yuki", "NL") == "yukiworks.nl"
    with pytest.raises(PresetError):
        build("exact", {})


@pytest.mark.parametrize(
    ("registry", "expected"),
    [("12345678", "12345678"), ("KvK 1234 5678", "12345678"), ("0712.345.630", None)],
)
def test_kvk_number(registry, expected):
    assert kvk_number(registry) == expected


NOW = datetime(2030, 4, 1, 6, 0)


def test_grace_schedule_waits_the_minutes_after_posting_only():
    limits = cutoffs("grace", NOW, date(2030, 4, 1), 10)
    assert limits.posted_before == datetime(2030, 4, 1, 5, 50)
    assert limits.dated_before is None


def test_month_schedule_sends_the_months_before_the_current_one():
    limits = cutoffs("month", NOW, date(2030, 4, 1), 10)
    assert limits.dated_before == date(2030, 4, 1)
    assert cutoffs("month", NOW, date(2030, 3, 31), 0).dated_before == date(2030, 3, 1)


def test_manual_schedule_never_sends_and_unknown_schedules_are_refused():
    assert cutoffs("manual", NOW, date(2030, 4, 1), 10) is None
    with pytest.raises(ValueError):
        cutoffs("weekly", NOW, date(2030, 4, 1), 10)
