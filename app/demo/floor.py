"""Demo floor history: a few school weeks of plausible floor entries and klimaatchecks at the
demo staff member's locations, so the digest's climate figure and hotspots, the "Peiling en
klimaat" trend and the periodic report have something to show on a fresh install.

Fictitious and reproducible (a fixed seed). Tensions cluster at break times in the canteen and
the schoolyard, as the school's own "where and when" overviews show. Runs once: skipped when
the demo staff member already has entries before today.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from app.auth.services import find_user_by_email
from app.core.calendar_store import load_calendar
from app.core.localtime import LOCAL_TZ, local_today
from app.core.vocabulary import (
    ClimateRating,
    EntryKind,
    FlagStatus,
    FlagType,
    Outcome,
    Severity,
    Topic,
)
from app.extensions import db
from app.models import ClimateCheck, Flag, FloorEntry, Location, Student

STAFF_EMAIL = "medewerker@demo.schoolfit.nl"
SCHOOL_DAYS = 40  # about eight school weeks
KIND_WEIGHTS = {
    EntryKind.CONTACT: 45,
    EntryKind.GESPREK: 18,
    EntryKind.GROEP: 12,
    EntryKind.SPANNING: 13,
    EntryKind.DEESCALATIE: 8,
    EntryKind.VLAG: 4,
}
NOT_ON_THE_FLOOR = ("telefonisch", "huisbezoek", "buiten school / wijk")
TENSE_ZONES = ("kantine", "schoolplein", "fietsenstalling")
NOTES = {
    EntryKind.SPANNING: ("Onrust bij de rij", "Duwen bij de deur", "Harde woorden, afgekoeld"),
    EntryKind.DEESCALATIE: ("Apart genomen, rustig gepraat", "Groepje uit elkaar gehaald"),
    EntryKind.VLAG: ("Even navragen", "Vanmiddag bellen"),
}


def _local(day: date, minutes_after_eight: int) -> datetime:
    moment = datetime.combine(day, time(8, 0), tzinfo=LOCAL_TZ)
    return (moment + timedelta(minutes=minutes_after_eight)).astimezone(UTC)


def _break_minutes(location: Location) -> list[int]:
    """Minutes after 08:00 that fall in the location's breaks."""
    minutes: list[int] = []
    for brk in location.break_times:
        start = brk.starts_at.hour * 60 + brk.starts_at.minute - 8 * 60
        end = brk.ends_at.hour * 60 + brk.ends_at.minute - 8 * 60
        minutes.extend(range(max(start, 0), max(end, 0)))
    return minutes or list(range(150, 170))


def seed_floor_history(*, today: date | None = None, seed: int = 2026) -> dict[str, int]:
    today = today or local_today()
    staff = find_user_by_email(STAFF_EMAIL)
    if staff is None:
        return {"entries": 0, "climate_checks": 0}
    before_today = datetime.combine(today, time.min, tzinfo=LOCAL_TZ).astimezone(UTC)
    already = db.session.scalar(
        select(func.count(FloorEntry.id)).where(
            FloorEntry.staff_id == staff.id, FloorEntry.occurred_at < before_today
        )
    )
    if already:
        return {"entries": 0, "climate_checks": 0}
    calendar = load_calendar()
    yesterday = today - timedelta(days=1)
    days = calendar.recent_school_days(yesterday, SCHOOL_DAYS)
    rng = random.Random(seed)
    kinds = list(KIND_WEIGHTS)
    weights = [KIND_WEIGHTS[k] for k in kinds]
    entries = checks = 0
    for location in sorted(staff.locations, key=lambda loc: loc.code):
        # The places staff stand during the morning, not the "zones" for calls and visits.
        zones = [z for z in location.zones if z.active and z.name not in NOT_ON_THE_FLOOR]
        if not zones:
            continue
        tense = [z for z in zones if z.name in TENSE_ZONES] or zones
        breaks = _break_minutes(location)
        students = list(
            db.session.scalars(
                select(Student).where(Student.location_id == location.id, Student.active.is_(True))
            )
        )
        for index, day in enumerate(days):
            # A calmer run towards today: the climate the prevention work aims at.
            calm = index / max(len(days) - 1, 1)
            for _ in range(rng.randint(8, 16)):
                kind = rng.choices(kinds, weights)[0]
                if kind in (EntryKind.SPANNING, EntryKind.DEESCALATIE) and rng.random() < calm / 2:
                    kind = EntryKind.CONTACT
                at_break = (
                    kind in (EntryKind.SPANNING, EntryKind.DEESCALATIE) and rng.random() < 0.7
                )
                minute = rng.choice(breaks) if at_break else rng.randrange(0, 180)
                zone = rng.choice(tense if at_break else zones)
                entry = FloorEntry(
                    uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    staff_id=staff.id,
                    location_id=location.id,
                    zone_id=zone.id,
                    kind=kind,
                    note=rng.choice(NOTES[kind]) if kind in NOTES else "",
                    occurred_at=_local(day, minute),
                    received_at=_local(day, minute + 1),
                    made_offline=rng.random() < 0.15,
                )
                named: list[Student] = []
                if kind == EntryKind.GESPREK:
                    entry.topic = rng.choice(list(Topic))
                    if students and rng.random() < 0.5:
                        named = [rng.choice(students)]
                elif kind == EntryKind.GROEP:
                    entry.head_count = rng.randint(3, 12)
                elif kind == EntryKind.SPANNING:
                    entry.severity = rng.choices(list(Severity), [6, 3, 1])[0]
                    if students and rng.random() < 0.4:
                        named = rng.sample(students, min(2, len(students)))
                elif kind == EntryKind.DEESCALATIE:
                    entry.outcome = rng.choices(list(Outcome), [6, 3, 1])[0]
                    if students and rng.random() < 0.5:
                        named = [rng.choice(students)]
                elif kind == EntryKind.VLAG:
                    entry.flag_type = rng.choice(list(FlagType))
                    named = [rng.choice(students)] if students else []
                    if not named:
                        continue
                entry.students = named
                db.session.add(entry)
                if kind == EntryKind.VLAG:
                    db.session.add(
                        Flag(
                            student_id=named[0].id,
                            location_id=location.id,
                            flag_type=entry.flag_type,
                            status=FlagStatus.AFGEHANDELD,
                            raised_by_id=staff.id,
                            entry=entry,
                            raised_at=entry.occurred_at,
                            handled_at=_local(day, 6 * 60),
                            handled_by_id=staff.id,
                            handled_note="Besproken aan het bureau",
                        )
                    )
                entries += 1
            for zone in rng.sample(zones, min(3, len(zones))):
                unrest = 0.35 * (1 - calm) if zone in tense else 0.1
                rating = (
                    ClimateRating.ONRUSTIG
                    if rng.random() < unrest
                    else rng.choices([ClimateRating.RUSTIG, ClimateRating.WISSELEND], [3, 1])[0]
                )
                db.session.add(
                    ClimateCheck(
                        staff_id=staff.id,
                        location_id=location.id,
                        zone_id=zone.id,
                        day=day,
                        rating=rating,
                        checked_at=_local(day, 175),
                        received_at=_local(day, 176),
                    )
                )
                checks += 1
    db.session.flush()
    return {"entries": entries, "climate_checks": checks}
