"""The import inbox (``flask --app app import-inbox DIR``) on a folder of mixed exports: what it
imports and in which order, what it leaves for later, where each file goes with which report,
the signals evaluated once, the exit status, and a file dropped again."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

import app.inbox.services as inbox_services
from app.core.vocabulary import ImportKind, ImportOrigin, ImportStatus
from app.extensions import db
from app.models import AbsenceImport, AbsenceSignal, Location, Student
from tests.absence_helpers import magister_csv, magister_day, magister_row
from tests.db_helpers import count
from tests.inbox_helpers import (
    AS_OF,
    history,
    names,
    put,
    report,
    run,
    somtoday_absence_xlsx,
    somtoday_students,
    students_xlsx,
)
from tests.student_import_helpers import count_students

MON = date(2026, 9, 14)
STUDENTS_CSV = somtoday_students(
    "100231,Lotte,,de Groot,2B,ZS,ABC",
    "100232,Amir,,Haddou,2B,ZS,ABC",
    "100233,Jesse,van,Dijk,3A,ZS,DEF",
    "100234,Ilse,,Smit,3A,ZS,DEF",
    "100235,Rayan,,Benali,1D,GL,GHI",
)
STUDENTS_XLSX = students_xlsx(
    ("100240", "Noor", "", "Bakker", "1A", "HK", "XYZ"),
    ("100241", "Sem", "de", "Vries", "1A", "HK", "XYZ"),
    ("100242", "Yara", "", "Janssen", "2C", "HK", "XYZ"),
)
# Three school days of unauthorised absence, eight hours each: a 16-hour signal.
ABSENCE_CSV = magister_csv(
    *magister_day("100231", MON),
    *magister_day("100231", MON + timedelta(days=1)),
    *magister_day("100231", MON + timedelta(days=2)),
)
ABSENCE_XLSX = somtoday_absence_xlsx(
    (
        "100240",
        "2026-09-15T08:30:00",
        "2026-09-15T10:10:00",
        "1",
        "2",
        "Absent",
        "",
        "Spijbelen",
        "false",
    )
)
BAD_ABSENCE = magister_csv(
    magister_row("100232", MON, 1),
    "100232;31-09-2026 08:30;31-09-2026 09:20;1;O;Ongeoorloofd;Nee;1",
    "100233;14-09-2026 09:20;14-09-2026 10:10;2;QQ;Raar;Nee;1",
)
UNKNOWN = b"naam;adres\r\nJan;Dorpsstraat 1\r\n"


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[set[int] | None]:
    """The students of every signal evaluation the inbox starts (None: everybody)."""
    calls: list[set[int] | None] = []
    evaluate = inbox_services.evaluate_signals

    def counted(as_of: date | None = None, **kwargs: Any) -> Any:
        ids = kwargs["student_ids"]
        calls.append(None if ids is None else set(ids))
        return evaluate(as_of, **kwargs)

    monkeypatch.setattr(inbox_services, "evaluate_signals", counted)
    return calls


def student_id(number: str) -> int:
    found = db.session.scalar(select(Student.id).where(Student.leerlingnummer == number))
    assert found is not None, number
    return found


def test_a_folder_of_mixed_exports(
    drop: Path, school: dict[str, Location], evaluations: list[set[int] | None]
) -> None:
    put(drop, "verzuim-magister.csv", ABSENCE_CSV, age=0)  # the oldest file, but absence
    put(drop, "leerlingen.xlsx", STUDENTS_XLSX, age=10)
    put(drop, "verzuim-somtoday.xlsx", ABSENCE_XLSX, age=20)
    put(drop, "kopie van verzuim.csv", ABSENCE_CSV, age=30)  # the same content once more
    put(drop, "fouten.csv", BAD_ABSENCE, age=40)
    put(drop, "leerlingen.csv", STUDENTS_CSV, age=50)
    put(drop, "onbekend.csv", UNKNOWN, age=60)
    put(drop, "leeg.csv", b"", age=70)
    half = put(drop, "half.csv", magister_csv(magister_row("100232", MON, 3)), age=80)
    (drop / "export.csv.part").write_bytes(magister_csv(magister_row("100233", MON, 4)))
    (drop / ".verborgen.csv").write_bytes(ABSENCE_CSV)

    def writer_still_busy() -> None:  # between the two looks the writer adds to half.csv
        with half.open("ab") as handle:
            handle.write(magister_row("100232", MON, 4).encode() + b"\r\n")

    lines: list[str] = []
    summary = run(drop, pause=writer_still_busy, echo=lines.append)

    assert summary.failed
    # Students before absence, each kind the oldest first; every file recorded once.
    assert [(r.filename, r.kind, r.status, r.rows) for r in history()] == [
        ("leerlingen.xlsx", ImportKind.LEERLINGEN, ImportStatus.GELUKT, 3),
        ("leerlingen.csv", ImportKind.LEERLINGEN, ImportStatus.GELUKT, 5),
        ("verzuim-magister.csv", ImportKind.VERZUIM, ImportStatus.GELUKT, 24),
        ("verzuim-somtoday.xlsx", ImportKind.VERZUIM, ImportStatus.GELUKT, 1),
        ("kopie van verzuim.csv", ImportKind.VERZUIM, ImportStatus.OVERGESLAGEN, 24),
        ("fouten.csv", ImportKind.VERZUIM, ImportStatus.MISLUKT, 3),
        ("onbekend.csv", ImportKind.ONBEKEND, ImportStatus.MISLUKT, None),
        ("leeg.csv", ImportKind.ONBEKEND, ImportStatus.MISLUKT, None),
    ]
    assert {r.origin for r in history()} == {ImportOrigin.INBOX}
    assert count_students(active=True) == 8
    assert count(AbsenceImport) == 2  # the copy was not imported again
    # What is still being written stays; hidden files are never touched.
    assert names(drop) == [".verborgen.csv", "export.csv.part", "half.csv"]
    assert "half.csv: later: wordt nog geschreven (grootte of tijd veranderde)" in lines
    assert "export.csv.part: later: tijdelijke naam: wordt nog geschreven" in lines
    imported = [
        "kopie van verzuim.csv",
        "leerlingen.csv",
        "leerlingen.xlsx",
        "verzuim-magister.csv",
        "verzuim-somtoday.xlsx",
    ]
    assert names(drop / "verwerkt") == sorted(
        [*imported, *(f"{name}.verslag.txt" for name in imported)]
    )
    failed = ["fouten.csv", "leeg.csv", "onbekend.csv"]
    assert names(drop / "fout") == sorted([*failed, *(f"{name}.verslag.txt" for name in failed)])
    assert (drop / "verwerkt" / "leerlingen.xlsx").read_bytes() == STUDENTS_XLSX

    # The signals: evaluated once, after both absence files. The first absence import built
    # the stored day figures (there were none), so anybody's may have changed: everybody's
    # signals are evaluated, as import_absence does (the next test: only the changed students).
    assert evaluations == [None]
    signal = db.session.scalar(
        select(AbsenceSignal).where(AbsenceSignal.student_id == student_id("100231"))
    )
    assert signal is not None and signal.rule == "16uur" and signal.active

    students = report(drop, "verwerkt/leerlingen.csv")
    for expected in (
        "Bestand:    leerlingen.csv",
        "Soort:      leerlingen",
        "Regels:     5",
        "Resultaat:  geïmporteerd",
        "leerlingen.csv (volledig; GL, ZS): 5 nieuw",
        "Import klaar (GL, ZS): 5 nieuw, 0 bijgewerkt",
        "door test@inbox",
        "worden na 14 dagen verwijderd",
    ):
        assert expected in students, expected
    absence = report(drop, "verwerkt/verzuim-magister.csv")
    assert "Soort:      verzuim" in absence and "24 regels: 24 nieuw" in absence
    assert "Signalen (eenmaal berekend, na alle verzuimbestanden van deze ronde): signalen " in (
        absence
    )
    assert (
        "signalen per 18-09-2026: 1 op de lijst "
        "(1 lopend, 0 beëindigd en nog niet afgehandeld), waarvan 1 nieuw" in absence
    )
    copy = report(drop, "verwerkt/kopie van verzuim.csv")
    assert "Resultaat:  overgeslagen (al geïmporteerd)" in copy
    assert "Niet opnieuw geïmporteerd: dezelfde inhoud is al geïmporteerd op " in copy
    assert "(bestand verzuim-magister.csv)" in copy
    bad = report(drop, "fout/fouten.csv")
    for expected in (
        "Resultaat:  niet geïmporteerd",
        "Niets geïmporteerd: 2 fout(en) in 3 regels.",
        "begin: '31-09-2026 08:30' is geen bestaande datum",
        "onbekende verzuimcode 'QQ'",
        "Wat nu? Er is niets geïmporteerd.",
    ):
        assert expected in bad, expected
    assert "Gevonden kolommen: naam; adres." in report(drop, "fout/onbekend.csv")
    assert "Het bestand is leeg." in report(drop, "fout/leeg.csv")

    # The next run: the writer finished, an old export is dropped again under a new name.
    (drop / "export.csv.part").rename(drop / "export.csv")
    put(drop, "leerlingen (1).csv", STUDENTS_CSV, age=90)
    second = run(drop)
    assert not second.failed
    assert [(r.filename, r.status) for r in history()[8:]] == [
        ("leerlingen (1).csv", ImportStatus.OVERGESLAGEN),
        ("export.csv", ImportStatus.GELUKT),
        ("half.csv", ImportStatus.GELUKT),  # the newest: the writer added to it last
    ]
    assert names(drop) == [".verborgen.csv"]
    assert history()[-1].rows == 2  # half.csv as it was when complete


def test_only_the_students_whose_figures_changed_are_evaluated(
    drop: Path, school: dict[str, Location], evaluations: list[set[int] | None]
) -> None:
    put(drop, "leerlingen.csv", STUDENTS_CSV, age=0)
    put(drop, "verzuim.csv", ABSENCE_CSV, age=10)
    run(drop)
    assert evaluations == [None]  # the first absence import builds everybody's figures
    amir = student_id("100232")

    # Lotte's Monday again (unchanged) and a new day for Amir, in two files of one round:
    # evaluated once, for Amir only.
    put(drop, "maandag.csv", magister_csv(*magister_day("100231", MON)), age=0)
    put(drop, "amir.csv", magister_csv(*magister_day("100232", MON + timedelta(days=3))), age=10)
    assert not run(drop).failed
    assert evaluations[1:] == [{amir}]

    # Only rows already stored (Lotte's Wednesday): imported, nobody's figures changed, nobody
    # evaluated; the report still says what the list shows of the evaluated students.
    put(drop, "woensdag.csv", magister_csv(*magister_day("100231", MON + timedelta(days=2))))
    assert not run(drop).failed
    assert evaluations[2:] == [set()]
    assert (
        "signalen per 18-09-2026: bij geen enkele leerling veranderden de dagcijfers, de "
        "signalenlijst blijft zoals hij was" in report(drop, "verwerkt/woensdag.csv")
    )
    assert "0 op de lijst" not in report(drop, "verwerkt/woensdag.csv")
    # What an incremental evaluation stored is what a full one finds.
    signals = db.session.scalars(select(AbsenceSignal).order_by(AbsenceSignal.id)).all()
    stored = [(s.student_id, s.rule, s.window_start, s.window_end, s.active) for s in signals]
    db.session.expire_all()
    inbox_services.evaluate(None, AS_OF)
    again = db.session.scalars(select(AbsenceSignal).order_by(AbsenceSignal.id)).all()
    assert [(s.student_id, s.rule, s.window_start, s.window_end, s.active) for s in again] == (
        stored
    )


def test_the_command_exits_with_1_when_a_file_failed(
    runner: FlaskCliRunner, drop: Path, school: dict[str, Location]
) -> None:
    put(drop, "leerlingen.csv", STUDENTS_CSV)
    put(drop, "onbekend.csv", UNKNOWN)
    result = runner.invoke(args=["import-inbox", str(drop), "--wait", "0"])
    assert result.exit_code == 1, result.output
    assert "leerlingen.csv: geïmporteerd: leerlingen, 5 regels;" in result.output
    assert "onbekend.csv: niet geïmporteerd: onbekend; Onbekend soort bestand" in result.output
    assert "Inbox: 1 geïmporteerd, 1 niet geïmporteerd." in result.output

    put(drop, "verzuim.csv", ABSENCE_CSV)
    result = runner.invoke(args=["import-inbox", str(drop), "--wait", "0"])
    assert result.exit_code == 0, result.output
    assert "Signalen: signalen per " in result.output
    assert "Inbox: 1 geïmporteerd." in result.output

    result = runner.invoke(args=["import-inbox", str(drop), "--wait", "0"])
    assert (result.exit_code, result.output) == (0, "Inbox: geen nieuwe bestanden.\n")


def test_a_failed_file_is_tried_again_when_it_is_dropped_again(
    drop: Path, school: dict[str, Location]
) -> None:
    """An absence export that came before its students fails; dropped again with the student
    export, it goes in (students first)."""
    late = magister_csv(*magister_day("100250", MON))
    put(drop, "verzuim.csv", late)
    assert run(drop).failed
    assert "onbekende leerlingnummers (1): 100250" in report(drop, "fout/verzuim.csv")

    put(drop, "verzuim.csv", late, age=1)
    put(drop, "leerlingen.csv", somtoday_students("100250,Mees,,Kok,1B,VM,KLM"), age=2)
    assert not run(drop).failed
    assert [(r.filename, r.status) for r in history()] == [
        ("verzuim.csv", ImportStatus.MISLUKT),
        ("leerlingen.csv", ImportStatus.GELUKT),
        ("verzuim.csv", ImportStatus.GELUKT),
    ]
    # A second file of the same name never overwrites the first.
    assert names(drop / "fout") == ["verzuim.csv", "verzuim.csv.verslag.txt"]
    assert names(drop / "verwerkt") == [
        "leerlingen.csv",
        "leerlingen.csv.verslag.txt",
        "verzuim.csv",
        "verzuim.csv.verslag.txt",
    ]


def test_a_student_export_that_would_deactivate_many_waits_for_beheer(
    drop: Path,
    school: dict[str, Location],
    make_student: Callable[..., Student],
    runner: FlaskCliRunner,
) -> None:
    """The inbox imports a full student export only when the guard of the upload page sees no
    risk; otherwise the file goes to fout/ with the plan and the command that confirms it."""
    students = [make_student("ZS", leerlingnummer=str(200_000 + n)) for n in range(10)]
    rows = [f"{s.leerlingnummer},{s.first_name},,{s.last_name},2B,ZS,ABC" for s in students]
    put(drop, "leerlingen.csv", somtoday_students(*rows[:8]))  # two of ten missing: 20%

    assert run(drop).failed
    [record] = history()
    assert record.status is ImportStatus.MISLUKT and record.rows == 8
    assert record.message.startswith("Niets geïmporteerd: deze import moet eerst bevestigd")
    assert count_students(active=True) == 10  # nobody deactivated
    text = report(drop, "fout/leerlingen.csv")
    assert "ZS: 2 van de 10 actieve leerlingen (20%) worden gedeactiveerd" in text
    command = f"flask --app app import-students --confirm {drop / 'fout' / 'leerlingen.csv'}"
    assert command in text

    # Beheer checks the file and confirms it with the command from the report.
    result = runner.invoke(args=command.split()[3:])
    assert result.exit_code == 0, result.output
    assert count_students(active=True) == 8
    assert (history()[-1].origin, history()[-1].status) == (
        ImportOrigin.OPDRACHTREGEL,
        ImportStatus.GELUKT,
    )


def test_a_student_export_without_risk_is_a_full_import(
    drop: Path, school: dict[str, Location], make_student: Callable[..., Student]
) -> None:
    students = [make_student("ZS", leerlingnummer=str(200_000 + n)) for n in range(20)]
    rows = [f"{s.leerlingnummer},{s.first_name},,{s.last_name},2B,ZS,ABC" for s in students]
    put(drop, "leerlingen.csv", somtoday_students(*rows[1:]))  # one of twenty left: 5%
    assert not run(drop).failed
    assert count_students(active=True) == 19
    assert "1 gedeactiveerd" in report(drop, "verwerkt/leerlingen.csv")


def test_processed_files_are_deleted_after_the_retention_period(
    drop: Path, school: dict[str, Location]
) -> None:
    put(drop, "leerlingen.csv", STUDENTS_CSV)
    put(drop, "onbekend.csv", UNKNOWN)
    run(drop)
    day = 24 * 3600
    for path, age in (
        (drop / "verwerkt" / "leerlingen.csv", 15 * day),
        (drop / "verwerkt" / "leerlingen.csv.verslag.txt", 15 * day),
        (drop / "fout" / "onbekend.csv", 13 * day),
        (drop / "fout" / "onbekend.csv.verslag.txt", 13 * day),
    ):
        moment = time.time() - age
        os.utime(path, (moment, moment))
    summary = run(drop)
    assert summary.removed == 1
    assert names(drop / "verwerkt") == []
    assert names(drop / "fout") == ["onbekend.csv", "onbekend.csv.verslag.txt"]


def test_a_file_beyond_the_size_limit_is_refused_unread(
    app: Flask, drop: Path, school: dict[str, Location]
) -> None:
    app.config["IMPORT_MAX_BYTES"] = 100
    put(drop, "groot.csv", ABSENCE_CSV)
    assert run(drop).failed
    [record] = history()
    assert (record.kind, record.status) == (ImportKind.ONBEKEND, ImportStatus.MISLUKT)
    assert "Het bestand is groter dan 0 MB." in report(drop, "fout/groot.csv")
    assert (drop / "fout" / "groot.csv").read_bytes() == ABSENCE_CSV
