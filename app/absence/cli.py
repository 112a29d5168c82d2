"""Commands: ``import-absence``, ``signals`` and ``calendar …`` (registered in app/cli.py)."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.absence.importer import import_absence
from app.absence.rules import RULES
from app.absence.signals import (
    CSV_COLUMNS,
    EvaluationSummary,
    evaluate_signals,
    listed_conditions,
    signal_csv_row,
)
from app.core.calendar_store import (
    add_non_school_period,
    add_school_year,
    find_school_year,
    list_school_years,
    load_calendar,
    remove_non_school_period,
)
from app.core.csv_export import write_csv
from app.core.localtime import local_today
from app.core.vocabulary import ImportKind
from app.exceptions import DomainError
from app.extensions import db
from app.imports.commands import refused_command
from app.imports.history import ImportSource, recorded
from app.imports.tabular import read_import_file
from app.models import AbsenceSignal, Location, NonSchoolPeriod, Student

calendar_cli = AppGroup("calendar", help="Manage the school calendar (school years, holidays).")


def _fail(error: DomainError) -> click.ClickException:
    db.session.rollback()
    return click.ClickException(error.message)


class _ProgressBars:
    """One click progress bar per import stage (checking, storing)."""

    LABELS = {"controleren": "Controleren", "opslaan": "Opslaan    "}

    def __init__(self) -> None:
        self.bars: dict[str, list[Any]] = {}  # stage -> [bar, rows shown]

    def __call__(self, stage: str, done: int, total: int) -> None:
        entry = self.bars.get(stage)
        if entry is None:
            bar = click.progressbar(length=max(total, 1), label=self.LABELS.get(stage, stage))
            entry = self.bars[stage] = [bar, 0]
        entry[0].update(done - entry[1])
        entry[1] = done

    def close(self) -> None:
        for bar, _shown in self.bars.values():
            bar.render_finish()


@click.command("import-absence")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--skip-unknown-students",
    is_flag=True,
    help="Skip rows of student numbers SchoolFit does not know (default: refuse the file).",
)
@click.option(
    "--replace-period",
    is_flag=True,
    help="The file is complete for its students and period: remove their stored registrations "
    "in that period that the file no longer has (deleted in the LVS).",
)
@click.option("--no-signals", is_flag=True, help="Do not evaluate the signals afterwards.")
@click.option(
    "--bulk-load",
    is_flag=True,
    help="A board's first load (no absence stored yet), PostgreSQL: the table's keys and "
    "indexes are set aside and made again afterwards, about twice as fast. Locks the student "
    "table until done: outside school hours (docs/operations.md).",
)
def import_absence_command(
    file: Path, skip_unknown_students: bool, replace_period: bool, no_signals: bool, bulk_load: bool
) -> None:
    """Import an absence export from Magister or SOMtoday (CSV or .xlsx), all or nothing."""
    progress = _ProgressBars()
    source = ImportSource.of_command(ImportKind.VERZUIM, file.name)
    try:
        source = ImportSource.of_command(ImportKind.VERZUIM, file.name, read_import_file(file))
        result = recorded(
            source,
            lambda: import_absence(
                source.data,
                file.name,
                skip_unknown_students=skip_unknown_students,
                replace_period=replace_period,
                progress=progress,
                evaluate=not no_signals,
                bulk_load=bulk_load,
            ),
        )
    except DomainError as error:
        raise refused_command(source, error) from None
    finally:
        progress.close()
    db.session.commit()
    click.echo(f"Import klaar: {result.summary()}.")


@click.command("signals")
@click.option(
    "--date", "as_of", type=click.DateTime(["%Y-%m-%d", "%d-%m-%Y"]), help="Evaluate as of."
)
@click.option("--location", "location_code", help="Only this location (code, e.g. ZS).")
@click.option("--rule", "rule", help="Only list this rule (16uur, lrv, patroon, ...).")
@click.option("--csv", "as_csv", is_flag=True, help="One CSV line per signal.")
def signals_command(
    as_of: datetime | None, location_code: str | None, rule: str | None, as_csv: bool
) -> None:
    """Evaluate the signals as of a day (default today) and list the active ones; only today's
    evaluation is stored."""

    day = as_of.date() if as_of is not None else None
    location = None
    if location_code:
        location = db.session.scalar(
            select(Location).where(Location.code.ilike(location_code.strip()))
        )
        if location is None:
            raise click.ClickException(f"Onbekende locatie: {location_code}")
    if rule and rule not in RULES:
        raise click.ClickException(f"Onbekende regel {rule}; kies uit {', '.join(RULES)}.")
    # Only today's evaluation is stored: the stored signals are what the signal list, the DUO
    # reminders and the digest show, so a look at another day must not overwrite them.
    store = day is None or day == local_today()
    try:
        summary = evaluate_signals(day, location=location, store=store)
    except DomainError as error:
        raise _fail(error) from None
    db.session.commit()
    signals = _stored_signals(location, rule) if store else _unstored_signals(summary, rule)
    if as_csv:
        rows = (signal_csv_row(signal) for signal in signals)
        write_csv(sys.stdout, CSV_COLUMNS, rows, delimiter=",", lineterminator="\n")
        return
    if store:
        click.echo(f"{summary.summary()[:1].upper()}{summary.summary()[1:]}.")
    else:
        click.echo(
            f"Signalen per {summary.as_of:%d-%m-%Y}: {summary.active} lopend. Alleen getoond, "
            "niet opgeslagen: de opgeslagen signalen gelden voor vandaag."
            + (f" {summary.warning}" if summary.warning else "")
        )
    for signal in signals:
        row = signal_csv_row(signal)
        figures = ", ".join(
            f"{key} {row[key]}"
            for key in ("hours", "days", "episodes", "count")
            if row[key] not in (0, "0")
        )
        due = f", melden uiterlijk {row['due_on']}" if row["due_on"] else ""
        variant = f" ({signal.variant})" if signal.variant else ""
        click.echo(
            f"{row['leerlingnummer']}\t{row['locatie']}\t{signal.rule}{variant}\t"
            f"{row['window_start']} t/m {row['window_end']}\t{figures}{due}"
        )


def _stored_signals(location: Location | None, rule: str | None) -> list[AbsenceSignal]:
    query = (
        select(AbsenceSignal)
        .join(AbsenceSignal.student)
        .where(*listed_conditions(), Student.active.is_(True))
        .options(joinedload(AbsenceSignal.student).joinedload(Student.location))
        .order_by(Student.leerlingnummer, AbsenceSignal.rule, AbsenceSignal.window_start)
    )
    if location is not None:
        query = query.where(Student.location_id == location.id)
    if rule:
        query = query.where(AbsenceSignal.rule == rule)
    return list(db.session.scalars(query).all())


def _unstored_signals(summary: EvaluationSummary, rule: str | None) -> list[SimpleNamespace]:
    """The findings of an evaluation that was not stored, shaped like stored signals, as the
    list would show them on that day: the ones that hold, and the ones that ended and were not
    acknowledged (a stored signal with the same key); of a student's 16-hour findings (a melding
    and its follow-ups) the latest."""
    ids = {student_id for student_id, _ in summary.findings}
    students = {
        student.id: student
        for student in db.session.scalars(
            select(Student).where(Student.id.in_(ids)).options(joinedload(Student.location))
        )
    }
    acknowledged = {
        tuple(row)
        for row in db.session.execute(
            select(
                AbsenceSignal.student_id,
                AbsenceSignal.rule,
                AbsenceSignal.variant,
                AbsenceSignal.window_start,
            ).where(AbsenceSignal.student_id.in_(ids), AbsenceSignal.acknowledged_at.is_not(None))
        )
    }
    latest_sixteen: dict[int, date] = {}
    for student_id, finding in summary.findings:
        if finding.rule == "16uur":
            latest = latest_sixteen.get(student_id, finding.window_start)
            latest_sixteen[student_id] = max(latest, finding.window_start)
    rows = [
        SimpleNamespace(
            student=students[student_id],
            **{name: getattr(finding, name) for name in FINDING_FIELDS},
            acknowledged=False,
            ended_on=None,
        )
        for student_id, finding in summary.findings
        if (finding.active or (student_id, *finding.key) not in acknowledged)
        and (finding.rule != "16uur" or finding.window_start == latest_sixteen[student_id])
        and (not rule or finding.rule == rule)
        and students.get(student_id) is not None
        and students[student_id].active
    ]
    rows.sort(key=lambda r: (r.student.leerlingnummer, r.rule, r.window_start))
    return rows


FINDING_FIELDS = (
    "rule",
    "variant",
    "window_start",
    "window_end",
    "triggered_on",
    "active",
    "hours",
    "days",
    "episodes",
    "count",
    "due_on",
    "detail",
)


@calendar_cli.command("add-year")
@click.argument("name")
@click.option(
    "--public-holidays/--no-public-holidays",
    default=True,
    help="Also add Goede Vrijdag, Tweede Paasdag, Koningsdag, Hemelvaart, Tweede Pinksterdag.",
)
def add_year_command(name: str, public_holidays: bool) -> None:
    """Add a school year, e.g. 2026-2027 (1 August – 31 July)."""
    try:
        year = add_school_year(name, with_public_holidays=public_holidays)
    except DomainError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(
        f"Schooljaar {year.name} toegevoegd ({year.starts_on:%d-%m-%Y} t/m "
        f"{year.ends_on:%d-%m-%Y}, {len(year.periods)} feestdagen)."
    )


@calendar_cli.command("add-holiday")
@click.option("--year", "year_name", required=True, help="School year, e.g. 2026-2027.")
@click.option("--name", required=True, help="E.g. Herfstvakantie.")
@click.option("--from", "starts_on", required=True, type=click.DateTime(["%Y-%m-%d", "%d-%m-%Y"]))
@click.option("--to", "ends_on", type=click.DateTime(["%Y-%m-%d", "%d-%m-%Y"]), help="Inclusive.")
@click.option(
    "--kind",
    type=click.Choice(["vakantie", "feestdag", "studiedag", "overig"]),
    default="vakantie",
    show_default=True,
)
def add_holiday_command(
    year_name: str, name: str, starts_on: datetime, ends_on: datetime | None, kind: str
) -> None:
    """Add a holiday or other non-school day(s) to a school year."""
    year = find_school_year(year_name)
    if year is None:
        raise click.ClickException(
            f"Schooljaar {year_name} bestaat niet; voeg het toe met: calendar add-year {year_name}"
        )
    first = starts_on.date()
    last = ends_on.date() if ends_on is not None else first
    try:
        period = add_non_school_period(year, name, first, last, kind)
    except DomainError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(
        f"{period.name} ({period.kind}) toegevoegd: {period.starts_on:%d-%m-%Y} t/m "
        f"{period.ends_on:%d-%m-%Y} (id {period.id})."
    )


@calendar_cli.command("remove-holiday")
@click.argument("period_id", type=int)
def remove_holiday_command(period_id: int) -> None:
    """Remove a holiday or non-school period by its id (see `calendar list`)."""
    period = db.session.get(NonSchoolPeriod, period_id)
    if period is None:
        raise click.ClickException(f"Geen vrije periode met id {period_id}.")
    remove_non_school_period(period)
    db.session.commit()
    click.echo("Verwijderd.")


@calendar_cli.command("list")
@click.option("--year", "year_name", help="Only this school year.")
def list_calendar_command(year_name: str | None) -> None:
    """List the school years with their holidays and their number of school days."""
    calendar = load_calendar()
    years = [y for y in list_school_years() if not year_name or y.name == year_name]
    if not years:
        click.echo(
            "Geen schooljaren." if not year_name else f"Schooljaar {year_name} bestaat niet."
        )
        return
    for year in reversed(years):
        days = calendar.school_days_between(year.starts_on, year.ends_on)
        weeks = {d.isocalendar()[:2] for d in days}
        click.echo(
            f"{year.name}: {year.starts_on:%d-%m-%Y} t/m {year.ends_on:%d-%m-%Y}, "
            f"{len(days)} schooldagen in {len(weeks)} schoolweken"
        )
        for period in year.periods:
            click.echo(
                f"  [{period.id}] {period.starts_on:%d-%m-%Y} t/m {period.ends_on:%d-%m-%Y}  "
                f"{period.name} ({period.kind})"
            )


COMMANDS = (import_absence_command, signals_command, calendar_cli)
