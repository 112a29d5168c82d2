"""Pure workflow rules of desk mode: case status transitions, review dates, the order of the
call list, home-visit warnings, handover moments.

No Flask, no database session: plain values in, plain values out, tested with tables.
Messages are Dutch, fit to show the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext

from app.core.localtime import LOCAL_TZ
from app.core.vocabulary import (
    CallResult,
    CaseStatus,
    HandoverCriterion,
    Weekday,
)

S = CaseStatus

# Manual status changes. ``overgedragen_copa`` is reached only when COPA accepts a handover.
ALLOWED_TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    S.SIGNAAL: frozenset({S.PREVENTIEF, S.INTENSIEF, S.AFGESLOTEN}),
    S.PREVENTIEF: frozenset({S.INTENSIEF, S.AFGESLOTEN}),
    S.INTENSIEF: frozenset({S.PREVENTIEF, S.AFGESLOTEN}),
    # COPA hands the case back to SchoolFit, or it is closed.
    S.OVERGEDRAGEN_COPA: frozenset({S.PREVENTIEF, S.INTENSIEF, S.AFGESLOTEN}),
    # A closed case stays closed; a new signal opens a new case.
    S.AFGESLOTEN: frozenset(),
}

# A case can be handed over to COPA from these statuses (SchoolFit has worked on it first).
HANDOVER_FROM = frozenset({S.PREVENTIEF, S.INTENSIEF})

# Statuses that have a review date (a trajectory that must not drift).
TRAJECTORY_STATUSES = frozenset({S.PREVENTIEF, S.INTENSIEF})

REVIEW_PERIOD = timedelta(weeks=6)
# Reviews are checked weekly: a review falling due within the coming week is outstanding.
REVIEW_WINDOW = timedelta(days=7)


def transition_error(
    current: CaseStatus, target: CaseStatus, *, via_handover: bool = False
) -> str | None:
    """Why a case may not go from ``current`` to ``target`` (in the reader's language), or
    None."""
    if current == target:
        return gettext("De casus is al %(status)s.", status=current.label)
    if target == S.OVERGEDRAGEN_COPA:
        if via_handover and current in HANDOVER_FROM:
            return None
        if via_handover:
            return gettext(
                "Een casus met status %(status)s kan niet worden overgedragen; eerst "
                "preventief of intensief.",
                status=current.label,
            )
        return gettext(
            "Overdragen aan COPA gaat via het overdrachtsformulier; de status "
            "verandert als COPA de overdracht accepteert."
        )
    if current == S.AFGESLOTEN:
        return gettext("Een afgesloten casus gaat niet meer open. Open zo nodig een nieuwe casus.")
    if target not in ALLOWED_TRANSITIONS[current]:
        allowed = ", ".join(s.label for s in sorted_statuses(ALLOWED_TRANSITIONS[current]))
        return gettext(
            "Van %(status)s naar %(target)s mag niet. Mogelijk: %(allowed)s.",
            status=current.label,
            target=target.label,
            allowed=allowed,
        )
    return None


def allowed_targets(current: CaseStatus) -> list[CaseStatus]:
    """The statuses a person may choose on the status form, in workflow order."""
    return sorted_statuses(ALLOWED_TRANSITIONS[current])


def sorted_statuses(statuses: Iterable[CaseStatus]) -> list[CaseStatus]:
    order = list(CaseStatus)
    return sorted(statuses, key=order.index)


def default_review_date(today: date) -> date:
    return today + REVIEW_PERIOD


def review_due(status: CaseStatus, review_date: date | None, today: date) -> bool:
    """A trajectory whose review falls within the coming week (or is overdue)."""
    if status not in TRAJECTORY_STATUSES or review_date is None:
        return False
    return review_date <= today + REVIEW_WINDOW


def review_date_error(review_date: date | None, today: date) -> str | None:
    if review_date is None:
        return gettext("Kies een evaluatiedatum.")
    if review_date < today:
        return gettext("De evaluatiedatum ligt in het verleden.")
    if review_date > today + timedelta(weeks=26):
        return gettext("Kies een evaluatiedatum binnen een half jaar.")
    return None


# --- parent calls ----------------------------------------------------------------------------

# Results that mean the parent was reached: the task is done.
REACHED = frozenset({CallResult.GESPROKEN, CallResult.TERUGGEBELD})
MAX_CALL_PLANNING = timedelta(days=90)


def call_done_after(result: CallResult) -> bool:
    return result in REACHED


def call_due_error(due: date | None, today: date) -> str | None:
    if due is None:
        return gettext("Kies een datum om te bellen.")
    if due < today:
        return gettext("Die datum ligt in het verleden. Plan het gesprek vandaag of later.")
    if due > today + MAX_CALL_PLANNING:
        return gettext("Plan een belafspraak binnen drie maanden.")
    return None


def call_sort_key(
    due: date, today: date, preferred_time: str, call_id: int
) -> tuple[bool, date, str, int]:
    """Overdue calls on top (oldest first), then today's, then later ones."""
    return (due >= today, due, preferred_time or "~", call_id)


# --- a case opened from the floor -------------------------------------------------------------


def case_reason_from_entry(
    *, kind: str, detail: str, zone: str, occurred: datetime, note: str, limit: int
) -> str:
    """A case's reason (aanleiding) prefilled from the floor entry it is opened from: what was
    logged, where and when, and the note — "Vlag (zorg) in kantine op 05-12 om 09:12: zat
    alleen". Labels come in Dutch: the reason is stored."""
    local = occurred.astimezone(LOCAL_TZ)
    what = f"{kind} ({detail})" if detail else kind
    head = f"{what} in {zone} op {local:%d-%m} om {local:%H:%M}"
    text = f"{head}: {note.strip()}" if note.strip() else head
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- home visits -----------------------------------------------------------------------------


def home_visit_warnings(*, people: int, mixed_pair: bool, wants_mixed_pairs: bool) -> list[str]:
    """Warnings (never a refusal) for how a home visit is planned."""
    warnings: list[str] = []
    if people < 2:
        warnings.append(
            gettext("Dit huisbezoek is met één persoon gepland. Ga bij voorkeur met z'n tweeën.")
        )
    elif wants_mixed_pairs and not mixed_pair:
        warnings.append(gettext("Geen gemengd duo (man/vrouw), terwijl deze locatie dat wil."))
    return warnings


# --- handover --------------------------------------------------------------------------------


def handover_criteria_error(criteria: Iterable[str]) -> str | None:
    chosen = [c for c in criteria if c]
    if not chosen:
        return gettext("Kies minstens één criterium voor overdracht naar COPA.")
    known = {c.value for c in HandoverCriterion}
    unknown = [c for c in chosen if c not in known]
    if unknown:
        return gettext("Onbekend criterium: %(items)s.", items=", ".join(unknown))
    return None


@dataclass(frozen=True)
class SlotTime:
    weekday: int  # 0 = Monday
    starts_at: time


def next_moments(slot: SlotTime, now: datetime, count: int = 4) -> list[datetime]:
    """The next ``count`` occurrences (aware UTC) of a weekly local slot, after ``now``."""
    local_now = now.astimezone(LOCAL_TZ)
    days_ahead = (slot.weekday - local_now.weekday()) % 7
    first_day = local_now.date() + timedelta(days=days_ahead)
    moments: list[datetime] = []
    day = first_day
    while len(moments) < count:
        local = datetime.combine(day, slot.starts_at, tzinfo=LOCAL_TZ)
        if local > local_now:
            moments.append(local.astimezone(UTC))
        day += timedelta(days=7)
    return moments


def slot_label(weekday: int, starts_at: time) -> str:
    return f"{Weekday.of_index(weekday).label} {starts_at.strftime('%H:%M')}"


# --- LVS -------------------------------------------------------------------------------------

MAX_EXPORT_DAYS = 366


def export_period_error(start: date | None, end: date | None) -> str | None:
    if start is None or end is None:
        return gettext("Kies een begin- en einddatum.")
    if end < start:
        return gettext("De einddatum ligt voor de begindatum.")
    if (end - start).days >= MAX_EXPORT_DAYS:
        return gettext("Kies een periode van hoogstens een jaar.")
    return None
