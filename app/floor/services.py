"""Floor entries: accepting batches from phones (idempotent), today's own entries, and the
minimal data a phone needs offline. Plain functions; the view commits."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    CompoundSelect,
    Executable,
    Integer,
    String,
    Table,
    insert,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import selectinload

from app.access import students_visible_to
from app.alerts.services import FloorEvent, raise_floor_alerts
from app.auth.plain_user import Staff
from app.core.localtime import local_day_bounds
from app.core.sql import (
    among_parameter,
    among_values,
    dialect_name,
    insert_ignoring_duplicates,
    on_connection,
    table_of,
)
from app.core.stored_text import translated
from app.core.vocabulary import EntryKind, FlagStatus, FlagType, Outcome, Severity, Topic
from app.extensions import db
from app.floor import reasons
from app.floor.climate import (
    ClimateRejected,
    ZoneRef,
    store_climate,
    validate_climate,
    zone_ids_of,
    zone_refs,
)
from app.floor.quarantine import QuarantineBatch, Verdict
from app.floor.rules import (
    FIELD_NAMES,
    MAX_HEAD_COUNT,
    MAX_STUDENTS_PER_ENTRY,
    incomplete_reason,
    missing_fields,
)
from app.floor.validation import Rejected, clean_text, db_id, parse_time
from app.models import Flag, FloorEntry, Location, QuarantinedEntry, Student, User, Zone
from app.models.floor import NOTE_MAX_LENGTH, floor_entry_student
from app.models.types import utcnow

MAX_BATCH = 100
# Student numbers are at most 20 characters; a longer one cannot match and is cut for the query.
STUDENT_NUMBER_MAX = 20
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class BatchError(ValueError):
    """The batch as a whole is unusable (not a list, too long): nothing is stored."""


@dataclass(frozen=True)
class EntryResult:
    uuid: str
    # stored | duplicate | quarantined (kept for the desk) | refused (not kept: the quarantine
    # limits; a phone keeps such an entry and sends it again later)
    status: str
    reason: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"uuid": self.uuid, "status": self.status}
        if self.reason:
            data["reason"] = translated(self.reason)  # stored Dutch, shown in the reader's language
        return data


class _StudentRef(NamedTuple):
    """A student as a sync checks and links them: a plain row, not a loaded model."""

    id: int
    leerlingnummer: str
    location_id: int
    active: bool


@dataclass
class _Valid:
    uuid: str
    kind: EntryKind
    zone: ZoneRef
    occurred_at: datetime
    students: list[_StudentRef]
    topic: Topic | None
    severity: Severity | None
    outcome: Outcome | None
    flag_type: FlagType | None
    head_count: int | None
    note: str
    made_offline: bool


def _choice(enum_class: type[Any], value: object, label: str) -> Any:
    if not isinstance(value, str):
        raise Rejected(reasons.UNKNOWN_TYPE % {"what": label, "type": type(value).__name__})
    try:
        return enum_class(value)
    except ValueError:
        raise Rejected(reasons.UNKNOWN_VALUE % {"what": label, "value": value[:40]}) from None


def _student_number(value: object) -> str | None:
    """A student number as the phone sends it (text, or a whole number), else None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    if isinstance(value, int) and not 0 <= value < 10**STUDENT_NUMBER_MAX:
        return None
    return str(value)[:STUDENT_NUMBER_MAX]


class _Lookups:
    """Everything a batch refers to — its zones (with their location's code), its students and
    which of its UUIDs are kept in quarantine — read in one statement (one round trip) instead
    of one per entry or one per kind (and none when the batch mentions nothing)."""

    def __init__(self, user: Staff, raw_entries: Sequence[object]) -> None:
        self.user = user
        self.location_ids = user.location_ids
        numbers: set[str] = set()
        uuids: set[str] = set()
        for raw in raw_entries:
            if not isinstance(raw, Mapping):
                continue
            students = raw.get("students")
            if isinstance(students, list):
                numbers.update(n for n in map(_student_number, students) if n is not None)
            if isinstance(raw.get("uuid"), str):
                uuids.add(raw["uuid"].lower())
        zone_ids = zone_ids_of(raw_entries)
        self.zones: dict[int, ZoneRef] = {}
        self.students: dict[str, _StudentRef] = {}
        # UUIDs kept in quarantine by an earlier send answer "quarantined" again (with the first
        # reason), even when they would pass now: the desk decides about those.
        self.quarantined: dict[str, str] = {}
        if not (zone_ids or numbers or uuids):
            return
        dialect = dialect_name()
        parameters = {
            "zone_ids": among_values(zone_ids, dialect),
            "numbers": among_values(numbers, dialect),
            "uuids": among_values(uuids, dialect),
        }
        for what, row_id, location_id, text, reason, active in on_connection(
            _lookups_query(dialect), parameters
        ):
            if what == _ZONE:
                self.zones[row_id] = ZoneRef(row_id, location_id, text)
            elif what == _STUDENT:
                self.students[text] = _StudentRef(row_id, text, location_id, bool(active))
            elif text is not None:
                self.quarantined[text] = reason


