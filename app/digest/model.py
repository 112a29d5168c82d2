"""The digest as plain data: what :func:`app.digest.builder.build_digest` returns and the page
and the e-mail render.

Students appear only as initials and class (:class:`StudentRef`); no name is in here, so nothing
downstream (page, e-mail) can leak one. Counts are keyed by the members of
``app.core.vocabulary`` (string enums, so ``totals["contact"]`` works too), in display order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from app.core.vocabulary import (
    CaseStatus,
    ClimateRating,
    EntryKind,
    FlagType,
    Labelled,
    Outcome,
    PartnerKind,
    Severity,
    Topic,
)
from app.digest import rules


class ActionKind(Labelled):
    """The digest's own words: what needs the team leader's action, in the order it lists it."""

    MELDING = "melding", _l("Melding nog niet afgehandeld")
    DOORVERWEZEN = "doorverwezen", _l("Doorverwezen naar jou")
    VEILIGHEID = "veiligheid", _l("Vlag veiligheid / pesten")
    GEMARKEERD = "gemarkeerd", _l("Voor jou gemarkeerd")
    DUO = "duo", _l("Melden bij DUO")
    VERZUIM = "verzuim", _l("Nieuw verzuimsignaal")
    OVERDRACHT = "overdracht", _l("Overdracht naar COPA")
    EVALUATIE = "evaluatie", _l("Evaluatie casus aan de beurt")
    VERWIJZING = "verwijzing", _l("Terugkoppeling verwijzing te laat")


@dataclass
class StudentRef:
    """A student as the digest shows them: initials and class, never a name."""

    id: int
    initials: str
    class_name: str
    # The student's open case, for a link where the reader may open cases.
    case_id: int | None = None
    # For the page's link to the student page (/leerlingen/<leerlingnummer>), where the reader
    # may open it; the e-mail never uses them.
    leerlingnummer: str = ""
    location_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.initials} · {self.class_name}" if self.class_name else self.initials


@dataclass(frozen=True)
class ActionItem:
    """Something that needs the team leader's action (listed first, in :class:`ActionKind`
    order). ``note`` is free text typed by staff and may hold anything: the page shows it, the
    e-mail never does."""

    kind: ActionKind
    students: list[StudentRef]
    at: datetime | None = None  # when it happened (aware UTC)
    zone: str = ""
    detail: str = ""  # a code the templates translate (entry kind, absence rule …)
    details: tuple[str, ...] = ()  # several codes (absence rules, handover criteria)
    due: date | None = None  # DUO report deadline; review date
    moment: datetime | None = None  # the COPA handover moment (aware UTC)
    place: str = ""
    note: str = ""
    staff: str = ""  # who logged or marked it (staff name)
    case_id: int | None = None


@dataclass
class ZoneRow:
    zone: str
    counts: dict[EntryKind, int]
    total: int


@dataclass
class FloorSection:
    totals: dict[EntryKind, int]  # kind -> entries
    group_students: int  # students reached in group moments (sum of head counts)
    zones: list[ZoneRow]  # zones with entries today, in zone order
    severities: dict[Severity, int]  # most severe first
    outcomes: dict[Outcome, int]  # most in need of follow-up first
    topics: dict[Topic, int]  # most talked about first


@dataclass(frozen=True)
class FlagItem:
    flag_type: FlagType
    student: StudentRef
    open: bool


@dataclass
class FlagSection:
    by_type: dict[FlagType, int]
    items: list[FlagItem]  # most urgent type first

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


@dataclass(frozen=True)
class AbsenceItem:
    student: StudentRef
    rules: tuple[str, ...]
    first_seen_at: datetime
    duo_due: date | None  # an unacknowledged 16-hour signal: report to DUO by this day


@dataclass
class AbsenceSection:
    new: list[AbsenceItem]
    still_active: list[AbsenceItem]


@dataclass(frozen=True)
class CallItem:
    call_id: int
    student: StudentRef
    due: date
    days_late: int
    interpreter_language: str  # "" when no interpreter is needed


@dataclass
class CallSection:
    done: int  # parent reached today (task finished)
    attempts: int  # attempts logged today (reached or not)
    open: int
    due_today: int
    overdue: int
    interpreter: int  # open calls that need an interpreter
    overdue_items: list[CallItem]


@dataclass
class VisitSection:
    done: int  # report recorded today
    planned_today: int  # planned for today, not (yet) reported
    upcoming: int  # planned in the coming week
    unreported: int  # planned before today, still without report
    students: list[StudentRef]  # today's visits (done or planned)


@dataclass(frozen=True)
class CaseItem:
    case_id: int
    student: StudentRef
    status: CaseStatus
    from_status: CaseStatus | None = None
    at: datetime | None = None


@dataclass
class CaseSection:
    new: list[CaseItem]
    changes: list[CaseItem]
    open_by_status: dict[CaseStatus, int]


@dataclass(frozen=True)
class HandoverItem:
    handover_id: int
    case_id: int
    student: StudentRef
    moment: datetime
    place: str
    submitted_at: datetime
    criteria: tuple[str, ...]


@dataclass
class HandoverSection:
    waiting: list[HandoverItem]
    next_moment: datetime | None
    next_place: str
    accepted_today: int
    returned_today: int


@dataclass(frozen=True)
class ReferralItem:
    referral_id: int
    student: StudentRef
    partner: PartnerKind
    due: date


@dataclass
class ReferralSection:
    open: int  # referrals of the location's students waiting for feedback
    overdue: list[ReferralItem]  # feedback date passed, soonest first


@dataclass(frozen=True)
class MarkedItem:
    entry_id: int
    kind: EntryKind
    at: datetime
    zone: str
    students: list[StudentRef]
    note: str
    staff: str


@dataclass(frozen=True)
class QuarantineFigures:
    received: int
    unresolved: int


@dataclass(frozen=True)
class ZoneClimate:
    zone: str
    figure: rules.ClimateFigure
    ratings: dict[ClimateRating, int]  # today's klimaatcheck taps per rating (only those given)


@dataclass
class ClimateSection:
    zones: list[ZoneClimate]
    overall: rules.ClimateFigure

    @property
    def below_target(self) -> list[ZoneClimate]:
        return [z for z in self.zones if z.figure.status == "laag"]


@dataclass
class Digest:
    location_id: int
    location_code: str
    location_name: str
    day: date
    info: rules.DayInfo
    previous_day: date | None
    next_day: date | None
    window: rules.Window
    generated_at: datetime
    actions: list[ActionItem]
    floor: FloorSection
    flags: FlagSection
    absence: AbsenceSection
    calls: CallSection
    visits: VisitSection
    cases: CaseSection
    handovers: HandoverSection
    marked: list[MarkedItem]
    quarantine: QuarantineFigures
    climate: ClimateSection
    hotspots: rules.HotspotGrid
    presence_plan: list[rules.BreakPlan]
    referrals: ReferralSection = field(default_factory=lambda: ReferralSection(0, []))
    students: dict[int, StudentRef] = field(default_factory=dict)

    @property
    def action_students(self) -> list[StudentRef]:
        seen: dict[int, StudentRef] = {}
        for item in self.actions:
            for student in item.students:
                seen.setdefault(student.id, student)
        return list(seen.values())
