"""Capaian formulas (SAKIP) with worked examples for every polarity, aggregation, status."""

import datetime
from decimal import Decimal as D

import pytest

from superteam.agreements import achievement as a

Q1, Q2, Q3, Q4 = a.quarter_ends(2026)


# --- Worked examples ------------------------------------------------------------------


def test_higher_is_better_worked_example():
    # Target: 95 % of pregnant women served to standard; reached 76 %: 76 / 95 × 100 = 80.
    assert a.capaian(polarity="higher", realised=D("76"), target=D("95")) == D("80.00")
    # Above target counts above 100: 1,320 of 1,200 trained teachers = 110 %.
    assert a.capaian(polarity="higher", realised=D("1320"), target=D("1200")) == D("110.00")


def test_lower_is_better_worked_example():
    # Stunting target 12 %; reached 10.2 %: (1 + (1 − 10.2 / 12)) × 100 = 115.
    assert a.capaian(polarity="lower", realised=D("10.2"), target=D("12")) == D("115.00")
    # Maternal mortality target 60 per 100,000 births; reached 75: (1 + (1 − 1.25)) × 100 = 75.
    assert a.capaian(polarity="lower", realised=D("75"), target=D("60")) == D("75.00")
    # Far above the target the formula would go negative: it stops at zero.
    assert a.capaian(polarity="lower", realised=D("150"), target=D("60")) == D("0.00")


def test_range_worked_example():
    # Bed occupancy rate: ideal 60–85 %.
    assert a.capaian(polarity="range", realised=D("72"), target=D("60"), target_high=D("85")) == 100
    # Below: the lower bound with "higher is better": 45 / 60 × 100 = 75.
    assert a.capaian(polarity="range", realised=D("45"), target=D("60"), target_high=D("85")) == D(
        "75.00"
    )
    # Above: the upper bound with "lower is better": (1 + (1 − 93.5 / 85)) × 100 = 90.
    assert a.capaian(
        polarity="range", realised=D("93.5"), target=D("60"), target_high=D("85")
    ) == D("90.00")
    # The bounds are inclusive.
    for edge in ("60", "85"):
        assert (
            a.capaian(polarity="range", realised=D(edge), target=D("60"), target_high=D("85"))
            == 100
        )


def test_zero_targets_and_missing_values():
    assert a.capaian(polarity="lower", realised=D("0"), target=D("0")) == 100  # zero deaths met
    assert a.capaian(polarity="lower", realised=D("1"), target=D("0")) == 0
    assert a.capaian(polarity="higher", realised=D("3"), target=D("0")) == 100
    assert a.capaian(polarity="higher", realised=None, target=D("10")) is None
    with pytest.raises(ValueError):
        a.capaian(polarity="sideways", realised=D("1"), target=D("1"))


def test_results_are_rounded_half_up_to_two_decimals():
    assert a.capaian(polarity="higher", realised=D("2"), target=D("3")) == D("66.67")
    assert a.capaian(polarity="higher", realised=D("1"), target=D("8")) == D("12.50")


# --- Aggregation over periods -------------------------------------------------------


VALUES = [(Q1, D("300")), (Q2, D("350")), (Q3, D("250"))]


def test_sum_last_and_average_of_the_periods():
    assert a.aggregate(VALUES, "sum") == D("900")
    assert a.aggregate(VALUES, "last") == D("250")
    assert a.aggregate(VALUES, "average") == D("300")
    assert a.aggregate(VALUES, "sum", until=Q2) == D("650")
    assert a.aggregate([], "sum") is None
    # Order of entry does not matter, the period does.
    assert a.aggregate(list(reversed(VALUES)), "last") == D("250")


def test_summed_indicator_capaian_against_the_annual_target():
    # 1,200 teachers to train in the year, 900 trained by Q3: 75 % of the annual target.
    reached = a.aggregate(VALUES, "sum")
    assert a.capaian(polarity="higher", realised=reached, target=D("1200")) == D("75.00")


# --- Status from milestones and the deadline ---------------------------------------


def status(
    today,
    values,
    *,
    polarity="higher",
    aggregation="sum",
    target=D("1200"),
    high=None,
    quarterly=(D("300"), D("600"), D("900"), D("1200")),
    deadline=Q4,
):
    return a.status(
        today=today,
        year=2026,
        deadline=deadline,
        polarity=polarity,
        aggregation=aggregation,
        target=target,
        target_high=high,
        quarterly_targets=quarterly,
        values=values,
    )


