"""The inbox's steps in the database (add and flush; app/inbox/cli.py commits between them):
recognising a file, claiming its content, importing it, and finishing its record.

A file is claimed and imported in one transaction, under the import lock of its kind
(app/core/locks.py): the claim is a row of ``import_run`` whose ``inbox_claim`` (the content's
SHA-256) is unique, so a second run at the same moment — another timer, another app server on
the same share — waits for the lock or trips over the key, and never imports the content
again. The import runs inside a savepoint: a refused file leaves only its claim, with the
refusal. Only after the commit is the file moved (:func:`finish` records where).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.absence.import_rows import ABSENCE_COLUMNS
from app.absence.import_rows import REQUIRED_COLUMNS as ABSENCE_REQUIRED
from app.absence.importer import import_absence
from app.absence.signals import evaluate_signals
from app.core.localtime import local_time_text
from app.core.locks import hold_import_lock
from app.core.vocabulary import ImportKind, ImportOrigin, ImportStatus
from app.exceptions import DomainError
from app.extensions import db
from app.imports.history import rows_of
from app.imports.limits import ImportLimits, TableError
from app.imports.tabular import column_positions, read_header
from app.inbox.rules import Shape, recognise
from app.models import ImportRun
from app.models.imports import FILENAME_MAX_LENGTH, MESSAGE_MAX_LENGTH
from app.models.types import utcnow
from app.students.importing import REQUIRED_COLUMNS as STUDENT_REQUIRED
from app.students.importing import (
    STUDENT_COLUMNS,
    ImportNeedsConfirmation,
    import_students,
)

LOCK_OF = {
    ImportKind.LEERLINGEN: "students",
    ImportKind.VERZUIM: "absence",
    ImportKind.ONBEKEND: "inbox",
}
ALIASES = {ImportKind.LEERLINGEN: STUDENT_COLUMNS, ImportKind.VERZUIM: ABSENCE_COLUMNS}
SHAPES = (
    Shape(ImportKind.LEERLINGEN, frozenset(STUDENT_REQUIRED)),
    # As the absence import asks: what kind of absence a row is needs a code or a kind.
    Shape(
        ImportKind.VERZUIM,
        frozenset(ABSENCE_REQUIRED),
        frozenset({"code", "soort", "geoorloofd"}),
    ),
)
UNKNOWN = (
    "Onbekend soort bestand: de kopregel past niet bij een leerlingenexport (leerlingnummer, "
    "roepnaam, achternaam, klas, locatie) of een verzuimexport (leerlingnummer, begin, en code "
    "of soort). Gevonden kolommen: {columns}."
)


@dataclass(frozen=True)
class Recognition:
    kind: ImportKind
    problem: str = ""  # why the file cannot be imported (an unknown kind)


def recognise_file(data: bytes, filename: str, size: int, limits: ImportLimits) -> Recognition:
    """What kind of export a file is, by the columns of its header."""
    if size > limits.max_bytes:
        return Recognition(ImportKind.ONBEKEND, limits.too_big().message)
    try:
        header = read_header(data, filename, limits=limits)
    except TableError as error:
        return Recognition(ImportKind.ONBEKEND, error.message)
    columns = {kind: set(column_positions(header, aliases)) for kind, aliases in ALIASES.items()}
    kind = recognise(columns, SHAPES)
    if kind is ImportKind.ONBEKEND:
        shown = "; ".join(name for name in header if name.strip())[:200] or "(geen)"
        return Recognition(kind, UNKNOWN.format(columns=shown))
    return Recognition(kind)


class Claimed(Exception):
    """The content is claimed already: by a run importing it at this moment, or by an earlier
    import (``earlier``)."""

    def __init__(self, earlier: ImportRun | None) -> None:
        super().__init__("claimed")
        self.earlier = earlier


def claim(kind: ImportKind, filename: str, digest: str, runner: str) -> ImportRun:
    """Hold the import lock of ``kind`` and claim the content ``digest`` in this transaction.
    Raises :class:`~app.core.locks.ImportBusy` while another import of the kind runs, and
    :class:`Claimed` when the content is claimed already; the caller then rolls back."""
    hold_import_lock(LOCK_OF[kind])
    run = ImportRun(
        kind=kind,
        origin=ImportOrigin.INBOX,
        status=ImportStatus.BEZIG,
        filename=filename[:FILENAME_MAX_LENGTH],
        digest=digest,
        inbox_claim=digest,
        message="",
        runner=runner,
        moved_to="",
    )
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        earlier = db.session.scalar(select(ImportRun).where(ImportRun.inbox_claim == digest))
        raise Claimed(earlier) from None
    return run


@dataclass
class Imported:
    """What importing a claimed file gave: the lines of its report, the students whose day
    figures an absence file changed (None: the figures were rebuilt, anybody's may have
    changed), and whether a student file waits for a confirmation by hand."""

    lines: list[str]
    changed_student_ids: set[int] | None = field(default_factory=set)
    needs_confirmation: bool = False


def _import(run: ImportRun, data: bytes, problem: str, as_of: date | None) -> Imported:
    if run.kind is ImportKind.LEERLINGEN:
        # A full import, as the export is the complete list; the guard refuses one that would
        # deactivate students with open work or many of a location's (ImportNeedsConfirmation).
        students = import_students(data, run.filename, full=True, confirm=False)
        run.rows, run.message = students.rows, students.summary()
        where = ", ".join(students.locations)
        return Imported([*students.preview, f"Import klaar ({where}): {students.summary()}."])
    if run.kind is ImportKind.VERZUIM:
        # As the upload page and import-absence do; the signals follow once, after every file.
        absence = import_absence(data, run.filename, evaluate=False, as_of=as_of)
        run.rows, run.message = absence.rows, absence.summary()
        return Imported([f"Import klaar: {absence.summary()}."], absence.changed_student_ids)
    raise DomainError(problem)


def import_claimed(
    run: ImportRun, data: bytes, *, problem: str = "", as_of: date | None = None
) -> Imported:
    """Import the claimed file, all or nothing: a refusal leaves only the claim, marked
    ``mislukt`` with the refusal's message."""
    try:
        with db.session.begin_nested():
            imported = _import(run, data, problem, as_of)
    except DomainError as error:
        run.status = ImportStatus.MISLUKT
        run.rows = rows_of(error)
        run.message = error.raw[:MESSAGE_MAX_LENGTH]
        needs_confirmation = isinstance(error, ImportNeedsConfirmation)
        db.session.flush()
        return Imported(error.message.splitlines(), needs_confirmation=needs_confirmation)
    run.status = ImportStatus.GELUKT
    run.message = run.message[:MESSAGE_MAX_LENGTH]
    db.session.flush()
    return imported


