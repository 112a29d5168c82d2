"""Every model, imported here so the metadata (and Alembic) knows every table."""

from app.models.org import BreakTime, Location, Role, User, Zone, user_location
from app.models.student import Student

__all__ = ["BreakTime", "Location", "Role", "Student", "User", "Zone", "user_location"]
