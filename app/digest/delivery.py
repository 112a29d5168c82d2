"""Sending the digest e-mail: the SMTP connection, who is due which locations, and the delivery
log.

Settings (``config/settings.py``, from the environment): ``SMTP_HOST``, ``SMTP_PORT``,
``SMTP_USER``, ``SMTP_PASSWORD``, ``SMTP_SECURITY`` (``none``, ``starttls`` or ``tls``) and
``MAIL_FROM``; the message itself is :mod:`app.digest.compose`'s work.

The delivery log (:class:`~app.models.digest.DigestDelivery`) says what was sent: one row per
team leader, location and day; ``sent_at`` is set only once the SMTP server accepted the
message. Before sending, a run claims the rows of an e-mail in the database (:func:`claim`),
so two runs at once — on one server or two — never send the same e-mail. Functions here add
and flush; the command commits the claim before sending and the log after each team leader.
"""

from __future__ import annotations

import secrets
import smtplib
import socket
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update

from app.core.schoolcalendar import SchoolCalendar
from app.core.sql import insert_ignoring_duplicates, rows_affected, table_of
from app.digest.auditing import audit_digest
from app.digest.builder import build_digest
from app.digest.compose import compose, recipients
from app.digest.model import Digest
from app.extensions import db
from app.models import Location, User
from app.models.digest import CLAIM_TOKEN_LENGTH, DELIVERY_ERROR_MAX, DigestDelivery
from app.models.types import utcnow
from app.observability.metrics import DIGEST_EMAILS

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
        problems = config.get("SETTING_PROBLEMS") or {}
        if "SMTP_PORT" in problems:
            raise MailError(problems["SMTP_PORT"], fatal=True)
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
        raw = error.smtp_error or b""
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        return f"{error.smtp_code} {text}".strip()
    if isinstance(error, ConnectionRefusedError):
        return "verbinding geweigerd"
    if isinstance(error, socket.timeout | TimeoutError):
        return "geen antwoord (time-out)"
    return str(error) or error.__class__.__name__


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
    leaders = recipients(location)
    done = sent_locations((u.id for u in leaders), day)
    plans: list[Planned] = []
    for user in leaders:
        wanted = [loc for loc in user.locations if location is None or loc.id == location.id]
        wanted.sort(key=lambda loc: loc.code.lower())
        sent = [loc for loc in wanted if (user.id, loc.id) in done]
        pending = wanted if force else [loc for loc in wanted if (user.id, loc.id) not in done]
        plans.append(Planned(user=user, day=day, locations=pending, already_sent=sent, force=force))
    return plans


@dataclass
class Claim:
    """The delivery rows of one team leader's e-mail that this run claimed (``token``)."""

    planned: Planned
    token: str
    locations: list[Location]


def claim(planned: Planned, *, now: datetime | None = None) -> Claim | None:
    """Claim the delivery rows of one team leader's e-mail for this run; None when there is
    nothing to send (sent already, or being sent by another run at this moment).

    Missing rows are inserted (the unique key lets one of two runs do it), then one UPDATE
    marks the rows that are still to send and not claimed by a live run. The caller commits
    the claim *before* sending, so another run, on this server or another, sees it and leaves
    the e-mail alone; the mail server is never talked to while a transaction is open. A claim
    older than ``DIGEST_CLAIM_TIMEOUT`` belongs to a run that died and may be taken over."""
    now = now or utcnow()
    user = planned.user
    ids = [loc.id for loc in planned.locations]
    if not ids:
        return None
    table = table_of(DigestDelivery)
    db.session.execute(
        insert_ignoring_duplicates(table, ["user_id", "location_id", "day"]),
        [
            {
                "user_id": user.id,
                "location_id": location_id,
                "day": planned.day,
                "recipient": "",
                "attempted_at": now,
                "attempts": 0,
                "error": "",
                "claim_token": "",
            }
            for location_id in ids
        ],
    )
    timeout: timedelta = current_app.config["DIGEST_CLAIM_TIMEOUT"]
    token = secrets.token_hex(CLAIM_TOKEN_LENGTH // 2)
    free = or_(table.c.claimed_at.is_(None), table.c.claimed_at < now - timeout)
    statement = (
        update(table)
        .where(
            table.c.user_id == user.id,
            table.c.day == planned.day,
            table.c.location_id.in_(ids),
            free,
        )
        .values(claim_token=token, claimed_at=now)
    )
    if not planned.force:
        statement = statement.where(table.c.sent_at.is_(None))
    if not rows_affected(statement):
        return None
    claimed = set(
        db.session.scalars(
            select(DigestDelivery.location_id).where(DigestDelivery.claim_token == token)
        )
    )
    locations = [loc for loc in planned.locations if loc.id in claimed]
    return Claim(planned=planned, token=token, locations=locations)


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


def send_claimed(
    mailer: Mailer, claimed: Claim, digests: DigestCache, *, now: datetime | None = None
) -> list[Location]:
    """Compose and send one team leader's claimed e-mail and write the delivery log (add and
    flush); answers the locations sent.

    On success every claimed row gets ``sent_at`` and the sending is audited; on failure the
    rows record the attempt and the error, keep ``sent_at`` as it was, and give up the claim
    (the next run tries again), and :class:`MailError` is raised (after writing the log)."""
    now = now or utcnow()
    planned = claimed.planned
    user = planned.user
    rows = list(
        db.session.scalars(
            select(DigestDelivery).where(DigestDelivery.claim_token == claimed.token)
        )
    )
    by_id = {loc.id: loc for loc in claimed.locations}
    locations = [by_id[row.location_id] for row in rows if row.location_id in by_id]
    if not locations:
        return []
    built = [digests.get(loc, planned.day) for loc in locations]
    for row in rows:
        row.attempts = (row.attempts or 0) + 1
        row.attempted_at = now
        row.recipient = user.email
        row.claim_token = ""
        row.claimed_at = None
    try:
        message = compose(user, built, mailer.settings.sender, now=now)
        mailer.send(message)
    except MailError as error:
        DIGEST_EMAILS.labels(result="failed").inc()
        for row in rows:
            row.error = error.message[:DELIVERY_ERROR_MAX]
        db.session.flush()
        raise
    DIGEST_EMAILS.labels(result="sent").inc()
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
