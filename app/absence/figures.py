"""The day figures per student, stored (table ``absence_figures``) so that the signal evaluation
and the reports read one row per student instead of re-deriving every registration.

The registrations stay the truth. :func:`app.absence.rules.day_figures` turns them into figures
per school day; that depends only on the registrations touching a day, the school days of the
calendar and the hour settings (unit, lesson length, lessons a day). So:

- an import refreshes the figures of its students from its first day on
  (:func:`refresh_figures`: a registration's key includes its first day, so nothing it adds,
  corrects or removes touches an earlier day), and tells which students' figures changed: only
  their signals are evaluated after the import;
- the stored figures carry a fingerprint of the calendar's school days and the hour settings
  (:class:`~app.models.AbsenceFiguresBasis`); when it no longer matches (a holiday added, the
  hour unit changed) or a code's meaning changed (:func:`forget_figures`), they are rebuilt whole
  before the next evaluation stores signals, and read-only users compute them in memory
  meanwhile (:func:`figures_by_student`);
- erasing a student's absence deletes their row; deleting the student cascades.

docs/benchmarks.md has the figures that called for this.
"""

from __future__ import annotations

import hashlib
import sys
import zlib
from array import array
from base64 import b64decode, b64encode
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, select

from app.absence.counting import DayFigures, Registration, day_figures
from app.absence.settings import RuleSettings
from app.core.schoolcalendar import SchoolCalendar
from app.core.sql import among, insert_many, table_of
from app.extensions import db
from app.models import (
    AbsenceFigures,
    AbsenceFiguresBasis,
    AbsenceRecord,
    AbsenceUnauthorisedDay,
    Student,
)
from app.models.types import utcnow

BASIS_ID = 1

FigureMap = dict[date, DayFigures]

# --------------------------------------------------------------------------------------------
# Registrations as the rules read them
# --------------------------------------------------------------------------------------------

# The stored columns the rules read: the student, then the fields of Registration in their
# order. A query selecting them, ordered by student and import order, goes to
# registrations_per_student.
REGISTRATION_COLUMNS = (
    AbsenceRecord.student_id,
    AbsenceRecord.day,
    AbsenceRecord.category,
    AbsenceRecord.last_day,
    AbsenceRecord.first_hour,
    AbsenceRecord.last_hour,
    AbsenceRecord.start_minute,
    AbsenceRecord.minutes,
    AbsenceRecord.authorised,
)


def registrations_per_student(query: Select[*tuple[Any, ...]]) -> dict[int, list[Registration]]:
    """The rows of a query over :data:`REGISTRATION_COLUMNS` as the rules' registrations, per
    student, keeping the query's (import) order."""
    result: dict[int, list[Registration]] = {}
    # Core execution: these are plain rows, the ORM's per-row bookkeeping only costs time.
    rows = db.session.connection().execute(query)
    for order, (student_id, *values) in enumerate(rows):
        result.setdefault(student_id, []).append(Registration._make((*values, order)))
    return result


def registrations_by_student(
    student_ids: Iterable[int] | None,
    first: date,
    last: date,
    *,
    location_id: int | None = None,
    active_only: bool = True,
) -> dict[int, list[Registration]]:
    """Stored registrations touching ``first``..``last``, per student, in import order."""
    query = (
        select(*REGISTRATION_COLUMNS)
        .where(AbsenceRecord.last_day >= first, AbsenceRecord.day <= last)
        .order_by(AbsenceRecord.student_id, AbsenceRecord.imported_at, AbsenceRecord.id)
    )
    if active_only or location_id is not None:
        query = query.join(Student, Student.id == AbsenceRecord.student_id)
    if active_only:
        query = query.where(Student.active.is_(True))
    if student_ids is not None:
        query = query.where(among(AbsenceRecord.student_id, set(student_ids)))
    if location_id is not None:
        query = query.where(Student.location_id == location_id)
    return registrations_per_student(query)


# --------------------------------------------------------------------------------------------
# Stored figures
# --------------------------------------------------------------------------------------------


