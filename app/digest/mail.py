"""The digest by e-mail: composing (HTML plus plain text) and sending over SMTP.

E-mail leaves the app's control, so a message carries no student names: counts, initials with
class, and a link to the page (``APP_BASE_URL``). Free-text notes staff typed are left out too
(they may hold anything). What needs the team leader's action comes first.

Settings (``config/settings.py``, from the environment): ``SMTP_HOST``, ``SMTP_PORT``,
``SMTP_USER``, ``SMTP_PASSWORD``, ``SMTP_SECURITY`` (``none``, ``starttls`` or ``tls``),
``MAIL_FROM`` and ``APP_BASE_URL``.

The delivery log (:class:`~app.models.digest.DigestDelivery`) says what was sent: one row per
team leader, location and day; ``sent_at`` is set only once the SMTP server accepted the
message. Functions here add and flush; the command commits after each team leader.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from email.utils import make_msgid
from types import TracebackType
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core.schoolcalendar import SchoolCalendar
from app.core.vocabulary import AbsenceRule, EntryKind, FlagType, Outcome, Role, Severity
from app.digest.auditing import audit_digest
from app.digest.builder import build_digest
from app.digest.formatting import ratio_text
from app.digest.model import ActionItem, Digest
from app.extensions import db
from app.models import Location, User
from app.models.digest import DELIVERY_ERROR_MAX, DigestDelivery
from app.models.types import utcnow

SECURITY_MODES = ("none", "starttls", "tls")
# The usual port of each mode (RFC 8314: implicit TLS on 465, submission with STARTTLS on 587).
DEFAULT_PORTS = {"none": 25, "starttls": 587, "tls": 465}
SMTP_TIMEOUT = 30  # seconds, for connecting and for each SMTP command


class MailError(Exception):
    """Sending failed; ``message`` says why in Dutch. ``fatal`` when no later message can get
    through either (the server cannot be reached, the settings are wrong)."""

    def __init__(self, message: str, *, fatal: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.fatal = fatal


# ---------------------------------------------------------------------------------------------
# Settings and the SMTP connection


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    security: str
    sender: str
    timeout: float = SMTP_TIMEOUT

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        """The settings, checked; an empty SMTP_PORT takes the usual port of SMTP_SECURITY."""
        security = str(config.get("SMTP_SECURITY") or "none").strip().lower()
        if security not in SECURITY_MODES:
            raise MailError(
                f"SMTP_SECURITY is '{security}'; kies none, starttls of tls.", fatal=True
            )
        sender = str(config.get("MAIL_FROM") or "").strip()
        if "@" not in sender:
            raise MailError(f"MAIL_FROM '{sender}' is geen e-mailadres.", fatal=True)
        raw_port = str(config.get("SMTP_PORT") or "").strip()
        try:
            port = int(raw_port) if raw_port else DEFAULT_PORTS[security]
        except (TypeError, ValueError):
            port = 0
        if not 0 < port < 65536:
            raise MailError(f"SMTP_PORT '{config.get('SMTP_PORT')}' is geen poort.", fatal=True)
        return cls(
            host=str(config.get("SMTP_HOST") or "localhost").strip(),
            port=port,
            user=str(config.get("SMTP_USER") or ""),
            password=str(config.get("SMTP_PASSWORD") or ""),
            security=security,
            sender=sender,
        )

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


class Mailer:
    """One SMTP connection for a whole run, opened on the first message (a context manager)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        try:
            if s.security == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.security == "starttls":
                    smtp.starttls(context=context)
                if s.user:
                    smtp.login(s.user, s.password)
            except BaseException:
                smtp.close()
                raise
        except smtplib.SMTPAuthenticationError as error:
            raise MailError(
                f"De mailserver {s.server} weigert de inlog van SMTP_USER '{s.user}' "
                f"({error.smtp_code}).",
                fatal=True,
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise MailError(
                f"De mailserver {s.server} kent geen STARTTLS of AUTH; controleer SMTP_SECURITY "
                "en SMTP_USER.",
                fatal=True,
            ) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
            raise MailError(
                f"Geen verbinding met de mailserver {s.server}: {_reason(error)}.", fatal=True
            ) from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the server; :class:`MailError` when it is not accepted."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise MailError(
                f"De mailserver weigert de ontvanger {', '.join(error.recipients)}."
            ) from None
        except smtplib.SMTPSenderRefused as error:
            raise MailError(
                f"De mailserver weigert de afzender {error.sender} ({error.smtp_code}).",
                fatal=True,
            ) from None
        except (smtplib.SMTPServerDisconnected, OSError) as error:
            self.close()
            raise MailError(
                f"De verbinding met de mailserver viel weg: {_reason(error)}."
            ) from None
        except smtplib.SMTPException as error:
            raise MailError(f"De mailserver weigert het bericht: {_reason(error)}.") from None
        if refused:
            raise MailError(f"De mailserver weigert de ontvanger {', '.join(refused)}.")

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


