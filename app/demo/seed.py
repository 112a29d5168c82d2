"""``flask --app app seed-demo``: the demo school group, built through the app's own services."""

from __future__ import annotations

import random

from sqlalchemy import select

from app.auth.services import create_user, find_user_by_email
from app.demo.absence import seed_absence_demo
from app.demo.desk import seed_desk_demo
from app.demo.floor import seed_floor_history
from app.demo.organisation import (
    CLASSES,
    DEMO_ACCOUNTS,
    FIRST_NAMES,
    LOCATIONS,
    MENTORS,
    STUDENTS_PER_LOCATION,
    SURNAMES,
    seed_locations,
)
from app.demo.safeguarding import seed_safeguarding_demo
from app.extensions import db
from app.models import Student


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
    seed_absence_demo()  # school calendar and synthetic absence (app/demo/absence.py)
    seed_desk_demo()  # handover moments, cases, calls, this morning's entries (app/demo/desk.py)
    seed_floor_history()  # eight school weeks of floor entries, klimaatchecks (app/demo/floor.py)
    seed_safeguarding_demo()  # push keys, a Meldcode traject, an incident, two referrals
    return {"locations": len(locations), "users": created_users, "students": created_students}
