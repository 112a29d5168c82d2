"""The naming rule of docs/architecture.md, checked: a table is its model class in snake_case,
and an enum member's name is its (Dutch) value in upper case."""

from __future__ import annotations

import re

from app.core.vocabulary import VOCABULARY, AbsenceRule
from app.extensions import Base

# A value that cannot be a Python name (it starts with a digit) is spelled out.
SPELLED_OUT = {AbsenceRule.ZESTIEN_UUR}


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def test_every_table_is_named_after_its_model() -> None:
    mappers = list(Base.registry.mappers)
    assert len(mappers) > 30
    misnamed = {
        mapper.class_.__name__: mapper.local_table.name
        for mapper in mappers
        if mapper.local_table.name != snake_case(mapper.class_.__name__)
    }
    assert misnamed == {}


def test_enum_members_are_named_after_their_values() -> None:
    misnamed = [
        f"{vocabulary.__name__}.{member.name} = {member.value!r}"
        for vocabulary in VOCABULARY
        for member in vocabulary
        if member.name != member.value.upper() and member not in SPELLED_OUT
    ]
    assert misnamed == []
