"""Safeguarding (issue 23): Meldcode trajecten with their recorded steps and the people the
aandachtsfunctionaris added by name; incidents with several students, each in a role; the
chain partners beheer keeps, and referrals to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import (
    Answer,
    Consent,
    IncidentKind,
    IncidentRole,
    MeldcodeStatus,
    MeldcodeStep,
    PartnerKind,
    ReferralStatus,
)
from app.extensions import Model
from app.models.desk import LONG_TEXT, NOTE_TEXT, SHORT_TEXT, Casus
from app.models.floor import FloorEntry
from app.models.org import Location, User, Zone
from app.models.student import Student
from app.models.types import UTCDateTime, enum_column, utcnow

# ---------------------------------------------------------------------------------------------
# The Meldcode


class MeldcodeTraject(Model):
    """A Meldcode-traject about one student, owned by an aandachtsfunctionaris. Its content
    (the signal, the steps, the melding) is restricted: ``app.access.meldcode``."""

    __tablename__ = "meldcode_traject"
    __table_args__ = (
        Index(
            "uq_meldcode_traject_open_student",
            "student_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    status: Mapped[MeldcodeStatus] = mapped_column(
        enum_column(MeldcodeStatus, 12), default=MeldcodeStatus.OPEN
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    signal: Mapped[str] = mapped_column(Text)  # what was seen or heard (restricted)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="SET NULL"), index=True
    )
    # The melding at Veilig Thuis, when made.
    reported_on: Mapped[date | None] = mapped_column(Date)
    report_reference: Mapped[str] = mapped_column(String(60), default="")
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    close_reason: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")

    student: Mapped[Student] = relationship()
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
    reported_by: Mapped[User | None] = relationship(foreign_keys=[reported_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    entry: Mapped[FloorEntry | None] = relationship()
    records: Mapped[list[MeldcodeRecord]] = relationship(
        back_populates="traject",
        cascade="all, delete-orphan",
        order_by="MeldcodeRecord.held_on, MeldcodeRecord.id",
    )
    members: Mapped[list[MeldcodeMember]] = relationship(
        back_populates="traject", cascade="all, delete-orphan", order_by="MeldcodeMember.id"
    )

    @property
    def is_open(self) -> bool:
        return self.status == MeldcodeStatus.OPEN


class MeldcodeRecord(Model):
    """One step of a traject as it was taken: when, by whom, with whom, what was seen or said;
    step 5 answers the afwegingskader's two questions explicitly."""

    __tablename__ = "meldcode_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(
        ForeignKey("meldcode_traject.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[MeldcodeStep] = mapped_column(enum_column(MeldcodeStep, 15))
    held_on: Mapped[date] = mapped_column(Date)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    participants: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    notes: Mapped[str] = mapped_column(String(LONG_TEXT))
    # Step 5: "Is melden bij Veilig Thuis noodzakelijk?" and "Is hulp verlenen of organiseren
    # (ook) mogelijk?" — both answered, never left open.
    report_needed: Mapped[Answer | None] = mapped_column(enum_column(Answer, 4))
    help_possible: Mapped[Answer | None] = mapped_column(enum_column(Answer, 4))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    traject: Mapped[MeldcodeTraject] = relationship(back_populates="records")
    author: Mapped[User] = relationship()


class MeldcodeMember(Model):
    """Someone the aandachtsfunctionaris added by name: they read the traject's content."""

    __tablename__ = "meldcode_member"
    __table_args__ = (UniqueConstraint("traject_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    traject_id: Mapped[int] = mapped_column(ForeignKey("meldcode_traject.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    traject: Mapped[MeldcodeTraject] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


# ---------------------------------------------------------------------------------------------
# Incidents


class Incident(Model):
    """An incident (what, where, when) with the students involved, each in a role; from a floor
    tension or de-escalation, or registered at the desk."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_location_occurred", "location_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zone.id", ondelete="SET NULL"))
    kind: Mapped[IncidentKind] = mapped_column(enum_column(IncidentKind, 25))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(String(LONG_TEXT), default="")
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="SET NULL"), unique=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    location: Mapped[Location] = relationship()
    zone: Mapped[Zone | None] = relationship()
    created_by: Mapped[User] = relationship()
    entry: Mapped[FloorEntry | None] = relationship()
    involved: Mapped[list[IncidentStudent]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="IncidentStudent.id"
    )

    @property
    def kind_label(self) -> str:
        return self.kind.label


class IncidentStudent(Model):
    """A student in an incident, in a role (dader, slachtoffer, omstander, betrokken)."""

    __tablename__ = "incident_student"
    __table_args__ = (UniqueConstraint("incident_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    role: Mapped[IncidentRole] = mapped_column(enum_column(IncidentRole, 15))

    incident: Mapped[Incident] = relationship(back_populates="involved")
    student: Mapped[Student] = relationship()


# ---------------------------------------------------------------------------------------------
# Chain partners and referrals


class ChainPartner(Model):
    """A chain partner the school refers to (the list beheer keeps); ``location_id`` None: for
    every location."""

    __tablename__ = "chain_partner"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind, 25))
    name: Mapped[str] = mapped_column(String(120))
    contact: Mapped[str] = mapped_column(String(200), default="")
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    location: Mapped[Location | None] = relationship()

    @property
    def label(self) -> str:
        return f"{self.name} ({self.kind.label})" if self.name != self.kind.label else self.name


class Referral(Model):
    """A verwijzing to a chain partner: date, partner and contact, reason, consent, the date
    feedback is due, and the outcome."""

    __tablename__ = "referral"
    __table_args__ = (Index("ix_referral_status_due", "status", "feedback_due"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(
        ForeignKey("casus.id", ondelete="SET NULL"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("chain_partner.id"), index=True)
    referred_on: Mapped[date] = mapped_column(Date)
    contact_person: Mapped[str] = mapped_column(String(120), default="")
    reason: Mapped[str] = mapped_column(String(NOTE_TEXT))
    consent: Mapped[Consent] = mapped_column(enum_column(Consent, 20))
    consent_note: Mapped[str] = mapped_column(String(SHORT_TEXT), default="")
    feedback_due: Mapped[date] = mapped_column(Date)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, 12), default=ReferralStatus.OPEN
    )
    outcome: Mapped[str] = mapped_column(String(NOTE_TEXT), default="")
    outcome_on: Mapped[date | None] = mapped_column(Date)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    student: Mapped[Student] = relationship()
    case: Mapped[Casus | None] = relationship()
    partner: Mapped[ChainPartner] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN
