"""A synthetic school year of absence data: deterministic, plausible, and made up.

Used by the tests, the demo data and the benchmark (bench/absence_bench.py). Every student gets
a profile — most have a little absence, some a pattern the signals should catch (skipping
lessons, Mondays, frequent or long illness, lateness, staying home) — and a random generator
seeded with ``seed`` and the student number, so the same input always gives the same rows.
Rows are one per lesson hour, in Magister's shape, and can be written as a Magister CSV.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from app.core.schoolcalendar import SchoolCalendar

LESSON_STARTS = ("08:30", "09:20", "10:10", "11:00", "11:50", "12:40", "13:30", "14:20")
LESSON_MINUTES = 50
LESSONS_PER_DAY = len(LESSON_STARTS)

# (profile, weight): how common each kind of student is.
PROFILES: tuple[tuple[str, int], ...] = (
    ("gewoon", 82),
    ("spijbelaar", 4),
    ("maandag", 2),
    ("vaak_ziek", 4),
    ("langdurig_ziek", 2),
    ("laatkomer", 4),
    ("thuiszitter", 2),
)

# Magister codes (config/absence_codes.toml) -> (description, authorised, Verantwoordingtype)
CODES = {
    "O": ("Ongeoorloofd", "Nee", 1),
    "Z": ("Ziek", "Ja", 3),
    "L": ("Te laat", "Nee", 2),
    "T": ("Te laat geoorloofd", "Ja", 2),
    "M": ("Medisch", "Ja", 1),
    "V": ("Verlof", "Ja", 1),
    "U": ("Uitgestuurd", "Nee", 4),
}

MAGISTER_HEADER = "stamnr;Start;Eind;Lesuur;Code;Omschrijving;Geoorloofd;Verantwoordingtype"


@dataclass(frozen=True)
class SyntheticRow:
    leerlingnummer: str
    day: date
    lesson: int  # 1..8
    code: str

    @property
    def start(self) -> str:
        return LESSON_STARTS[self.lesson - 1]

    @property
    def end(self) -> str:
        hours, minutes = map(int, self.start.split(":"))
        total = hours * 60 + minutes + LESSON_MINUTES
        return f"{total // 60:02d}:{total % 60:02d}"

    def magister_line(self) -> str:
        description, authorised, kind = CODES[self.code]
        day = f"{self.day:%d-%m-%Y}"
        return (
            f"{self.leerlingnummer};{day} {self.start};{day} {self.end};{self.lesson};"
            f"{self.code};{description};{authorised};{kind}"
        )


def profile_of(rng: random.Random) -> str:
    names = [name for name, _ in PROFILES]
    weights = [weight for _, weight in PROFILES]
    return rng.choices(names, weights)[0]


def _student_rows(
    number: str, days: Sequence[date], rng: random.Random, profile: str
) -> Iterator[SyntheticRow]:
    """The rows of one student over the school days ``days`` (chronological)."""
    sick_left = 0
    third = len(days) // 3
    home_from = rng.randrange(third, max(third + 1, len(days) - 25))
    sick_from = rng.randrange(0, max(1, len(days) - 20))
    sick_until = sick_from + rng.randint(8, 18)
    for index, day in enumerate(days):
        if profile == "thuiszitter" and index >= home_from:
            yield from (SyntheticRow(number, day, h, "O") for h in range(1, LESSONS_PER_DAY + 1))
            continue
        if profile == "langdurig_ziek" and sick_from <= index < sick_until:
            yield from (SyntheticRow(number, day, h, "Z") for h in range(1, LESSONS_PER_DAY + 1))
            continue
        if sick_left > 0:
            sick_left -= 1
            yield from (SyntheticRow(number, day, h, "Z") for h in range(1, LESSONS_PER_DAY + 1))
            continue
        sick_chance = 0.06 if profile == "vaak_ziek" else 0.008
        if rng.random() < sick_chance:
            sick_left = rng.choice((0, 0, 1, 2)) if profile == "vaak_ziek" else rng.randint(0, 3)
            first = rng.choice((1, 1, 1, 3, 5))  # sometimes sent home during the day
            yield from (
                SyntheticRow(number, day, h, "Z") for h in range(first, LESSONS_PER_DAY + 1)
            )
            continue
        if profile == "maandag" and day.weekday() == 0 and rng.random() < 0.75:
            yield from (SyntheticRow(number, day, h, "O") for h in range(1, LESSONS_PER_DAY + 1))
            continue
        if profile == "spijbelaar" and rng.random() < 0.18:
            first = rng.randint(1, LESSONS_PER_DAY - 2)
            for hour in range(first, first + rng.randint(1, 3)):
                yield SyntheticRow(number, day, hour, "O")
            continue
        late_chance = 0.2 if profile == "laatkomer" else 0.015
        if rng.random() < late_chance:
            yield SyntheticRow(number, day, 1, "L" if rng.random() < 0.8 else "T")
        if rng.random() < 0.01:
            hour = rng.randint(2, LESSONS_PER_DAY)
            yield SyntheticRow(number, day, hour, rng.choice(("M", "M", "V")))
        if rng.random() < 0.004:
            yield SyntheticRow(number, day, rng.randint(1, LESSONS_PER_DAY), "U")


def generate(
    students: Iterable[str],
    calendar: SchoolCalendar,
    first: date,
    last: date,
    *,
    seed: int = 2026,
    profiles: dict[str, str] | None = None,
) -> list[SyntheticRow]:
    """Rows for every student over the school days from ``first`` to ``last``, sorted by day.

    ``profiles`` may fix the profile of some students (tests); the others are drawn.
    """
    days = calendar.school_days_between(first, last)
    rows: list[SyntheticRow] = []
    for number in students:
        rng = random.Random(f"{seed}-{number}")
        drawn = profile_of(rng)
        profile = (profiles or {}).get(number, drawn)
        rows.extend(_student_rows(number, days, rng, profile))
    rows.sort(key=lambda r: (r.day, r.leerlingnummer, r.lesson))
    return rows


def profiles_for(students: Iterable[str], *, seed: int = 2026) -> dict[str, str]:
    """The profile each student gets (as :func:`generate` draws it)."""
    return {n: profile_of(random.Random(f"{seed}-{n}")) for n in students}


def magister_csv(rows: Iterable[SyntheticRow], *, encoding: str = "cp1252") -> bytes:
    """The rows as a Magister-style export: ``;``-separated, Windows-1252, CRLF."""
    buffer = io.StringIO()
    buffer.write(MAGISTER_HEADER + "\r\n")
    for row in rows:
        buffer.write(row.magister_line() + "\r\n")
    return buffer.getvalue().encode(encoding)
