"""The report's tallies (migration 0030, app/reports/tallies.py) against the raw rows, on a
randomized year built through the app's own services: a report counted from the tallies equals
the one counted from the floor entries and the students' day figures, after entries were added
in batches, corrected, anonymised and purged, and after students moved and left."""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from unittest import mock

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from app.absence.importer import import_absence
from app.core.calendar_store import load_calendar
from app.core.localtime import LOCAL_TZ
from app.core.sql import epoch_bucket
from app.core.vocabulary import Role
from app.demo.synthetic_absence import generate, magister_csv
from app.extensions import db
from app.floor.services import accept_entries
from app.models import FloorEntry, FloorTally, FloorZoneTally, Location, Student, User
from app.privacy.retention import anonymise_named_entries, purge_anonymous_entries
from app.reports.builder import build_report
from app.reports.model import Report
from tests import absence_helpers
from tests.report_helpers import KINDS, random_kind_fields
from tests.statement_count import counted_statements

YEAR = (date(2026, 8, 1), date(2027, 7, 31))
FIRST_DAY, LAST_DAY = date(2026, 8, 24), date(2027, 2, 26)
TODAY = date(2027, 3, 1)


def _entry(rng: random.Random, location: Location, numbers: list[str], day: date) -> dict:
    kind = rng.choice(KINDS)
    # Mostly the morning, sometimes early, late or on a weekend day (set back on the phone).
    hour = rng.choice((6, 8, 8, 9, 9, 10, 10, 12, 16, 17))
    at = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=LOCAL_TZ)
    raw: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "kind": kind,
        "zone_id": rng.choice(location.zones).id,
        "occurred_at": at.astimezone(UTC).isoformat(),
        "students": [],
    }
    raw |= random_kind_fields(rng, kind)
    if kind in ("gesprek", "vlag"):
        raw["students"] = [rng.choice(numbers)]
    if rng.random() < 0.3:
        raw["note"] = "iets gezien"
    return raw