def _reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if error.smtp_error else ""
        return f"{error.smtp_code} {text}".strip()
    if isinstance(error, ConnectionRefusedError):
        return "verbinding geweigerd"
    if isinstance(error, socket.timeout | TimeoutError):
        return "geen antwoord (time-out)"
    return str(error) or error.__class__.__name__


# ---------------------------------------------------------------------------------------------
# Composing


def digest_url(digest: Digest) -> str:
    """The page of a digest, absolute (``APP_BASE_URL``). Needs a request context."""
    return url_for(
        "digest.page", code=digest.location_code, day=digest.day.isoformat(), _external=True
    )


def action_text(item: ActionItem) -> str:
    """One action item on one line, without its students and without the staff note."""
    parts = [item.kind.label]
    if item.at is not None and item.kind in ("doorverwezen", "gemarkeerd"):
        parts.append(format_datetime(item.at, "HH:mm"))
    if item.zone:
        parts.append(item.zone)
    if item.kind == "gemarkeerd":
        parts.append(EntryKind.label_of(item.detail).lower())
    elif item.kind == "duo" and item.due is not None:
        parts.append(_("uiterlijk %(day)s", day=format_date(item.due, "EEE d MMM")))
    elif item.kind == "verzuim":
        parts.append(", ".join(AbsenceRule.label_of(rule) for rule in item.details))
    elif item.kind == "evaluatie" and item.due is not None:
        parts.append(_("gepland %(day)s", day=format_date(item.due, "EEE d MMM")))
    elif item.kind == "overdracht" and item.moment is not None:
        parts.append(
            _("COPA-overleg %(when)s", when=format_datetime(item.moment, "EEE d MMM HH:mm"))
        )
    return " · ".join(part for part in parts if part)


def count_lines(digest: Digest) -> list[str]:
    """ "The rest is counts": one short line per subject."""
    d = digest
    floor = d.floor
    groups = _(
        "Contacten %(contact)s · gesprekken %(gesprek)s · groepsmomenten %(groep)s",
        contact=floor.totals[EntryKind.CONTACT],
        gesprek=floor.totals[EntryKind.GESPREK],
        groep=floor.totals[EntryKind.GROEP],
    )
    if floor.totals[EntryKind.GROEP]:
        groups += (
            " (" + ngettext("%(num)s leerling", "%(num)s leerlingen", floor.group_students) + ")"
        )
    flags = _("Nieuwe vlaggen %(num)s", num=d.flags.total)
    kinds = [f"{FlagType.label_of(key)} {n}" for key, n in d.flags.by_type.items() if n]
    if kinds:
        flags += ": " + ", ".join(kinds)
    handovers = _("Overdracht naar COPA: %(num)s wacht", num=len(d.handovers.waiting))
    if d.handovers.next_moment is not None:
        handovers += " · " + _(
            "volgende overleg %(when)s",
            when=format_datetime(d.handovers.next_moment, "EEE d MMM HH:mm"),
        )
    climate = _(
        "Klimaat (4 schoolweken): %(ratio)s, streven 4 : 1", ratio=ratio_text(d.climate.overall)
    )
    low = [f"{z.zone} {ratio_text(z.figure)}" for z in d.climate.below_target]
    if low:
        climate += "; " + _("onder streven: %(zones)s", zones=", ".join(low))
    lines = [
        groups,
        _(
            "Spanningen %(num)s (hoog %(high)s) · de-escalaties %(deesc)s "
            "(doorverwezen %(referred)s)",
            num=floor.totals[EntryKind.SPANNING],
            high=floor.severities[Severity.HOOG],
            deesc=floor.totals[EntryKind.DEESCALATIE],
            referred=floor.outcomes[Outcome.DOORVERWEZEN],
        ),
        flags,
        _(
            "Verzuimsignalen: %(new)s nieuw, %(active)s nog actief",
            new=len(d.absence.new),
            active=len(d.absence.still_active),
        ),
        _(
            "Oudercontact: %(done)s gedaan, %(open)s open, %(late)s te laat",
            done=d.calls.done,
            open=d.calls.open,
            late=d.calls.overdue,
        ),
        _(
            "Huisbezoeken: %(done)s gedaan, %(planned)s gepland",
            done=d.visits.done,
            planned=d.visits.planned_today + d.visits.upcoming,
        ),
        _(
            "Casussen: %(new)s nieuw, %(changes)s statuswijzigingen",
            new=len(d.cases.new),
            changes=len(d.cases.changes),
        ),
        handovers,
    ]
    if d.quarantine.received:
        lines.append(
            _(
                "Quarantaine: %(num)s registraties niet verwerkt (%(open)s nog open)",
                num=d.quarantine.received,
                open=d.quarantine.unresolved,
            )
        )
    lines.append(climate)
    return lines


