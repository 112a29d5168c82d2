"""The absence import's bulk path (issue 24): rows checked column-wise, staged and written by
one set-based upsert. A bad row anywhere in a large file stores nothing and is named by its
line; the same file twice changes nothing; the day figures computed from the parsed rows (for
students without figures from the file's first day on) equal those computed from the stored
registrations, also where the order of two registrations of one lesson decides. When nothing
stored can clash with a file (a first import, a file of new days) its registrations are inserted
without the upsert's arbitration, ids in the file's order, and a first import's figures come from
the parsed rows: the same stored rows, counts and figures as the upsert's, also for files sent
again or corrected after."""

from __future__ import annotations

import gc
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

import app.absence.import_storage as import_storage
from app.absence.importer import AbsenceImportRejected, import_absence
from app.extensions import db
from app.models import (
    AbsenceFigures,
    AbsenceImport,
    AbsenceRecord,
    Student,
)
from tests.absence_helpers import CODES as MEANINGS
from tests.absence_helpers import magister_csv, magister_row
from tests.absence_import_helpers import (
    AS_OF,
    CODES,
    MON,
    assert_figures_equal_a_rebuild,
    clear,
    day_rows,
    figures,
    school_days,
    stored_rows,
)


def year_rows(pupils: list[Student], days: int = 30) -> list[str]:
    """A lesson a row: every pupil, every lesson of ``days`` school days (2,880 rows)."""
    return [
        magister_row(pupil.leerlingnummer, day, lesson, CODES[(n + lesson + d) % len(CODES)])
        for d, day in enumerate(school_days(days))
        for n, pupil in enumerate(pupils)
        for lesson in range(1, 9)
    ]


def whole_day(number: str, day: date, code: str = "Z") -> str:
    return f"{number};{day:%d-%m-%Y};;;{code};Ziek;Ja;3"


def test_a_bad_row_in_the_middle_of_a_large_file_stores_nothing(pupils: list[Student]) -> None:
    rows = year_rows(pupils)
    middle = len(rows) // 2
    rows[middle] = rows[middle].replace(rows[middle].split(";")[1][:10], "31-09-2026")
    rows[middle + 500] = "999999" + rows[middle + 500][6:]
    rows.insert(10, "")  # a blank line: skipped, the lines after it keep their file number
    with pytest.raises(AbsenceImportRejected) as caught:
        import_absence(magister_csv(*rows), "jaar.csv", as_of=AS_OF)
    message = caught.value.message
    # Header on line 1, the blank line on 12: row i (from 0) after it is on line i + 2.
    assert f"Regel {middle + 3}: begin: '31-09-2026" in message, message
    assert f"Regel {middle + 503}: onbekende leerlingnummers (1): 999999" in message, message
    assert caught.value.total_rows == len(rows) - 1
    db.session.rollback()
    assert db.session.scalar(select(func.count(AbsenceRecord.id))) == 0
    assert db.session.scalar(select(func.count(AbsenceImport.id))) == 0
    assert db.session.scalar(select(func.count(AbsenceFigures.student_id))) == 0
    assert gc.isenabled()  # paused while reading and checking, never left off


def test_the_same_file_twice_changes_nothing(pupils: list[Student]) -> None:
    data = magister_csv(*year_rows(pupils))
    first = import_absence(data, "jaar.csv", as_of=AS_OF)
    db.session.commit()
    assert (first.inserted, first.updated, first.unchanged) == (2880, 0, 0)
    stored = db.session.execute(
        select(AbsenceRecord.id, AbsenceRecord.import_id, AbsenceRecord.imported_at).order_by(
            AbsenceRecord.id
        )
    ).all()
    before = figures()
    again = import_absence(data, "jaar.csv", as_of=AS_OF)
    db.session.commit()
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2880)
    assert again.changed_student_ids == set()
    log = db.session.scalars(select(AbsenceImport).order_by(AbsenceImport.id.desc())).first()
    assert log is not None and (log.inserted, log.updated, log.unchanged) == (0, 0, 2880)
    after = db.session.execute(
        select(AbsenceRecord.id, AbsenceRecord.import_id, AbsenceRecord.imported_at).order_by(
            AbsenceRecord.id
        )
    ).all()
    assert after == stored  # not rewritten: the same import, the same time
    assert figures() == before

    # One correction among the same rows: one updated, its student alone changed.
    rows = year_rows(pupils)
    assert rows[5] == magister_row(pupils[0].leerlingnummer, MON, 6, "Z")
    rows[5] = magister_row(pupils[0].leerlingnummer, MON, 6, "O")
    corrected = import_absence(magister_csv(*rows), "jaar.csv", as_of=AS_OF)
    db.session.commit()
    assert (corrected.inserted, corrected.updated, corrected.unchanged) == (0, 1, 2879)
    assert corrected.changed_student_ids == {pupils[0].id}
    assert_figures_equal_a_rebuild()
    # Only the description differs: a correction too (the figures stay as they are).
    rows[5] = rows[5].replace(";Ongeoorloofd;", ";Spijbelen;")
    described = import_absence(magister_csv(*rows), "jaar.csv", as_of=AS_OF)
    assert (described.inserted, described.updated, described.unchanged) == (0, 1, 2879)
    assert described.changed_student_ids == set()


