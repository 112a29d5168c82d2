"""Calendar downloads (``.ics``, RFC 5545, made with ``icalendar``) for a home visit, a COPA
handover moment and a referral's feedback date. An event names no student: initials and
class, and a link to the page behind the login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import Response, current_app
from icalendar import Calendar, Event

from app.models import Student
from app.models.types import utcnow

PRODUCT = "-//SchoolFit//Agenda//NL"


@dataclass(frozen=True)
class CalendarItem:
    uid: str  # stable per object, so a second download updates the event
    summary: str
    path: str  # the page in the app
    start: datetime | date
    duration: timedelta | None = None  # None: a whole day
    location: str = ""


def student_tag(student: Student) -> str:
    """How a calendar names a student: initials and class, never the name."""
    return f"{student.initials} · {student.class_name}" if student.class_name else student.initials


def ics_bytes(item: CalendarItem) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{item.uid}@schoolfit")
    event.add("dtstamp", utcnow())
    event.add("summary", item.summary)
    if isinstance(item.start, datetime):
        event.add("dtstart", item.start)
        event.add("dtend", item.start + (item.duration or timedelta(hours=1)))
    else:
        event.add("dtstart", item.start)
        event.add("dtend", item.start + timedelta(days=1))
    url = f"{str(current_app.config['APP_BASE_URL']).rstrip('/')}{item.path}"
    event.add("url", url)
    event.add("description", f"Details in SchoolFit (na inloggen): {url}")
    if item.location:
        event.add("location", item.location)
    calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data


def ics_response(item: CalendarItem, filename: str) -> Response:
    response = Response(ics_bytes(item), mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
