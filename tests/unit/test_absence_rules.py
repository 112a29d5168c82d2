"""Table tests of the signal rules (app/absence/rules.py): pure functions, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.absence.counting import Registration, day_figures
from app.absence.overview import rolling_unauthorised_hours
from app.absence.rule_scope import Finding, evaluation_scope
from app.absence.rules import evaluate_student, sick_episodes
from app.absence.settings import RuleSettings
from app.core.schoolcalendar import HOLIDAYS_2026_2027_ZUID, SchoolCalendar, plausible_holidays

SETTINGS = RuleSettings()
# 2025-2026 without holidays (only needed for the summer boundary), 2026-2027 with the demo
# holidays (Herfstvakantie 17–25 Oct 2026, ...), 2027-2028 with a plausible schedule.
CALENDAR = SchoolCalendar.simple(
    ["2025-2026", "2026-2027", "2027-2028"],
    [
        (date(2026, 7, 18), date(2026, 7, 31), "Zomervakantie"),
        *((p.starts_on, p.ends_on, p.name) for p in HOLIDAYS_2026_2027_ZUID),
        *((p.starts_on, p.ends_on, p.name) for p in plausible_holidays("2027-2028")),
    ],
)

MON = date(2026, 9, 7)  # a Monday in the first weeks of 2026-2027 (school starts 24 Aug)


def lessons(day: date, count: int = 8, category: str = "ongeoorloofd", first: int = 1, **kw):
    """A registration of ``count`` lesson hours on one day, from lesson ``first``."""
    return Registration(
        first_day=day, category=category, first_hour=first, last_hour=first + count - 1, **kw
    )


def late(day: date, *, authorised: bool = False) -> Registration:
    return Registration(first_day=day, category="te_laat", first_hour=1, authorised=authorised)


def sick(day: date, last: date | None = None) -> Registration:
    return Registration(first_day=day, last_day=last, category="ziek")


def school_days(first: date, count: int) -> list[date]:
    days = CALENDAR.school_days_between(first, first + timedelta(days=400))
    return days[:count]


def run(rows, as_of, settings=SETTINGS, rule=None) -> list[Finding]:
    findings = evaluate_student(rows, CALENDAR, as_of, settings)
    return [f for f in findings if rule is None or f.rule == rule]


def active(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.active]


# --- 16 uur -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected_end", "expected_hours"),
    [
        pytest.param([lessons(MON, 8), lessons(MON + timedelta(1), 7)], None, None, id="15h"),
        pytest.param(
            [lessons(MON, 8), lessons(MON + timedelta(1), 8)], MON + timedelta(1), 16, id="16h"
        ),
        pytest.param(
            [lessons(MON, 8), lessons(MON + timedelta(days=21), 8)],
            MON + timedelta(days=21),
            16,
            id="16h-over-exactly-4-weeks",
        ),
        pytest.param(
            [lessons(MON, 8), lessons(MON + timedelta(days=28), 8)],
            None,
            None,
            id="16h-over-5-weeks",
        ),
        pytest.param(
            [lessons(MON + timedelta(d), 2) for d in range(0, 28, 7)]
            + [lessons(MON + timedelta(d), 2) for d in range(1, 28, 7)],
            MON + timedelta(days=22),
            16,
            id="2h-twice-a-week",
        ),
        pytest.param(
            # Fri 16 Oct before the autumn holiday, then Mon 9 Nov: weeks 42, (43 holiday), 44,
            # 45, 46 -> 4 school weeks: the holiday week does not count.
            [lessons(date(2026, 10, 16), 8), lessons(date(2026, 11, 9), 8)],
            date(2026, 11, 9),
            16,
            id="window-across-autumn-holiday",
        ),
        pytest.param(
            [lessons(date(2026, 10, 16), 8), lessons(date(2026, 11, 16), 8)],
            None,
            None,
            id="five-school-weeks-across-holiday",
        ),
        pytest.param(
            [Registration(first_day=MON, last_day=MON + timedelta(1), category="ongeoorloofd")],
            MON + timedelta(1),
            16,
            id="two-whole-days-one-registration",
        ),
        pytest.param(
            [lessons(MON, 8), lessons(MON, 8)], None, None, id="same-lessons-twice-count-once"
        ),
        pytest.param(
            [lessons(date(2026, 9, 5), 8), lessons(MON, 8)],
            None,
            None,
            id="saturday-does-not-count",
        ),
    ],
)
def test_sixteen_hours(rows, expected_end, expected_hours) -> None:
    findings = run(rows, date(2026, 12, 4), rule="16uur")
    if expected_end is None:
        assert findings == []
    else:
        assert len(findings) == 1
        assert findings[0].window_end == expected_end
        assert findings[0].hours == expected_hours
        assert findings[0].window_start == min(r.first_day for r in rows)


def test_sixteen_hours_dates_and_due_date() -> None:
    # 8 hours Thursday 1 Oct, 4 Friday 2 Oct, 4 Monday 5 Oct: reached on Monday 5 Oct.
    rows = [
        lessons(date(2026, 10, 1), 8),
        lessons(date(2026, 10, 2), 4),
        lessons(date(2026, 10, 5), 4),
    ]
    (finding,) = run(rows, date(2026, 10, 5), rule="16uur")
    assert (finding.window_start, finding.window_end) == (date(2026, 10, 1), date(2026, 10, 5))
    assert finding.triggered_on == date(2026, 10, 5)
    assert finding.due_on == date(2026, 10, 12)  # 5 school days later
    assert finding.active and finding.days == 3 and finding.count == 1


def test_due_date_skips_holidays() -> None:
    rows = [lessons(date(2026, 10, 15), 8), lessons(date(2026, 10, 16), 8)]
    (finding,) = run(rows, date(2026, 10, 16), rule="16uur")
    # Autumn holiday 17–25 Oct: the 5 school days are 26–30 Oct.
    assert finding.due_on == date(2026, 10, 30)


def test_counting_restarts_after_a_report() -> None:
    days = school_days(MON, 10)
    rows = [lessons(days[0], 8), lessons(days[1], 8)]  # report 1 reached on days[1]
    rows += [lessons(days[2], 8), lessons(days[3], 7)]  # 15 more hours: no new report
    findings = run(rows, days[5], rule="16uur")
    assert [f.window_end for f in findings] == [days[1]]
    rows.append(lessons(days[4], 1))  # the 16th hour after the report
    findings = run(rows, days[5], rule="16uur")
    assert [(f.window_start, f.window_end, f.count) for f in findings] == [
        (days[0], days[1], 1),
        (days[2], days[4], 2),
    ]
    # Only the latest report is active: one signal that moves on, not one per 16 hours.
    assert [f.active for f in findings] == [False, True]


def test_report_goes_inactive_after_its_window() -> None:
    rows = [lessons(MON, 8), lessons(MON + timedelta(1), 8)]
    assert active(run(rows, MON + timedelta(days=20), rule="16uur"))
    assert not active(run(rows, MON + timedelta(days=28), rule="16uur"))


def test_a_late_correction_replaces_the_earlier_registration() -> None:
    rows = [lessons(MON, 8, order=1), lessons(MON + timedelta(1), 8, order=2)]
    assert run(rows, MON + timedelta(1), rule="16uur")
    # Later the school corrects lessons 7 and 8 of Tuesday to sick: 14 hours remain.
    rows.append(lessons(MON + timedelta(1), 2, category="ziek", first=7, order=3))
    assert run(rows, MON + timedelta(1), rule="16uur") == []


def test_threshold_and_hour_unit_are_configurable() -> None:
    rows = [lessons(MON, 8), lessons(MON + timedelta(1), 8)]
    higher = SETTINGS.with_("sixteen", hours=20)
    assert run(rows, MON + timedelta(1), higher, rule="16uur") == []
    # Clock hours: 16 lessons of 50 minutes are 13.3 hours.
    clock = SETTINGS.with_("general", hour_unit="klokuur")
    assert run(rows, MON + timedelta(1), clock, rule="16uur") == []
    rows.append(lessons(MON + timedelta(2), 4))  # 20 lessons = 16.7 clock hours
    (finding,) = run(rows, MON + timedelta(2), clock, rule="16uur")
    assert finding.hours == pytest.approx(16.67, abs=0.01)


def test_sent_out_counts_only_when_configured() -> None:
    rows = [lessons(MON, 8), lessons(MON + timedelta(1), 8, category="verwijderd")]
    assert run(rows, MON + timedelta(1), rule="16uur") == []
    counted = SETTINGS.with_("sixteen", include_sent_out=True)
    assert len(run(rows, MON + timedelta(1), counted, rule="16uur")) == 1


def test_first_weeks_of_a_school_year() -> None:
    first_day = date(2026, 8, 24)  # first school day of 2026-2027 (summer until 23 Aug)
    rows = [lessons(first_day, 8), lessons(first_day + timedelta(days=8), 8)]
    (finding,) = run(rows, first_day + timedelta(days=9), rule="16uur")
    assert finding.window_start == first_day


def test_windows_do_not_cross_school_years_unless_configured() -> None:
    # Last school week of 2025-2026 (13–17 July 2026) and first of 2026-2027 (24 Aug).
    rows = [lessons(date(2026, 7, 17), 8), lessons(date(2026, 8, 24), 8)]
    assert run(rows, date(2026, 8, 25), rule="16uur") == []
    crossing = SETTINGS.with_("general", cross_school_years=True)
    (finding,) = run(rows, date(2026, 8, 25), crossing, rule="16uur")
    assert finding.window_start == date(2026, 7, 17)


def test_leap_day() -> None:
    rows = [lessons(date(2028, 2, 28), 8), lessons(date(2028, 2, 29), 8)]
    (finding,) = run(rows, date(2028, 3, 1), rule="16uur")
    assert finding.window_end == date(2028, 2, 29)
    assert finding.due_on == date(2028, 3, 7)
    assert CALENDAR.is_school_day(date(2028, 2, 29))


def test_data_after_the_evaluation_day_is_ignored() -> None:
    rows = [lessons(MON, 8), lessons(MON + timedelta(1), 8)]
    assert run(rows, MON, rule="16uur") == []


# --- LRV --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "fires"), [(20, False), (21, True)], ids=["4-weeks", "more-than-4-weeks"]
)
def test_lrv_needs_more_than_four_school_weeks(count: int, fires: bool) -> None:
    days = school_days(MON, count)
    findings = run([lessons(d) for d in days], days[-1], rule="lrv")
    assert bool(findings) is fires
    if fires:
        assert findings[0].triggered_on == days[20]
        assert findings[0].days == 21 and findings[0].active


@pytest.mark.parametrize(("count", "fires"), [(18, False), (19, True)])
def test_lrv_counts_school_weeks_not_days_around_easter(count: int, fires: bool) -> None:
    """From Monday 15 March 2027: the weeks of Goede Vrijdag and Tweede Paasdag have 4 school
    days each, so four school weeks are 18 school days, and the 19th (Monday 12 April, four
    weeks later to the weekday) is beyond them."""
    days = school_days(date(2027, 3, 15), count)
    findings = run([lessons(d) for d in days], days[-1], rule="lrv")
    assert bool(findings) is fires
    if fires:
        assert findings[0].triggered_on == date(2027, 4, 12)


def test_lrv_started_midweek_fires_on_the_same_weekday_four_weeks_later() -> None:
    days = school_days(date(2026, 9, 9), 21)  # a Wednesday
    (finding,) = run([lessons(d) for d in days], days[-1], rule="lrv")
    assert finding.triggered_on == date(2026, 10, 7)  # the Wednesday four school weeks later
    shorter = days[:20]
    assert run([lessons(d) for d in shorter], shorter[-1], rule="lrv") == []


def test_lrv_runs_across_a_holiday_and_breaks_on_a_short_day() -> None:
    days = school_days(date(2026, 10, 5), 21)  # crosses the autumn holiday
    assert date(2026, 10, 19) not in days
    assert run([lessons(d) for d in days], days[-1], rule="lrv")
    broken = [lessons(d, 2 if i == 10 else 8) for i, d in enumerate(days)]  # 2 hours < 4
    assert run(broken, days[-1], rule="lrv") == []


def test_lrv_goes_inactive_when_the_student_is_back() -> None:
    days = school_days(MON, 25)
    rows = [lessons(d) for d in days]
    later = school_days(days[-1], 5)[-1]
    (finding,) = run(rows, later, rule="lrv")
    assert not finding.active and finding.window_end == days[-1]


# --- Patroon ----------------------------------------------------------------------------------


def weeks_from(monday: date, count: int) -> list[date]:
    mondays = []
    current = monday
    while len(mondays) < count:
        if CALENDAR.week_index(current) is not None:
            mondays.append(current)
        current += timedelta(days=7)
    return mondays


@pytest.mark.parametrize(("weeks", "fires"), [(2, False), (3, True)], ids=["2-weeks", "3-weeks"])
def test_weekly_pattern(weeks: int, fires: bool) -> None:
    # Absent one (different) day a week: Tuesday, Wednesday, Thursday.
    rows = [lessons(m + timedelta(days=1 + i), 3) for i, m in enumerate(weeks_from(MON, weeks))]
    findings = [f for f in run(rows, rows[-1].first_day, rule="patroon") if f.variant == "week"]
    assert bool(findings) is fires
    if fires:
        assert findings[0].count == 3 and findings[0].window_start == rows[0].first_day


def test_weekly_pattern_skips_holiday_weeks_and_breaks_on_a_gap() -> None:
    mondays = [date(2026, 10, 5), date(2026, 10, 12), date(2026, 10, 26)]  # holiday in between
    rows = [lessons(m, 2) for m in mondays]
    assert run(rows, date(2026, 10, 26), rule="patroon")
    gap = [lessons(m, 2) for m in (date(2026, 9, 28), date(2026, 10, 5), date(2026, 10, 26))]
    assert [f for f in run(gap, date(2026, 10, 26), rule="patroon") if f.variant == "week"] == []


def test_weekly_pattern_stays_active_until_a_full_week_without_absence() -> None:
    rows = [lessons(m + timedelta(days=1), 2) for m in weeks_from(MON, 3)]
    last_week_monday = weeks_from(MON, 4)[-1]
    still = run(rows, last_week_monday + timedelta(days=2), rule="patroon")  # Wednesday
    assert still[0].active
    over = run(rows, last_week_monday + timedelta(days=4), rule="patroon")  # Friday: week over
    assert not over[0].active


def test_late_and_authorised_leave_are_no_pattern() -> None:
    rows = [late(m) for m in weeks_from(MON, 4)]
    rows += [lessons(m + timedelta(days=1), 2, category="geoorloofd") for m in weeks_from(MON, 4)]
    assert run(rows, MON + timedelta(days=30), rule="patroon") == []


@pytest.mark.parametrize(
    ("absent_mondays", "fires"),
    [((0, 1, 3), True), ((0, 3), False), ((1, 2, 3), True), ((0, 1, 2, 3), True)],
)
def test_weekday_pattern(absent_mondays: tuple[int, ...], fires: bool) -> None:
    mondays = weeks_from(date(2026, 9, 14), 4)
    rows = [lessons(mondays[i], 4) for i in absent_mondays]
    as_of = mondays[-1] + timedelta(days=1)
    findings = [f for f in run(rows, as_of, rule="patroon") if f.variant == "maandag"]
    assert bool(findings) is fires
    if fires:
        assert findings[0].active and findings[0].count == len(absent_mondays)


def test_weekday_pattern_skips_a_monday_that_is_a_holiday() -> None:
    # Mondays 29 March 2027 is Tweede Paasdag: the "last 4 Mondays" skip it.
    mondays = [date(2027, 3, 15), date(2027, 3, 22), date(2027, 4, 5)]
    rows = [lessons(m, 8) for m in mondays]
    findings = run(rows, date(2027, 4, 6), rule="patroon")
    assert [f.variant for f in findings if f.variant != "week"] == ["maandag"]


def test_no_weekday_pattern_for_a_student_who_is_away_every_day() -> None:
    days = school_days(MON, 20)
    findings = run([lessons(d, 8) for d in days], days[-1], rule="patroon")
    assert [f.variant for f in findings] == ["week"]


# --- Frequent ziek and langdurig ziek ---------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "expected"),
    [
        ((0, 7, 14), 0),  # 3 sick reports
        ((0, 7, 14, 21), 1),  # the 4th within 12 weeks
        ((0, 1, 7, 14), 0),  # Mon+Tue is one report
        # 7 Sep to 30 Nov: 13 calendar weeks, but 12 school weeks (autumn holiday).
        ((0, 35, 70, 84), 1),
        ((0, 35, 70, 91), 0),  # 13 school weeks
    ],
    ids=[
        "three",
        "fourth",
        "consecutive-days-one-report",
        "12-school-weeks-across-holiday",
        "spread-over-13-school-weeks",
    ],
)
def test_frequent_sick(starts: tuple[int, ...], expected: int) -> None:
    rows = [sick(MON + timedelta(days=d)) for d in starts]
    findings = run(rows, MON + timedelta(days=100), rule="frequent_ziek")
    assert len(findings) == expected
    if expected:
        assert findings[0].episodes == 4
        assert findings[0].triggered_on == MON + timedelta(days=starts[-1])


def test_sick_friday_and_monday_is_one_report() -> None:
    friday = MON + timedelta(days=4)
    figures = day_figures([sick(friday), sick(friday + timedelta(days=3))], CALENDAR, SETTINGS)
    scope = evaluation_scope(CALENDAR, friday + timedelta(days=10), SETTINGS)
    assert scope is not None
    (episode,) = sick_episodes(figures, scope)
    assert (episode.first_day, episode.last_day, episode.days) == (
        friday,
        friday + timedelta(days=3),
        2,
    )


@pytest.mark.parametrize(("days", "fires"), [(6, False), (7, True)])
def test_long_sick(days: int, fires: bool) -> None:
    sick_days = school_days(date(2026, 10, 13), days)  # crosses the autumn holiday
    rows = [sick(sick_days[0], sick_days[-1])]
    findings = run(rows, sick_days[-1], rule="langdurig_ziek")
    assert bool(findings) is fires
    if fires:
        assert findings[0].triggered_on == sick_days[6]
        assert findings[0].days == 7 and findings[0].active
        # One long illness is not taken for frequent short reports.
        assert run(rows, sick_days[-1], rule="frequent_ziek") == []


def test_hours_alone_mislead_episodes_count() -> None:
    """60 hours in one illness vs. the same hours in many short reports (seed 004)."""
    long_illness = [sick(d) for d in school_days(MON, 8)]
    many_reports = [sick(MON + timedelta(days=7 * i)) for i in range(8)]
    as_of = MON + timedelta(days=60)
    assert {f.rule for f in run(long_illness, as_of)} == {"langdurig_ziek"}
    assert "frequent_ziek" in {f.rule for f in run(many_reports, as_of)}
    assert "langdurig_ziek" not in {f.rule for f in run(many_reports, as_of)}


# --- Te laat ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offsets", "authorised", "fires"),
    [
        ((0, 7), False, False),
        ((0, 7, 14), False, True),
        ((0, 7, 14), True, False),
        ((0, 14, 28), False, False),  # spread over 5 weeks
        ((0, 0, 1), False, True),  # twice on one day counts twice
    ],
    ids=["two", "three", "authorised", "spread", "twice-a-day"],
)
def test_late_arrivals(offsets: tuple[int, ...], authorised: bool, fires: bool) -> None:
    rows = [
        Registration(
            first_day=MON + timedelta(days=d),
            category="te_laat",
            first_hour=1 + i,
            authorised=authorised,
        )
        for i, d in enumerate(offsets)
    ]
    findings = run(rows, MON + timedelta(days=max(offsets)), rule="te_laat")
    assert bool(findings) is fires


def test_authorised_lates_count_when_configured() -> None:
    rows = [late(MON + timedelta(days=d), authorised=True) for d in (0, 1, 2)]
    every = SETTINGS.with_("late", unauthorised_only=False)
    assert run(rows, MON + timedelta(days=2), every, rule="te_laat")


# --- Identity, scope and the overview series --------------------------------------------------


def test_a_continuing_situation_keeps_its_identity() -> None:
    mondays = weeks_from(MON, 6)
    rows = [lessons(m + timedelta(days=2), 2) for m in mondays]
    early = run(rows[:3], mondays[2] + timedelta(days=2), rule="patroon")
    later = run(rows, mondays[5] + timedelta(days=2), rule="patroon")
    assert [f.key for f in early] == [f.key for f in later]
    assert later[0].count == 6 and later[0].window_end == rows[-1].first_day


def test_no_school_year_no_findings() -> None:
    assert run([lessons(MON)], date(2020, 1, 6)) == []


def test_rolling_hours_per_school_week() -> None:
    rows = [lessons(date(2026, 10, 14), 4), lessons(date(2026, 10, 27), 4)]
    as_of = date(2026, 11, 30)
    figures = day_figures(rows, CALENDAR, SETTINGS)
    scope = evaluation_scope(CALENDAR, as_of, SETTINGS)
    assert scope is not None
    points = {p.monday: p.hours for p in rolling_unauthorised_hours(figures, scope)}
    assert date(2026, 10, 19) not in points  # the autumn holiday is no school week
    assert points[date(2026, 10, 12)] == 4
    assert points[date(2026, 10, 26)] == 8
    assert points[date(2026, 11, 9)] == 8  # weeks 42, 44, 45, 46
    assert points[date(2026, 11, 16)] == 4
    assert points[date(2026, 11, 30)] == 0


def test_lesson_units_from_times_and_periods() -> None:
    rows = [
        # 09:20–11:00 without lesson hours: 100 minutes = 2 lessons of 50.
        Registration(first_day=MON, category="ongeoorloofd", start_minute=560, minutes=100),
        # A period from lesson 5 on Tuesday to lesson 2 on Thursday: 4 + 8 + 2 lessons.
        Registration(
            first_day=MON + timedelta(1),
            last_day=MON + timedelta(3),
            first_hour=5,
            last_hour=2,
            category="ziek",
        ),
    ]
    figures = day_figures(rows, CALENDAR, SETTINGS)
    assert figures[MON].unauthorised == 2
    assert [figures[MON + timedelta(d)].sick for d in (1, 2, 3)] == [4, 8, 2]


def test_the_weekday_of_a_pattern_signal_is_shown_in_the_readers_language() -> None:
    from flask_babel import force_locale

    from app import create_app
    from app.core.vocabulary import Weekday

    with create_app("testing").test_request_context():
        with force_locale("en"):
            assert Weekday.label_of("maandag") == "Monday"
        with force_locale("nl"):
            assert Weekday.label_of("maandag") == "maandag"
        assert Weekday.label_of("week") == "week"
