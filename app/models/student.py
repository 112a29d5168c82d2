"""Students, as imported from the school's student information system (Magister, SOMtoday)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from app.core.name_search import SEARCH_KEY_MAX, search_key
from app.extensions import Model
from app.models.org import Location
from app.models.types import UTCDateTime, utcnow


class Student(Model):
    __tablename__ = "student"

    id: Mapped[int] = mapped_column(primary_key=True)
    leerlingnummer: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    tussenvoegsel: Mapped[str] = mapped_column(String(30), default="")
    last_name: Mapped[str] = mapped_column(String(120))
    class_name: Mapped[str] = mapped_column(String(20), default="")
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    mentor: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Set when the student stopped appearing in full imports; retention counts from here.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The name folded for searching (app/core/name_search.py): no accents, lower case, the
    # tussenvoegsel as words and joined. Filled on every insert and update below.
    search_key: Mapped[str] = mapped_column(String(SEARCH_KEY_MAX), default="")

    location: Mapped[Location] = relationship()

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.tussenvoegsel, self.last_name) if p)

    @property
    def sort_name(self) -> str:
        tail = f", {self.first_name}"
        if self.tussenvoegsel:
            tail += f" {self.tussenvoegsel}"
        return f"{self.last_name}{tail}"

    @property
    def initials(self) -> str:
        """Initials as shown in public spaces: first name and last name (not the tussenvoegsel)."""
        return initials_for(self.first_name, self.last_name)

    def __repr__(self) -> str:
        return f"<Student {self.leerlingnummer}>"


@event.listens_for(Student, "before_insert")
@event.listens_for(Student, "before_update")
def _fill_search_key(_mapper: Mapper[Student], _connection: object, student: Student) -> None:
    student.search_key = search_key(student.first_name, student.tussenvoegsel, student.last_name)


def initials_for(first_name: str, last_name: str) -> str:
    first = first_name.strip()[:1].upper()
    last = last_name.strip()[:1].upper()
    return f"{first}.{last}." if first and last else (first or last) + "."


class StudentImportUpload(Model):
    """A student export uploaded for a preview, kept on the server until its user confirms the
    import (or uploads another file, or cancels): the confirmation imports exactly the file the
    preview showed, never a file sent again. One per user; deleted after the import, and by the
    nightly purge when it is older than a day (it holds the students' names)."""

    __tablename__ = "student_import_upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    # Random, named by the confirmation form: an older preview's form no longer matches.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    full: Mapped[bool] = mapped_column(Boolean)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of content
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