def fingerprint(calendar: SchoolCalendar, settings: RuleSettings) -> str:
    """What the day figures depend on besides the registrations, and the form they are stored
    in (figures stored in another form are rebuilt, never read)."""
    general = settings.general
    text = "|".join(
        (
            FORMAT,
            general.hour_unit,
            str(general.lesson_minutes),
            str(general.lessons_per_day),
            ",".join(day.isoformat() for day in calendar.days),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


# The stored form of a student's figures (``absence_figures.days``): base64 of zlib of, in
# little-endian, the number of days n (uint32), the days as ordinals (n int32, ascending), the
# four hours columns (unauthorised, authorised, sick, sent out; n float64 each) and the two late
# columns (late, late unauthorised; n uint32 each). Columns rather than JSON: an evaluation
# decodes every student's year, and these are sliced to the days asked and made into DayFigures
# without parsing; an import compares and replaces the days from its first day on without
# decoding the days before (docs/benchmarks.md, issue 24). Compressed, a year is about a fifth
# of its JSON. The form is part of the fingerprint: figures stored in another form are rebuilt.
FORMAT = "zlib-columns-1"
_KINDS = "iddddII"  # the ordinals, then the figures in the order of DayFigures' fields
_SWAP = sys.byteorder != "little"
Columns = list["array[Any]"]


def _columns_of(figures: FigureMap) -> Columns:
    days = sorted(figures)
    rows = [figures[day] for day in days]
    return [
        array("i", [day.toordinal() for day in days]),
        array("d", [f.unauthorised for f in rows]),
        array("d", [f.authorised for f in rows]),
        array("d", [f.sick for f in rows]),
        array("d", [f.sent_out for f in rows]),
        array("I", [f.late for f in rows]),
        array("I", [f.late_unauthorised for f in rows]),
    ]


def _bytes(column: array[Any]) -> bytes:
    if _SWAP:
        column = array(column.typecode, column)
        column.byteswap()
    return column.tobytes()


def _pack(columns: Columns) -> str:
    data = b"".join([_bytes(array("I", [len(columns[0])])), *map(_bytes, columns)])
    return b64encode(zlib.compress(data, 1)).decode("ascii")


def _unpack(text: str) -> Columns:
    data = zlib.decompress(b64decode(text))
    count = array("I")
    offset = count.itemsize
    count.frombytes(data[:offset])
    if _SWAP:
        count.byteswap()
    columns = []
    for kind in _KINDS:
        column = array(kind)
        end = offset + column.itemsize * count[0]
        column.frombytes(data[offset:end])
        if _SWAP:
            column.byteswap()
        columns.append(column)
        offset = end
    return columns


class _Days(dict[int, date]):
    """Ordinal -> date, made once per evaluation for each day met."""

    def __missing__(self, ordinal: int) -> date:
        day = self[ordinal] = date.fromordinal(ordinal)
        return day


def _decode(text: str, first: date, last: date, days: _Days) -> FigureMap:
    ordinals, *columns = _unpack(text)
    count = len(ordinals)
    low = bisect_left(ordinals, first.toordinal())
    high = bisect_right(ordinals, last.toordinal())
    if low or high < count:
        ordinals = ordinals[low:high]
        columns = [column[low:high] for column in columns]
    return dict(zip(map(days.__getitem__, ordinals), map(DayFigures, *columns), strict=True))


def stored_basis_matches(calendar: SchoolCalendar, settings: RuleSettings) -> bool:
    stored = db.session.get(AbsenceFiguresBasis, BASIS_ID)
    return stored is not None and stored.fingerprint == fingerprint(calendar, settings)


def forget_figures() -> None:
    """Mark the stored figures out of date (a code's meaning changed the registrations): the
    next evaluation rebuilds them."""
    db.session.execute(delete(AbsenceFiguresBasis))


def erase_figures(student_ids: Collection[int]) -> None:
    if student_ids:
        ids = list(student_ids)
        db.session.execute(delete(AbsenceFigures).where(AbsenceFigures.student_id.in_(ids)))
        db.session.execute(
            delete(AbsenceUnauthorisedDay).where(AbsenceUnauthorisedDay.student_id.in_(ids))
        )


def _lock_basis() -> AbsenceFiguresBasis | None:
    """The basis row, locked on PostgreSQL until commit, so that two imports refreshing the same
    students do it one after the other, each seeing the other's registrations."""
    query = select(AbsenceFiguresBasis).where(AbsenceFiguresBasis.id == BASIS_ID)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return db.session.scalar(query)


def _write(stored: dict[int, Columns | None], from_day: date | None = None) -> None:
    """Replace the stored figures of these students (None: the student has none, the row goes).

    With ``from_day`` (an import's refresh: the days before it are stored already and were
    kept as they were) only the unauthorised hours from that day on are replaced: a day's
    import then writes a few rows a student instead of the whole year's."""
    if not stored:
        return
    ids = list(stored)
    for start in range(0, len(ids), 5000):  # SQLite takes at most 32,766 parameters
        some = ids[start : start + 5000]
        db.session.execute(delete(AbsenceFigures).where(AbsenceFigures.student_id.in_(some)))
        erase_days = delete(AbsenceUnauthorisedDay).where(
            AbsenceUnauthorisedDay.student_id.in_(some)
        )
        if from_day is not None:
            erase_days = erase_days.where(AbsenceUnauthorisedDay.day >= from_day)
        db.session.execute(erase_days)
    now = utcnow()
    rows = [
        {"student_id": s, "days": _pack(columns), "computed_at": now}
        for s, columns in stored.items()
        if columns is not None
    ]
    # Core inserts (COPY, or an executemany a chunk): the ORM's bulk path costs more per row.
    insert_many(table_of(AbsenceFigures), rows, 1000)
    # The unauthorised hours again, one row a day, for the report's sums in SQL.
    first = from_day.toordinal() if from_day is not None else 0
    days = [
        {"student_id": s, "day": date.fromordinal(ordinal), "hours": hours}
        for s, columns in stored.items()
        if columns is not None
        for ordinal, hours in zip(columns[0], columns[1], strict=True)
        if hours and ordinal >= first
    ]
    insert_many(table_of(AbsenceUnauthorisedDay), days)


def imported_figures(
    registrations: Mapping[int, Sequence[Registration]],
    from_day: date,
    calendar: SchoolCalendar,
    settings: RuleSettings,
) -> dict[int, FigureMap]:
    """The figures from ``from_day`` on of each student's registrations given (an import's, all
    from that day on), computed from those alone; the units of each distinct registration are
    made once. No database: an import computes them while the database writes the rows."""
    memo: dict[Registration, Any] = {}
    return {
        student_id: day_figures(rows, calendar, settings, first=from_day, memo=memo)
        for student_id, rows in registrations.items()
    }


def rebuild_figures(
    calendar: SchoolCalendar,
    settings: RuleSettings,
    *,
    registrations: Mapping[int, Sequence[Registration]] | None = None,
    computed: Mapping[int, FigureMap] | None = None,
) -> int:
    """Compute every student's figures from their registrations and store them with the current
    basis. Returns the number of students with figures. ``registrations``: every stored
    registration, per student in import order, when the caller has them (an import into an
    empty table): then nothing is read back; ``computed``: their figures, when computed already
    (:func:`imported_figures`: from the import's first day on, which is all of them)."""
    basis = _lock_basis()
    # The units of each distinct registration made once, when they are shared (parsed rows).
    memo: dict[Registration, Any] | None = None if registrations is None else {}
    if registrations is None:
        registrations = registrations_by_student(None, date.min, date.max, active_only=False)
    computed = computed or {}
    figures = {
        s: computed[s] if s in computed else day_figures(rows, calendar, settings, memo=memo)
        for s, rows in registrations.items()
    }
    db.session.execute(delete(AbsenceFigures))
    db.session.execute(delete(AbsenceUnauthorisedDay))
    _write({s: _columns_of(f) for s, f in figures.items() if f})
    if basis is None:
        db.session.add(AbsenceFiguresBasis(id=BASIS_ID, fingerprint=""))
        db.session.flush()
        basis = db.session.get(AbsenceFiguresBasis, BASIS_ID)
        assert basis is not None
    basis.fingerprint = fingerprint(calendar, settings)
    basis.built_at = utcnow()
    db.session.flush()
    return sum(1 for f in figures.values() if f)


def ensure_figures(calendar: SchoolCalendar, settings: RuleSettings) -> bool:
    """Rebuild the stored figures when their basis is out of date; True when it did."""
    if stored_basis_matches(calendar, settings):
        return False
    rebuild_figures(calendar, settings)
    return True


def refresh_figures(
    student_ids: Collection[int],
    from_day: date,
    calendar: SchoolCalendar,
    settings: RuleSettings,
    *,
    imported: Mapping[int, Sequence[Registration]] | None = None,
    computed: Mapping[int, FigureMap] | None = None,
    complete: bool = False,
) -> set[int] | None:
    """After an import: recompute the figures of ``student_ids`` from ``from_day`` on (earlier
    days keep their stored figures). Rebuilds everything instead when the basis is out of date.

    ``imported``: for some of the students, every registration the import wrote of theirs, in
    the order written, when it corrected none of theirs (a correction keeps its place in the
    order). A student there whose stored figures hold no day from ``from_day`` on had no
    registration counting from then on before the import, so these are all that count now: they
    are not read back (an import of new days reads back nothing). ``complete``: ``imported``
    holds every stored registration (the import wrote into an empty table), so a rebuild needs
    none read back either. ``computed``: figures of (some of) ``imported``, computed already
    (:func:`imported_figures`).

    Returns the students whose figures changed — only their signals can change, so only they
    need evaluating after the import — or None after a rebuild (anybody's may have changed)."""
    basis = _lock_basis()
    if basis is None or basis.fingerprint != fingerprint(calendar, settings):
        if complete:
            rebuild_figures(calendar, settings, registrations=imported, computed=computed)
        else:
            rebuild_figures(calendar, settings)
        return None
    ids = set(student_ids)
    if not ids:
        return set()
    # Compared and replaced as columns: the days before ``from_day`` are kept as they are stored.
    before: dict[int, Columns] = {}
    query = select(AbsenceFigures.student_id, AbsenceFigures.days).where(
        among(AbsenceFigures.student_id, ids)
    )
    for student_id, text in db.session.connection().execute(query):
        before[student_id] = _unpack(text)
    from_ordinal = from_day.toordinal()
    known: dict[int, Sequence[Registration]] = {}
    for student_id, rows in (imported or {}).items():
        old = before.get(student_id)
        if student_id in ids and (old is None or not old[0] or old[0][-1] < from_ordinal):
            known[student_id] = rows
    unknown = ids - known.keys()
    registrations: Mapping[int, Sequence[Registration]] = {}
    if unknown:
        registrations = registrations_by_student(unknown, from_day, date.max, active_only=False)
    changed: dict[int, Columns | None] = {}
    memo: dict[Registration, Any] = {}  # the imported rows share their registrations
    for student_id in ids:
        if computed is not None and student_id in known and student_id in computed:
            figures = computed[student_id]
        elif student_id in known:
            figures = day_figures(known[student_id], calendar, settings, first=from_day, memo=memo)
        else:
            rows = registrations.get(student_id, [])
            figures = day_figures(rows, calendar, settings, first=from_day)
        new = _columns_of(figures)
        old = before.get(student_id)
        if old is None:
            if new[0]:
                changed[student_id] = new
            continue
        keep = bisect_left(old[0], from_ordinal)
        if all(o[keep:] == n for o, n in zip(old, new, strict=True)):
            continue
        merged = [o[:keep] + n for o, n in zip(old, new, strict=True)]
        changed[student_id] = merged if merged[0] else None
    _write(changed, from_day)
    db.session.flush()
    return set(changed)


def stored_figures(
    student_ids: Iterable[int] | None,
    first: date,
    last: date,
    *,
    location_id: int | None = None,
    active_only: bool = True,
) -> dict[int, FigureMap]:
    """The stored figures of ``first``..``last`` per student (students without any left out).
    Only meaningful when :func:`stored_basis_matches`."""
    query = select(AbsenceFigures.student_id, AbsenceFigures.days)
    if active_only or location_id is not None:
        query = query.join(Student, Student.id == AbsenceFigures.student_id)
    if active_only:
        query = query.where(Student.active.is_(True))
    if location_id is not None:
        query = query.where(Student.location_id == location_id)
    if student_ids is not None:
        # One statement with the ids as one parameter: an evaluation after a day's import reads
        # a third of the students, by their key, not every row.
        query = query.where(among(AbsenceFigures.student_id, set(student_ids)))
    days = _Days()
    result: dict[int, FigureMap] = {}
    for student_id, text in db.session.connection().execute(query):
        figures = _decode(text, first, last, days)
        if figures:
            result[student_id] = figures
    return result


def figures_by_student(
    student_ids: Iterable[int] | None,
    first: date,
    last: date,
    calendar: SchoolCalendar,
    settings: RuleSettings,
    *,
    location_id: int | None = None,
    active_only: bool = True,
) -> dict[int, FigureMap]:
    """Day figures of ``first``..``last`` per student: the stored ones while their basis holds,
    else computed from the registrations (the same figures, only slower)."""
    if stored_basis_matches(calendar, settings):
        return stored_figures(
            student_ids, first, last, location_id=location_id, active_only=active_only
        )
    registrations = registrations_by_student(
        student_ids, first, last, location_id=location_id, active_only=active_only
    )
    result = {}
    for student_id, rows in registrations.items():
        figures = day_figures(rows, calendar, settings, first=first, last=last)
        if figures:
            result[student_id] = figures
    return result
