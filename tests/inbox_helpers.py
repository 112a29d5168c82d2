"""The import inbox in tests: a drop folder with exports of known ages, written as the LVS's
scheduled export writes them, runs of the inbox, and reading back what it did."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core.vocabulary import ImportKind, ImportOrigin, ImportStatus
from app.extensions import db
from app.inbox.cli import InboxSummary, run_inbox
from app.models import ImportRun
from tests.absence_helpers import SOMTODAY_HEADER
from tests.spreadsheet_helpers import openpyxl_xlsx

# A Friday of the school year the tests' calendar holds: the day the inbox runs "as of".
AS_OF = date(2026, 9, 18)
# File times are set from this moment (seconds), so "oldest first" never depends on the clock.
T0 = 1_789_000_000
KEEP_DAYS = 14
STUDENT_COLUMNS = "leerlingnummer,roepnaam,tussenvoegsel,achternaam,klas,locatie,mentor"


def put(drop: Path, name: str, data: bytes, age: int = 0) -> Path:
    """Drop ``data`` as ``name`` the way an export should arrive — written as a ``.part`` file,
    then renamed — with its last change ``age`` seconds after T0 (a larger age is newer)."""
    part = drop / f"{name}.part"
    part.write_bytes(data)
    moment = (T0 + age) * 1_000_000_000
    os.utime(part, ns=(moment, moment))
    path = drop / name
    part.rename(path)
    return path


def somtoday_students(*rows: str) -> bytes:
    """A SOMtoday student export (``,``, UTF-8); rows as ``100231,Lotte,,de Groot,2B,ZS,ABC``."""
    return ("\n".join([STUDENT_COLUMNS, *rows]) + "\n").encode()


def students_xlsx(*rows: tuple[str, ...]) -> bytes:
    return openpyxl_xlsx([STUDENT_COLUMNS.split(","), *rows])


def somtoday_absence_xlsx(*rows: tuple[str, ...]) -> bytes:
    return openpyxl_xlsx([SOMTODAY_HEADER.split(","), *rows])


def run(
    drop: Path,
    *,
    pause: Callable[[], None] = lambda: None,
    echo: Callable[[str], object] = lambda line: None,
) -> InboxSummary:
    """One run of the inbox over ``drop`` (in the caller's app context)."""
    return run_inbox(
        drop, keep_days=KEEP_DAYS, pause=pause, runner="test@inbox", as_of=AS_OF, echo=echo
    )


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.is_file())


def report(drop: Path, where: str) -> str:
    """The report beside ``where`` (``verwerkt/x.csv``)."""
    return (drop / f"{where}.verslag.txt").read_text(encoding="utf-8")


def recorded_import(**values: Any) -> ImportRun:
    """A row of the import history (added, not committed): an absence file the inbox imported,
    unless ``values`` say otherwise."""
    defaults: dict[str, Any] = {
        "kind": ImportKind.VERZUIM,
        "origin": ImportOrigin.INBOX,
        "status": ImportStatus.GELUKT,
        "filename": "verzuim.csv",
        "runner": "schoolfit@app1",
    }
    run = ImportRun(**{**defaults, **values})
    db.session.add(run)
    return run


def history() -> list[ImportRun]:
    """Every import recorded, in the order they were recorded."""
    db.session.expire_all()
    return list(db.session.scalars(select(ImportRun).order_by(ImportRun.id)))