def test_equal_rows_are_duplicates_even_when_written_differently(pupils: list[Student]) -> None:
    row = magister_row("500000", MON, 3, "O")
    written_otherwise = row.replace(";3;O;", ";03;o;")  # lesson 03, code in lower case
    result = import_absence(magister_csv(row, written_otherwise), "a.csv", as_of=AS_OF)
    assert (result.inserted, result.duplicates) == (1, 1)


def test_figures_from_the_parsed_rows_follow_the_file_order(pupils: list[Student]) -> None:
    # Another pupil's import first: the stored figures have their basis, so the next import
    # refreshes (a first import rebuilds everything from the stored registrations).
    import_absence(magister_csv(magister_row(pupils[5].leerlingnummer, MON, 1)), "0.csv")
    first, second = pupils[0].leerlingnummer, pupils[1].leerlingnummer
    lessons_then_day = [magister_row(first, MON, lesson, "O") for lesson in (1, 2, 3)]
    lessons_then_day.append(whole_day(first, MON))
    day_then_lessons = [whole_day(second, MON)]
    day_then_lessons += [magister_row(second, MON, lesson, "O") for lesson in (1, 2, 3)]
    import_absence(magister_csv(*lessons_then_day, *day_then_lessons), "a.csv", as_of=AS_OF)
    db.session.commit()
    stored = figures()
    # The later registration of a lesson counts: the whole day for the first pupil, the three
    # lessons for the second.
    assert stored[pupils[0].id][MON].unauthorised == 0
    assert stored[pupils[1].id][MON].unauthorised == 3
    assert_figures_equal_a_rebuild()

    # A correction (the figures are read back) and new days after stored ones (from the rows).
    tuesday = date(2026, 9, 15)
    later = [magister_row(first, MON, 2, "V")]  # corrects lesson 2 of the first pupil
    later += [magister_row(second, tuesday, lesson, "O") for lesson in (4, 5)]
    later.append(whole_day(second, tuesday))
    result = import_absence(magister_csv(*later), "b.csv", as_of=AS_OF)
    db.session.commit()
    assert (result.inserted, result.updated) == (3, 1)
    assert figures()[pupils[1].id][tuesday].unauthorised == 0
    assert_figures_equal_a_rebuild()


def test_replace_period_in_the_bulk_path(pupils: list[Student]) -> None:
    rows = year_rows(pupils, days=5)
    import_absence(magister_csv(*rows), "a.csv", as_of=AS_OF)
    db.session.commit()
    kept = [row for n, row in enumerate(rows) if n % 7]  # every seventh deleted in the LVS
    result = import_absence(magister_csv(*kept), "a.csv", as_of=AS_OF, replace_period=True)
    db.session.commit()
    assert (result.removed, result.unchanged) == (len(rows) - len(kept), len(kept))
    assert db.session.scalar(select(func.count(AbsenceRecord.id))) == len(kept)
    assert_figures_equal_a_rebuild()


def corrected(rows: list[str], count: int) -> list[str]:
    """The first ``count`` rows coded O or V the other way round (unauthorised <-> leave: the
    same registration, corrected)."""
    result = list(rows)
    for index, row in enumerate(rows):
        fields = row.split(";")
        if count and fields[4] in ("O", "V"):
            code = "V" if fields[4] == "O" else "O"
            fields[4:8] = [code, *map(str, MEANINGS[code])]
            result[index] = ";".join(fields)
            count -= 1
    return result


def imported(rows: list[str], name: str = "jaar.csv") -> tuple[Any, ...]:
    result = import_absence(magister_csv(*rows), name, as_of=AS_OF)
    db.session.commit()
    changed = result.changed_student_ids
    return result.inserted, result.updated, result.unchanged, changed


