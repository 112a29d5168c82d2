"""The stored day figures (app/absence/figures.py) always equal the figures computed from the
registrations: after imports, corrections, removals, calendar and code changes and erasure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.absence.counting import day_figures
from app.absence.figures import (
    registrations_by_student,
    stored_basis_matches,
    stored_figures,
)
from app.absence.importer import import_absence
from app.absence.privacy import erase_absence
from app.absence.services import rule_settings, set_code
from app.absence.signals import evaluate_signals
from app.core.calendar_store import add_non_school_period, find_school_year, load_calendar
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AbsenceFigures, AbsenceSignal, Student, User
from tests.absence_helpers import (
    magister_csv,
    magister_day,
    magister_row,
    school_calendar,
    somtoday_csv,
)

MON = date(2026, 9, 14)
AS_OF = date(2026, 10, 2)
YEAR = (date(2026, 8, 1), date(2027, 7, 31))


def computed() -> dict[int, dict]:
    """The figures straight from the registrations, as before there was a stored copy."""
    calendar, rules = load_calendar(), rule_settings()
    per_student = registrations_by_student(None, *YEAR, active_only=False)
    result = {}
    for student_id, rows in per_student.items():
        figures = day_figures(rows, calendar, rules, first=YEAR[0], last=YEAR[1])
        if figures:
            result[student_id] = figures
    return result


def assert_stored_equals_computed() -> None:
    assert stored_basis_matches(load_calendar(), rule_settings())
    assert stored_figures(None, *YEAR, active_only=False) == computed()


@pytest.fixture
def pupils(app: Flask, make_student: Callable[..., Student]) -> list[Student]:
    school_calendar()
    return [make_student("ZS", leerlingnummer=f"40000{i}") for i in range(1, 4)]


def test_an_import_stores_the_figures_of_its_students(pupils: list[Student]) -> None:
    rows = magister_day("400001", MON) + [magister_row("400002", MON, 3, "L")]
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=AS_OF)
    db.session.commit()
    assert_stored_equals_computed()
    stored = stored_figures(None, *YEAR)
    assert stored[pupils[0].id][MON].unauthorised == 8
    assert stored[pupils[1].id][MON].late == 1
    assert pupils[2].id not in stored


def test_corrections_periods_and_removals_refresh_only_from_the_first_day(
    pupils: list[Student],
) -> None:
    earlier = magister_day("400001", MON) + magister_day("400002", MON.replace(day=15))
    import_absence(magister_csv(*earlier), "week1.csv", as_of=AS_OF)
    # A sick period over three days, a correction of Monday's hour 2 (a later sick report
    # replaces the unauthorised hour), and a truancy hour for the third pupil.
    somtoday = somtoday_csv(
        "400001,2026-09-16T08:30:00,2026-09-18T15:00:00,1,8,Absent,Z,Ziek,Ja",
        "400001,2026-09-14T09:20:00,2026-09-14T10:10:00,2,2,Absent,Z,Ziek,Ja",
        "400003,2026-09-21T08:30:00,2026-09-21T09:20:00,1,1,Absent,,Spijbelen,nee",
    )
    import_absence(somtoday, "somtoday.csv", as_of=AS_OF)
    db.session.commit()
    assert_stored_equals_computed()
    monday = stored_figures([pupils[0].id], *YEAR)[pupils[0].id][MON]
    assert (monday.unauthorised, monday.sick) == (7, 1)
    # The LVS deleted Tuesday's registrations of the second pupil: the file is the whole truth.
    replacement = magister_csv(magister_row("400002", MON.replace(day=15), 1, "O"))
    import_absence(replacement, "week1-again.csv", as_of=AS_OF, replace_period=True)
    db.session.commit()
    assert_stored_equals_computed()
    assert (
        stored_figures([pupils[1].id], *YEAR)[pupils[1].id][MON.replace(day=15)].unauthorised == 1
    )


def test_a_calendar_change_rebuilds_before_the_next_evaluation(pupils: list[Student]) -> None:
    rows = magister_day("400001", MON) + magister_day("400001", MON.replace(day=15))
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=AS_OF)
    db.session.commit()
    before = evaluate_signals(AS_OF)
    db.session.commit()
    assert any(f.rule == "16uur" for _, f in before.findings)
    year = find_school_year("2026-2027")
    assert year is not None
    # Tuesday becomes a study day: its 8 hours no longer count, so no 16 hours.
    add_non_school_period(year, "Studiedag", MON.replace(day=15), MON.replace(day=15), "studiedag")
    db.session.commit()
    assert not stored_basis_matches(load_calendar(), rule_settings())
    # Read-only users meanwhile get the figures computed, not the stale stored ones.
    after = evaluate_signals(AS_OF, store=False)
    assert not any(f.rule == "16uur" and f.active for _, f in after.findings)
    evaluate_signals(AS_OF)
    db.session.commit()
    assert_stored_equals_computed()
    signal = db.session.scalar(select(AbsenceSignal).where(AbsenceSignal.rule == "16uur"))
    assert signal is not None and not signal.active


def test_a_changed_code_meaning_rebuilds_the_figures(
    pupils: list[Student], make_user: Callable[..., User]
) -> None:
    rows = [magister_row("400001", MON, lesson, "V") for lesson in (1, 2, 3)]
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=AS_OF)
    db.session.commit()
    assert stored_figures(None, *YEAR)[pupils[0].id][MON].authorised == 3
    # The school decides that "V" was unauthorised after all.
    set_code(
        "V", "ongeoorloofd", description="Verlof (niet toegekend)", user=make_user(Role.BEHEER)
    )
    db.session.commit()
    assert not stored_basis_matches(load_calendar(), rule_settings())
    evaluate_signals(AS_OF)
    db.session.commit()
    assert_stored_equals_computed()
    assert stored_figures(None, *YEAR)[pupils[0].id][MON].unauthorised == 3


def test_erasure_and_student_deletion_remove_the_figures(pupils: list[Student]) -> None:
    rows = magister_day("400001", MON) + magister_day("400002", MON)
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=AS_OF)
    db.session.commit()
    erase_absence(pupils[0])
    db.session.delete(pupils[1])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AbsenceFigures)) == 0


# Late arrivals and sending out have registrations of their own; the rest are absence.
KIND_OF_CODE = {"L": "te_laat", "U": "uitgestuurd"}
# Registrations of one pupil over two school weeks: (weekday offset, lesson, code).
registration = st.tuples(
    st.sampled_from([0, 1, 2, 3, 4, 7, 8, 9, 10, 11]),
    st.integers(1, 8),
    st.sampled_from(["O", "Z", "L", "V", "U"]),
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(batches=st.lists(st.lists(registration, min_size=1, max_size=12), min_size=1, max_size=3))
def test_any_sequence_of_imports_keeps_stored_and_computed_equal(
    pupils: list[Student], batches: list[list[tuple[int, int, str]]]
) -> None:
    try:
        for number, batch in enumerate(batches):
            # One row per registration key (day, lesson, kind): a file may not contradict itself.
            unique = {(o, lesson, KIND_OF_CODE.get(code)): code for o, lesson, code in batch}
            rows = [
                magister_row("400001", date.fromordinal(MON.toordinal() + offset), lesson, code)
                for (offset, lesson, _kind), code in unique.items()
            ]
            # Later batches correct earlier ones (same lesson hour, another reason).
            import_absence(magister_csv(*rows), f"batch{number}.csv", as_of=AS_OF)
        db.session.commit()
        assert_stored_equals_computed()
    finally:
        erase_absence(pupils[0])
        db.session.commit()
