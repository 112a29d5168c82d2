"""The timeline on the student page: the case chronology of ``timeline.py`` for one student,
whether or not there is a case, limited to what the reader may see
(:func:`app.access.timeline_rules.timeline_kinds`) and to the newest ``limit`` items ("meer
tonen" asks for more). Meldcode trajecten come in as the Meldcode rules allow: members read a
link to the traject (its content only behind it, audited there); colleagues who may know of an
open traject read only that it exists and whom to ask.

A constant number of queries whatever the number of items: one per source, at most two for
the Meldcode, one for COPA's handover check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import session
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from app.access.cases import may_see_student_work
from app.access.meldcode import open_traject_known_to, trajecten_readable_by
from app.access.meldcode_rules import may_signal
from app.access.timeline_rules import CASE_WORK_KINDS, needs_screened_place, timeline_kinds
from app.audit import record
from app.core.vocabulary import Role
from app.desk.blueprint import SCREENED_KEY
from app.desk.chronology.timeline import TimelineItem, build_chronology
from app.extensions import db
from app.models import MeldcodeTraject, Student, User

PAGE = 50  # items shown first, and added by each "meer tonen"
MAX_SHOWN = 2000


@dataclass
class StudentTimeline:
    items: list[TimelineItem]
    kinds: frozenset[str]
    limit: int
    more: bool  # older items than the ``limit`` shown exist
    notices: list[str] = field(default_factory=list)  # undated lines above the items
    needs_screened_place: bool = False  # confirming one would show the case content


def _meldcode(user: User, student: Student) -> tuple[list[TimelineItem], list[str]]:
    """The trajecten ``user`` may read, as linked items without content; else, when there is
    an open one they may know of, the line that says whom to ask (no date, no content)."""
    if not may_signal(user.role, student.location_id in user.location_ids):
        return [], []
    readable = db.session.scalars(
        trajecten_readable_by(user)
        .where(MeldcodeTraject.student_id == student.id)
        .options(joinedload(MeldcodeTraject.owner))
    ).all()
    items = [
        TimelineItem(
            "meldcode",
            traject.opened_at,
            _("Meldcode-traject geopend")
            if traject.is_open
            else _("Meldcode-traject (afgesloten)"),
            traject.owner.name if traject.owner else "",
            [],
            ("desk.meldcode_detail", {"traject_id": traject.id}),
        )
        for traject in readable
    ]
    if any(traject.is_open for traject in readable):
        return items, []
    known = open_traject_known_to(user, student)
    if known is None:
        return items, []
    who = known.owner.name if known.owner else _("de aandachtsfunctionaris")
    return items, [_("Meldcode-traject — vraag %(name)s (aandachtsfunctionaris)", name=who)]


def student_timeline(user: User, student: Student, *, limit: int = PAGE) -> StudentTimeline:
    """What ``user`` may see of ``student``'s history, newest first; a view of case content
    is audited (as the case page is)."""
    limit = max(1, min(limit, MAX_SHOWN))
    same_location = student.location_id in user.location_ids
    copa_case_visible = user.role == Role.COPA and may_see_student_work(user, student)
    screened = bool(session.get(SCREENED_KEY))
    kinds = timeline_kinds(
        user.role,
        same_location=same_location,
        copa_case_visible=copa_case_visible,
        screened=screened,
    )
    items = build_chronology(student.id, kinds, limit=limit + 1) if kinds else []
    meldcode_items, notices = _meldcode(user, student)
    if meldcode_items:
        items = sorted(items + meldcode_items, key=lambda item: item.at, reverse=True)
    if kinds & CASE_WORK_KINDS:
        record(user, "view", "tijdlijn", student.leerlingnummer, student=student)
    return StudentTimeline(
        items=items[:limit],
        kinds=kinds,
        limit=limit,
        more=len(items) > limit,
        notices=notices,
        needs_screened_place=needs_screened_place(
            user.role, copa_case_visible=copa_case_visible, screened=screened
        ),
    )