def plain_inserts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the plain inserts (one a call of the import that took them)."""
    calls: list[int] = []
    original = import_storage._insert_staged

    def counted(*args: Any) -> Any:
        calls.append(1)
        return original(*args)

    monkeypatch.setattr(import_storage, "_insert_staged", counted)
    return calls


def always_upsert(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_storage, "_may_clash", lambda *_args: True)


def test_a_first_import_stores_what_the_upsert_stores(
    pupils: list[Student], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = day_rows(pupils, school_days(4))
    outcomes = []
    for upsert in (False, True):
        clear()
        if upsert:
            always_upsert(monkeypatch)
        inserts = plain_inserts(monkeypatch)
        counts = imported(rows)
        assert len(inserts) == (0 if upsert else 1)
        # No basis yet: the figures are rebuilt (from the parsed rows, or read back).
        assert counts == (len(rows), 0, 0, None)
        outcomes.append((stored_rows(), figures()))
        assert_figures_equal_a_rebuild()
        monkeypatch.undo()
    assert outcomes[0] == outcomes[1]
    # Lesson 5 was unauthorised; the whole day (sick) came after it.
    assert outcomes[0][1][pupils[0].id][MON].unauthorised == 0


def test_a_file_sent_again_or_corrected_after_a_first_import(
    pupils: list[Student], monkeypatch: pytest.MonkeyPatch
) -> None:
    days = school_days(5)
    first = day_rows(pupils, days[:3])
    later = corrected(first, 2) + day_rows(pupils[2:], days[3:])
    outcomes = []
    for upsert in (False, True):
        clear()
        if upsert:
            always_upsert(monkeypatch)
        counts = [imported(first), imported(first, "again.csv"), imported(later, "later.csv")]
        outcomes.append((counts, stored_rows(), figures()))
        assert_figures_equal_a_rebuild()
        monkeypatch.undo()
    assert outcomes[0] == outcomes[1]
    counts = outcomes[0][0]
    assert counts[1] == (0, 0, len(first), set())
    assert counts[2][:3] == (len(later) - len(first), 2, len(first) - 2)


def test_a_file_of_new_days_is_inserted_after_the_stored_registrations(
    pupils: list[Student], monkeypatch: pytest.MonkeyPatch
) -> None:
    days = school_days(6)
    imported(day_rows(pupils, days[:3]))
    highest = db.session.scalar(select(func.max(AbsenceRecord.id)))
    inserts = plain_inserts(monkeypatch)
    new_days = day_rows(pupils[::-1], days[3:])  # another order of the pupils than before
    counts = imported(new_days, "nieuw.csv")
    assert len(inserts) == 1
    assert counts[:3] == (len(new_days), 0, 0)
    assert counts[3] == {pupil.id for pupil in pupils}
    keys = db.session.execute(
        select(AbsenceRecord.id, AbsenceRecord.student_id, AbsenceRecord.day, AbsenceRecord.slot)
        .where(AbsenceRecord.day >= days[3])
        .order_by(AbsenceRecord.id)
    ).all()
    assert keys[0].id > highest
    numbers = {pupil.leerlingnummer: pupil.id for pupil in pupils}
    expected = []
    for row in new_days:
        number, begin, _end, lesson = row.split(";")[:4]
        day = date(int(begin[6:10]), int(begin[3:5]), int(begin[:2]))
        expected.append((numbers[number], day, f"L{lesson}" if lesson else "dag"))
    assert [(key.student_id, key.day, key.slot) for key in keys] == expected
    assert figures()[pupils[-1].id][days[3]].unauthorised == 0  # the whole day came last
    assert_figures_equal_a_rebuild()

    # A correction and a new registration among stored days: the upsert; the new one's id is
    # above the plain insert's (PostgreSQL: its sequence was moved past them).
    last = max(key.id for key in keys)
    again = [row for row, was in zip(corrected(new_days, 1), new_days, strict=True) if row != was]
    again.append(magister_row(pupils[0].leerlingnummer, days[4], 8, "O"))
    assert imported(again, "erbij.csv")[:2] == (1, 1)
    assert len(inserts) == 1
    newest = db.session.scalar(select(func.max(AbsenceRecord.id)))
    assert newest > last
    assert db.session.get(AbsenceRecord, newest).slot == "L8"
    assert_figures_equal_a_rebuild()
