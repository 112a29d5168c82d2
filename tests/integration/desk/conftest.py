"""The desk tests' signed-in staff member (a medewerker at ZS who has confirmed the screened
place) and the CSRF token of their session."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from app.core.vocabulary import Role
from app.models import User
from tests.client_helpers import csrf_token_from
from tests.desk_helpers import confirm_screened


@pytest.fixture
def staff(login_as: Callable[..., User], client: FlaskClient) -> User:
    user = login_as(Role.MEDEWERKER, ("ZS",))
    confirm_screened(client)
    return user


@pytest.fixture
def token(client: FlaskClient, staff: User) -> str:
    return csrf_token_from(client, "/bureau/afgeschermd")
