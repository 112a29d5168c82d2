"""The pulse tests' team leader at ZS, who opens the peilingen (not signed in)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.core.vocabulary import Role
from app.models import User


@pytest.fixture
def teamleider(make_user: Callable[..., User]) -> User:
    return make_user(Role.TEAMLEIDER, ("ZS",))
