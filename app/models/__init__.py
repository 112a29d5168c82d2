"""Every model, imported here so the metadata (and Alembic) knows every table."""

from app.models.audit import AuditEvent
from app.models.climate import ClimateCheck, ClimateRating
from app.models.floor import Flag, FloorEntry, QuarantinedEntry, floor_entry_student
from app.models.org import BreakTime, Location, Role, User, Zone, user_location
from app.models.student import Student

__all__ = [
    "ClimateCheck",
    "ClimateRating",
    "AuditEvent",
    "BreakTime",
    "Flag",
    "FloorEntry",
    "Location",
    "QuarantinedEntry",
    "Role",
    "Student",
    "User",
    "Zone",
    "floor_entry_student",
    "user_location",
]
