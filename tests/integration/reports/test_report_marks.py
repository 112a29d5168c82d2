"""The marks "voor rapportage" the report ranks (``report_mark``, migration 0032) against the
floor entries and their triage: kept by the database through every change of an entry or its
mark — whoever writes it, the ORM or a bulk statement — so the observations ranked from them
equal the Python reference cut from the entries themselves."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, insert, select, update

from app.core.localtime import LOCAL_TZ
from app.core.vocabulary import EntryKind, Role, Topic
from app.desk.inbox.services import set_mark
from app.extensions import db
from app.floor.services import accept_entries
from app.models import EntryTriage, FloorEntry, Location, ReportMark, Student, User
from app.privacy.retention import anonymise_named_entries, purge_anonymous_entries
from app.privacy.subject import erase_student
from app.reports.sections import observations
from tests.report_helpers import KINDS, random_kind_fields

CODES = ("ZS", "GL", "HK")
FIRST_DAY = date(2026, 9, 1)
PERIODS = [
    (date(2026, 8, 1), date(2027, 7, 31)),
    (date(2026, 9, 1), date(2026, 9, 30)),
    (date(2026, 10, 12), date(2026, 10, 12)),
]


@pytest.fixture(autouse=True)
def few_per_group(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three of each theme and location listed: the cut matters with a few dozen entries."""
    monkeypatch.setattr(observations, "PER_GROUP", 3)


def _marks() -> dict[int, tuple[int, str, datetime]]:
    return {
        mark.entry_id: (mark.location_id, mark.theme, mark.occurred_at)
        for mark in db.session.scalars(select(ReportMark))
    }


def _expected() -> dict[int, tuple[int, str, datetime]]:
    """The marks as the entries and their triage hold them."""
    rows = db.session.execute(
        select(FloorEntry.id, FloorEntry.location_id, FloorEntry.topic, FloorEntry.kind)
        .add_columns(FloorEntry.occurred_at)
        .join(EntryTriage, EntryTriage.entry_id == FloorEntry.id)
        .where(EntryTriage.for_report.is_(True))
    )
    return {
        entry_id: (location_id, (topic or kind).value, at)
        for entry_id, location_id, topic, kind, at in rows
    }


def _check(locations: dict[str, Location], step: str) -> None:
    """The stored marks equal the entries', and the ranking from them the reference's."""
    db.session.flush()
    assert _marks() == _expected(), step
    for start, end in PERIODS:
        for codes in (CODES, ("ZS",), ("GL", "HK")):
            scope = [locations[code] for code in codes]
            in_sql = observations.figures(scope, start, end)
            in_python = observations.figures(scope, start, end, in_sql=False)
            assert in_sql == in_python, (step, start, end, codes)


def _moment(rng: random.Random) -> datetime:
    day = FIRST_DAY + timedelta(rng.randrange(60))
    at = datetime.combine(day, time(rng.randrange(7, 18), rng.randrange(60)), tzinfo=LOCAL_TZ)
    return (at + timedelta(microseconds=rng.randrange(10**6))).astimezone(UTC)


