"""Leerlingpeiling and climate-trend services: open and close a peiling, take a student's
answers anonymously, and read results. Services add and flush; the view commits.

``pulse_results``, ``pulse_trend`` and ``climate_trend`` are plain functions of a location and a
period, so the periodic report can show the same figures as the results page.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, select

from app.audit import record
from app.core.localtime import local_today
from app.core.sql import insert_ignoring_duplicates, rows_affected
from app.core.vocabulary import ClimateRating, PeilingStatus
from app.exceptions import DomainError
from app.extensions import db
from app.models import ClimateCheck, Location, Peiling, PeilingAnswer, PeilingDevice, User, Zone
from app.models.pulse import PEILING_CODE_LENGTH
from app.models.types import utcnow
from app.pulse.rules import (
    MAX_PEILING_DAYS,
    MAX_TREND_WEEKS,
    Phase,
    StatementTally,
    monday_of,
    periods_overlap,
    phase,
    results_may_show,
    tally,
    weeks_between,
)
from app.pulse.statements import (
    CURRENT_QUESTIONNAIRE,
    SCALE_VALUES,
    Statement,
    statements_for,
)

# Who may open and close a peiling, and who may read results (always for their own locations).

# Unambiguous when read off a poster or typed: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{PEILING_CODE_LENGTH}}}$")
# The device token is issued by the server when the questionnaire is opened: a random nonce and
# the peiling, signed with the app's secret key (itsdangerous), so a token a client makes up is
# worth nothing. An unused one is good for a day (opened in the morning, answered in the
# afternoon); a stock of tokens fetched beforehand does not keep.
TOKEN_SALT = "schoolfit-peiling-device"  # noqa: S105 - a namespace for the signature, not a secret
TOKEN_MAX_AGE = timedelta(hours=24)
TOKEN_MAX_LENGTH = 200


class PeilingNotOpen(DomainError):
    """The peiling takes no answers now (not yet open, ended or closed)."""


class AlreadyAnswered(DomainError):
    """This device has answered this peiling already."""


# -- opening and closing ---------------------------------------------------------------------


def new_code() -> str:
    """A fresh random code of 8 characters (31^8 ≈ 8.5·10^11: not guessable in practice)."""
    for _attempt in range(10):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(PEILING_CODE_LENGTH))
        if db.session.scalar(select(Peiling.id).where(Peiling.code == code)) is None:
            return code
    raise RuntimeError("no free peiling code after 10 attempts")  # pragma: no cover


def normalise_code(raw: str) -> str | None:
    """The canonical (upper-case) code, or None when ``raw`` cannot be a peiling code."""
    code = raw.strip().upper()
    return code if _CODE_PATTERN.match(code) else None


def open_peiling(
    user: User, location: Location, starts_on: date, ends_on: date, *, today: date | None = None
) -> Peiling:
    """Open a peiling of the current questionnaire for ``location`` from ``starts_on`` to
    ``ends_on`` (both inclusive). The caller has checked the user's role and location."""
    today = today or local_today()
    if ends_on < starts_on:
        raise DomainError(_("De einddatum ligt vóór de begindatum."), field="ends_on")
    if starts_on < today:
        raise DomainError(
            _("De begindatum ligt in het verleden. Kies vandaag of een latere dag."),
            field="starts_on",
        )
    if (ends_on - starts_on).days + 1 > MAX_PEILING_DAYS:
        raise DomainError(
            _(
                "Een peiling loopt hoogstens %(days)s dagen (6 weken). Kies een kortere periode.",
                days=MAX_PEILING_DAYS,
            ),
            field="ends_on",
        )
    for other in db.session.scalars(
        select(Peiling).where(
            Peiling.location_id == location.id, Peiling.status == PeilingStatus.OPEN
        )
    ):
        if periods_overlap(starts_on, ends_on, other.starts_on, other.ends_on):
            raise DomainError(
                _(
                    "Voor %(location)s loopt al een peiling van %(start)s tot en met %(end)s. "
                    "Kies een andere periode of sluit die peiling eerst.",
                    location=location.code,
                    start=format_date(other.starts_on, "d MMMM yyyy"),
                    end=format_date(other.ends_on, "d MMMM yyyy"),
                ),
                field="starts_on",
            )
    peiling = Peiling(
        location_id=location.id,
        code=new_code(),
        questionnaire=CURRENT_QUESTIONNAIRE,
        starts_on=starts_on,
        ends_on=ends_on,
        status=PeilingStatus.OPEN,
        opened_by_id=user.id,
        opened_at=utcnow(),
    )
    db.session.add(peiling)
    db.session.flush()
    record(
        user,
        "create",
        "peiling",
        peiling.id,
        detail=f"{location.code} {starts_on.isoformat()}..{ends_on.isoformat()}",
    )
    return peiling


