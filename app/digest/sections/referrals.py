"""Referrals to chain partners of the location's students that wait for feedback, and those
whose feedback date has passed (issue 23). One query."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app.core.vocabulary import ReferralStatus
from app.digest.model import ReferralItem, ReferralSection
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs
from app.extensions import db
from app.models import ChainPartner, Referral, Student


def referral_section(location_id: int, day: date, students: StudentRefs) -> ReferralSection:
    rows = db.session.execute(
        select(Referral.id, Referral.feedback_due, ChainPartner.kind, *STUDENT_COLUMNS)
        .join(Student, Student.id == Referral.student_id)
        .join(ChainPartner, ChainPartner.id == Referral.partner_id)
        .where(Student.location_id == location_id, Referral.status == ReferralStatus.OPEN)
        .order_by(Referral.feedback_due, Referral.id)
    ).all()
    overdue = [
        ReferralItem(referral_id, students.ref(sid, first, last, cls), kind, due)
        for referral_id, due, kind, sid, first, last, cls in rows
        if due < day
    ]
    return ReferralSection(open=len(rows), overdue=overdue)
