"""What the report writes: the edited qualitative text, and an audit row per view or export
(add and flush; the caller commits)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from app.audit import record
from app.extensions import db
from app.models import ReportText, User
from app.models.report import REPORT_TEXT_MAX
from app.models.types import utcnow
from app.reports.model import Report, ReportError


def find_text(scope: str, start: date, end: date) -> ReportText | None:
    return db.session.scalar(
        select(ReportText).where(
            ReportText.scope == scope, ReportText.starts_on == start, ReportText.ends_on == end
        )
    )


def _object_id(scope: str, start: date, end: date) -> str:
    """How the audit log names one report: its scope and period."""
    return f"{scope} {start.isoformat()}..{end.isoformat()}"


def save_text(user: User | None, scope: str, start: date, end: date, body: str) -> ReportText:
    """Store the edited qualitative text of a report, audited (add and flush; the caller
    commits)."""
    body = (body or "").replace("\r\n", "\n").strip()
    if len(body) > REPORT_TEXT_MAX:
        raise ReportError(
            gettext(
                "De tekst is te lang: hoogstens %(REPORT_TEXT_MAX)s tekens.",
                REPORT_TEXT_MAX=REPORT_TEXT_MAX,
            ),
            field="body",
        )
    row = find_text(scope, start, end)
    if row is None:
        row = ReportText(scope=scope, starts_on=start, ends_on=end)
        db.session.add(row)
    row.body = body
    row.updated_by_id = user.id if user is not None else None
    row.updated_at = utcnow()
    db.session.flush()
    record(user, "edit", "report", _object_id(scope, start, end))
    return row


def audit_report(user: User | None, report: Report, action: str, detail: str = "") -> None:
    """One audit row per view or export of a report (who, what scope and period, how)."""
    text = _object_id(report.scope, report.start, report.end)
    record(user, action, "report", text, detail=detail or text)
