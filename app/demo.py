"""Demo data: six locations with zones and breaks, one user per role, ~300 fictitious students.

Everything here is made up. The same seed always gives the same students.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import time

from sqlalchemy import select

from app.absence.demo import seed_absence_demo
from app.auth.services import create_user, find_user_by_email
from app.core.vocabulary import Role
from app.desk.demo import seed_desk_demo
from app.extensions import db
from app.floor.demo import seed_floor_history
from app.models import BreakTime, Location, Student, Zone

LOCATIONS: list[tuple[str, str]] = [
    ("HK", "Locatie HK"),
    ("ZS", "Locatie ZS"),
    ("GL", "Locatie GL"),
    ("CS", "Locatie CS"),
    ("VM", "Locatie VM"),
    ("Wind", "Locatie Wind"),
]

DEFAULT_ZONES = [
    "aula",
    "gang",
    "kantine",
    "schoolplein",
    "entree",
    "trappenhuis",
    "fietsenstalling",
    "nablijfklas",
    "buiten school / wijk",
    "huisbezoek",
    "telefonisch",
]

DEFAULT_BREAKS = [
    ("kleine pauze", time(10, 0), time(10, 15)),
    ("grote pauze", time(12, 0), time(12, 30)),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    locations: tuple[str, ...]
    password: str


# Documented in README.md; the demo refuses to run with the production config.
DEMO_ACCOUNTS = [
    DemoAccount(
        "medewerker@demo.schoolfit.nl",
        "Samira Bakker",
        Role.MEDEWERKER,
        ("ZS", "HK"),
        "fietsenstalling-2026",
    ),
    DemoAccount(
        "teamleider@demo.schoolfit.nl",
        "Peter de Vries",
        Role.TEAMLEIDER,
        ("ZS",),
        "dagoverzicht-om-14uur",
    ),
    DemoAccount(
        "copa@demo.schoolfit.nl", "Anouk Jansen", Role.COPA, ("ZS",), "zorgteam-overleg-2026"
    ),
    DemoAccount(
        "locatieleider@demo.schoolfit.nl",
        "Mohamed El Amrani",
        Role.LOCATIELEIDER,
        ("ZS",),
        "rapportage-per-locatie",
    ),
    DemoAccount(
        "beheer@demo.schoolfit.nl",
        "Ingrid Visser",
        Role.BEHEER,
        tuple(code for code, _ in LOCATIONS),
        "sleutelbos-op-kantoor",
    ),
]

FIRST_NAMES = [
    "Lotte",
    "Amir",
    "Jesse",
    "Ilse",
    "Noah",
    "Emma",
    "Mohamed",
    "Sara",
    "Daan",
    "Julia",
    "Yusuf",
    "Fenna",
    "Liam",
    "Nora",
    "Sem",
    "Aya",
    "Finn",
    "Lina",
    "Milan",
    "Zoë",
    "Adam",
    "Eva",
    "Luuk",
    "Hiba",
    "Thijs",
    "Saar",
    "Bilal",
    "Roos",
    "Levi",
    "Imane",
    "Jayden",
    "Tess",
    "Rayan",
    "Mila",
    "Stijn",
    "Yara",
    "Ilias",
    "Lieke",
    "Kenji",
    "Sanne",
    "Dewi",
    "Ryan",
    "Femke",
    "Omar",
    "Britt",
    "Ayoub",
    "Maud",
    "Kofi",
    "Esra",
    "Bram",
]
SURNAMES = [
    ("", "de Jong"),
    ("", "Jansen"),
    ("van", "Dijk"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("", "Dijkstra"),
    ("", "Smits"),
    ("", "Yilmaz"),
    ("", "El Idrissi"),
    ("", "Haddou"),
    ("", "Öztürk"),
    ("", "Ramdin"),
    ("", "Mohan"),
    ("", "Nguyen"),
    ("", "Kaya"),
    ("", "Benali"),
    ("", "Sardjoe"),
    ("van der", "Berg"),
    ("van den", "Heuvel"),
    ("", "Koster"),
    ("", "Willems"),
    ("", "Prins"),
]
CLASSES = ["1A", "1B", "2A", "2B", "3A", "3B", "4A", "4B"]
MENTORS = ["ABC", "DEF", "GHK", "JLM", "NPR", "STV", "WXZ", "KLB"]
STUDENTS_PER_LOCATION = 50


def seed_locations() -> dict[str, Location]:
    """The six locations with default zones and breaks (existing ones are left alone)."""
    existing = {loc.code: loc for loc in db.session.scalars(select(Location))}
    for code, name in LOCATIONS:
        if code in existing:
            continue
        location = Location(code=code, name=name, wants_mixed_pairs=code == "ZS")
        location.zones = [
            Zone(name=zone, position=i, active=True) for i, zone in enumerate(DEFAULT_ZONES)
        ]
        location.break_times = [
            BreakTime(label=label, starts_at=start, ends_at=end)
            for label, start, end in DEFAULT_BREAKS
        ]
        db.session.add(location)
        existing[code] = location
    db.session.flush()
    return existing


def seed_demo(*, seed: int = 2026) -> dict[str, int]:
    """Build the demo school group. Idempotent: what exists already is kept."""
    locations = seed_locations()
    created_users = 0
    for account in DEMO_ACCOUNTS:
        if find_user_by_email(account.email) is not None:
            continue
        create_user(
            email=account.email,
            name=account.name,
            role=account.role,
            locations=[locations[code] for code in account.locations],
            password=account.password,
        )
        created_users += 1

    rng = random.Random(seed)
    existing_numbers = set(db.session.scalars(select(Student.leerlingnummer)))
    created_students = 0
    number = 100200
    for code, _name in LOCATIONS:
        for _ in range(STUDENTS_PER_LOCATION):
            number += 1
            if str(number) in existing_numbers:
                continue
            tussenvoegsel, last_name = rng.choice(SURNAMES)
            class_index = rng.randrange(len(CLASSES))
            db.session.add(
                Student(
                    leerlingnummer=str(number),
                    first_name=rng.choice(FIRST_NAMES),
                    tussenvoegsel=tussenvoegsel,
                    last_name=last_name,
                    class_name=CLASSES[class_index],
                    mentor=MENTORS[class_index],
                    location_id=locations[code].id,
                    active=True,
                )
            )
            created_students += 1
    db.session.flush()
    seed_absence_demo()  # school calendar and synthetic absence (app/absence/demo.py)
    seed_desk_demo()  # handover moments, cases, calls, this morning's entries (app/desk/demo.py)
    seed_floor_history()  # eight school weeks of floor entries, klimaatchecks (app/floor/demo.py)
    return {"locations": len(locations), "users": created_users, "students": created_students}