def finish(run: ImportRun, moved_to: str, now: datetime | None = None) -> None:
    """The file is in ``verwerkt/`` or ``fout/``. A failed file's claim is released: dropped
    again (after its cause is fixed), the same content is tried again."""
    run.finished_at = now or utcnow()
    run.moved_to = moved_to[:300]
    if run.status is not ImportStatus.GELUKT:
        run.inbox_claim = None
    db.session.flush()


def skipped_message(earlier: ImportRun) -> str:
    when = local_time_text(earlier.started_at, "dd-MM-yyyy HH:mm")
    return (
        f"Niet opnieuw geïmporteerd: dezelfde inhoud is al geïmporteerd op {when} "
        f"(bestand {earlier.filename})."
    )


def record_skipped(
    filename: str, digest: str, earlier: ImportRun, runner: str, moved_to: str
) -> ImportRun:
    """An identical file dropped again (under any name): not imported, recorded as skipped."""
    run = ImportRun(
        kind=earlier.kind,
        origin=ImportOrigin.INBOX,
        status=ImportStatus.OVERGESLAGEN,
        filename=filename[:FILENAME_MAX_LENGTH],
        digest=digest,
        rows=earlier.rows,
        message=skipped_message(earlier),
        runner=runner,
        moved_to=moved_to[:300],
        finished_at=utcnow(),
    )
    db.session.add(run)
    db.session.flush()
    return run


def record_crash(kind: ImportKind, filename: str, digest: str, runner: str, error: str) -> None:
    """An unforeseen error while importing a file (it stays in the drop folder)."""
    db.session.add(
        ImportRun(
            kind=kind,
            origin=ImportOrigin.INBOX,
            status=ImportStatus.MISLUKT,
            filename=filename[:FILENAME_MAX_LENGTH],
            digest=digest,
            message=error[:MESSAGE_MAX_LENGTH],
            runner=runner,
            moved_to="",
        )
    )
    db.session.flush()


def evaluate(student_ids: set[int] | None, as_of: date | None = None) -> str:
    """Evaluate the signals of the students whose day figures this run's absence files changed
    (None: everybody's), once: as ``import_absence`` does, only their signals can change."""
    return evaluate_signals(as_of, student_ids=student_ids).summary()
