"""The afternoon inbox: a staff member's own floor entries of a day and their open flags,
grouped by student (nameless entries by zone), with the desk's triage state; plus the entries
the server quarantined during sync. A fixed number of queries whatever the number of rows."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, String, cast, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.strategy_options import _AbstractLoad

from app.core.localtime import LOCAL_TZ, local_day_bounds
from app.core.vocabulary import EntryKind, FlagStatus
from app.desk.common import open_cases_by_student
from app.desk.inbox.services import untriaged_clause
from app.extensions import db
from app.models import Casus, EntryTriage, Flag, FloorEntry, QuarantinedEntry, Student, User, Zone

# How far back the inbox reminds of entries not yet worked out.
BACKLOG_DAYS = 14
# Nameless contacts and group moments are statistics: they are not nagged about later.
NEEDS_FOLLOW_UP = (EntryKind.GESPREK, EntryKind.SPANNING, EntryKind.DEESCALATIE, EntryKind.VLAG)


@dataclass
class InboxItem:
    entry: FloorEntry | None
    triage: EntryTriage | None
    flags: list[Flag]  # open flags of this entry (or the lone flag without an entry)
    earlier_day: bool = False

    @property
    def key(self) -> str:
        if self.entry is not None:
            return f"e{self.entry.id}"
        return f"f{self.flags[0].id}"

    @property
    def done(self) -> bool:
        """Worked out (or closed), and no open flag left for this student."""
        return self.triage is not None and self.triage.done_at is not None and not self.flags

    @property
    def at(self) -> datetime:
        if self.entry is not None:
            return self.entry.occurred_at
        return self.flags[0].raised_at

    @property
    def detail(self) -> str:
        entry = self.entry
        if entry is None:
            return self.flags[0].flag_type.label
        if entry.topic:
            return entry.topic.label
        if entry.severity:
            return _("ernst %(severity)s", severity=entry.severity.label)
        if entry.outcome:
            return entry.outcome.label
        if entry.flag_type:
            return entry.flag_type.label
        if entry.head_count:
            return _("%(n)s leerlingen", n=entry.head_count)
        return ""

    @property
    def kind_label(self) -> str:
        if self.entry is None:
            return EntryKind.VLAG.label
        return self.entry.kind_label

    @property
    def for_report(self) -> bool:
        return bool(self.triage and self.triage.for_report)

    @property
    def for_teamleider(self) -> bool:
        return bool(self.triage and self.triage.for_teamleider)


@dataclass
class StudentGroup:
    student: Student
    items: list[InboxItem]
    open_case: Casus | None

    @property
    def open_items(self) -> list[InboxItem]:
        return [i for i in self.items if not i.done]

    @property
    def has_open_flag(self) -> bool:
        return any(i.flags for i in self.open_items)


@dataclass
class ZoneGroup:
    zone: Zone
    items: list[InboxItem]

    @property
    def open_items(self) -> list[InboxItem]:
        return [i for i in self.items if not i.done]


@dataclass
class QuarantineView:
    """Entries the server kept aside with the same reason and content (whatever their UUID):
    one group, shown once with how often it arrived. ``item`` is the first of them."""

    item: QuarantinedEntry
    summary: list[tuple[str, str]]
    count: int = 1
    last_received_at: datetime | None = None


@dataclass
class InboxStatistics:
    """The day's nameless contacts and group moments: they need no follow-up, so the inbox
    shows how many there were instead of an item for each."""

    contacts: int = 0
    groups: int = 0
    group_students: int = 0
    zones: dict[str, int] = field(default_factory=dict)

    def add(self, entry: FloorEntry) -> None:
        if entry.kind == EntryKind.GROEP:
            self.groups += 1
            self.group_students += entry.head_count or 0
        else:
            self.contacts += 1
        self.zones[entry.zone.name] = self.zones.get(entry.zone.name, 0) + 1

    @property
    def total(self) -> int:
        return self.contacts + self.groups


@dataclass
class Inbox:
    day: date
    statistics: InboxStatistics = field(default_factory=InboxStatistics)
    open_students: list[StudentGroup] = field(default_factory=list)
    open_zones: list[ZoneGroup] = field(default_factory=list)
    done_students: list[StudentGroup] = field(default_factory=list)
    done_zones: list[ZoneGroup] = field(default_factory=list)
    quarantined: list[QuarantineView] = field(default_factory=list)
    backlog: list[tuple[date, int]] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return sum(len(g.open_items) for g in self.open_students) + sum(
            len(g.open_items) for g in self.open_zones
        )

    @property
    def done_count(self) -> int:
        return sum(len(g.items) for g in self.done_students) + sum(
            len(g.items) for g in self.done_zones
        )


def _entry_options() -> tuple[_AbstractLoad, ...]:
    return (
        selectinload(FloorEntry.students).joinedload(Student.location),
        joinedload(FloorEntry.zone),
        selectinload(FloorEntry.flags),
    )


def build_inbox(user: User, day: date, *, today: date) -> Inbox:
    """The inbox of ``user`` for local ``day``; open flags of every day are always included."""
    start, end = local_day_bounds(day)
    entries: dict[int, FloorEntry] = {
        e.id: e
        for e in db.session.scalars(
            select(FloorEntry)
            .where(
                FloorEntry.staff_id == user.id,
                FloorEntry.occurred_at >= start,
                FloorEntry.occurred_at < end,
            )
            .options(*_entry_options())
            .order_by(FloorEntry.occurred_at, FloorEntry.id)
        )
    }
    # Open flags this user raised, on any day (they stay until handled).
    open_flags = list(
        db.session.scalars(
            select(Flag)
            .where(Flag.raised_by_id == user.id, Flag.status == FlagStatus.OPEN)
            .options(
                joinedload(Flag.student).joinedload(Student.location),
                joinedload(Flag.entry).options(*_entry_options()),
            )
            .order_by(Flag.raised_at)
        )
    )
    lone_flags: list[Flag] = []
    earlier: set[int] = set()
    for flag in open_flags:
        if flag.entry is None:
            lone_flags.append(flag)
        elif flag.entry.id not in entries:
            entries[flag.entry.id] = flag.entry
            earlier.add(flag.entry.id)

    triages = {
        t.entry_id: t
        for t in db.session.scalars(
            select(EntryTriage).where(EntryTriage.entry_id.in_(list(entries) or [-1]))
        )
    }
    student_ids = {s.id for e in entries.values() for s in e.students}
    student_ids |= {f.student_id for f in lone_flags}
    cases = open_cases_by_student(student_ids)

    by_student: dict[int, list[InboxItem]] = defaultdict(list)
    students: dict[int, Student] = {}
    by_zone: dict[int, list[InboxItem]] = defaultdict(list)
    zones: dict[int, Zone] = {}
    statistics = InboxStatistics()
    for entry in sorted(entries.values(), key=lambda e: (e.occurred_at, e.id)):
        open_flags = [f for f in entry.flags if f.status == FlagStatus.OPEN]
        if not entry.students and not open_flags and entry.kind not in NEEDS_FOLLOW_UP:
            # A nameless contact or group moment is statistics: counted, not an item to work.
            statistics.add(entry)
            continue
        if entry.students:
            # An entry about several students is one item, under the first of them; only a
            # flag is per student (each is handled on its own), so an entry with open flags is
            # an item under each student whose flag is open.
            flagged = {f.student_id for f in open_flags}
            shown_under = [s for s in entry.students if s.id in flagged] or entry.students[:1]
            for student in shown_under:
                students[student.id] = student
                by_student[student.id].append(
                    InboxItem(
                        entry=entry,
                        triage=triages.get(entry.id),
                        flags=[f for f in open_flags if f.student_id == student.id],
                        earlier_day=entry.id in earlier,
                    )
                )
        else:
            zones[entry.zone.id] = entry.zone
            by_zone[entry.zone.id].append(
                InboxItem(
                    entry=entry,
                    triage=triages.get(entry.id),
                    flags=open_flags,
                    earlier_day=entry.id in earlier,
                )
            )
    for flag in lone_flags:
        students[flag.student_id] = flag.student
        by_student[flag.student_id].append(InboxItem(entry=None, triage=None, flags=[flag]))

    inbox = Inbox(day=day, statistics=statistics)
    student_groups = [
        StudentGroup(students[sid], items, cases.get(sid)) for sid, items in by_student.items()
    ]
    student_groups.sort(key=lambda g: (not g.has_open_flag, g.student.sort_name))
    for group in student_groups:
        (inbox.open_students if group.open_items else inbox.done_students).append(group)
    zone_groups = [ZoneGroup(zones[zid], items) for zid, items in by_zone.items()]
    zone_groups.sort(key=lambda g: (g.zone.position, g.zone.name))
    for zone_group in zone_groups:
        (inbox.open_zones if zone_group.open_items else inbox.done_zones).append(zone_group)

    inbox.quarantined = quarantine_groups(user)
    inbox.backlog = backlog(user, today)
    return inbox


def quarantine_group_key() -> ColumnElement[str]:
    """The grouping key: the fingerprint (reason and content without the UUID); a row without
    one (from before migration 0016 computed them, or made by hand) is a group of its own."""
    return func.coalesce(
        func.nullif(QuarantinedEntry.fingerprint, ""), cast(QuarantinedEntry.id, String)
    )


def quarantine_groups(user: User) -> list[QuarantineView]:
    """The user's unresolved quarantined entries, identical ones (reason and content) as one
    group with how often they arrived; oldest first. Two queries, however many rows."""
    last = func.coalesce(QuarantinedEntry.last_received_at, QuarantinedEntry.received_at)
    groups = db.session.execute(
        select(
            func.min(QuarantinedEntry.id),
            func.sum(QuarantinedEntry.repeats),
            func.max(last),
        )
        .where(QuarantinedEntry.staff_id == user.id, QuarantinedEntry.resolved_at.is_(None))
        .group_by(quarantine_group_key())
    ).all()
    if not groups:
        return []
    firsts = {
        item.id: item
        for item in db.session.scalars(
            select(QuarantinedEntry).where(QuarantinedEntry.id.in_([g[0] for g in groups]))
        )
    }
    views = [
        QuarantineView(firsts[first], quarantine_summary(firsts[first]), int(total), latest)
        for first, total, latest in groups
    ]
    views.sort(key=lambda view: (view.item.received_at, view.item.id))
    return views


def backlog(user: User, today: date) -> list[tuple[date, int]]:
    """Earlier days (up to two weeks) with entries that need follow-up and are not worked out."""
    start, _ = local_day_bounds(today - timedelta(days=BACKLOG_DAYS))
    end, _ = local_day_bounds(today)
    rows = db.session.scalars(
        select(FloorEntry.occurred_at).where(
            FloorEntry.staff_id == user.id,
            FloorEntry.occurred_at >= start,
            FloorEntry.occurred_at < end,
            FloorEntry.kind.in_(NEEDS_FOLLOW_UP),
            untriaged_clause(),
        )
    )
    counts: dict[date, int] = defaultdict(int)
    for moment in rows:
        counts[moment.astimezone(LOCAL_TZ).date()] += 1
    return sorted(counts.items(), reverse=True)


def quarantine_summary(item: QuarantinedEntry) -> list[tuple[str, str]]:
    """A readable rendering of a quarantined payload (what the phone sent)."""
    try:
        payload: Any = json.loads(item.payload)
    except ValueError:
        return [("Inhoud", item.payload[:300])]
    if not isinstance(payload, dict):
        return [("Inhoud", str(payload)[:300])]
    lines: list[tuple[str, str]] = []
    kind = payload.get("kind")
    if isinstance(kind, str):
        try:
            lines.append(("Soort", EntryKind(kind).label))
        except ValueError:
            lines.append(("Soort", kind[:40]))
    occurred = payload.get("occurred_at")
    if isinstance(occurred, str):
        try:
            moment = datetime.fromisoformat(occurred.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                occurred = moment.astimezone(LOCAL_TZ).strftime("%d-%m-%Y %H:%M")
        except ValueError:
            pass
        lines.append(("Tijdstip", occurred[:40]))
    students = payload.get("students")
    if isinstance(students, list) and students:
        lines.append(("Leerlingnummers", ", ".join(str(s)[:20] for s in students[:30])))
    for key, label in (
        ("topic", "Onderwerp"),
        ("severity", "Ernst"),
        ("outcome", "Uitkomst"),
        ("flag_type", "Vlag"),
        ("head_count", "Aantal"),
    ):
        value = payload.get(key)
        if value not in (None, ""):
            lines.append((label, str(value)[:60]))
    note = payload.get("note")
    if isinstance(note, str) and note.strip():
        lines.append(("Notitie", note[:500]))
    return lines
