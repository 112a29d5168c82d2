"""``flask --app app import-inbox DIR``: import every new export the LVS dropped in DIR.

A run (docs/imports.md, "The inbox"):

1. deletes files and reports in ``verwerkt/`` and ``fout/`` older than their retention period;
2. looks at the files of DIR twice, a moment apart, and leaves those still being written (size
   or time changed, a temporary name such as ``.part``, or a hidden file) for the next run;
3. recognises each file by its header (students or absence, CSV or .xlsx) and imports them
   students first, then absence, the oldest first — each in a transaction of its own that
   claims its content (app/inbox/services.py), so a file is imported once, also when two runs
   meet and when the same content is dropped again under another name;
4. moves each file to ``verwerkt/`` or ``fout/`` with a Dutch report beside it;
5. evaluates the signals once, after all absence files, and exits with status 1 when any file
   failed.

Like the other commands, this module commits: once per file after its import, once after its
move (so a file is moved only after what was imported from it is stored).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from hashlib import sha256
from pathlib import Path

import click
from flask import current_app

from app.core.locks import ImportBusy
from app.core.vocabulary import ImportKind, ImportStatus
from app.exceptions import DomainError
from app.extensions import db
from app.imports.history import this_runner
from app.imports.limits import ImportLimits
from app.inbox.files import Drop, DropFile, FileChanged, Moved, look_at
from app.inbox.reports import (
    SIGNALS_PENDING,
    ReportFacts,
    confirmation_advice,
    failure_advice,
    report_text,
    signals_line,
)
from app.inbox.rules import processing_key, stale
from app.inbox.services import (
    Claimed,
    Imported,
    claim,
    evaluate,
    finish,
    import_claimed,
    recognise_file,
    record_crash,
    record_skipped,
    skipped_message,
)
from app.models import ImportRun
from app.models.types import utcnow

logger = logging.getLogger(__name__)

DEFAULT_WAIT = 2.0  # seconds between the two looks at the folder
LATER = "later"
STUDENTS_FIRST = "wacht tot de leerlingenexport van deze ronde geïmporteerd is"


@dataclass(frozen=True)
class Entry:
    """A complete file of the drop folder, recognised."""

    file: DropFile
    kind: ImportKind
    digest: str
    problem: str  # why it cannot be imported (an unknown kind); else empty
    readable: bool  # within the size limit


@dataclass(frozen=True)
class Outcome:
    name: str
    state: str  # geïmporteerd, niet geïmporteerd, overgeslagen, later, …
    detail: str = ""
    failed: bool = False


@dataclass
class InboxSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    signals: str = ""
    removed: int = 0

    @property
    def failed(self) -> bool:
        return any(outcome.failed for outcome in self.outcomes)

    def counts(self) -> str:
        totals: dict[str, int] = {}
        for outcome in sorted(self.outcomes, key=lambda o: (o.failed, o.state == LATER)):
            totals[outcome.state] = totals.get(outcome.state, 0) + 1
        parts = [f"{number} {state}" for state, number in totals.items()]
        return ", ".join(parts) if parts else "geen nieuwe bestanden"


@dataclass
class InboxRun:
    """One run's settings and what it has done so far."""

    drop: Drop
    runner: str
    keep_days: int
    limits: ImportLimits
    as_of: date | None = None
    echo: Callable[[str], object] = print
    summary: InboxSummary = field(default_factory=InboxSummary)
    absence_reports: list[tuple[Moved, ReportFacts]] = field(default_factory=list)
    # The students whose day figures the absence files changed; None once a file's import
    # rebuilt the figures (anybody's may have changed).
    changed_student_ids: set[int] | None = field(default_factory=set)

    def note(self, outcome: Outcome) -> None:
        self.summary.outcomes.append(outcome)
        detail = f": {outcome.detail}" if outcome.detail else ""
        self.echo(f"{outcome.name}: {outcome.state}{detail}")


def _later(file: DropFile, why: str) -> Outcome:
    return Outcome(file.name, LATER, why)


def _changed(file: DropFile) -> Outcome:
    if look_at(file.path) is None:
        return Outcome(file.name, "al verwerkt", "door een andere ronde")
    return _later(file, "veranderd sinds hij bekeken werd; de volgende ronde neemt hem")


# -- recognising ---------------------------------------------------------------------------------


