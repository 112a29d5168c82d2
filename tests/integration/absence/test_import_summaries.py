"""What an absence import says when done: scoped to the students it evaluated, with plurals,
in the reader's language (the upload page's message, the inbox's report)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_babel import force_locale

from app.absence.importer import import_absence
from app.extensions import db
from app.models import Student
from tests.absence_helpers import magister_csv, magister_day, magister_row, school_calendar

MON = date(2026, 9, 14)
AS_OF = date(2026, 9, 18)


@pytest.fixture
def students(app: Flask, make_student: Callable[..., Student]) -> list[Student]:
    school_calendar()
    return [make_student("ZS", leerlingnummer=n) for n in ("100231", "100232")]


def first_import() -> None:
    """Lotte sick all week: everybody's figures built, one signal or none (full evaluation)."""
    rows = [r for day in range(5) for r in magister_day("100231", MON + timedelta(days=day), "O")]
    import_absence(magister_csv(*rows), "week.csv", as_of=AS_OF)
    db.session.commit()


def test_an_import_that_changes_nobody_says_so_rather_than_an_empty_list(
    students: list[Student],
) -> None:
    first_import()
    again = magister_csv(*magister_day("100231", MON, "O"))  # stored already
    text = import_absence(again, "maandag.csv", as_of=AS_OF).summary()
    assert "1 regel: 0 nieuw, 0 gecorrigeerd, 1 ongewijzigd" not in text  # a day is 8 rows
    assert "8 regels: 0 nieuw, 0 gecorrigeerd, 8 ongewijzigd" in text
    assert "bij geen enkele leerling veranderden de dagcijfers" in text
    assert "op de lijst" not in text


def test_an_import_names_how_many_students_it_evaluated(students: list[Student]) -> None:
    first_import()
    one = magister_csv(magister_row("100232", MON, 1, "O"))
    text = import_absence(one, "amir.csv", as_of=AS_OF).summary()
    assert text.startswith("1 regel: 1 nieuw, 0 gecorrigeerd, 0 ongewijzigd")
    assert "signalen per 18-09-2026 van de 1 leerling met gewijzigde dagcijfers: " in text
    both = magister_csv(magister_row("100232", MON, 2, "O"), magister_row("100231", MON, 1, "Z"))
    text = import_absence(both, "twee.csv", as_of=AS_OF).summary()
    assert "1 gecorrigeerd" in text  # Lotte's first lesson: now sick
    assert "van de 2 leerlingen met gewijzigde dagcijfers" in text


def test_the_summary_reads_in_english(students: list[Student]) -> None:
    first_import()
    rows = [
        magister_row("100232", MON, 1, "O"),
        magister_row("100232", MON, 1, "O"),  # a duplicate
        magister_row("999999", MON, 1, "O"),  # an unknown student, skipped on request
        magister_row("100232", AS_OF + timedelta(days=3), 1, "O"),  # after today
    ]
    result = import_absence(magister_csv(*rows), "en.csv", as_of=AS_OF, skip_unknown_students=True)
    with force_locale("en"):
        text = result.summary()
    assert text.startswith("4 rows: 2 new, 0 corrected, 0 unchanged"), text
    for english in (
        "period 14-09-2026 to 21-09-2026",
        "1 duplicate row counted once",
        "1 row of 1 unknown student skipped: 999999",
        "note: 1 registration lies after today (on 21-09-2026)",
        "signals as of 18-09-2026 of the 1 student whose day figures changed",
    ):
        assert english in text, text
    for dutch in ("regel", "nieuw", "signalen", "leerling", "periode", "t/m", "let op"):
        assert dutch not in text, (dutch, text)