def plan_lines(digest: Digest) -> list[str]:
    """The presence plan: per break, the zones where tension concentrated."""
    lines = []
    for plan_item in digest.presence_plan:
        zones = ", ".join(f"{z.zone} ({z.window})" for z in plan_item.zones)
        lines.append(
            f"{plan_item.label} {plan_item.range_label}: {zones or _('geen spanning gemeld')}"
        )
    return lines


@dataclass(frozen=True)
class MailAction:
    text: str
    students: str  # initials and class only


@dataclass(frozen=True)
class MailSection:
    """One location's digest as the e-mail shows it."""

    code: str
    name: str
    day: str
    url: str
    school_day: bool
    actions: list[MailAction]
    counts: list[str]
    plan: list[str]


def mail_section(digest: Digest) -> MailSection:
    """Needs a request context (links, locale)."""
    return MailSection(
        code=digest.location_code,
        name=digest.location_name,
        day=format_date(digest.day, "EEEE d MMMM yyyy"),
        url=digest_url(digest),
        school_day=digest.info.school_day,
        actions=[
            MailAction(action_text(a), ", ".join(s.label for s in a.students))
            for a in digest.actions
        ],
        counts=count_lines(digest),
        plan=plan_lines(digest),
    )


def compose(
    recipient: User, digests: list[Digest], settings: SmtpSettings, *, now: datetime | None = None
) -> EmailMessage:
    """The digest of ``digests`` (one per location) for one team leader: a plain-text part and
    an HTML alternative, with links to the pages. No student names, no free-text notes."""
    now = now or utcnow()
    base_url = str(current_app.config.get("APP_BASE_URL") or "http://localhost").rstrip("/")
    with current_app.test_request_context("/", base_url=base_url):
        sections = [mail_section(d) for d in digests]
        context = {"recipient": recipient, "sections": sections, "base_url": base_url}
        text = render_template("digest/email.txt", **context)
        html = render_template("digest/email.html", **context)
        subject = subject_for(digests)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address("SchoolFit", addr_spec=settings.sender)
    message["To"] = Address(recipient.name, addr_spec=recipient.email)
    message["Date"] = email_date(now)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    # RFC 3834: no out-of-office replies to an automatic message.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def subject_for(digests: list[Digest]) -> str:
    """ "Dagoverzicht ZS di 24 nov: 3 voor jou" (in the request context's locale)."""
    codes = ", ".join(d.location_code for d in digests)
    day = format_date(digests[0].day, "EEE d MMM") if digests else ""
    actions = sum(len(d.actions) for d in digests)
    if actions:
        return _(
            "Dagoverzicht %(codes)s %(day)s: %(num)s voor jou", codes=codes, day=day, num=actions
        )
    return _("Dagoverzicht %(codes)s %(day)s", codes=codes, day=day)


# ---------------------------------------------------------------------------------------------
# Planning and sending


@dataclass
class Planned:
    """One team leader's e-mail of one day: the locations still to send (or all, forced)."""

    user: User
    day: date
    locations: list[Location]
    already_sent: list[Location]
    force: bool = False

    @property
    def due(self) -> bool:
        return bool(self.locations)


def team_leaders(location: Location | None = None) -> list[User]:
    """Active team leaders with at least one location (or with ``location``), by e-mail."""
    users = db.session.scalars(
        select(User)
        .where(User.role == Role.TEAMLEIDER, User.active.is_(True))
        .options(selectinload(User.locations))
        .order_by(User.email)
    ).all()
    return [u for u in users if u.locations and (location is None or location.id in u.location_ids)]


