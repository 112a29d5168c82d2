"""The floor tests' signed-in staff member: a medewerker at ZS and HK."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.vocabulary import Role
from app.models import User


@pytest.fixture
def staff(login_as: Callable[..., User]) -> User:
    return login_as(Role.MEDEWERKER, ("ZS", "HK"))
