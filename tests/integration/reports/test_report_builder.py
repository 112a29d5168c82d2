"""build_report on the synthetic school-year world: every figure against an expectation
computed from the world's spec (tests/report_helpers.py) — not from the report's own queries."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_babel import force_locale

from app.core.calendar_store import load_calendar
from app.reports.builder import build_report
from app.reports.model import ReportError
from app.reports.presenting import headline, period_label
from tests import report_helpers as rh

FIRST, LAST = rh.PERIOD
RANK = {"signaal": 0, "preventief": 1, "intensief": 2}


def _report(app: Flask, codes: list[str] | None, **kwargs: object):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return build_report(codes, FIRST, LAST, today=rh.TODAY, **kwargs)  # type: ignore[arg-type]


def _in_period(day: date) -> bool:
    return FIRST <= day <= LAST


def _floor(world: rh.World, code: str) -> list[rh.FloorSpec]:
    return [f for f in world.floor if f.location == code and _in_period(f.at.date())]


def test_floor_figures(app: Flask, world: rh.World) -> None:
    report = _report(app, ["ZS"])
    entries = _floor(world, "ZS")
    assert report.floor.total == len(entries)
    assert report.floor.by_kind == {
        kind: sum(1 for f in entries if f.kind == kind)
        for kind in ("contact", "gesprek", "groep", "spanning", "deescalatie", "vlag")
    }
    assert dict(report.floor.by_zone) == dict(Counter(f.zone for f in entries))
    hours = Counter(min(max(f.at.hour, 7), 15) for f in entries)
    assert report.floor.by_hour == {h: hours.get(h, 0) for h in range(7, 16)}
    assert report.floor.by_hour[7] == 1 and report.floor.by_hour[15] == 1  # 06:50 and 16:05
    weekdays = Counter(f.at.weekday() for f in entries)
    assert report.floor.by_weekday == {d: weekdays.get(d, 0) for d in range(5)}
    assert report.floor.severities == {
        s: sum(1 for f in entries if f.fields.get("severity") == s)
        for s in ("laag", "middel", "hoog")
    }
    assert report.floor.outcomes == {
        o: sum(1 for f in entries if f.fields.get("outcome") == o)
        for o in ("opgelost", "deels", "doorverwezen")
    }
    assert report.floor.group_students == sum(f.fields.get("head_count", 0) for f in entries)


def test_flags_count_students_per_type(app: Flask, world: rh.World) -> None:
    report = _report(app, ["ZS"])
    flagged: dict[str, set[int]] = defaultdict(set)
    raised: Counter[str] = Counter()
    for f in _floor(world, "ZS"):
        if f.kind == "vlag":
            flagged[f.fields["flag_type"]].update(f.students)
            raised[f.fields["flag_type"]] += len(f.students)
    for flag_type in ("zorg", "verzuimsignaal", "conflict", "veiligheid", "thuissituatie"):
        assert report.flags.flags[flag_type] == raised.get(flag_type, 0)
        assert report.flags.students[flag_type].value == len(flagged.get(flag_type, ()))
    total = len(set().union(*flagged.values())) if flagged else 0
    assert report.flags.students_total.value == total


def _expected_cases(code: str) -> tuple[Counter[str], dict[str, set[str]], dict[str, list[float]]]:
    status_at_end: Counter[str] = Counter()
    flow: dict[str, set[str]] = defaultdict(set)
    stays: dict[str, list[float]] = defaultdict(list)
    for key, location, _index, steps in rh.CASES:
        if location != code:
            continue
        opened = steps[0][0]
        closed = next((d for d, s in steps if s == "afgesloten"), None)
        if opened <= LAST and (closed is None or closed >= FIRST):
            status_at_end[[s for d, s in steps if d <= LAST][-1]] += 1
        for position, (day, status) in enumerate(steps):
            if not _in_period(day):
                continue
            if position == 0:
                flow["geopend"].add(key)
                continue
            before = steps[position - 1][1]
            if status == "afgesloten":
                flow["afgesloten"].add(key)
            elif status == "overgedragen_copa":
                flow["overgedragen"].add(key)
            elif RANK.get(status, -1) > RANK.get(before, 99):
                flow["opgeschaald"].add(key)
        for (day1, status1), (day2, _status2) in zip(steps, steps[1:], strict=False):
            if _in_period(day2):
                seconds = (rh.local(day2, 10) - rh.local(day1, 10)).total_seconds()
                stays[status1].append(seconds / 86400)
    return status_at_end, flow, stays


def test_cases_by_status_flow_and_stage_medians(app: Flask, world: rh.World) -> None:
    report = _report(app, ["ZS"])
    status_at_end, flow, stays = _expected_cases("ZS")
    for status in ("signaal", "preventief", "intensief", "overgedragen_copa", "afgesloten"):
        assert report.cases.by_status[status].value == status_at_end.get(status, 0), status
    assert report.cases.active.value == sum(status_at_end.values())
    for step in ("geopend", "opgeschaald", "overgedragen", "afgesloten"):
        assert report.cases.flow[step].value == len(flow.get(step, ())), step
    for stage in report.cases.stages:
        values = stays.get(stage.stage, [])
        assert stage.stays == len(values)
        if len(values) >= 5:
            assert stage.median_days == round(statistics.median(values), 1)
        else:
            assert stage.median_days is None  # too few to show a median
    # The case world was built so that signaal has five finished stays (7, 7, 7, 2 and 28 days).
    assert report.cases.stages[0].median_days == 7.0


def test_parent_contacts_visits_and_detention(app: Flask, world: rh.World) -> None:
    report = _report(app, ["ZS"])
    calls = [c for c in rh.CALLS if _in_period(c[1])]
    reached = [c for c in calls if {"gesproken", "teruggebeld"} & set(c[3])]
    assert report.calls.calls.value == len(calls)
    assert report.calls.students.value == len({c[0] for c in calls})
    assert report.calls.reached.value == len(reached)
    assert report.calls.reached_percent == round(100 * len(reached) / len(calls))
    assert report.calls.interpreter.value == sum(1 for c in calls if c[2])
    assert report.calls.attempts == sum(len(c[3]) for c in calls)

    visits = [v for v in rh.VISITS if _in_period(v[1])]
    for status in ("gepland", "gedaan", "geannuleerd"):
        assert report.visits.by_status[status].value == sum(1 for v in visits if v[4] == status)
    done = [v for v in visits if v[4] == "gedaan"]
    assert report.visits.two_people.value == sum(1 for v in done if v[2])
    assert report.visits.mixed_pairs.value == sum(1 for v in done if v[3])
    assert report.visits.students.value == len({v[0] for v in visits})

    sessions = [s for s in rh.DETENTION if _in_period(s[0])]
    visits_per_student = Counter(i for s in sessions for i in s[1])
    assert report.detention.sessions == len(sessions)
    assert report.detention.attendances.value == sum(len(s[1]) for s in sessions)
    assert report.detention.students.value == len(visits_per_student)
    assert report.detention.repeat_students.value == sum(
        1 for n in visits_per_student.values() if n >= 2
    )
    assert report.detention.talks.value == sum(len(s[2]) for s in sessions)


def _unauthorised_per_week(world: rh.World, code: str) -> Counter[date]:
    numbers = {s.leerlingnummer for s in world.students[code]}
    weeks: Counter[date] = Counter()
    for row in world.synthetic:
        if row.code == "O" and row.leerlingnummer in numbers and _in_period(row.day):
            weeks[row.day - timedelta(days=row.day.weekday())] += 1  # one lesson hour each
    return weeks


def test_absence_trend_per_100_students_per_school_week(app: Flask, world: rh.World) -> None:
    report = _report(app, ["ZS"])
    weeks = _unauthorised_per_week(world, "ZS")
    students = rh.STUDENTS["ZS"]
    mondays = sorted({FIRST + timedelta(days=i) for i in range(30)} - set(), key=lambda d: d)
    school_mondays = sorted(
        {d - timedelta(days=d.weekday()) for d in mondays if d.weekday() < 5 and d <= LAST}
    )
    assert [w.monday for w in report.absence.weeks] == school_mondays
    for week in report.absence.weeks:
        assert week.hours == weeks.get(week.monday, 0)
        assert week.per_100 == round(weeks.get(week.monday, 0) * 100 / students, 1)
    total = sum(weeks.values())
    assert report.absence.hours == total
    assert report.absence.per_100_per_week == round(total / len(school_mondays) * 100 / students, 1)
    assert report.students == students


def test_signal_students_per_kind_over_time(app: Flask, world: rh.World) -> None:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import AbsenceSignal

    report = _report(app, ["ZS"])
    ids = {s.id for s in world.students["ZS"]}
    signals = [
        (s.rule, s.student_id, s.triggered_on)
        for s in db.session.scalars(select(AbsenceSignal))
        if s.student_id in ids and _in_period(s.triggered_on)
    ]
    assert report.absence.bucket_kind == "week"
    for bucket in report.absence.buckets:
        for rule, count in bucket.students.items():
            expected = {
                sid for r, sid, day in signals if r == rule and bucket.first <= day <= bucket.last
            }
            assert count.value == len(expected), (bucket.label, rule)
    for rule, count in report.absence.signal_students.items():
        assert count.value == len({sid for r, sid, _d in signals if r == rule})
    # A school year is long: the signals go per month then.
    with app.test_request_context():
        year = build_report(["ZS"], date(2026, 8, 1), date(2027, 7, 31), today=rh.TODAY)
    assert year.absence.bucket_kind == "maand"
    assert [b.label for b in year.absence.buckets][:2] == ["08-2026", "09-2026"]


def _hinges(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    half = len(ordered) // 2
    return statistics.median(ordered[:half]), statistics.median(ordered[half + len(ordered) % 2 :])


def test_outcome_indicator_before_and_after(app: Flask, world: rh.World) -> None:
    report = _report(app, ["ZS"])
    calendar = load_calendar()
    school_mondays = sorted({d - timedelta(days=d.weekday()) for d in calendar.days})
    befores, afters = [], []
    for _key, code, index, steps in rh.CASES:
        opened = steps[0][0]
        if code != "ZS" or not _in_period(opened):
            continue
        week = school_mondays.index(opened - timedelta(days=opened.weekday()))
        before_weeks = set(school_mondays[week - 8 : week])
        after_weeks = set(school_mondays[week + 1 : week + 9])
        number = world.number(code, index)
        hours_before = hours_after = 0
        for row in world.synthetic:
            if row.leerlingnummer != number or row.code != "O":
                continue
            monday = row.day - timedelta(days=row.day.weekday())
            hours_before += monday in before_weeks
            hours_after += monday in after_weeks
        befores.append(round(hours_before / 2, 2))  # per 4 of the 8 school weeks
        afters.append(round(hours_after / 2, 2))
    outcome = report.outcome
    assert outcome.students.value == len(befores) == 6
    assert outcome.pending.value == 0
    assert outcome.before_median == statistics.median(befores)
    assert outcome.after_median == statistics.median(afters)
    assert outcome.before_spread == _hinges(befores)
    assert outcome.after_spread == _hinges(afters)
    changes = [round(a - b, 2) for a, b in zip(afters, befores, strict=True)]
    assert outcome.change_median == statistics.median(changes)
    assert outcome.lower.value == sum(1 for c in changes if c < 0)
    assert outcome.higher.value == sum(1 for c in changes if c > 0)

    # Seen from the end of November, the 8 weeks after are not over: nothing to compare yet.
    with app.test_request_context():
        early = build_report(["ZS"], FIRST, LAST, today=date(2026, 12, 1))
    assert early.outcome.students.value == 0
    assert early.outcome.pending.value == 6
    assert not early.outcome.shown and early.outcome.before_median is None


def test_observations_grouped_by_theme_and_location(app: Flask, world: rh.World) -> None:
    report = _report(app, ["ZS"])
    expected: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in world.floor:
        if f.marked:
            theme = f.fields.get("topic", f.kind)
            expected[(theme, f.location)].append(f.fields["note"])
    got = {(g.theme, g.location): [i.note for i in g.items] for g in report.observations}
    assert got == dict(expected)
    assert report.observation_count == sum(len(v) for v in expected.values())


def test_location_comparison_per_100_students(app: Flask, world: rh.World) -> None:
    report = _report(app, None)  # the whole group
    rows = {row.location.code: row for row in report.comparison}
    assert set(rows) == {"HK", "ZS", "GL", "CS", "VM", "Wind"}
    for code in ("ZS", "GL"):
        entries = _floor(world, code)
        row = rows[code]
        assert row.students == rh.STUDENTS[code]
        assert row.entries == len(entries)
        # Rates are numbers (one decimal); the page, PDF and CSV format them in the reader's
        # locale (app.reports.numbers), never with Python's "862.0".
        assert row.rate(row.entries) == round(len(entries) * 100 / rh.STUDENTS[code], 1)
        tensions = sum(1 for f in entries if f.kind == "spanning")
        assert row.rate(row.tensions) == round(tensions * 100 / rh.STUDENTS[code], 1)
        hours = sum(_unauthorised_per_week(world, code).values())
        assert row.unauthorised_hours == hours
        assert row.absence_rate == round(hours / row.school_weeks * 100 / rh.STUDENTS[code], 1)
    # ZS opened 6 cases (shown per 100), GL one: behind a per-100 figure it stays "<5".
    assert rows["ZS"].rate(rows["ZS"].cases_opened) == 30.0
    assert rows["GL"].rate(rows["GL"].cases_opened) == "<5"
    assert rows["HK"].students == 0 and rows["HK"].rate(rows["HK"].entries) is None
    # The whole group counts every location's students.
    assert report.students == sum(rh.STUDENTS.values())


def test_pulse_respects_the_minimum_group_and_climate_is_counted(
    app: Flask, world: rh.World
) -> None:
    report = _report(app, None)
    by_location = {p.location: p for p in report.pulse}
    zs, gl = by_location["ZS"], by_location["GL"]
    assert zs.shown and all(row.percent == 75 and row.n == 12 for row in zs.rows)  # 9 of 12
    assert not gl.shown and gl.rows == [] and not gl.respondents_enough  # 3 answers: withheld
    climate = {c.location: c for c in report.climate}
    assert (climate["ZS"].rustig, climate["ZS"].wisselend, climate["ZS"].onrustig) == (2, 1, 1)


def test_bad_input_is_refused_in_dutch(app: Flask, world: rh.World) -> None:
    with app.test_request_context():
        with pytest.raises(ReportError, match="Onbekende locatie 'XX'"):
            build_report(["XX"], FIRST, LAST)
        with pytest.raises(ReportError, match="ligt na de einddatum"):
            build_report(["ZS"], LAST, FIRST)
        with pytest.raises(ReportError, match="hoogstens een jaar"):
            build_report(["ZS"], date(2025, 1, 1), date(2026, 12, 31))


def test_a_running_period_is_counted_up_to_today(app: Flask, world: rh.World) -> None:
    """Seen on 18 November, November counts up to that day: the same figures as the finished
    period 1–18 November (no school weeks still to come diluting the rates per week), and the
    summary compares with the first 18 days of October and of November last year."""
    middle = date(2026, 11, 18)
    with app.test_request_context():
        running = build_report(["ZS"], FIRST, LAST, today=middle)
        finished = build_report(["ZS"], FIRST, middle, today=rh.TODAY)
        label = period_label(running)
    assert (running.start, running.end, running.counted_through) == (FIRST, LAST, middle)
    assert running.school_weeks == finished.school_weeks
    assert running.school_weeks[-1] <= middle
    assert running.floor == finished.floor and running.floor.total > 0
    assert running.absence.weeks == finished.absence.weeks
    assert running.comparison == finished.comparison
    summary = running.summary
    assert summary is not None and summary.counted_through == middle
    assert (summary.previous_start, summary.previous_end) == (
        date(2026, 10, 1),
        middle.replace(month=10),
    )
    assert (summary.last_year_start, summary.last_year_end) == (
        date(2025, 11, 1),
        middle.replace(year=2025),
    )
    assert finished.summary is not None
    assert [f.value for f in summary.figures] == [f.value for f in finished.summary.figures]
    assert "geteld tot en met 18 november 2026: de periode loopt nog" in label
    # A finished period says nothing of the kind.
    assert finished.counted_through is None


def test_one_school_week_is_singular_in_both_languages(app: Flask, world: rh.World) -> None:
    with app.test_request_context():
        one = build_report(["ZS"], date(2026, 11, 2), date(2026, 11, 3), today=rh.TODAY)
        november = build_report(["ZS"], FIRST, LAST, today=rh.TODAY)
        assert headline(one).startswith(f"{one.students} leerlingen, 1 schoolweek. ")
        assert f", {len(november.school_weeks)} schoolweken. " in headline(november)
        with force_locale("en"):
            assert f"{one.students} students, 1 school week. " in headline(one)
            assert f", {len(november.school_weeks)} school weeks. " in headline(november)