# What a row of the lookups' one statement is (its first column).
_ZONE, _STUDENT, _QUARANTINED = 1, 2, 3
# what, id, location id, location code | number | uuid, reason, active.
_LookupRow = tuple[int, int | None, int | None, str | None, str | None, bool | None]


# The per-request statements are built once (values go in as parameters): building one and its
# cache key costs more than the Python work of a one-entry batch. Structure only, no data. They
# are Core statements on the tables, answering plain rows: loading models (and the ORM's
# bookkeeping of them) cost a sync request more than the queries themselves.
@cache
def _lookups_query(dialect: str) -> CompoundSelect[_LookupRow]:
    """The zones (``_ZONE``, id, location, location code), the students (``_STUDENT``, id,
    location, number, active) and the quarantined UUIDs (``_QUARANTINED``, uuid, reason) of a
    batch, as one UNION ALL: each part is the query it replaced, unchanged. The NULLs are typed
    so both databases agree on each column's type (and SQLite's 0/1 comes back as a bool)."""
    zone, location = table_of(Zone), table_of(Location)
    student, quarantined = table_of(Student), table_of(QuarantinedEntry)
    no_int, no_text = null().cast(Integer), null().cast(String)
    zones = (
        select(
            literal_column(str(_ZONE), Integer),
            zone.c.id,
            zone.c.location_id,
            location.c.code,
            no_text,
            null().cast(Boolean),
        )
        .join_from(zone, location, zone.c.location_id == location.c.id)
        .where(among_parameter(zone.c.id, "zone_ids", Integer(), dialect))
    )
    students = select(
        literal_column(str(_STUDENT), Integer),
        student.c.id,
        student.c.location_id,
        student.c.leerlingnummer,
        no_text,
        student.c.active,
    ).where(among_parameter(student.c.leerlingnummer, "numbers", String(), dialect))
    kept = select(
        literal_column(str(_QUARANTINED), Integer),
        no_int,
        no_int,
        quarantined.c.uuid,
        quarantined.c.reason,
        null().cast(Boolean),
    ).where(among_parameter(quarantined.c.uuid, "uuids", String(), dialect))
    return union_all(zones, students, kept)


@cache
def _insert_ignoring_duplicates_statement(table: Table, dialect: str) -> Executable:
    statement = insert_ignoring_duplicates(table, ["uuid"], dialect)
    return statement.returning(table.c.uuid, table.c.id)


