"""Locations, their zones and break times, and the staff accounts."""

from __future__ import annotations

from datetime import datetime, time

from flask_login import UserMixin
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Time,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.core.vocabulary import Role
from app.extensions import Model, db
from app.models.types import UTCDateTime, enum_column, utcnow

user_location = Table(
    "user_location",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)


class Location(Model):
    """One of the group's school locations (HK, ZS, GL, CS, VM, Wind)."""

    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # Home visits: whether this location wants mixed (man/woman) pairs.
    wants_mixed_pairs: Mapped[bool] = mapped_column(Boolean, default=True)

    zones: Mapped[list[Zone]] = relationship(
        back_populates="location", order_by="Zone.position", cascade="all, delete-orphan"
    )
    break_times: Mapped[list[BreakTime]] = relationship(
        back_populates="location", order_by="BreakTime.starts_at", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Location {self.code}>"


class BreakTime(Model):
    """A break in the school day of one location, in local (Europe/Amsterdam) time."""

    __tablename__ = "break_time"

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(60))
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)

    location: Mapped[Location] = relationship(back_populates="break_times")


class Zone(Model):
    """An informal space at a location where floor work happens (aula, gang, kantine, ...)."""

    __tablename__ = "zone"
    __table_args__ = (UniqueConstraint("location_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A place where floor work happens (shown on the floor screen). A zone for desk work
    # only ("huisbezoek", "telefonisch") is False: the desk's forms still offer it.
    on_floor: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    location: Mapped[Location] = relationship(back_populates="zones")

    def __repr__(self) -> str:
        return f"<Zone {self.name}>"


class User(UserMixin, Model):
    """A staff account. E-mail addresses are stored lower-case, so they are unique case-blind."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, 30))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last time a lockout of this account was mailed to its owner (at most one mail per
    # lockout period; the lockout itself is per client: app.models.account.LoginThrottle).
    lockout_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor login (TOTP, RFC 6238); required for the roles in TOTP_REQUIRED_ROLES.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # The 30-second time step of the last code accepted: a code is good once.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    locations: Mapped[list[Location]] = relationship(
        secondary=user_location, order_by="Location.code"
    )

    @validates("email")
    def _normalise_email(self, _key: str, value: str) -> str:
        return normalise_email(value)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def has_password(self) -> bool:
        """False for an account that signs in only with single sign-on (no password set)."""
        return bool(self.password_hash)

    @property
    def location_ids(self) -> set[int]:
        return {location.id for location in self.locations}

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def normalise_email(value: str) -> str:
    return value.strip().lower()
