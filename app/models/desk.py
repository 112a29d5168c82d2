"""Desk mode (11:00–14:00, laptop): case records (casus) with their status history and notes,
conversation reports, parent-call tasks with their attempts, home visits, detention-class
sessions, handovers to COPA with the weekly handover moments, and the desk's per-entry triage
state of the morning's floor entries."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import (
    CallResult,
    CallStatus,
    CaseStatus,
    ConversationPartner,
    HandoverCriterion,
    HandoverStatus,
    ReportTopic,
    TriageOutcome,
    VisitStatus,
)
from app.extensions import Model
from app.models.floor import FloorEntry
from app.models.org import Location, User
from app.models.student import Student
from app.models.types import UTCDateTime, enum_column, utcnow

# Lengths shared by the models, the forms and the services.
SHORT_TEXT = 300
NOTE_TEXT = 1000
LONG_TEXT = 4000


def split_codes(value: str) -> list[str]:
    """Multi-choice columns are stored as comma-separated codes."""
    return [part for part in (value or "").split(",") if part]


def join_codes(values: list[str] | tuple[str, ...]) -> str:
    return ",".join(dict.fromkeys(v for v in values if v))


# ---------------------------------------------------------------------------------------------
# Casus


class Casus(Model):
    """The case record of one student. At most one case per student is not closed."""

    __tablename__ = "casus"
    __table_args__ = (
        Index(
            "uq_casus_open_student",
            "student_id",
            unique=True,
            sqlite_where=text("status != 'afgesloten'"),
            postgresql_where=text("status != 'afgesloten'"),
        ),
        Index("ix_casus_status_review", "status", "review_date"),
        # The day's new cases of a location (the digest), from the day's few.
        Index("ix_casus_opened_at", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: every ORM update checks the version it read and raises it, so of two
    # changes made at once one is refused instead of both half-applying (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus), default=CaseStatus.SIGNAAL)
    reason: Mapped[str] = mapped_column(String(SHORT_TEXT))  # aanleiding
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    teamleider_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Preventive (and intensive) trajectories are reviewed by this date (local date).
    review_date: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    student: Mapped[Student] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    teamleider: Mapped[User | None] = relationship(foreign_keys=[teamleider_id])
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    status_changes: Mapped[list[CaseStatusChange]] = relationship(
        back_populates="case",
        order_by="CaseStatusChange.at.desc()",
        cascade="all, delete-orphan",
    )
    handovers: Mapped[list[Handover]] = relationship(
        back_populates="case", order_by="Handover.submitted_at.desc()"
    )

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.AFGESLOTEN

    def __repr__(self) -> str:
        return f"<Casus {self.id} {self.status}>"


class CaseStatusChange(Model):
    """One status change of a case: who, when, why. The first row records the opening."""

    __tablename__ = "case_status_change"
    # The day's status changes of a location (the digest), from the day's few.
    __table_args__ = (Index("ix_case_status_change_at", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casus.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[CaseStatus | None] = mapped_column(enum_column(CaseStatus))
    to_status: Mapped[CaseStatus] = mapped_column(enum_column(CaseStatus))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(String(NOTE_TEXT))

    case: Mapped[Casus] = relationship(back_populates="status_changes")
    by: Mapped[User] = relationship()


class CaseNote(Model):
    """A note on a case (also after the handover to COPA), or a recorded review (evaluatie)."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("casus.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(String(LONG_TEXT))
    is_review: Mapped[bool] = mapped_column(Boolean, default=False)
    next_review_date: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Casus] = relationship()
    author: Mapped[User] = relationship()


# ---------------------------------------------------------------------------------------------
# Gespreksverslag


# Topics of a conversation report: the floor's topics plus absence and other.