def _validate(raw: Mapping[str, Any], lookups: _Lookups, now: datetime) -> _Valid:
    """Every field of one entry, each value checked; :class:`Rejected` with the first reason."""
    kind = _choice(EntryKind, raw.get("kind"), reasons.FIELD_KIND)
    missing = missing_fields(kind, raw)
    if missing:
        raise Rejected(incomplete_reason(missing))
    topic = severity = outcome = flag_type = None
    head_count = None
    if kind == EntryKind.GESPREK:
        topic = _choice(Topic, raw.get("topic"), FIELD_NAMES["topic"])
    elif kind == EntryKind.GROEP:
        head_count = raw.get("head_count")
        if (
            not isinstance(head_count, int)
            or isinstance(head_count, bool)
            or not 1 <= head_count <= MAX_HEAD_COUNT
        ):
            raise Rejected(reasons.HEAD_COUNT_OUT_OF_RANGE % {"max": MAX_HEAD_COUNT})
    elif kind == EntryKind.SPANNING:
        severity = _choice(Severity, raw.get("severity"), FIELD_NAMES["severity"])
    elif kind == EntryKind.DEESCALATIE:
        outcome = _choice(Outcome, raw.get("outcome"), FIELD_NAMES["outcome"])
    elif kind == EntryKind.VLAG:
        flag_type = _choice(FlagType, raw.get("flag_type"), FIELD_NAMES["flag_type"])

    zone_id = db_id(raw.get("zone_id"))
    zone = lookups.zones.get(zone_id) if zone_id is not None else None
    if zone is None:
        raise Rejected(reasons.UNKNOWN_ZONE)
    if zone.location_id not in lookups.location_ids:
        raise Rejected(reasons.LOCATION_NOT_YOURS % {"code": zone.location_code})
    occurred_at = parse_time(raw.get("occurred_at"), now)

    note = raw.get("note")
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise Rejected(reasons.NOTE_NOT_TEXT)
    note = note.strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise Rejected(reasons.NOTE_TOO_LONG % {"max": NOTE_MAX_LENGTH})

    numbers = raw.get("students")
    if numbers is None:
        numbers = []
    if not isinstance(numbers, list) or len(numbers) > MAX_STUDENTS_PER_ENTRY:
        raise Rejected(reasons.BAD_STUDENT_LIST % {"max": MAX_STUDENTS_PER_ENTRY})
    students: list[_StudentRef] = []
    for value in numbers:
        number = _student_number(value)
        if number is None:
            raise Rejected(reasons.BAD_STUDENT_NUMBER % {"value": str(value)[:20]})
        student = lookups.students.get(number)
        if student is None or student.location_id not in lookups.location_ids:
            raise Rejected(reasons.STUDENT_NOT_YOURS % {"number": number})
        if not student.active:
            raise Rejected(reasons.STUDENT_LEFT % {"number": number})
        if student not in students:
            students.append(student)

    made_offline = raw.get("made_offline")
    if made_offline is not None and not isinstance(made_offline, bool):
        raise Rejected("made_offline is geen ja/nee")

    return _Valid(
        uuid=str(raw["uuid"]),
        kind=kind,
        zone=zone,
        occurred_at=occurred_at,
        students=students,
        topic=topic,
        severity=severity,
        outcome=outcome,
        flag_type=flag_type,
        head_count=head_count,
        note=note,
        made_offline=bool(made_offline),
    )


def _insert_ignoring_duplicates(
    model: type[Any], rows: Sequence[dict[str, Any]]
) -> dict[str | None, int]:
    """INSERT … ON CONFLICT (uuid) DO NOTHING RETURNING uuid, id for a whole batch of rows.

    The database decides, so retries racing in two gunicorn workers still store an entry once.
    Executed with the rows as parameters (not ``values(rows)``): the statement stays in
    SQLAlchemy's compiled cache and its "insertmanyvalues" still sends one multi-row INSERT.
    Answers the id of each row actually inserted, by uuid (RETURNING has no guaranteed order)."""
    if not rows:
        return {}
    dialect = db.session.get_bind().dialect.name
    statement = _insert_ignoring_duplicates_statement(table_of(model), dialect)
    return {uuid: entry_id for uuid, entry_id in on_connection(statement, list(rows))}


def _entry_row(user: Staff, entry: _Valid, now: datetime) -> dict[str, Any]:
    return {
        "uuid": entry.uuid,
        "staff_id": user.id,
        "location_id": entry.zone.location_id,
        "zone_id": entry.zone.id,
        "kind": entry.kind,
        "topic": entry.topic,
        "severity": entry.severity,
        "outcome": entry.outcome,
        "flag_type": entry.flag_type,
        "head_count": entry.head_count,
        "note": entry.note,
        "occurred_at": entry.occurred_at,
        "received_at": now,
        "made_offline": entry.made_offline,
    }


def _store(user: Staff, entries: Sequence[_Valid], now: datetime) -> set[str]:
    """Insert ``entries`` (distinct UUIDs) with their students and flags: three statements per
    batch at most, not three per entry. Answers the UUIDs actually stored (not retries)."""
    ids = _insert_ignoring_duplicates(FloorEntry, [_entry_row(user, e, now) for e in entries])
    stored = [(ids[e.uuid], e) for e in entries if e.uuid in ids]
    links = [
        {"entry_id": entry_id, "student_id": s.id} for entry_id, e in stored for s in e.students
    ]
    if links:
        on_connection(insert(floor_entry_student), links)
    flags = [
        {
            "student_id": student.id,
            "location_id": student.location_id,
            "flag_type": e.flag_type,
            "status": FlagStatus.OPEN,
            "raised_by_id": user.id,
            "entry_id": entry_id,
            "raised_at": e.occurred_at,
        }
        for entry_id, e in stored
        if e.flag_type is not None
        for student in e.students
    ]
    if flags:
        on_connection(insert(table_of(Flag)), flags)
    # Urgent alerts (safety flag, referred de-escalation) go into the outbox in this transaction.
    raise_floor_alerts(
        FloorEvent(i, e.kind, e.flag_type, e.outcome, e.zone.location_id, e.occurred_at)
        for i, e in stored
    )
    return {e.uuid for _, e in stored}