def _entries(
    rng: random.Random,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    """Entries at three locations, some about a student, some at one moment; about half marked
    "voor rapportage" through the inbox."""
    for code in CODES:
        user = make_user(Role.MEDEWERKER, (code,))
        number = make_student(code).leerlingnummer
        shared = _moment(rng)
        for n in range(rng.randint(25, 40)):
            kind = rng.choice(KINDS)
            raw: dict[str, Any] = {
                "uuid": str(uuid.uuid4()),
                "kind": kind,
                "zone_id": rng.choice(locations[code].zones).id,
                "occurred_at": (shared if n % 5 == 0 else _moment(rng)).isoformat(),
                "students": [number] if kind in ("gesprek", "vlag") else [],
                "note": f"observatie {n}",
            } | random_kind_fields(rng, kind)
            now = datetime.fromisoformat(raw["occurred_at"]) + timedelta(hours=1)
            assert accept_entries(user, [raw], now=now)[0].status == "stored"
        for entry in db.session.scalars(select(FloorEntry).where(FloorEntry.staff_id == user.id)):
            if rng.random() < 0.55:
                set_mark(user, entry, "rapportage")
    db.session.commit()


def _some(rng: random.Random, *conditions: Any, k: int = 4) -> list[FloorEntry]:
    entries = list(
        db.session.scalars(select(FloorEntry).where(*conditions).order_by(FloorEntry.id))
    )
    return rng.sample(entries, min(k, len(entries)))


def _marked() -> Any:
    return FloorEntry.id.in_(select(EntryTriage.entry_id).where(EntryTriage.for_report.is_(True)))


@pytest.mark.parametrize("seed", [4, 2026])
def test_the_ranked_marks_follow_every_change_of_an_entry_or_its_mark(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    seed: int,
) -> None:
    rng = random.Random(seed)
    _entries(rng, locations, make_user, make_student)
    assert len(_marks()) > 30
    _check(locations, "marked")

    # Marks removed and set again through the inbox, in one transaction with other changes.
    for entry in _some(rng, _marked(), k=8):
        set_mark(entry.staff, entry, "rapportage", on=False)
    for entry in _some(rng, ~_marked(), k=5):
        set_mark(entry.staff, entry, "rapportage", on=True)
    _check(locations, "marks changed")

    # The entries themselves corrected, through the ORM and in bulk: topic, kind, location, time.
    for entry in _some(rng, _marked(), FloorEntry.kind == EntryKind.GESPREK):
        entry.topic = rng.choice([t for t in Topic if t != entry.topic])
    for entry in _some(rng, _marked(), FloorEntry.kind == EntryKind.CONTACT):
        entry.kind, entry.topic = EntryKind.GESPREK, Topic.MOTIVATIE
    db.session.execute(
        update(FloorEntry)
        .where(_marked(), FloorEntry.kind == EntryKind.GESPREK, FloorEntry.id % 3 == 0)
        .values(kind=EntryKind.CONTACT, topic=None)
    )
    for entry in _some(rng, _marked(), FloorEntry.location_id == locations["ZS"].id):
        entry.location_id = locations["HK"].id
        entry.zone_id = locations["HK"].zones[0].id
    for entry in _some(rng, _marked(), k=6):
        entry.occurred_at += timedelta(days=rng.choice((-40, -1, 1, 30)), microseconds=1)
    db.session.execute(
        update(FloorEntry)
        .where(_marked(), FloorEntry.location_id == locations["GL"].id)
        .values(occurred_at=datetime(2026, 10, 12, 9, 30, tzinfo=UTC))
    )
    _check(locations, "entries corrected")

    # Triage rows written around the inbox: one deleted, marks inserted in bulk, one moved.
    gone = _some(rng, _marked(), k=1)[0]
    db.session.execute(delete(EntryTriage).where(EntryTriage.entry_id == gone.id))
    bare = [e.id for e in _some(rng, ~FloorEntry.id.in_(select(EntryTriage.entry_id)), k=6)]
    db.session.execute(
        insert(EntryTriage),
        [
            {"entry_id": i, "for_report": n % 2 == 0, "for_teamleider": False, "close_reason": ""}
            for n, i in enumerate(bare)
        ],
    )
    moved = _some(rng, _marked(), k=1)[0].id
    free = _some(rng, ~FloorEntry.id.in_(select(EntryTriage.entry_id)), k=1)[0].id
    db.session.execute(
        update(EntryTriage).where(EntryTriage.entry_id == moved).values(entry_id=free)
    )
    db.session.commit()
    _check(locations, "triage written in bulk")

    # Entries deleted: one through the ORM, others by the retention's purge of anonymous ones.
    db.session.delete(_some(rng, _marked(), k=1)[0])
    db.session.commit()
    purge_anonymous_entries(datetime(2026, 9, 20, tzinfo=UTC), dry_run=False)
    db.session.commit()
    _check(locations, "entries deleted")

    # A student erased (their entries stay, without them), then the named entries anonymised
    # and the anonymous ones purged: their marks go with them.
    student = db.session.scalar(
        select(Student).where(Student.location_id == locations["ZS"].id).limit(1)
    )
    assert student is not None
    erase_student(student, make_user(Role.BEHEER, ("ZS",)), "verzoek ouders")
    db.session.commit()
    _check(locations, "student erased")
    anonymise_named_entries(datetime(2027, 1, 1, tzinfo=UTC), dry_run=False)
    purge_anonymous_entries(datetime(2026, 10, 1, tzinfo=UTC), dry_run=False)
    db.session.commit()
    _check(locations, "entries anonymised and purged")
    assert _marks()  # not vacuous: marks remain after the purge


def test_a_rolled_back_change_leaves_the_marks_as_they_were(
    app: Flask,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    rng = random.Random(9)
    _entries(rng, locations, make_user, make_student)
    before = _marks()
    for entry in _some(rng, _marked(), k=5):
        set_mark(entry.staff, entry, "rapportage", on=False)
    db.session.execute(update(FloorEntry).values(location_id=locations["GL"].id))
    db.session.flush()
    assert _marks() != before
    db.session.rollback()
    assert _marks() == before == _expected()


def test_a_theme_is_a_topic_or_a_kind_never_both() -> None:
    """``report_mark.theme`` holds the topic's value, else the kind's: none may be both."""
    assert not {topic.value for topic in Topic} & {kind.value for kind in EntryKind}