def test_on_track_before_any_milestone_is_due():
    assert status(datetime.date(2026, 2, 1), []) == a.ON_TRACK
    # Q1 ended but the reporting grace has not: not yet at risk.
    assert status(datetime.date(2026, 4, 10), []) == a.ON_TRACK


def test_a_missed_milestone_is_at_risk_and_two_are_late():
    assert status(datetime.date(2026, 4, 20), []) == a.AT_RISK  # nothing reported for Q1
    assert status(datetime.date(2026, 4, 20), [(Q1, D("310"))]) == a.ON_TRACK
    assert status(datetime.date(2026, 4, 20), [(Q1, D("250"))]) == a.AT_RISK
    behind = [(Q1, D("250")), (Q2, D("250"))]  # 500 of 600 by Q2, and Q1 missed too
    assert status(datetime.date(2026, 7, 20), behind) == a.LATE
    caught_up = [(Q1, D("250")), (Q2, D("400"))]  # 650 ≥ 600: back on track
    assert status(datetime.date(2026, 7, 20), caught_up) == a.ON_TRACK


def test_a_value_entered_makes_its_milestone_due_at_once():
    assert status(datetime.date(2026, 4, 2), [(Q1, D("200"))]) == a.AT_RISK


def test_the_deadline_decides_at_the_end():
    done = [(Q1, D("300")), (Q2, D("300")), (Q3, D("300")), (Q4, D("300"))]
    assert status(datetime.date(2027, 1, 20), done) == a.ON_TRACK
    short = [*done[:3], (Q4, D("200"))]
    assert status(datetime.date(2027, 1, 20), short) == a.LATE


def test_status_for_lower_is_better_milestones():
    # Stunting must fall to 15, 14, 13, 12 % by the quarters; "last" value counts.
    kw = {
        "polarity": "lower",
        "aggregation": "last",
        "target": D("12"),
        "quarterly": (D("15"), D("14"), D("13"), D("12")),
    }
    assert status(datetime.date(2026, 4, 20), [(Q1, D("14.8"))], **kw) == a.ON_TRACK
    assert status(datetime.date(2026, 4, 20), [(Q1, D("15.6"))], **kw) == a.AT_RISK
    assert status(datetime.date(2026, 7, 20), [(Q1, D("15.6")), (Q2, D("14.9"))], **kw) == a.LATE


def test_status_for_a_range_indicator_uses_its_range():
    kw = {
        "polarity": "range",
        "aggregation": "last",
        "target": D("60"),
        "high": D("85"),
        "quarterly": (D("60"), None, None, None),
    }
    assert status(datetime.date(2026, 4, 20), [(Q1, D("72"))], **kw) == a.ON_TRACK
    assert status(datetime.date(2026, 4, 20), [(Q1, D("91"))], **kw) == a.AT_RISK


def test_average_capaian_caps_each_indicator():
    assert a.average_capaian([D("80"), D("200")]) == D("100.00")  # 200 counts as 120
    assert a.average_capaian([None, D("90")]) == D("90.00")
    assert a.average_capaian([None]) is None


def test_nothing_is_judged_before_its_day_even_with_a_value_for_it():
    """docs/agreements.md: a milestone or the deadline is due from its day on, once a
    value for a period ending on or after it is entered (or 15 days after it). A value
    for a later period (entered before the services refused those) judges nothing early."""
    # On 2 April, Q1 (300) is missed; a value for Q2 does not make Q2 judged already.
    ahead = [(Q1, D("200")), (Q2, D("700"))]
    assert status(datetime.date(2026, 4, 2), ahead) == a.AT_RISK
    early = [(Q4, D("100"))]  # far below the 1,200 of the year
    assert status(datetime.date(2026, 12, 7), early, quarterly=[None] * 4) == a.ON_TRACK
    assert status(datetime.date(2026, 12, 31), early, quarterly=[None] * 4) == a.LATE
    # A value for a period ending on the deadline makes it due that same day.
    deadline = datetime.date(2026, 9, 30)
    assert status(deadline, [(Q3, D("100"))], deadline=deadline, quarterly=[None] * 4) == a.LATE