@dataclass(frozen=True)
class _Item:
    """One item of a batch, its text cleaned (``bad_text``: it held lone surrogates), with its
    valid UUID in lower case (or "") and what the phone gave as its UUID (for the answer)."""

    raw: Any
    uuid: str
    given: str
    bad_text: bool


def _check_batch(batch: object) -> list[_Item]:
    if not isinstance(batch, list):
        raise BatchError("verwacht een lijst met registraties")
    if len(batch) > MAX_BATCH:
        raise BatchError(f"hoogstens {MAX_BATCH} registraties per keer")
    items = []
    for original in batch:
        raw, bad_text = clean_text(original)
        given = raw.get("uuid") if isinstance(raw, Mapping) else None
        uuid = given.lower() if isinstance(given, str) else ""
        if not isinstance(raw, Mapping) or not UUID_PATTERN.match(uuid):
            uuid = ""
        answer = given[:36] if isinstance(given, str) else (str(given)[:36] if given else "")
        items.append(_Item(raw, uuid, answer, bad_text))
    return items


# What a check may raise besides Rejected if a value is stranger than foreseen: it still only
# puts that one entry in quarantine (with the error's kind as its reason), never the batch.
UNFORESEEN = (ValueError, TypeError, OverflowError, ArithmeticError, RecursionError, KeyError)


def _results(
    answers: list[EntryResult | tuple[str, Verdict]], kept: QuarantineBatch
) -> list[EntryResult]:
    """The answers, once the quarantine has decided what it keeps (and written it)."""
    kept.settle()
    results = []
    for answer in answers:
        if isinstance(answer, tuple):
            uuid, verdict = answer
            answer = EntryResult(uuid, verdict.status, verdict.reason)
        results.append(answer)
    return results


def accept_climate_checks(
    user: Staff, batch: object, *, now: datetime | None = None
) -> list[EntryResult]:
    """Store climate checks from a phone (one per zone per day; a newer tap replaces an older).

    Answers per UUID like :func:`accept_entries`; a check that cannot be accepted is kept in
    quarantine with its reason."""
    now = now or utcnow()
    items = _check_batch(batch)
    if not items:
        return []
    zones = zone_refs([item.raw for item in items])
    kept = QuarantineBatch(user, now)
    answers: list[EntryResult | tuple[str, Verdict]] = []
    for item in items:
        if not item.uuid:
            reason = reasons.CLIMATE_WITHOUT_UUID
            answers.append((item.given, kept.keep(item.raw, None, reason)))
            continue
        try:
            if item.bad_text:
                raise ClimateRejected(reasons.NOT_TEXT)
            check = validate_climate(user, item.raw, zones, now)
        except (ClimateRejected, *UNFORESEEN) as problem:
            reason = reasons.CLIMATE_CHECK % {"reason": _reason(problem)}
            answers.append((item.uuid, kept.keep({"climate": item.raw}, item.uuid, reason)))
            continue
        store_climate(user, check, now)
        answers.append(EntryResult(item.uuid, "stored"))
    results = _results(answers, kept)
    db.session.flush()
    return results


def _reason(problem: Exception) -> str:
    if isinstance(problem, Rejected | ClimateRejected):
        return str(problem)
    return reasons.BAD_VALUE % {"type": type(problem).__name__}