class ConversationReport(Model):
    """A worked-out conversation (gespreksverslag)."""

    __tablename__ = "conversation_report"
    __table_args__ = (Index("ix_conversation_report_student_held", "student_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"))
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("casus.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    with_whom: Mapped[str] = mapped_column(String(60))  # codes of ConversationPartner
    with_other: Mapped[str] = mapped_column(String(120), default="")
    topics: Mapped[str] = mapped_column(String(200))  # codes of ReportTopic
    summary: Mapped[str] = mapped_column(Text)  # wat is besproken
    agreements: Mapped[str] = mapped_column(Text, default="")  # afspraken
    next_step: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    next_step_due: Mapped[date | None] = mapped_column(Date)
    next_step_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Internal-only: never in the LVS text or export.
    internal_note: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    case: Mapped[Casus | None] = relationship()
    author: Mapped[User] = relationship()
    entry: Mapped[FloorEntry | None] = relationship()

    @property
    def partners(self) -> list[str]:
        return split_codes(self.with_whom)

    @property
    def topic_codes(self) -> list[str]:
        return split_codes(self.topics)

    @property
    def partners_label(self) -> str:
        labels = [ConversationPartner.label_of(p) for p in self.partners]
        if ConversationPartner.ANDERS in self.partners and self.with_other:
            labels[self.partners.index(ConversationPartner.ANDERS)] = self.with_other
        return ", ".join(labels)

    @property
    def topics_label(self) -> str:
        return ", ".join(ReportTopic.label_of(t) for t in self.topic_codes)


# ---------------------------------------------------------------------------------------------
# Oudercontact


class ParentCall(Model):
    """A parent-call task (oudercontact). Phone numbers are not stored: staff call from the
    student information system, which stays the source of contact details."""

    __tablename__ = "parent_call"
    __table_args__ = (Index("ix_parent_call_assignee_status_due", "assignee_id", "status", "due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: every ORM update checks the version it read and raises it, so of two
    # changes made at once one is refused instead of both half-applying (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("casus.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    due: Mapped[date] = mapped_column(Date)
    preferred_time: Mapped[str] = mapped_column(String(60), default="")
    contact_person: Mapped[str] = mapped_column(String(120), default="")  # wie: moeder, vader…
    subject: Mapped[str] = mapped_column(String(SHORT_TEXT))  # waarover
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[CallStatus] = mapped_column(enum_column(CallStatus, 12), default=CallStatus.OPEN)
    outcome: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    case: Mapped[Casus | None] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])
    attempts: Mapped[list[CallAttempt]] = relationship(
        back_populates="call",
        order_by="CallAttempt.at.desc(), CallAttempt.id.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def status_label(self) -> str:
        return self.status.label


class CallAttempt(Model):
    """One attempt to reach a parent, with its result and a note."""

    __tablename__ = "call_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(
        ForeignKey("parent_call.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    result: Mapped[CallResult] = mapped_column(enum_column(CallResult))
    note: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")

    call: Mapped[ParentCall] = relationship(back_populates="attempts")
    by: Mapped[User] = relationship()

    @property
    def result_label(self) -> str:
        return self.result.label


# ---------------------------------------------------------------------------------------------
# Huisbezoek


class HomeVisit(Model):
    """A home visit, planned and later done (with a report) or cancelled.

    Whether the pair is mixed (man/woman) is confirmed per visit by whoever plans it: the app
    keeps no gender data about staff."""

    __tablename__ = "home_visit"
    __table_args__ = (Index("ix_home_visit_status_planned", "status", "planned_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: every ORM update checks the version it read and raises it, so of two
    # changes made at once one is refused instead of both half-applying (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("casus.id", ondelete="SET NULL"), index=True
    )
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime)
    staff_one_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    staff_two_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # A companion who has no account (a mentor, a teacher): name and role.
    companion: Mapped[str] = mapped_column(String(120), default="")
    mixed_pair: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(SHORT_TEXT))
    status: Mapped[VisitStatus] = mapped_column(
        enum_column(VisitStatus, 12), default=VisitStatus.GEPLAND
    )
    report: Mapped[str] = mapped_column(Text, default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    case: Mapped[Casus | None] = relationship()
    staff_one: Mapped[User] = relationship(foreign_keys=[staff_one_id])
    staff_two: Mapped[User | None] = relationship(foreign_keys=[staff_two_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def people_count(self) -> int:
        return 1 + (1 if self.staff_two_id or self.companion else 0)


# ---------------------------------------------------------------------------------------------
# Nablijfklas


class DetentionSession(Model):
    """A detention-class session (nablijfklas) at a location."""

    __tablename__ = "detention_session"
    __table_args__ = (Index("ix_detention_session_location_held", "location_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    held_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[time | None] = mapped_column(Time)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    location: Mapped[Location] = relationship()
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    attendances: Mapped[list[DetentionAttendance]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class DetentionAttendance(Model):
    """A student present at a session, with the reflection and restoration talk."""

    __tablename__ = "detention_attendance"
    __table_args__ = (UniqueConstraint("session_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("detention_session.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    what_happened: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")
    reflection: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")
    agreement: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")
    talk_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    talk_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[DetentionSession] = relationship(back_populates="attendances")
    student: Mapped[Student] = relationship()
    talk_by: Mapped[User | None] = relationship()

    @property
    def has_talk(self) -> bool:
        return self.talk_at is not None


# ---------------------------------------------------------------------------------------------
# Overdracht naar COPA


class HandoverSlot(Model):
    """The weekly handover moment of a location (SchoolFit, team leader and COPA)."""

    __tablename__ = "handover_slot"
    __table_args__ = (UniqueConstraint("location_id", "weekday", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    weekday: Mapped[int] = mapped_column(Integer)  # 0 = Monday, local time
    starts_at: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    location: Mapped[Location] = relationship()


class Handover(Model):
    """A handover of a case to COPA in the fixed format; COPA accepts or returns it."""

    __tablename__ = "handover"
    __table_args__ = (
        Index(
            "uq_handover_pending_case",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'ingediend'"),
            postgresql_where=text("status = 'ingediend'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: every ORM update checks the version it read and raises it, so of two
    # changes made at once one is refused instead of both half-applying (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    case_id: Mapped[int] = mapped_column(ForeignKey("casus.id", ondelete="CASCADE"), index=True)
    status: Mapped[HandoverStatus] = mapped_column(
        enum_column(HandoverStatus, 15), default=HandoverStatus.INGEDIEND
    )
    criteria: Mapped[str] = mapped_column(String(120))  # codes of HandoverCriterion
    summary: Mapped[str] = mapped_column(Text)
    help_questions: Mapped[str] = mapped_column(Text)
    proposed_next_step: Mapped[str] = mapped_column(Text)
    moment_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(120), default="")
    teamleider_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")
    # When the submitter acknowledged a returned handover (it leaves the "openstaand" list).
    return_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Casus] = relationship(back_populates="handovers")
    teamleider: Mapped[User | None] = relationship(foreign_keys=[teamleider_id])
    submitted_by: Mapped[User] = relationship(foreign_keys=[submitted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def criteria_codes(self) -> list[str]:
        return split_codes(self.criteria)

    @property
    def criteria_labels(self) -> list[str]:
        return [HandoverCriterion.label_of(c) for c in self.criteria_codes]

    @property
    def status_label(self) -> str:
        return self.status.label


# ---------------------------------------------------------------------------------------------
# Triage of the morning's floor entries


class EntryTriage(Model):
    """The desk's state of one floor entry: worked out (and how), or closed with a reason; and
    the marks "voor rapportage" (periodic report) and "voor teamleider" (daily digest)."""

    __tablename__ = "entry_triage"
    __table_args__ = (
        Index("ix_entry_triage_for_teamleider_at", "for_teamleider_at"),
        Index("ix_entry_triage_for_report_at", "for_report_at"),
        # The report's observations: the marked entries first, then their floor entry.
        Index("ix_entry_triage_for_report", "for_report", "entry_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: every ORM update checks the version it read and raises it, so of two
    # changes made at once one is refused instead of both half-applying (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[TriageOutcome | None] = mapped_column(enum_column(TriageOutcome, 15))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    close_reason: Mapped[str] = mapped_column(String(200), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("casus.id", ondelete="SET NULL"))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("conversation_report.id", ondelete="SET NULL")
    )
    call_id: Mapped[int | None] = mapped_column(ForeignKey("parent_call.id", ondelete="SET NULL"))
    for_report: Mapped[bool] = mapped_column(Boolean, default=False)
    for_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    for_teamleider: Mapped[bool] = mapped_column(Boolean, default=False)
    for_teamleider_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entry: Mapped[FloorEntry] = relationship()
    done_by: Mapped[User | None] = relationship()
    case: Mapped[Casus | None] = relationship()

    @property
    def outcome_label(self) -> str:
        return self.outcome.label if self.outcome else ""