def _recognised(run: InboxRun, file: DropFile) -> Entry:
    """Read the file once to see what it is and what its content's digest is (a file beyond the
    size limit is only hashed: it is refused unread)."""
    if file.look.size > run.limits.max_bytes:
        recognition = recognise_file(b"", file.name, file.look.size, run.limits)
        return Entry(file, recognition.kind, run.drop.digest(file), recognition.problem, False)
    data = run.drop.read(file)
    recognition = recognise_file(data, file.name, file.look.size, run.limits)
    return Entry(file, recognition.kind, sha256(data).hexdigest(), recognition.problem, True)


# -- one file ------------------------------------------------------------------------------------


def _report(run: InboxRun, entry: Entry, record: ImportRun, lines: list[str]) -> ReportFacts:
    return ReportFacts(
        filename=entry.file.name,
        kind=record.kind,
        status=record.status,
        changed_at=entry.file.changed_at,
        processed_at=utcnow(),
        runner=run.runner,
        digest=entry.digest,
        rows=record.rows,
        lines=lines,
    )


def _advice(record: ImportRun, imported: Imported, moved: Moved) -> list[str]:
    if record.status is ImportStatus.GELUKT:
        return []
    if imported.needs_confirmation:
        return confirmation_advice(moved.path)
    return failure_advice(record.kind)


def _file_away(
    run: InboxRun,
    entry: Entry,
    record: ImportRun,
    imported: Imported,
    data: bytes | None,
    *,
    for_earlier_run: bool = False,
) -> Outcome:
    """Move an imported (or refused) file with its report, and finish its record (for an
    earlier run that died before it could, when ``for_earlier_run``)."""
    drop = run.drop
    done = record.status is ImportStatus.GELUKT
    try:
        moved = drop.move(entry.file, drop.processed if done else drop.failed, data)
    except FileChanged:
        if for_earlier_run:  # another run finished it first
            return _changed(entry.file)
        finish(record, "")  # removed by hand meanwhile: what was imported stays imported
        db.session.commit()
        return Outcome(
            entry.file.name, record.status.dutch, "het bestand was intussen weg", not done
        )
    headline = (imported.lines[-1] if done else imported.lines[0]) if imported.lines else ""
    facts = _report(run, entry, record, list(imported.lines))
    facts.advice.extend(_advice(record, imported, moved))
    if done and record.kind is ImportKind.VERZUIM and not for_earlier_run:
        facts.lines.append(SIGNALS_PENDING)
        run.absence_reports.append((moved, facts))
        if run.changed_student_ids is not None and imported.changed_student_ids is not None:
            run.changed_student_ids |= imported.changed_student_ids
        else:
            run.changed_student_ids = None
    drop.write_report(moved, report_text(facts, run.keep_days))
    finish(record, drop.relative(moved.path))
    db.session.commit()
    rows = "" if record.rows is None else f", {record.rows} regels"
    earlier = (
        "door een eerdere ronde, die stopte voor hij het bestand verplaatste; " * for_earlier_run
    )
    return Outcome(
        entry.file.name,
        record.status.dutch,
        f"{earlier}{record.kind.dutch}{rows}; {headline} → {drop.relative(moved.path)}",
        failed=not done,
    )


def _claimed_before(
    run: InboxRun, entry: Entry, earlier: ImportRun | None, data: bytes | None
) -> Outcome:
    """The content is claimed: by a run at work on it now (left alone), by a run that died
    before it moved the file (finished for it), or by an earlier import (skipped)."""
    file = entry.file
    if earlier is None or (earlier.finished_at is None and not stale(earlier.started_at, utcnow())):
        return _later(file, "een andere ronde is er op dit moment mee bezig")
    if earlier.finished_at is None:
        imported = Imported(earlier.message.splitlines())
        return _file_away(run, entry, earlier, imported, data, for_earlier_run=True)
    try:
        moved = run.drop.move(file, run.drop.processed, data)
    except FileChanged:
        return _changed(file)
    message = skipped_message(earlier)
    facts = _report(run, entry, earlier, [message])
    facts = replace(facts, status=ImportStatus.OVERGESLAGEN)
    run.drop.write_report(moved, report_text(facts, run.keep_days))
    record_skipped(file.name, entry.digest, earlier, run.runner, run.drop.relative(moved.path))
    db.session.commit()
    return Outcome(
        file.name, ImportStatus.OVERGESLAGEN.dutch, f"{message} → {run.drop.relative(moved.path)}"
    )


