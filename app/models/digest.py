"""The delivery log of the team leader's daily digest: one row per team leader, location and
school day, so the scheduled command sends each digest at most once (unless forced)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.org import Location, User
from app.models.types import UTCDateTime, utcnow

DELIVERY_ERROR_MAX = 500
CLAIM_TOKEN_LENGTH = 32


class DigestDelivery(Model):
    """One team leader's digest of one location for one (local) school day.

    ``sent_at`` is set only after the SMTP server accepted the message; a failed attempt keeps
    ``sent_at`` as it was (None when never sent) and records the error, so the next run tries
    again. The unique key decides in the database, also when two runs overlap, and a run
    *claims* the rows of an e-mail (``claim_token``, ``claimed_at``, committed) before it talks
    to the mail server, so a second run at the same moment, on this machine or another, leaves
    them alone. A claim is given up after a failure; one left behind by a run that died counts
    as abandoned after ``DIGEST_CLAIM_TIMEOUT``.
    """

    __tablename__ = "digest_delivery"
    __table_args__ = (UniqueConstraint("user_id", "location_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date, index=True)
    # The address the last attempt went to (accounts can change their e-mail address).
    recipient: Mapped[str] = mapped_column(String(254), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The last failure's message ("" after a successful send).
    error: Mapped[str] = mapped_column(String(DELIVERY_ERROR_MAX), default="")
    # The run sending this e-mail right now ("" and None when none is).
    claim_token: Mapped[str] = mapped_column(String(CLAIM_TOKEN_LENGTH), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    location: Mapped[Location] = relationship()

    def __repr__(self) -> str:
        return f"<DigestDelivery user={self.user_id} location={self.location_id} {self.day}>"