def close_peiling(user: User, peiling: Peiling, *, now: datetime | None = None) -> None:
    """Close a peiling: it takes no more answers, and its device register is emptied (it is
    only needed while answers come in)."""
    if peiling.status == PeilingStatus.GESLOTEN:
        raise DomainError(_("Deze peiling is al gesloten."))
    peiling.status = PeilingStatus.GESLOTEN
    peiling.closed_at = now or utcnow()
    peiling.closed_by_id = user.id
    db.session.execute(delete(PeilingDevice).where(PeilingDevice.peiling_id == peiling.id))
    db.session.flush()
    record(user, "update", "peiling", peiling.id, detail="gesloten")


def purge_devices_of_ended_peilingen(cutoff: datetime, dry_run: bool) -> int:
    """Retention rule (``app.privacy.retention``): the device register of every peiling whose
    last day lies before ``cutoff``; counts only on a dry run."""
    ended = select(Peiling.id).where(Peiling.ends_on < cutoff.date()).scalar_subquery()
    condition = PeilingDevice.peiling_id.in_(ended)
    if dry_run:
        return (
            db.session.scalar(select(func.count()).select_from(PeilingDevice).where(condition)) or 0
        )
    return rows_affected(delete(PeilingDevice).where(condition))


def current_phase(peiling: Peiling, today: date | None = None) -> Phase:
    return phase(
        closed=peiling.status == PeilingStatus.GESLOTEN,
        starts_on=peiling.starts_on,
        ends_on=peiling.ends_on,
        today=today or local_today(),
    )


def find_by_code(code: str) -> Peiling | None:
    canonical = normalise_code(code)
    if canonical is None:
        return None
    return db.session.scalar(select(Peiling).where(Peiling.code == canonical))


def peilingen_for(location: Location) -> list[Peiling]:
    """Every peiling of a location, newest first."""
    return list(
        db.session.scalars(
            select(Peiling)
            .where(Peiling.location_id == location.id)
            .order_by(Peiling.starts_on.desc(), Peiling.id.desc())
        )
    )


# -- answering -------------------------------------------------------------------------------


def _token_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt=TOKEN_SALT)


def new_device_token(peiling: Peiling) -> str:
    """A token for one device and this peiling, issued when its questionnaire is opened and
    kept in a cookie on the phone: a random nonce and the peiling id, signed."""
    return _token_signer().dumps({"p": peiling.id, "n": secrets.token_urlsafe(16)})


