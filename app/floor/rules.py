"""What each kind of floor entry needs: one definition for the phone (which parts its sheet
shows, and what it refuses to log while still empty) and for the server (what it quarantines as
incomplete). The floor page hands the definition to the phone (``data-kinds`` on the page); the
server validates every entry against the same table. Pure values, no database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.core.stored_text import LIST_SEPARATOR
from app.core.vocabulary import EntryKind
from app.floor import reasons

MAX_STUDENTS_PER_ENTRY = 30
MAX_HEAD_COUNT = 500

# A field's name in a stored (Dutch) quarantine reason: "onvolledig: soort vlag ontbreekt".
FIELD_NAMES = {
    "students": reasons.FIELD_STUDENTS,
    "topic": reasons.FIELD_TOPIC,
    "severity": reasons.FIELD_SEVERITY,
    "outcome": reasons.FIELD_OUTCOME,
    "flag_type": reasons.FIELD_FLAG_TYPE,
    "head_count": reasons.FIELD_HEAD_COUNT,
}


@dataclass(frozen=True)
class KindFields:
    """``parts``: what the phone's sheet shows, in order (an empty tuple: one tap logs it).
    ``required``: what must be filled before the entry may be logged (a subset of the parts)."""

    parts: tuple[str, ...]
    required: tuple[str, ...]

    def as_json(self) -> dict[str, list[str]]:
        return {"parts": list(self.parts), "required": list(self.required)}


KIND_FIELDS: dict[EntryKind, KindFields] = {
    EntryKind.CONTACT: KindFields(parts=(), required=()),
    EntryKind.GESPREK: KindFields(parts=("students", "topic", "note"), required=("topic",)),
    EntryKind.GROEP: KindFields(parts=("head_count", "note"), required=("head_count",)),
    EntryKind.SPANNING: KindFields(parts=("severity", "students", "note"), required=("severity",)),
    EntryKind.DEESCALATIE: KindFields(parts=("outcome", "students", "note"), required=("outcome",)),
    # A flag is about a student and says what kind of flag it is: without both it is not a flag.
    EntryKind.VLAG: KindFields(
        parts=("students", "note", "flag_type"), required=("students", "flag_type")
    ),
}


def is_empty(value: object) -> bool:
    """Absent as the phone means it: no value, an empty string or an empty list."""
    return value is None or value == "" or value == [] or value == {}


def missing_fields(kind: EntryKind, entry: Mapping[str, object]) -> list[str]:
    """The required fields of ``kind`` that ``entry`` leaves empty, in the definition's order."""
    return [name for name in KIND_FIELDS[kind].required if is_empty(entry.get(name))]


def incomplete_reason(missing: list[str]) -> str:
    """The stored reason for an entry with ``missing`` fields (Dutch, like every reason)."""
    names = LIST_SEPARATOR.join(FIELD_NAMES[name] for name in missing)
    if len(missing) == 1:
        return reasons.INCOMPLETE_ONE % {"names": names}
    return reasons.INCOMPLETE_MANY % {"names": names}


def kinds_for_phone() -> dict[str, dict[str, list[str]]]:
    """The definition as the floor page hands it to the phone."""
    return {kind.value: fields.as_json() for kind, fields in KIND_FIELDS.items()}
