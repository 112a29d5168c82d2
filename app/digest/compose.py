"""The digest e-mail as a message: who gets it, its subject, and its plain-text and HTML bodies.

E-mail leaves the app's control, so a message carries no student names: counts, initials with
class, and a link to the page (``APP_BASE_URL``). Free-text notes staff typed are left out too
(they may hold anything). What needs the team leader's action comes first. Sending it is
:mod:`app.digest.delivery`'s work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from email.utils import make_msgid

from flask import current_app, render_template, url_for
from flask_babel import format_date, format_datetime, ngettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.core import roles
from app.core.vocabulary import (
    AbsenceRule,
    AlertKind,
    EntryKind,
    FlagType,
    Outcome,
    PartnerKind,
    Severity,
)
from app.digest.agenda import agenda
from app.digest.formatting import ratio_text
from app.digest.model import ActionItem, ActionKind, Digest
from app.extensions import db
from app.models import Location, User
from app.models.types import utcnow


def recipients(location: Location | None = None) -> list[User]:
    """Active team leaders with at least one location (or with ``location``), by e-mail."""
    users = db.session.scalars(
        select(User)
        .where(User.role.in_(sorted(roles.DIGEST_RECIPIENTS)), User.active.is_(True))
        .options(selectinload(User.locations))
        .order_by(User.email)
    ).all()
    return [u for u in users if u.locations and (location is None or location.id in u.location_ids)]


def digest_url(digest: Digest) -> str:
    """The page of a digest, absolute (``APP_BASE_URL``). Needs a request context."""
    return url_for(
        "digest.page", code=digest.location_code, day=digest.day.isoformat(), _external=True
    )


def action_text(item: ActionItem) -> str:
    """One action item on one line, without its students and without the staff note."""
    parts = [item.kind.label]
    if item.at is not None and item.kind in (
        ActionKind.DOORVERWEZEN,
        ActionKind.GEMARKEERD,
        ActionKind.MELDING,
    ):
        parts.append(format_datetime(item.at, "HH:mm"))
    if item.zone:
        parts.append(item.zone)
    if item.kind == ActionKind.GEMARKEERD:
        parts.append(EntryKind.label_of(item.detail).lower())
    elif item.kind == ActionKind.DUO and item.due is not None:
        parts.append(_("uiterlijk %(day)s", day=format_date(item.due, "EEE d MMM")))
    elif item.kind == ActionKind.MELDING:
        parts.append(AlertKind.label_of(item.detail))
    elif item.kind == ActionKind.VERWIJZING and item.due is not None:
        parts.append(
            _(
                "%(partner)s, terugkoppeling verwacht %(day)s",
                partner=PartnerKind.label_of(item.detail),
                day=format_date(item.due, "EEE d MMM"),
            )
        )
    elif item.kind == ActionKind.VERZUIM:
        parts.append(", ".join(AbsenceRule.label_of(rule) for rule in item.details))
    elif item.kind == ActionKind.EVALUATIE and item.due is not None:
        parts.append(_("gepland %(day)s", day=format_date(item.due, "EEE d MMM")))
    elif item.kind == ActionKind.OVERDRACHT and item.moment is not None:
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
    if d.referrals.open:
        lines.append(
            _(
                "Verwijzingen: %(open)s wachten op terugkoppeling, %(late)s te laat",
                open=d.referrals.open,
                late=len(d.referrals.overdue),
            )
        )
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
    """One task of "voor jou" (``app.digest.agenda``): a student once, with all their reasons."""

    text: str  # the reasons, most urgent first, without notes
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
            MailAction(
                "; ".join(action_text(reason) for reason in task.reasons),
                ", ".join(s.label for s in task.students),
            )
            for task in agenda(digest.actions)
        ],
        counts=count_lines(digest),
        plan=plan_lines(digest),
    )


def subject_for(digests: list[Digest]) -> str:
    """ "Dagoverzicht ZS di 24 nov: 3 voor jou" (in the request context's locale): the tasks,
    each student once, as on the page."""
    codes = ", ".join(d.location_code for d in digests)
    day = format_date(digests[0].day, "EEE d MMM") if digests else ""
    actions = sum(len(agenda(d.actions)) for d in digests)
    if actions:
        return str(
            _("Dagoverzicht %(codes)s %(day)s: %(num)s voor jou", codes=codes, day=day, num=actions)
        )
    return str(_("Dagoverzicht %(codes)s %(day)s", codes=codes, day=day))


def compose(
    recipient: User, digests: list[Digest], sender: str, *, now: datetime | None = None
) -> EmailMessage:
    """The digest of ``digests`` (one per location) for one team leader, from the address
    ``sender``: a plain-text part and an HTML alternative, with links to the pages. No student
    names, no free-text notes."""
    now = now or utcnow()
    base_url = str(current_app.config["APP_BASE_URL"]).rstrip("/")
    with current_app.test_request_context("/", base_url=base_url):
        sections = [mail_section(d) for d in digests]
        context = {"recipient": recipient, "sections": sections, "base_url": base_url}
        text = render_template("digest/email.txt", **context)
        html = render_template("digest/email.html", **context)
        subject = subject_for(digests)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address("SchoolFit", addr_spec=sender)
    message["To"] = Address(recipient.name, addr_spec=recipient.email)
    message["Date"] = email_date(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # RFC 3834: no out-of-office replies to an automatic message.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