def accept_entries(user: Staff, batch: object, *, now: datetime | None = None) -> list[EntryResult]:
    """Store a batch of floor entries from a phone; answer per UUID.

    Each UUID is stored once (``duplicate`` on a retry). An entry that cannot be accepted is kept
    in quarantine with its reason for desk review (``quarantined``), never dropped, within the
    quarantine's limits (``refused`` beyond them, app/floor/quarantine.py); the others in the
    batch are stored all the same, whatever one entry holds. Raises :class:`BatchError` when the
    batch itself is unusable.
    """
    now = now or utcnow()
    items = _check_batch(batch)
    if not items:
        return []

    lookups = _Lookups(user, [item.raw for item in items if item.uuid and not item.bad_text])
    quarantined = lookups.quarantined
    kept = QuarantineBatch(user, now)
    kept_now: dict[str, Verdict] = {}
    # Result index → the valid entry it waits for: stored or duplicate is known after the insert.
    to_store: dict[int, _Valid] = {}
    to_store_uuids: set[str] = set()
    answers: list[EntryResult | tuple[str, Verdict]] = []
    for item in items:
        uuid = item.uuid
        if not uuid:
            reason = reasons.ENTRY_WITHOUT_UUID
            answers.append((item.given, kept.keep(item.raw, None, reason)))
            continue
        if uuid in quarantined:
            answers.append(EntryResult(uuid, "quarantined", quarantined[uuid]))
            continue
        if uuid in kept_now:  # the same UUID twice in one batch: the same answer
            answers.append((uuid, kept_now[uuid]))
            continue
        try:
            if item.bad_text:
                raise Rejected(reasons.NOT_TEXT_UNICODE)
            valid = _validate({**item.raw, "uuid": uuid}, lookups, now)
        except (Rejected, *UNFORESEEN) as problem:
            kept_now[uuid] = kept.keep(item.raw, uuid, _reason(problem))
            answers.append((uuid, kept_now[uuid]))
            continue
        if uuid in to_store_uuids:
            # The same UUID twice in one batch: the first one is the entry, as on a retry.
            answers.append(EntryResult(uuid, "duplicate"))
            continue
        to_store[len(answers)] = valid
        to_store_uuids.add(uuid)
        answers.append(EntryResult(uuid, "stored"))
    stored = _store(user, list(to_store.values()), now)
    for index, valid in to_store.items():
        if valid.uuid not in stored:
            answers[index] = EntryResult(valid.uuid, "duplicate")
    results = _results(answers, kept)
    db.session.flush()
    return results


def entries_for_day(user: User, day: date) -> list[FloorEntry]:
    """This user's own floor entries of one local day, newest first (with students and zone)."""
    start, end = local_day_bounds(day)
    return list(
        db.session.scalars(
            select(FloorEntry)
            .where(
                FloorEntry.staff_id == user.id,
                FloorEntry.occurred_at >= start,
                FloorEntry.occurred_at < end,
            )
            .options(selectinload(FloorEntry.students), selectinload(FloorEntry.zone))
            .order_by(FloorEntry.occurred_at.desc(), FloorEntry.id.desc())
        )
    )


def entry_summary(entry: FloorEntry) -> dict[str, Any]:
    """What the floor screen may show of an own entry: no note, no names (initials and class)."""
    detail = (
        entry.topic or entry.severity or entry.outcome or entry.flag_type or entry.head_count or ""
    )
    return {
        "uuid": entry.uuid,
        "kind": entry.kind.value,
        "zone": entry.zone.name,
        "occurred_at": entry.occurred_at.isoformat(),
        "detail": str(detail),
        "students": [student_token(s) for s in entry.students],
    }


def student_token(student: Student) -> dict[str, str]:
    """A student as the phone may hold and show them: number, initials, class. Never a name."""
    return {
        "n": student.leerlingnummer,
        "i": student.initials,
        "c": student.class_name,
        "l": student.location.code if student.location else "",
    }


def student_index(user: User) -> list[dict[str, str]]:
    """The minimal on-device index for picking students offline."""
    query = students_visible_to(user).options(selectinload(Student.location))
    return [student_token(s) for s in db.session.scalars(query.order_by(Student.class_name))]


def floor_context(user: User) -> dict[str, Any]:
    """The user's locations with their active floor zones (no personal data); zones for desk
    work only (``on_floor`` False: a home visit, a phone call) are left out."""
    locations = db.session.scalars(
        select(Location)
        .where(Location.id.in_(user.location_ids or {-1}))
        .options(selectinload(Location.zones), selectinload(Location.break_times))
        .order_by(Location.code)
    )
    return {
        "locations": [
            {
                "id": location.id,
                "code": location.code,
                "name": location.name,
                "zones": [
                    {"id": z.id, "name": z.name} for z in location.zones if z.active and z.on_floor
                ],
            }
            for location in locations
        ]
    }
