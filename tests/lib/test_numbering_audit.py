from datetime import date

from l10n_be_nl_einvoice_lib.numbering_audit import Issued, audit


def doc(number, name=None, expected=True, series="J / FA-26", period="2026", one=True):
    name = name or f"FA-26{number:05d}"
    expected_name = f"FA-26{number:05d}" if expected else None
    return Issued(series, period, number, name, expected_name, one)


def test_a_clean_series_has_first_last_count_and_no_anomaly():
    [report] = audit([doc(3), doc(1), doc(2)])
    assert (report.first, report.last, report.count, report.anomalies) == (1, 3, 3, [])


def test_gaps_duplicates_and_wrong_names_are_all_reported():
    [report] = audit(
        [doc(1), doc(2, "FA-2600009"), doc(4), doc(4, "FA-2600004B"), doc(7)]
    )
    assert report.anomalies == [
        ("name", 2, "FA-2600009 should read FA-2600002"),
        ("gap", 3, "3"),
        ("duplicate", 4, "FA-2600004, FA-2600004B"),
        ("name", 4, "FA-2600004B should read FA-2600004"),
        ("gap", 5, "5-6"),
    ]


def test_a_series_must_start_at_one_unless_it_predates_the_legal_numbering():
    [report] = audit([doc(3), doc(4)])
    assert report.anomalies == [("gap", 1, "1-2")]
    [legacy] = audit(
        [doc(3, expected=False, one=False), doc(4, expected=False, one=False)]
    )
    assert legacy.anomalies == []


def test_each_series_and_period_is_reported_apart():
    reports = audit(
        [doc(1, period="2026-11"), doc(1, period="2026-12"), doc(1, series="K")]
    )
    assert [(r.series, r.period) for r in reports] == [
        ("J / FA-26", "2026-11"),
        ("J / FA-26", "2026-12"),
        ("K", "2026"),
    ]


def test_an_invoice_dated_before_an_earlier_number_is_reported():
    days = ["2026-11-03", "2026-11-20", "2026-11-10", "2026-11-20", "2026-11-21"]
    [report] = audit(
        [
            Issued(
                "J / FA-26",
                "2026",
                n,
                f"FA-26{n:05d}",
                None,
                True,
                date(*map(int, d.split("-"))),
            )
            for n, d in enumerate(days, start=1)
        ]
    )
    assert report.anomalies == [
        ("date", 3, "FA-2600003 (2026-11-10) after FA-2600002 (2026-11-20)")
    ]


def test_the_numbers_before_a_continued_series_are_not_missing():
    issued = [doc(735), doc(736), doc(738)]
    [report] = audit(issued, {("J / FA-26", "2026"): 735})
    assert report.continued_from == 735
    assert report.anomalies == [("gap", 737, "737")]
    [plain] = audit(issued)
    assert plain.continued_from is None
    assert plain.anomalies[0] == ("gap", 1, "1-734")


def test_numbers_on_drafts_are_issued_and_named():
    issued = [
        doc(1),
        Issued("J / FA-26", "2026", 3, "FA-2600003", "FA-2600003", draft=True),
        Issued("J / FA-26", "2026", 2, "FA-2600002", "FA-2600002", draft=True),
    ]
    [report] = audit(issued)
    assert (report.count, report.anomalies) == (3, [])
    assert report.drafts == ["FA-2600002", "FA-2600003"]