def sent_locations(user_ids: Iterable[int], day: date) -> set[tuple[int, int]]:
    """(user id, location id) pairs whose digest of ``day`` was sent already."""
    ids = list(user_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        select(DigestDelivery.user_id, DigestDelivery.location_id).where(
            DigestDelivery.day == day,
            DigestDelivery.user_id.in_(ids),
            DigestDelivery.sent_at.is_not(None),
        )
    ).all()
    return {(user_id, location_id) for user_id, location_id in rows}


def plan(day: date, *, location: Location | None = None, force: bool = False) -> list[Planned]:
    """Who gets which locations' digest of ``day``: each active team leader their own locations
    (only ``location`` when given), minus what was sent already unless ``force``."""
    leaders = team_leaders(location)
    done = sent_locations((u.id for u in leaders), day)
    plans: list[Planned] = []
    for user in leaders:
        wanted = [loc for loc in user.locations if location is None or loc.id == location.id]
        wanted.sort(key=lambda loc: loc.code.lower())
        sent = [loc for loc in wanted if (user.id, loc.id) in done]
        pending = wanted if force else [loc for loc in wanted if (user.id, loc.id) not in done]
        plans.append(Planned(user=user, day=day, locations=pending, already_sent=sent, force=force))
    return plans


def _claim_rows(user: User, locations: list[Location], day: date) -> list[DigestDelivery]:
    """The delivery rows of one team leader's e-mail, locked for this run.

    Existing rows are read ``FOR UPDATE`` (PostgreSQL; SQLite serialises writers anyway) and
    missing ones inserted and flushed at once, so a second run at the same moment waits here,
    then sees ``sent_at`` (or trips over the unique key) instead of sending the e-mail twice."""
    query = (
        select(DigestDelivery)
        .where(
            DigestDelivery.user_id == user.id,
            DigestDelivery.day == day,
            DigestDelivery.location_id.in_([loc.id for loc in locations]),
        )
        .with_for_update()
    )
    existing = {row.location_id: row for row in db.session.scalars(query)}
    rows: list[DigestDelivery] = []
    for loc in locations:
        row = existing.get(loc.id)
        if row is None:
            row = DigestDelivery(
                user_id=user.id, location_id=loc.id, day=day, attempts=0, error="", recipient=""
            )
            db.session.add(row)
        rows.append(row)
    db.session.flush()
    return rows


class DigestCache:
    """Each location's digest is built once per run, however many team leaders it has."""

    def __init__(self, calendar: SchoolCalendar, now: datetime) -> None:
        self.calendar = calendar
        self.now = now
        self._built: dict[tuple[int, date], Digest] = {}

    def get(self, location: Location, day: date) -> Digest:
        key = (location.id, day)
        if key not in self._built:
            self._built[key] = build_digest(location, day, calendar=self.calendar, now=self.now)
        return self._built[key]


def send_planned(
    mailer: Mailer, planned: Planned, digests: DigestCache, *, now: datetime | None = None
) -> list[Location]:
    """Compose and send one team leader's e-mail and write the delivery log (add and flush).

    Answers the locations sent: none when a run at the same moment sent them first (then
    nothing is sent). On success every location's row gets ``sent_at`` and the sending is
    audited; on failure the rows record the attempt and the error and keep ``sent_at`` as it
    was, and :class:`MailError` is raised (after writing the log)."""
    now = now or utcnow()
    user = planned.user
    try:
        rows = _claim_rows(user, planned.locations, planned.day)
    except IntegrityError:
        db.session.rollback()  # another run inserted the same rows first: it sends them
        return []
    if not planned.force:
        rows = [row for row in rows if row.sent_at is None]
    by_id = {loc.id: loc for loc in planned.locations}
    locations = [by_id[row.location_id] for row in rows]
    if not locations:
        return []
    built = [digests.get(loc, planned.day) for loc in locations]
    for row in rows:
        row.attempts = (row.attempts or 0) + 1
        row.attempted_at = now
        row.recipient = user.email
    try:
        message = compose(user, built, mailer.settings, now=now)
        mailer.send(message)
    except MailError as error:
        for row in rows:
            row.error = error.message[:DELIVERY_ERROR_MAX]
        db.session.flush()
        raise
    for row in rows:
        row.sent_at = now
        row.error = ""
    for digest in built:
        audit_digest(
            user,
            digest,
            action="email",
            detail=f"dagoverzicht per e-mail aan {user.email}",
            student_ids=[s.id for s in digest.action_students],
            address="cli",
        )
    db.session.flush()
    return locations