def issued_for(peiling: Peiling, token: str | None, *, now: datetime | None = None) -> str:
    """What ``token`` is for ``peiling``: "fresh" (issued by this server for this peiling, less
    than a day ago), "expired" (issued for it, longer ago) or "" (anything else: made up,
    altered, for another peiling, signed with another key)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return ""
    try:
        data, signed_at = _token_signer().loads(token, return_timestamp=True)
    except BadSignature:
        return ""
    if not isinstance(data, dict) or data.get("p") != peiling.id or not data.get("n"):
        return ""
    age = (now or utcnow()) - signed_at
    return "fresh" if age <= TOKEN_MAX_AGE else "expired"


def device_hash(peiling: Peiling, token: str) -> str:
    """A keyed hash (HMAC-SHA256 with the app's secret key) of the device token.

    Keyed, so that someone holding a student's phone and a copy of the database still cannot
    find that phone in the register without also having the server's secret.
    """
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"schoolfit-peiling-device|{peiling.id}|{token}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def has_answered(peiling: Peiling, token: str | None) -> bool:
    """Whether this device (its token, however old) has answered this peiling."""
    if not issued_for(peiling, token):
        return False
    return (
        db.session.scalar(
            select(PeilingDevice.peiling_id).where(
                PeilingDevice.peiling_id == peiling.id,
                PeilingDevice.device_hash == device_hash(peiling, token or ""),
            )
        )
        is not None
    )


def not_open_message(peiling: Peiling, current: Phase) -> str:
    """What a student reads when the peiling takes no answers."""
    if current == Phase.UPCOMING:
        return _(
            "Deze peiling begint op %(day)s. Kom dan terug via dezelfde link.",
            day=format_date(peiling.starts_on, "EEEE d MMMM"),
        )
    if current == Phase.ENDED:
        return _(
            "Deze peiling is afgelopen (de laatste dag was %(day)s). Je kunt niet meer meedoen.",
            day=format_date(peiling.ends_on, "EEEE d MMMM"),
        )
    return _("Deze peiling is gesloten. Je kunt niet meer meedoen.")


def already_answered_message() -> str:
    return _(
        "Je hebt deze peiling al ingevuld op dit apparaat. Bedankt! Je kunt maar één keer meedoen."
    )


def check_answers(statements: Sequence[Statement], answers: Mapping[str, object]) -> dict[str, int]:
    """Every statement answered with a whole number 1–5, nothing else; else a DomainError."""
    unknown = set(answers) - {s.key for s in statements}
    if unknown:
        raise DomainError(
            _("Er zijn antwoorden meegestuurd op vragen die niet in deze peiling staan.")
        )
    checked: dict[str, int] = {}
    missing = 0
    for statement in statements:
        value = answers.get(statement.key)
        if value is None or value == "":
            missing += 1
            continue
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise DomainError(
                _("Een antwoord is ongeldig. Kies bij elke uitspraak één van de vijf.")
            )
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number not in SCALE_VALUES:
            raise DomainError(
                _("Een antwoord is ongeldig. Kies bij elke uitspraak één van de vijf.")
            )
        checked[statement.key] = number
    if missing:
        raise DomainError(
            _(
                "Je hebt nog niet alles ingevuld: kies bij elke uitspraak een antwoord "
                "(nog %(count)s open).",
                count=missing,
            )
        )
    return checked


def submit_answers(
    peiling: Peiling,
    device_token: str | None,
    answers: Mapping[str, object],
    *,
    today: date | None = None,
) -> None:
    """Store one student's answers, once per device.

    Stored: per statement the value, and separately the keyed hash of the device token in the
    register. Nothing links the two, and neither holds a time, an address or a name.
    Raises :class:`PeilingNotOpen`, :class:`AlreadyAnswered` or :class:`DomainError`.
    """
    current = current_phase(peiling, today)
    if current != Phase.OPEN:
        raise PeilingNotOpen(not_open_message(peiling, current))
    if issued_for(peiling, device_token) != "fresh":
        raise DomainError(
            _(
                "Je antwoorden zijn nog niet opgeslagen: je browser stuurde geen geldige code van "
                "dit apparaat mee (die krijg je bij het openen van de peiling). Druk nog een keer "
                "op Versturen; lukt het dan nog niet, sta dan cookies toe voor deze site."
            )
        )
    statements = statements_for(peiling.questionnaire)
    checked = check_answers(statements, answers)
    # The database decides "already answered" (a unique key and ON CONFLICT DO NOTHING), so
    # two taps at once, or two app workers, still store one answer.
    # RETURNING rather than rowcount: psycopg reports no row count for this INSERT.
    registered = db.session.execute(
        insert_ignoring_duplicates(PeilingDevice, ["peiling_id", "device_hash"])
        .values(peiling_id=peiling.id, device_hash=device_hash(peiling, device_token or ""))
        .returning(PeilingDevice.peiling_id)
    ).scalar_one_or_none()
    if registered is None:
        raise AlreadyAnswered(already_answered_message())
    db.session.add_all(
        PeilingAnswer(peiling_id=peiling.id, statement=key, value=value)
        for key, value in checked.items()
    )
    db.session.flush()


# -- results ---------------------------------------------------------------------------------


@dataclass
class PeilingResult:
    """A peiling with its number of respondents and, only when they may be shown, its tallies."""

    peiling: Peiling
    phase: Phase
    respondents: int
    statements: tuple[Statement, ...]
    tallies: dict[str, StatementTally] = field(default_factory=dict)

    @property
    def shown(self) -> bool:
        return bool(self.tallies)

    def rows(self) -> list[tuple[Statement, StatementTally]]:
        return [(s, self.tallies[s.key]) for s in self.statements if s.key in self.tallies]


def respondent_counts(peiling_ids: Iterable[int]) -> dict[int, int]:
    """Students who answered, per peiling (one query)."""
    ids = list(peiling_ids)
    per_statement: dict[int, list[int]] = defaultdict(list)
    if ids:
        rows = db.session.execute(
            select(PeilingAnswer.peiling_id, func.count())
            .where(PeilingAnswer.peiling_id.in_(ids))
            .group_by(PeilingAnswer.peiling_id, PeilingAnswer.statement)
        )
        for peiling_id, count in rows:
            per_statement[peiling_id].append(count)
    return {pid: max(per_statement.get(pid, [0])) for pid in ids}


def results_for(peilingen: Sequence[Peiling], *, today: date | None = None) -> list[PeilingResult]:
    """Results of these peilingen, in the order given (two queries in all).

    First only the number of students per peiling; the answers themselves are read only for
    peilingen whose results may be shown (ended or closed, and at least the minimum group size),
    so a page cannot show what it never loaded.
    """
    today = today or local_today()
    counts = respondent_counts(p.id for p in peilingen)
    results = [
        PeilingResult(
            peiling=peiling,
            phase=current_phase(peiling, today),
            respondents=counts[peiling.id],
            statements=statements_for(peiling.questionnaire),
        )
        for peiling in peilingen
    ]
    shown = [r for r in results if results_may_show(r.phase, r.respondents)]
    distributions: dict[int, dict[str, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    if shown:
        rows = db.session.execute(
            select(
                PeilingAnswer.peiling_id, PeilingAnswer.statement, PeilingAnswer.value, func.count()
            )
            .where(PeilingAnswer.peiling_id.in_([r.peiling.id for r in shown]))
            .group_by(PeilingAnswer.peiling_id, PeilingAnswer.statement, PeilingAnswer.value)
        )
        for peiling_id, statement, value, count in rows:
            distributions[peiling_id][statement][value] = count
    for result in shown:
        answers = distributions[result.peiling.id]
        result.tallies = {s.key: tally(s.key, answers.get(s.key, {})) for s in result.statements}
    return results


def pulse_results(
    location: Location, start: date, end: date, *, today: date | None = None
) -> list[PeilingResult]:
    """The peilingen of a location whose period overlaps ``[start, end]``, oldest first, with
    results where they may be shown. For the results page and the periodic report."""
    peilingen = list(
        db.session.scalars(
            select(Peiling)
            .where(
                Peiling.location_id == location.id,
                Peiling.starts_on <= end,
                Peiling.ends_on >= start,
            )
            .order_by(Peiling.starts_on, Peiling.id)
        )
    )
    return results_for(peilingen, today=today)


def pulse_trend(
    location: Location, *, until: Peiling | None = None, today: date | None = None
) -> list[PeilingResult]:
    """Every peiling of a location up to and including ``until`` (all when None), oldest first:
    the trend over earlier peilingen."""
    query = select(Peiling).where(Peiling.location_id == location.id)
    if until is not None:
        query = query.where(Peiling.starts_on <= until.starts_on)
    peilingen = list(db.session.scalars(query.order_by(Peiling.starts_on, Peiling.id)))
    return results_for(peilingen, today=today)


# -- the climate check as a zone × week trend ------------------------------------------------


@dataclass(frozen=True)
class ClimateCounts:
    rustig: int = 0
    wisselend: int = 0
    onrustig: int = 0

    @property
    def total(self) -> int:
        return self.rustig + self.wisselend + self.onrustig

    def __add__(self, other: ClimateCounts) -> ClimateCounts:
        return ClimateCounts(
            self.rustig + other.rustig,
            self.wisselend + other.wisselend,
            self.onrustig + other.onrustig,
        )

    def get(self, rating: ClimateRating) -> int:
        return int(getattr(self, rating.value))


@dataclass(frozen=True)
class ClimateZone:
    id: int
    name: str


@dataclass
class ClimateTrend:
    """Climate checks of one location counted per zone and week (weeks start on Monday)."""

    location_id: int
    start: date
    end: date
    weeks: list[date]
    zones: list[ClimateZone]  # zones with at least one check in the period, in their order
    cells: dict[tuple[int, date], ClimateCounts]
    zones_without_checks: list[str]

    def cell(self, zone_id: int, monday: date) -> ClimateCounts:
        return self.cells.get((zone_id, monday), ClimateCounts())

    def week_total(self, monday: date) -> ClimateCounts:
        return sum((self.cell(z.id, monday) for z in self.zones), ClimateCounts())

    @property
    def total(self) -> ClimateCounts:
        return sum(self.cells.values(), ClimateCounts())


def climate_trend(
    location: Location | int,
    start: date,
    end: date,
    *,
    school_weeks: Iterable[date] | None = None,
) -> ClimateTrend:
    """Counts of rustig / wisselend / onrustig per zone per week at ``location`` between
    ``start`` and ``end`` (local dates, inclusive), from every staff member's climate checks.

    Weeks run Monday–Sunday and are keyed by their Monday. Pass ``school_weeks`` (Mondays, e.g.
    from the school calendar) to keep only school weeks and leave holiday weeks out. Notes and
    who checked are not part of the trend. Two queries, whatever the period.
    """
    location_id = location if isinstance(location, int) else location.id
    if (end - start).days > MAX_TREND_WEEKS * 7:
        raise DomainError(
            _("Kies een periode van hoogstens %(weeks)s weken.", weeks=MAX_TREND_WEEKS)
        )
    weeks = weeks_between(start, end)
    if school_weeks is not None:
        keep = {monday_of(day) for day in school_weeks}
        weeks = [w for w in weeks if w in keep]
    kept_weeks = set(weeks)
    rows = db.session.execute(
        select(ClimateCheck.zone_id, ClimateCheck.day, ClimateCheck.rating, func.count())
        .where(
            ClimateCheck.location_id == location_id,
            ClimateCheck.day >= start,
            ClimateCheck.day <= end,
        )
        .group_by(ClimateCheck.zone_id, ClimateCheck.day, ClimateCheck.rating)
    )
    counts: dict[tuple[int, date], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for zone_id, day, rating, count in rows:
        monday = monday_of(day)
        if monday in kept_weeks:
            counts[(zone_id, monday)][ClimateRating(rating).value] += count
    cells = {key: ClimateCounts(**values) for key, values in counts.items()}
    checked_zone_ids = {zone_id for zone_id, _monday in cells}
    zones = list(
        db.session.scalars(
            select(Zone).where(Zone.location_id == location_id).order_by(Zone.position, Zone.name)
        )
    )
    return ClimateTrend(
        location_id=location_id,
        start=start,
        end=end,
        weeks=weeks,
        zones=[ClimateZone(z.id, z.name) for z in zones if z.id in checked_zone_ids],
        cells=cells,
        zones_without_checks=[z.name for z in zones if z.active and z.id not in checked_zone_ids],
    )


def default_climate_period(today: date | None = None) -> tuple[date, date]:
    """The last eight weeks up to today: the climate trend's default period."""
    today = today or local_today()
    return monday_of(today) - timedelta(weeks=7), today
