"""The safeguarding tests' people at ZS: a medewerker, a team leader, an aandachtsfunctionaris,
and a student; clients signed in as them (the desk's screened place confirmed)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.vocabulary import Role
from app.models import Student, User
from tests.client_helpers import login


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bakker")


@pytest.fixture
def leader(make_user: Callable[..., User]) -> User:
    return make_user(Role.TEAMLEIDER, ("ZS",), name="Peter de Vries")


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(Role.AANDACHTSFUNCTIONARIS, ("ZS",), name="Karin Bosman")


@pytest.fixture
def student(make_student: Callable[..., Student]) -> Student:
    return make_student("ZS", first_name="Lotte", last_name="Visser", class_name="2B")


@pytest.fixture
def client_for(app: Flask) -> Callable[[User], FlaskClient]:
    def make(user: User) -> FlaskClient:
        client = app.test_client()
        assert login(client, user.email).status_code == 302
        with client.session_transaction() as session:
            session["desk_screened_at"] = "test"
        return client

    return make
