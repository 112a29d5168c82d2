"""The inbox when others act at the same moment: two runs at once (threads with their own
database sessions, and two processes), a run meeting a file another run has imported but not yet
moved, a run that died between import and move, a writer replacing a file during its import,
and links and folders in the drop folder."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

import app.inbox.cli as inbox_cli
from app.core.vocabulary import ImportStatus
from app.extensions import db
from app.inbox.cli import InboxSummary
from app.models import AbsenceImport, AbsenceRecord, Location
from app.models.types import utcnow
from tests.absence_helpers import magister_csv, magister_day
from tests.db_helpers import count
from tests.inbox_helpers import (
    history,
    names,
    put,
    recorded_import,
    report,
    run,
    somtoday_students,
)
from tests.student_import_helpers import count_students

MON = date(2026, 9, 14)
WAIT = 60  # seconds a thread may take at most; far more than it needs


def week(number: str) -> bytes:
    """A week of unauthorised absence of one student."""
    return magister_csv(*(r for d in range(5) for r in magister_day(number, MON + timedelta(d))))


def exports(drop: Path) -> dict[str, bytes]:
    """Two student exports (two locations), three absence exports and a copy of one."""
    files = {
        "leerlingen-zs.csv": somtoday_students(
            "100231,Lotte,,de Groot,2B,ZS,ABC", "100232,Amir,,Haddou,2B,ZS,ABC"
        ),
        "leerlingen-gl.csv": somtoday_students("100235,Rayan,,Benali,1D,GL,GHI"),
        "verzuim-1.csv": week("100231"),
        "verzuim-2.csv": week("100232"),
        "verzuim-3.csv": week("100235"),
        "verzuim-1 (kopie).csv": week("100231"),
    }
    for age, (name, data) in enumerate(files.items()):
        put(drop, name, data, age)
    return files


def in_own_context(app: Flask, work: Any, results: dict[str, Any], name: str) -> None:
    """Run ``work`` with an app context — and so a database session — of its own."""
    with app.app_context():
        try:
            results[name] = work()
        except BaseException as error:  # the test must see it, not the thread
            results[name] = error
        finally:
            db.session.remove()


def assert_imported_once(drop: Path, files: dict[str, bytes]) -> None:
    """Each content imported exactly once; every file in verwerkt/ exactly once, none lost."""
    done = [r for r in history() if r.status is ImportStatus.GELUKT]
    assert sorted(Counter(r.digest for r in done).values()) == [1] * 5
    assert count(AbsenceImport) == 3
    assert db.session.scalar(select(func.count(AbsenceRecord.id))) == 3 * 5 * 8
    assert count_students(active=True) == 3
    assert names(drop) == []
    moved = sorted(p.read_bytes() for p in (drop / "verwerkt").iterdir() if p.suffix == ".csv")
    assert moved == sorted(files.values())
    assert not (drop / "fout").exists() or names(drop / "fout") == []


def test_two_runs_at_once_import_each_file_once(
    app: Flask, drop: Path, school: dict[str, Location]
) -> None:
    files = exports(drop)
    both_looked = threading.Barrier(2, timeout=WAIT)
    results: dict[str, Any] = {}
    threads = [
        threading.Thread(
            target=in_own_context,
            args=(app, lambda: run(drop, pause=both_looked.wait), results, name),
        )
        for name in ("first", "second")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(thread.is_alive() for thread in threads)
    assert all(isinstance(results[n], InboxSummary) for n in ("first", "second")), results
    assert not results["first"].failed and not results["second"].failed
    run(drop)  # what a run left for later (the other held the lock) the next one takes
    assert_imported_once(drop, files)


def test_two_processes_at_once_import_each_file_once(
    app: Flask, drop: Path, school: dict[str, Location]
) -> None:
    """Two timers (or two app servers) starting the command at the same moment."""
    files = exports(drop)
    environment = {
        **os.environ,
        "SCHOOLFIT_CONFIG": "testing",
        "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "import-inbox", str(drop)]
    processes = [
        subprocess.Popen(
            [*command, "--wait", "1"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=WAIT)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0], outputs
    run(drop)
    assert_imported_once(drop, files)


def test_a_file_another_run_imported_but_has_not_moved_yet_is_left_to_it(
    app: Flask, drop: Path, school: dict[str, Location], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = week("100231")
    put(drop, "leerlingen.csv", somtoday_students("100231,Lotte,,de Groot,2B,ZS,ABC"))
    put(drop, "verzuim.csv", data, age=1)
    reached, release = threading.Event(), threading.Event()
    file_away = inbox_cli._file_away
    holder: list[threading.Thread] = []

    def pause_before_moving(run_state: Any, entry: Any, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() in holder and entry.file.name == "leerlingen.csv":
            reached.set()  # imported and committed; the file is still in the drop folder
            assert release.wait(WAIT)
        return file_away(run_state, entry, *args, **kwargs)

    monkeypatch.setattr(inbox_cli, "_file_away", pause_before_moving)
    results: dict[str, Any] = {}
    first = threading.Thread(target=in_own_context, args=(app, lambda: run(drop), results, "a"))
    holder.append(first)
    first.start()
    assert reached.wait(WAIT)
    lines: list[str] = []
    second = run(drop, echo=lines.append)
    release.set()
    first.join(WAIT)
    assert not first.is_alive() and not second.failed and not results["a"].failed
    assert lines == [
        "leerlingen.csv: later: een andere ronde is er op dit moment mee bezig",
        # students before absence, also across runs: the other run's students may be its own
        "verzuim.csv: later: wacht tot de leerlingenexport van deze ronde geïmporteerd is",
    ]
    assert count(AbsenceImport) == 1
    assert [(r.filename, r.status) for r in history()] == [
        ("leerlingen.csv", ImportStatus.GELUKT),
        ("verzuim.csv", ImportStatus.GELUKT),
    ]
    assert names(drop / "verwerkt") == [
        "leerlingen.csv",
        "leerlingen.csv.verslag.txt",
        "verzuim.csv",
        "verzuim.csv.verslag.txt",
    ]


@pytest.mark.parametrize(("minutes_ago", "finished"), [(120, True), (10, False)])
def test_a_file_a_dead_run_imported_is_moved_by_a_later_run(
    drop: Path, school: dict[str, Location], minutes_ago: int, finished: bool
) -> None:
    """A run that died after its import was stored and before it moved the file: after an hour
    a later run moves the file for it (and imports nothing again); before that, it waits."""
    data = week("100231")
    put(drop, "verzuim.csv", data)
    digest = hashlib.sha256(data).hexdigest()
    recorded_import(
        digest=digest,
        inbox_claim=digest,
        rows=40,
        message="40 regels: 40 nieuw",
        started_at=utcnow() - timedelta(minutes=minutes_ago),
    )
    db.session.commit()
    lines: list[str] = []
    assert not run(drop, echo=lines.append).failed
    assert count(AbsenceImport) == 0
    [record] = history()
    if finished:
        assert record.moved_to == "verwerkt/verzuim.csv" and record.finished_at is not None
        assert names(drop) == []
        assert "Regels:     40" in report(drop, "verwerkt/verzuim.csv")
        assert any("door een eerdere ronde" in line for line in lines), lines
    else:
        assert record.finished_at is None and names(drop) == ["verzuim.csv"]


def test_a_new_export_renamed_onto_the_name_during_the_import_is_kept(
    drop: Path, school: dict[str, Location], monkeypatch: pytest.MonkeyPatch
) -> None:
    put(drop, "leerlingen.csv", somtoday_students("100231,Lotte,,de Groot,2B,ZS,ABC"))
    run(drop)
    old, new = week("100231"), magister_csv(*magister_day("100231", MON + timedelta(7)))
    put(drop, "verzuim.csv", old)
    import_claimed = inbox_cli.import_claimed

    def writer_replaces_the_file(*args: Any, **kwargs: Any) -> Any:
        imported = import_claimed(*args, **kwargs)
        put(drop, "verzuim.csv", new, age=5)  # the next export arrives, under the same name
        return imported

    monkeypatch.setattr(inbox_cli, "import_claimed", writer_replaces_the_file)
    assert not run(drop).failed
    assert (drop / "verwerkt" / "verzuim.csv").read_bytes() == old  # what was imported
    assert (drop / "verzuim.csv").read_bytes() == new  # back for the next run
    monkeypatch.setattr(inbox_cli, "import_claimed", import_claimed)
    assert not run(drop).failed
    assert count(AbsenceImport) == 2
    assert (drop / "verwerkt" / "verzuim (2).csv").read_bytes() == new
    assert names(drop) == []


def test_links_and_folders_in_the_drop_folder_are_left_alone(
    drop: Path, school: dict[str, Location], tmp_path: Path
) -> None:
    """A link could point at any file the app may read (the SFTP account could make one)."""
    outside = tmp_path / "elders.csv"
    outside.write_bytes(somtoday_students("100231,Lotte,,de Groot,2B,ZS,ABC"))
    (drop / "link.csv").symlink_to(outside)
    (drop / "archief").mkdir()
    put(drop / "archief", "oud.csv", somtoday_students("100232,Amir,,Haddou,2B,ZS,ABC"))
    lines: list[str] = []
    summary = run(drop, echo=lines.append)
    assert summary.outcomes == [] and lines == []
    assert history() == [] and (drop / "link.csv").is_symlink()