def _process(run: InboxRun, entry: Entry) -> Outcome:
    file = entry.file
    try:
        data = run.drop.read(file) if entry.readable else None
    except FileChanged:
        return _changed(file)
    if data is not None and sha256(data).hexdigest() != entry.digest:
        return _later(file, "veranderd sinds hij bekeken werd; de volgende ronde neemt hem")
    try:
        record = claim(entry.kind, file.name, entry.digest, run.runner)
    except ImportBusy as busy:
        db.session.rollback()
        return _later(file, busy.message)
    except Claimed as held:
        db.session.rollback()
        return _claimed_before(run, entry, held.earlier, data)
    if not run.drop.unchanged(file):  # taken by another run, or replaced, since it was read
        db.session.rollback()
        return _changed(file)
    try:
        imported = import_claimed(record, data or b"", problem=entry.problem, as_of=run.as_of)
        db.session.commit()
    except Exception as error:  # unforeseen: the file stays for the next run, the run fails
        db.session.rollback()
        logger.exception("import-inbox: %s", file.name)
        text = f"onverwachte fout ({type(error).__name__}); het bestand blijft staan"
        record_crash(entry.kind, file.name, entry.digest, run.runner, text)
        db.session.commit()
        return Outcome(file.name, ImportStatus.MISLUKT.dutch, text, failed=True)
    return _file_away(run, entry, record, imported, data)


# -- the run -------------------------------------------------------------------------------------


def _evaluate_signals(run: InboxRun) -> None:
    """Once, after every absence file: the signals of the students whose figures changed."""
    try:
        run.summary.signals = evaluate(run.changed_student_ids, run.as_of)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        run.summary.signals = f"niet berekend: {error.message}"
        run.summary.outcomes.append(Outcome("signalen", "mislukt", error.message, failed=True))
    run.echo(f"Signalen: {run.summary.signals}.")
    for moved, facts in run.absence_reports:
        facts.lines[-1] = signals_line(run.summary.signals)
        run.drop.write_report(moved, report_text(facts, run.keep_days))


def run_inbox(
    directory: Path,
    *,
    keep_days: int,
    pause: Callable[[], None],
    runner: str = "",
    as_of: date | None = None,
    echo: Callable[[str], object] = print,
) -> InboxSummary:
    """Import every complete new export in ``directory`` (see the module's description)."""
    drop = Drop(directory)
    drop.prepare()
    run = InboxRun(drop, runner or this_runner(), keep_days, ImportLimits.current(), as_of, echo)
    run.summary.removed = drop.remove_expired(keep_days, utcnow())
    files, temporary = drop.scan()
    for name in temporary:
        if not name.startswith("."):
            run.note(Outcome(name, LATER, "tijdelijke naam: wordt nog geschreven"))
    complete, growing = drop.settled(files, pause) if files else ([], [])
    for file in growing:
        run.note(_later(file, "wordt nog geschreven (grootte of tijd veranderde)"))
    entries: list[Entry] = []
    for file in complete:
        try:
            entries.append(_recognised(run, file))
        except FileChanged:
            run.note(_changed(file))
    entries.sort(key=lambda e: processing_key(e.kind, e.file.look, e.file.name))
    students_waiting = False
    for entry in entries:
        if entry.kind is ImportKind.VERZUIM and students_waiting:
            # Another run is importing a student export of this round: absence waits for it.
            run.note(_later(entry.file, STUDENTS_FIRST))
            continue
        outcome = _process(run, entry)
        run.note(outcome)
        students_waiting |= entry.kind is ImportKind.LEERLINGEN and outcome.state == LATER
    if run.absence_reports:
        _evaluate_signals(run)
    return run.summary


@click.command("import-inbox")
@click.argument(
    "directory", type=click.Path(exists=True, file_okay=False, writable=True, path_type=Path)
)
@click.option(
    "--wait",
    type=click.FloatRange(0, 600),
    default=DEFAULT_WAIT,
    show_default=True,
    help="Seconds between the two looks at the folder (a file that changes is left for later).",
)
def import_inbox_command(directory: Path, wait: float) -> None:
    """Import every new student and absence export in DIRECTORY (CSV or .xlsx, recognised by
    the header), each once; move it to verwerkt/ or fout/ with a report; exit 1 if any failed."""
    try:
        summary = run_inbox(
            directory,
            keep_days=int(current_app.config["RETENTION_DAYS"]["inbox_files"]),
            pause=lambda: time.sleep(wait),
            echo=click.echo,
        )
    except DomainError as error:  # the import limits in the environment cannot be read
        raise click.ClickException(error.message) from None
    if summary.removed:
        click.echo(f"{summary.removed} bestand(en) ouder dan de bewaartermijn verwijderd.")
    click.echo(f"Inbox: {summary.counts()}.")
    if summary.failed:
        raise click.exceptions.Exit(1)
