"""``flask --app app digest send [--date D] [--location L] [--force]``: the 14:00 e-mail.

Meant for a system timer on weekdays (docs/operations.md); the command itself skips weekends and
holidays (school calendar) and sends each team leader's digest at most once per day unless
``--force``, also when two runs start at once (each e-mail is claimed in the database first).
Exit status 0 when everything due went out (or nothing was due), 1 on any error.
"""

from __future__ import annotations

from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.digest import rules
from app.digest.builder import find_location
from app.digest.delivery import (
    DigestCache,
    Mailer,
    MailError,
    SmtpSettings,
    claim,
    plan,
    send_claimed,
)
from app.extensions import db
from app.models import Location
from app.models.types import utcnow

digest_cli = AppGroup("digest", help="Het dagoverzicht voor teamleiders.")

DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")


def parse_day(text: str | None) -> date:
    """``2026-11-24`` or ``24-11-2026``; today when not given."""
    if text is None:
        return local_today()
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise click.BadParameter(
        f"'{text}' is geen datum; gebruik JJJJ-MM-DD (bijvoorbeeld 2026-11-24).",
        param_hint="--date",
    )


def _location(code: str | None) -> Location | None:
    if code is None:
        return None
    location = find_location(code)
    if location is None:
        known = ", ".join(db.session.scalars(select(Location.code).order_by(Location.code)))
        raise click.BadParameter(
            f"onbekende locatie '{code}' (bekend: {known or 'geen'}).", param_hint="--location"
        )
    return location


def _codes(locations: list[Location]) -> str:
    return ", ".join(loc.code for loc in locations)


@digest_cli.command("send")
@click.option("--date", "day_text", metavar="JJJJ-MM-DD", help="De dag (standaard: vandaag).")
@click.option("--location", "location_code", metavar="CODE", help="Alleen deze locatie.")
@click.option("--force", is_flag=True, help="Ook versturen als het al verstuurd is.")
def send_command(day_text: str | None, location_code: str | None, force: bool) -> None:
    """E-mail each active team leader the digest of their locations (HTML and plain text)."""
    day = parse_day(day_text)
    location = _location(location_code)
    label = f"{day:%d-%m-%Y}"

    calendar = load_calendar()
    info = rules.day_info(calendar, day)
    if not info.school_day:
        why = (info.holiday or "vrije dag") if info.reason == "holiday" else "weekend"
        click.echo(f"{label} is geen schooldag ({why}): geen dagoverzicht verstuurd.")
        return
    if info.calendar_missing:
        click.echo(
            f"Let op: de schoolkalender kent geen schooljaar voor {label}; alleen weekenden "
            "worden overgeslagen (voeg het toe: flask --app app calendar add-year).",
            err=True,
        )
    try:
        settings = SmtpSettings.from_config(current_app.config)
    except MailError as error:
        raise click.ClickException(error.message) from None

    plans = plan(day, location=location, force=force)
    if not plans:
        where = f" voor {location.code}" if location else ""
        click.echo(f"Geen actieve teamleiders{where}: geen dagoverzicht verstuurd.")
        return

    now = utcnow()
    digests = DigestCache(calendar, now)
    sent = skipped = failed = not_tried = 0
    with Mailer(settings) as mailer:
        for position, planned in enumerate(plans):
            user = planned.user
            if not planned.due:
                skipped += 1
                click.echo(
                    f"{user.email}: al verstuurd ({_codes(planned.already_sent)}); "
                    "--force verstuurt opnieuw."
                )
                continue
            claimed = claim(planned)
            db.session.commit()  # the claim is seen by any other run before the mail goes
            if claimed is None:
                skipped += 1
                click.echo(f"{user.email}: zojuist of nu door een andere run verstuurd.")
                continue
            try:
                done = send_claimed(mailer, claimed, digests, now=now)
            except MailError as error:
                db.session.commit()  # the attempt and its error stay in the delivery log
                failed += 1
                click.echo(f"{user.email}: niet verstuurd. {error.message}", err=True)
                if error.fatal:
                    not_tried = sum(1 for p in plans[position + 1 :] if p.due)
                    break
                continue
            db.session.commit()
            if not done:
                skipped += 1
                continue
            sent += 1
            click.echo(f"{user.email}: verstuurd ({_codes(done)}).")

    summary = f"Dagoverzicht {label}: {sent} verstuurd, {skipped} al eerder verstuurd"
    if failed or not_tried:
        summary += f", {failed} mislukt"
        if not_tried:
            summary += f", {not_tried} niet geprobeerd"
        click.echo(summary + ".", err=True)
        raise SystemExit(1)
    click.echo(summary + ".")