def _random_year(
    seed: int,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> dict[str, list[Student]]:
    rng = random.Random(seed)
    absence_helpers.school_calendar()
    calendar = load_calendar()
    codes = ("ZS", "GL", "HK")
    students = {code: [make_student(code) for _ in range(rng.randint(4, 9))] for code in codes}
    staff = {code: make_user(Role.MEDEWERKER, (code,)) for code in codes}
    days = [FIRST_DAY + timedelta(n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    # Floor entries in batches of one day (a phone sending its queue), weekends included.
    for day in sorted(rng.sample(days, 40)):
        for code in codes:
            numbers = [s.leerlingnummer for s in students[code]]
            batch = [_entry(rng, locations[code], numbers, day) for _ in range(rng.randint(0, 12))]
            now = datetime.combine(day, time(23, 0), tzinfo=LOCAL_TZ).astimezone(UTC)
            results = accept_entries(staff[code], batch, now=now)
            assert all(r.status == "stored" for r in results), results
            if batch and rng.random() < 0.2:  # the phone sends it again: nothing counts twice
                again = accept_entries(staff[code], batch, now=now)
                assert {r.status for r in again} == {"duplicate"}, again
    db.session.commit()
    # Corrections written around the services: some entries change kind, zone or time.
    ids = list(db.session.scalars(select(FloorEntry.id).order_by(FloorEntry.id)))
    for entry_id in rng.sample(ids, len(ids) // 10):
        entry = db.session.get(FloorEntry, entry_id)
        assert entry is not None
        entry.occurred_at += timedelta(hours=rng.choice((-30, -1, 1, 5)))
        entry.zone_id = rng.choice(entry.location.zones).id
    db.session.execute(
        update(FloorEntry)
        .where(FloorEntry.id.in_(rng.sample(ids, len(ids) // 10)), FloorEntry.kind == "contact")
        .values(kind="spanning", severity="hoog")
    )
    db.session.commit()
    # Retention: anonymous entries before a cutoff deleted, named ones anonymised.
    cutoff = datetime.combine(rng.choice(days), time(12), tzinfo=UTC)
    purge_anonymous_entries(cutoff, dry_run=False)
    anonymise_named_entries(cutoff, dry_run=False)
    db.session.commit()
    # Absence: a synthetic year through the importer (which stores the day figures).
    numbers = [s.leerlingnummer for group in students.values() for s in group]
    truants = {group[1].leerlingnummer: "spijbelaar" for group in students.values()}
    rows = generate(numbers, calendar, FIRST_DAY, LAST_DAY, seed=seed, profiles=truants)
    import_absence(magister_csv(rows), "jaar.csv", as_of=LAST_DAY)
    db.session.commit()
    # A student moves to another location, another leaves.
    students["ZS"][0].location_id = locations["GL"].id
    students["GL"][-1].active = False
    db.session.commit()
    return students


def _without_time(report: Report) -> Report:
    return replace(report, generated_at=datetime(2000, 1, 1, tzinfo=UTC))


def _both(app: Flask, codes: list[str] | None, start: date, end: date) -> tuple[Report, Report]:
    with app.test_request_context():
        tallied = build_report(codes, start, end, today=TODAY)
        raw = build_report(codes, start, end, today=TODAY, tallies=False)
    return _without_time(tallied), _without_time(raw)


@pytest.mark.parametrize("seed", [3, 24])
def test_a_report_from_the_tallies_equals_one_from_the_raw_rows(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    seed: int,
) -> None:
    _random_year(seed, locations, make_user, make_student)
    rng = random.Random(seed)
    start = FIRST_DAY + timedelta(rng.randrange(120))
    periods = [
        YEAR,
        (date(2026, 11, 1), date(2026, 11, 30)),
        (start, start + timedelta(rng.randrange(1, 60))),
        (start, start),
    ]
    for first, last in periods:
        for codes in (None, ["ZS"], ["GL", "HK"]):
            tallied, raw = _both(app, codes, first, last)
            assert tallied == raw, (codes, first, last)
    # Not vacuous: the year has entries of every kind, and unauthorised absence.
    tallied, _raw = _both(app, None, *YEAR)
    assert all(tallied.floor.by_kind.values()), tallied.floor.by_kind
    assert tallied.absence.hours > 0


def _recounted() -> tuple[dict[tuple, tuple[int, int]], dict[tuple, int]]:
    """The tallies as a fresh count of the entries would make them (rows of 0 left out)."""
    hour = epoch_bucket(FloorEntry.occurred_at, 3600)
    kinds = {
        (
            location_id,
            int(h),
            kind.value,
            severity.value if severity else "",
            outcome.value if outcome else "",
        ): (
            count,
            int(heads or 0),
        )
        for location_id, h, kind, severity, outcome, count, heads in db.session.execute(
            select(
                FloorEntry.location_id,
                hour,
                FloorEntry.kind,
                FloorEntry.severity,
                FloorEntry.outcome,
                func.count(),
                func.sum(FloorEntry.head_count),
            ).group_by(
                FloorEntry.location_id,
                hour,
                FloorEntry.kind,
                FloorEntry.severity,
                FloorEntry.outcome,
            )
        )
    }
    zones = {
        (location_id, int(h), zone_id): count
        for location_id, h, zone_id, count in db.session.execute(
            select(FloorEntry.location_id, hour, FloorEntry.zone_id, func.count()).group_by(
                FloorEntry.location_id, hour, FloorEntry.zone_id
            )
        )
    }
    return kinds, zones


def test_the_tallies_follow_every_write_to_the_entries(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    _random_year(7, locations, make_user, make_student)
    kinds = {
        (t.location_id, t.hour, t.kind, t.severity, t.outcome): (t.entries, t.heads)
        for t in db.session.scalars(select(FloorTally))
        if t.entries or t.heads
    }
    zones = {
        (t.location_id, t.hour, t.zone_id): t.entries
        for t in db.session.scalars(select(FloorZoneTally))
        if t.entries
    }
    expected_kinds, expected_zones = _recounted()
    assert kinds == expected_kinds
    assert zones == expected_zones
    assert sum(entries for entries, _heads in kinds.values()) == db.session.scalar(
        select(func.count()).select_from(FloorEntry)
    )


def test_unauthorised_days_follow_the_stored_figures(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    """Re-importing a corrected export rewrites the students' unauthorised days with their
    figures; erasing a student's absence erases them."""
    from app.absence.privacy import erase_absence
    from app.models import AbsenceUnauthorisedDay
    from app.reports.tallies import unauthorised_by_day

    students = _random_year(11, locations, make_user, make_student)
    calendar = load_calendar()
    ids = [locations[code].id for code in ("ZS", "GL", "HK")]

    def both() -> tuple[dict, dict]:
        return (
            unauthorised_by_day(ids, FIRST_DAY, LAST_DAY, calendar),
            unauthorised_by_day(ids, FIRST_DAY, LAST_DAY, calendar, tallies=False),
        )

    tallied, raw = both()
    assert tallied == raw and any(tallied.values())
    erase_absence(students["ZS"][1])
    db.session.commit()
    rows = db.session.scalars(
        select(AbsenceUnauthorisedDay).where(
            AbsenceUnauthorisedDay.student_id == students["ZS"][1].id
        )
    ).all()
    assert rows == []
    tallied, raw = both()
    assert tallied == raw
    # Nothing is left per student that the figures do not hold.
    per_student: dict[int, float] = defaultdict(float)
    for row in db.session.scalars(select(AbsenceUnauthorisedDay)):
        per_student[row.student_id] += row.hours
    assert all(hours > 0 for hours in per_student.values())


def test_an_import_rewrites_the_unauthorised_days_from_its_first_day_as_a_rebuild_would(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    """A later import replaces only the days from its first day on (the earlier ones are kept
    as stored): what is then stored equals what rebuilding every student's figures stores."""
    from app.absence.figures import rebuild_figures
    from app.absence.services import rule_settings
    from app.models import AbsenceUnauthorisedDay

    students = _random_year(5, locations, make_user, make_student)
    rng = random.Random(5)
    calendar = load_calendar()
    later = [d for d in calendar.school_days_between(date(2027, 1, 11), LAST_DAY)]
    rows = [
        row
        for group in students.values()
        for student in group[:3]
        for day in rng.sample(later, 3)
        for row in absence_helpers.magister_day(
            student.leerlingnummer, day, rng.choice("OZ"), lessons=range(1, rng.randint(2, 9))
        )
    ]
    result = import_absence(absence_helpers.magister_csv(*rows), "later.csv", as_of=LAST_DAY)
    db.session.commit()
    assert result.changed_student_ids  # a refresh from the file's first day, not a rebuild

    def stored() -> list[tuple[int, date, float]]:
        days = db.session.scalars(select(AbsenceUnauthorisedDay))
        return sorted((row.student_id, row.day, row.hours) for row in days)

    refreshed = stored()
    first = min(later)
    assert any(day < first for _s, day, _h in refreshed)  # the days before were kept ...
    assert any(day >= first for _s, day, _h in refreshed)  # ... and the file's days written
    rebuild_figures(calendar, rule_settings())
    db.session.commit()
    assert stored() == refreshed


@pytest.mark.parametrize("seed", [7, 31])
def test_the_outcome_summed_in_sql_equals_the_sums_of_the_decoded_figures(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    seed: int,
) -> None:
    """The outcome indicator's hours before and after each opening, summed from
    ``absence_unauthorised_day``, equal those of the decoded day figures — at the year's end
    (every window complete), after a later export corrected and removed registrations, a
    student's absence was erased and a student left."""
    from app.absence.figures import stored_figures
    from app.absence.privacy import erase_absence
    from app.core.vocabulary import CaseStatus
    from app.desk.cases.services import open_case
    from app.models import AbsenceUnauthorisedDay, Casus
    from app.reports.sections import outcome

    students = _random_year(seed, locations, make_user, make_student)
    rng = random.Random(seed)
    calendar = load_calendar()
    # A corrected export from mid-November: its days replace the stored ones from its first day.
    numbers = [s.leerlingnummer for group in students.values() for s in group]
    truants = {number: "spijbelaar" for number in numbers[::2]}
    rows = generate(
        numbers, calendar, date(2026, 11, 16), LAST_DAY, seed=seed + 1, profiles=truants
    )
    import_absence(magister_csv(rows), "correctie.csv", as_of=LAST_DAY)
    erase_absence(students["HK"][0])
    db.session.commit()
    # Every stored unauthorised day is the decoded figures' (and no other day has any).
    decoded = {
        (student_id, day): figure.unauthorised
        for student_id, figures in stored_figures(
            None, date.min, date.max, active_only=False
        ).items()
        for day, figure in figures.items()
        if figure.unauthorised
    }
    days = db.session.execute(
        select(
            AbsenceUnauthorisedDay.student_id,
            AbsenceUnauthorisedDay.day,
            AbsenceUnauthorisedDay.hours,
        )
    )
    assert {(s, d): h for s, d, h in days} == decoded
    # A case for every student, opened on a random day of the autumn (some too early for 8
    # school weeks before: outside the calendar), the time set back as in report_helpers.
    staff = {locations[code].id: make_user(Role.MEDEWERKER, (code,)) for code in students}
    for student in (s for group in students.values() for s in group if s.active):
        user = staff[student.location_id]
        day = date(2026, 10, 12) + timedelta(rng.randrange(70))
        case = open_case(
            user,
            student,
            reason="verzuim",
            status=CaseStatus.SIGNAAL,
            owner=user,
            teamleider=None,
            today=day,
        )
        db.session.flush()
        at = datetime.combine(day, time(10), tzinfo=LOCAL_TZ).astimezone(UTC)
        db.session.execute(update(Casus).where(Casus.id == case.id).values(opened_at=at))
    # A student who leaves after the case still counts (the report's past stays as it was).
    students["ZS"][2].active = False
    db.session.commit()
    year_end = YEAR[1]
    ids = [locations[code].id for code in ("ZS", "GL", "HK")]
    first, last = (datetime.combine(day, time(0), tzinfo=LOCAL_TZ).astimezone(UTC) for day in YEAR)
    with app.test_request_context():
        opened = outcome.opened_in(ids, first, last)
        in_sql = outcome.figures(opened, calendar, year_end)
        in_python = outcome.figures(opened, calendar, year_end, in_sql=False)
        assert in_sql == in_python
        # Not vacuous: most windows complete, with hours on both sides.
        assert in_sql.students.value >= 5 and in_sql.pending.value == 0
        assert in_sql.before_median is not None and in_sql.after_spread is not None
        assert in_sql.before_spread is not None and in_sql.before_spread[1] > 0
        assert in_sql.after_spread[1] > 0
        for codes in (None, ["GL", "HK"]):
            tallied = build_report(codes, *YEAR, today=year_end)
            raw = build_report(codes, *YEAR, today=year_end, tallies=False)
            assert _without_time(tallied) == _without_time(raw), codes


@pytest.mark.parametrize("from_students", [True, False])
def test_the_unauthorised_days_read_either_way_are_the_same(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    from_students: bool,
) -> None:
    """From the scope's students or from the period's days (on SQLite the rule picks the
    statement's form, app/reports/rules.py): the same figures as the raw path either way."""
    from app.reports.tallies import unauthorised_by_day

    _random_year(5, locations, make_user, make_student)
    calendar = load_calendar()
    scopes = [[locations[code].id for code in codes] for codes in (["ZS"], ["GL", "HK"])]
    scopes.append([location.id for location in locations.values()])
    periods = [YEAR, (date(2026, 11, 1), date(2026, 11, 30)), (FIRST_DAY, FIRST_DAY)]
    with (
        mock.patch("app.reports.rules.unauthorised_days_from_students", return_value=from_students),
        counted_statements() as statements,
    ):
        tallied = [unauthorised_by_day(ids, *p, calendar) for ids in scopes for p in periods]
    raw = [unauthorised_by_day(ids, *p, calendar, tallies=False) for ids in scopes for p in periods]
    assert tallied == raw and any(any(days.values()) for days in tallied)
    hidden = any("+absence_unauthorised_day.day" in s for s in statements)
    assert hidden is (from_students and db.engine.dialect.name == "sqlite")
