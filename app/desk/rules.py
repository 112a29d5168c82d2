"""Pure workflow rules of desk mode: case status transitions, who may see and do what with a
case, review dates, the order of the call list, home-visit warnings, handover moments.

No Flask, no database session: plain values in, plain values out, tested with tables.
Messages are Dutch, fit to show the user.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.models.desk import CallResult, CaseStatus, HandoverCriterion, HandoverStatus
from app.models.org import Role

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

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

STATUS_NAMES = {
    S.SIGNAAL: "signaal",
    S.PREVENTIEF: "preventief",
    S.INTENSIEF: "intensief",
    S.OVERGEDRAGEN_COPA: "overgedragen aan COPA",
    S.AFGESLOTEN: "afgesloten",
}

# Roles that work on cases (create, write reports, plan calls and visits, hand over).
CASE_WORKERS = frozenset({Role.MEDEWERKER, Role.TEAMLEIDER})
# Roles that may read cases at all (COPA only handed-over ones).
CASE_READERS = frozenset({Role.MEDEWERKER, Role.TEAMLEIDER, Role.COPA})
# Desk work on the own floor entries (the inbox) and the outstanding-actions list.
DESK_STAFF = frozenset({Role.MEDEWERKER})
# Who may configure the weekly handover moments of their locations.
SLOT_MANAGERS = frozenset({Role.TEAMLEIDER, Role.COPA, Role.LOCATIELEIDER, Role.BEHEER})


def transition_error(
    current: CaseStatus, target: CaseStatus, *, via_handover: bool = False
) -> str | None:
    """Why a case may not go from ``current`` to ``target`` (a Dutch message), or None."""
    if current == target:
        return f"De casus is al {STATUS_NAMES[current]}."
    if target == S.OVERGEDRAGEN_COPA:
        if via_handover and current in HANDOVER_FROM:
            return None
        if via_handover:
            return (
                f"Een casus met status {STATUS_NAMES[current]} kan niet worden overgedragen; "
                "eerst preventief of intensief."
            )
        return (
            "Overdragen aan COPA gaat via het overdrachtsformulier; de status verandert als "
            "COPA de overdracht accepteert."
        )
    if current == S.AFGESLOTEN:
        return "Een afgesloten casus gaat niet meer open. Open zo nodig een nieuwe casus."
    if target not in ALLOWED_TRANSITIONS[current]:
        allowed = ", ".join(STATUS_NAMES[s] for s in sorted_statuses(ALLOWED_TRANSITIONS[current]))
        return (
            f"Van {STATUS_NAMES[current]} naar {STATUS_NAMES[target]} mag niet. "
            f"Mogelijk: {allowed}."
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
        return "Kies een evaluatiedatum."
    if review_date < today:
        return "De evaluatiedatum ligt in het verleden."
    if review_date > today + timedelta(weeks=26):
        return "Kies een evaluatiedatum binnen een half jaar."
    return None


# --- access --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case (all False: the case does not exist for them)."""

    view: bool = False
    work: bool = False  # reviews, status changes, handover
    assign: bool = False  # owner and team leader (also while the case is with COPA)
    change_status: bool = False
    add_note: bool = False
    decide_handover: bool = False


NO_ACCESS = CaseAccess()


def case_access(
    role: Role, *, same_location: bool, handover_visible: bool, status: CaseStatus
) -> CaseAccess:
    """The access rule for cases.

    - medewerker and teamleider: every case of their locations; while it is with COPA they
      read it and add notes only;
    - copa: only cases of their locations with a pending or accepted handover; COPA decides on
      handovers, adds notes, and changes the status only while the case is with COPA;
    - locatieleider and beheer: no case content (reports and management only);
    - everything else: no access (the view answers 404).
    """
    if not same_location:
        return NO_ACCESS
    if role in CASE_WORKERS:
        # While the case is with COPA, SchoolFit reads it and adds notes; COPA decides the rest
        # (it hands the case back or closes it).
        workable = status not in (S.AFGESLOTEN, S.OVERGEDRAGEN_COPA)
        return CaseAccess(
            view=True,
            work=workable,
            assign=status != S.AFGESLOTEN,
            change_status=workable,
            add_note=True,
            decide_handover=False,
        )
    if role == Role.COPA and handover_visible:
        return CaseAccess(
            view=True,
            work=False,
            change_status=status == S.OVERGEDRAGEN_COPA,
            add_note=True,
            decide_handover=True,
        )
    return NO_ACCESS


def copa_sees(handover_statuses: Iterable[HandoverStatus]) -> bool:
    """COPA sees a case once a handover is pending or accepted (a returned one alone: no)."""
    return any(
        s in (HandoverStatus.INGEDIEND, HandoverStatus.GEACCEPTEERD) for s in handover_statuses
    )


# --- parent calls ----------------------------------------------------------------------------

# Results that mean the parent was reached: the task is done.
REACHED = frozenset({CallResult.GESPROKEN, CallResult.TERUGGEBELD})
MAX_CALL_PLANNING = timedelta(days=90)


def call_done_after(result: CallResult) -> bool:
    return result in REACHED


def call_due_error(due: date | None, today: date) -> str | None:
    if due is None:
        return "Kies een datum om te bellen."
    if due < today:
        return "Die datum ligt in het verleden. Plan het gesprek vandaag of later."
    if due > today + MAX_CALL_PLANNING:
        return "Plan een belafspraak binnen drie maanden."
    return None


def call_sort_key(due: date, today: date, preferred_time: str, call_id: int) -> tuple:
    """Overdue calls on top (oldest first), then today's, then later ones."""
    return (due >= today, due, preferred_time or "~", call_id)


def is_overdue(due: date, today: date) -> bool:
    return due < today


# --- home visits -----------------------------------------------------------------------------


def home_visit_warnings(*, people: int, mixed_pair: bool, wants_mixed_pairs: bool) -> list[str]:
    """Warnings (never a refusal) for how a home visit is planned."""
    warnings: list[str] = []
    if people < 2:
        warnings.append(
            "Dit huisbezoek is met één persoon gepland. Ga bij voorkeur met z'n tweeën."
        )
    elif wants_mixed_pairs and not mixed_pair:
        warnings.append("Geen gemengd duo (man/vrouw), terwijl deze locatie dat wil.")
    return warnings


# --- handover --------------------------------------------------------------------------------


def handover_criteria_error(criteria: Iterable[str]) -> str | None:
    chosen = [c for c in criteria if c]
    if not chosen:
        return "Kies minstens één criterium voor overdracht naar COPA."
    known = {c.value for c in HandoverCriterion}
    unknown = [c for c in chosen if c not in known]
    if unknown:
        return f"Onbekend criterium: {', '.join(unknown)}."
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


WEEKDAY_NAMES = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


def slot_label(weekday: int, starts_at: time) -> str:
    return f"{WEEKDAY_NAMES[weekday]} {starts_at.strftime('%H:%M')}"


# --- LVS -------------------------------------------------------------------------------------

CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formulas (CSV injection): Excel runs cells starting with these."""
    if value and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value
    return value


MAX_EXPORT_DAYS = 366


def export_period_error(start: date | None, end: date | None) -> str | None:
    if start is None or end is None:
        return "Kies een begin- en einddatum."
    if end < start:
        return "De einddatum ligt voor de begindatum."
    if (end - start).days >= MAX_EXPORT_DAYS:
        return "Kies een periode van hoogstens een jaar."
    return None
