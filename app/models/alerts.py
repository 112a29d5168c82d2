"""Urgent alerts (issue 23): what happened (``Alert``, contentless by design), who should hear
of it (``AlertReceipt``, one per recipient, with the e-mail fallback), the devices that receive
web push (``PushSubscription``), and the outbox of push messages (``PushOutbox``, one per
alert and device), written in the same transaction as what caused the alert."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import AlertKind, PushStatus
from app.extensions import Model
from app.models.org import Location, User
from app.models.types import UTCDateTime, enum_column, utcnow


class PushSubscription(Model):
    """One browser (device) of a user that receives web push: the ``PushSubscription`` the
    browser made, with its keys. One user may have several."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Alert(Model):
    """An urgent alert: its kind and location, and a link to what caused it (a floor entry or
    a Meldcode traject). The alert itself holds no student data."""

    __tablename__ = "alert"
    __table_args__ = (Index("ix_alert_location_created", "location_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: two people acknowledging at once, one is refused (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind, 20))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="SET NULL"), index=True
    )
    traject_id: Mapped[int | None] = mapped_column(
        ForeignKey("meldcode_traject.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    acknowledgement_note: Mapped[str] = mapped_column(String(300), default="")

    location: Mapped[Location] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()
    receipts: Mapped[list[AlertReceipt]] = relationship(
        back_populates="alert", cascade="all, delete-orphan", order_by="AlertReceipt.id"
    )

    @property
    def kind_label(self) -> str:
        return self.kind.label


class AlertReceipt(Model):
    """One recipient of an alert: when they opened it, and the e-mail sent when they had not
    opened it in time (claimed by one sender at a time, like the push outbox)."""

    __tablename__ = "alert_receipt"
    __table_args__ = (
        UniqueConstraint("alert_id", "user_id"),
        Index("ix_alert_receipt_email_due", "emailed_at", "email_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_error: Mapped[str] = mapped_column(String(300), default="")
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str] = mapped_column(String(32), default="")

    alert: Mapped[Alert] = relationship(back_populates="receipts")
    user: Mapped[User] = relationship()


class PushOutbox(Model):
    """One push message to send: an alert to one device. Written with the alert (same
    transaction); a sender claims it (``claimed_until``/``claim_token``, and ``FOR UPDATE SKIP
    LOCKED`` on PostgreSQL), so several workers send it once; failures wait ``next_attempt_at``."""

    __tablename__ = "push_outbox"
    __table_args__ = (Index("ix_push_outbox_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.id", ondelete="CASCADE"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(
        ForeignKey("push_subscription.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[PushStatus] = mapped_column(
        enum_column(PushStatus, 12), default=PushStatus.WACHT
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_token: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")

    alert: Mapped[Alert] = relationship()
    subscription: Mapped[PushSubscription | None] = relationship()
