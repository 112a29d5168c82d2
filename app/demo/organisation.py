"""Demo data: six locations with zones and breaks, one user per role, ~300 fictitious students.

Everything here is made up. The same seed always gives the same students.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from sqlalchemy import select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import BreakTime, Location, Zone

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
# Zones for desk work (a home visit, a phone call): the desk offers them, the floor does not.
DESK_ONLY_ZONES = ("huisbezoek", "telefonisch")

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
    DemoAccount(
        "aandachtsfunctionaris@demo.schoolfit.nl",
        "Karin Bosman",
        Role.AANDACHTSFUNCTIONARIS,
        ("ZS", "HK"),
        "meldcode-stap-voor-stap",
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
            Zone(name=zone, position=i, active=True, on_floor=zone not in DESK_ONLY_ZONES)
            for i, zone in enumerate(DEFAULT_ZONES)
        ]
        location.break_times = [
            BreakTime(label=label, starts_at=start, ends_at=end)
            for label, start, end in DEFAULT_BREAKS
        ]
        db.session.add(location)
        existing[code] = location
    db.session.flush()
    return existing
