"""The authorization matrices' world: ZS is the "own" location, GL the "other"."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.vocabulary import Role
from app.models import Location, Student, User
from tests.matrix_helpers import World


@pytest.fixture
def world(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> World:
    return World(
        own=locations["ZS"],
        other=locations["GL"],
        student=make_student("ZS"),
        other_student=make_student("GL"),
        colleague=make_user(Role.MEDEWERKER, ("ZS",)),
    )
