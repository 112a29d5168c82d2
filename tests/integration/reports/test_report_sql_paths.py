"""The report's figures counted in SQL against the same figures computed in Python from the raw
rows, on randomized data built through the app's own services: the cases (status at the
period's end, the flow, the stays per stage and their medians, each student's first opening)
and the observations marked "voor rapportage" (the most recent of each theme and location, with
the number of all)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from app.core.localtime import LOCAL_TZ, local_range_bounds
from app.core.vocabulary import CaseStatus, Role, Topic
from app.desk.cases.services import change_status, open_case
from app.desk.inbox.services import set_mark
from app.desk.rules import ALLOWED_TRANSITIONS
from app.extensions import db
from app.floor.services import accept_entries
from app.models import CaseStatusChange, Casus, FloorEntry, Location, Student, User
from app.reports.builder import build_report
from app.reports.sections import cases, observations, outcome
from app.reports.sections.observations import PER_GROUP, draft_text
from tests.report_helpers import KINDS, TOPICS

FIRST_DAY = date(2026, 8, 24)
CODES = ("ZS", "GL", "HK")


def _moment(rng: random.Random, day: date) -> datetime:
    """A local time on ``day`` with microseconds, as UTC (some on the whole hour)."""
    at = datetime.combine(day, time(rng.randrange(7, 18), rng.randrange(60)), tzinfo=LOCAL_TZ)
    if rng.random() < 0.7:
        at += timedelta(seconds=rng.randrange(60), microseconds=rng.randrange(1_000_000))
    return at.astimezone(UTC)


def _set(model: Any, row_id: int, **values: datetime) -> None:
    db.session.execute(update(model).where(model.id == row_id).values(**values))


def _random_cases(
    seed: int,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    """Students with up to three cases one after the other, each through a few status changes
    at random times (the services stamp "now"; the times are set back afterwards, as in
    tests/report_helpers.py). Some changes share their time with the one before."""
    rng = random.Random(seed)
    for code in CODES:
        user = make_user(Role.MEDEWERKER, (code,))
        for _ in range(rng.randint(6, 10)):
            student = make_student(code)
            at = _moment(rng, FIRST_DAY + timedelta(rng.randrange(60)))
            for _case in range(rng.randint(0, 3)):
                day = at.astimezone(LOCAL_TZ).date()
                status = rng.choice((CaseStatus.SIGNAAL, CaseStatus.PREVENTIEF))
                case = open_case(
                    user,
                    student,
                    reason="aanleiding",
                    status=status,
                    owner=user,
                    teamleider=None,
                    today=day,
                )
                db.session.flush()
                _set(Casus, case.id, opened_at=at)
                for change in db.session.scalars(
                    select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
                ):
                    _set(CaseStatusChange, change.id, at=at)
                while case.status != CaseStatus.AFGESLOTEN and rng.random() < 0.8:
                    if rng.random() > 0.15:  # else: at the same moment as the change before
                        at += timedelta(
                            hours=rng.randrange(1, 24 * 40), microseconds=rng.randrange(10**6)
                        )
                    choices = sorted(
                        ALLOWED_TRANSITIONS[case.status] - {CaseStatus.OVERGEDRAGEN_COPA}
                    )
                    target = rng.choice(choices)
                    day = at.astimezone(LOCAL_TZ).date()
                    change = change_status(user, case, target, "verder", today=day)
                    db.session.flush()
                    _set(CaseStatusChange, change.id, at=at)
                    if target == CaseStatus.AFGESLOTEN:
                        _set(Casus, case.id, closed_at=at)
                db.session.commit()
                if case.status != CaseStatus.AFGESLOTEN:
                    break  # one open case per student
                at += timedelta(days=rng.randrange(1, 60))


def _periods(rng: random.Random) -> list[tuple[date, date]]:
    start = FIRST_DAY + timedelta(rng.randrange(150))
    return [
        (date(2026, 8, 1), date(2027, 7, 31)),
        (date(2026, 10, 1), date(2026, 10, 31)),
        (start, start + timedelta(rng.randrange(1, 90))),
        (start, start),
    ]


def test_case_figures_in_sql_equal_the_walk_in_python(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    for seed in (5, 24, 2026):
        _random_cases(seed, locations, make_user, make_student)
        rng = random.Random(seed)
        for start, end in _periods(rng):
            first, last = local_range_bounds(start, end)
            for codes in (CODES, ("ZS",), ("GL", "HK")):
                ids = [locations[code].id for code in codes]
                rows = cases.case_rows(ids, first, last)
                key = (seed, start, end, codes)
                assert cases.counted(ids, first, last) == cases.figures(rows, first, last), key
                assert outcome.opened_in(ids, first, last) == outcome.openings(rows, first, last)
    # Not vacuous: over the year, every step of the flow, stays with a median, open cases.
    ids = [locations[code].id for code in CODES]
    first, last = local_range_bounds(date(2026, 8, 1), date(2027, 7, 31))
    year = cases.counted(ids, first, last)
    assert all(year.flow[step].value for step in ("geopend", "opgeschaald", "afgesloten"))
    assert any(stage.median_days is not None for stage in year.stages)
    assert year.by_status[CaseStatus.AFGESLOTEN].value and year.active.value > 20
    assert len(outcome.opened_in(ids, first, last)) > 10


def _random_observations(
    seed: int,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    """Floor entries, about half of them marked "voor rapportage"; one theme at ZS gets more
    than a page's worth, and many of its entries share their time (the newest first by time,
    then by id)."""
    rng = random.Random(seed)
    busy_moments = [
        _moment(rng, FIRST_DAY + timedelta(rng.randrange(90))).isoformat() for _ in range(7)
    ]
    for code in CODES:
        user = make_user(Role.MEDEWERKER, (code,))
        number = make_student(code).leerlingnummer
        zones = locations[code].zones
        batch = []
        for n in range(rng.randint(30, 60) + (3 * PER_GROUP if code == "ZS" else 0)):
            kind = "gesprek" if code == "ZS" and n % 2 else rng.choice(KINDS)
            raw: dict[str, Any] = {
                "uuid": str(uuid.uuid4()),
                "kind": kind,
                "zone_id": rng.choice(zones).id,
                "occurred_at": _moment(rng, FIRST_DAY + timedelta(rng.randrange(90))).isoformat(),
                "students": [],
                "note": f"observatie {n}",
            }
            if batch and rng.random() < 0.1:
                raw["occurred_at"] = batch[-1]["occurred_at"]
            if kind == "gesprek" and code == "ZS":  # the busy theme: at one of a few moments
                raw["occurred_at"] = busy_moments[n % len(busy_moments)]
            if kind == "gesprek":
                raw["topic"] = "gedrag" if code == "ZS" else rng.choice(TOPICS)
                raw["students"] = [number]
            elif kind == "groep":
                raw["head_count"] = 3
            elif kind == "spanning":
                raw["severity"] = "laag"
            elif kind == "deescalatie":
                raw["outcome"] = "opgelost"
            elif kind == "vlag":
                raw["flag_type"] = "zorg"
                raw["students"] = [number]
            batch.append(raw)
        for raw in batch:  # each sent an hour after it happened
            now = datetime.fromisoformat(raw["occurred_at"]) + timedelta(hours=1)
            results = accept_entries(user, [raw], now=now)
            assert results[0].status == "stored", results
        for raw in batch:
            if rng.random() < 0.6 or raw.get("topic") == "gedrag":
                entry = db.session.scalar(select(FloorEntry).where(FloorEntry.uuid == raw["uuid"]))
                assert entry is not None
                set_mark(user, entry, "rapportage")
        db.session.commit()


def test_recent_observations_in_sql_equal_the_cut_in_python(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    _random_observations(8, locations, make_user, make_student)
    rng = random.Random(8)
    chosen = {code: locations[code] for code in CODES}
    for start, end in _periods(rng):
        for codes in (CODES, ("ZS",), ("GL", "HK")):
            scope = [chosen[code] for code in codes]
            in_sql = observations.figures(scope, start, end)
            in_python = observations.figures(scope, start, end, in_sql=False)
            assert in_sql == in_python, (start, end, codes)
    # Not vacuous: the busy theme is cut to the most recent, and says how many were left out.
    with app.test_request_context():
        report = build_report(["ZS"], date(2026, 8, 1), date(2027, 7, 31), today=date(2027, 3, 1))
        busy = next(group for group in report.observations if group.theme == Topic.GEDRAG)
        assert len(busy.items) == PER_GROUP and busy.earlier > 0
        assert report.observation_count > report.observation_shown >= PER_GROUP
        newest = max(
            entry.occurred_at
            for entry in db.session.scalars(
                select(FloorEntry).where(
                    FloorEntry.location_id == locations["ZS"].id, FloorEntry.topic.is_not(None)
                )
            )
        )
        assert busy.items[-1].day == newest.astimezone(LOCAL_TZ).date()
        assert f"({busy.earlier} eerdere, niet in deze lijst)" in draft_text(report)
