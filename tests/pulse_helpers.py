"""Helpers for the leerlingpeiling tests: peilingen and answers built through the services."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient

from app.core.localtime import local_today
from app.extensions import db
from app.models import Location, Peiling, User
from app.pulse.services import close_peiling, new_device_token, open_peiling, submit_answers
from app.pulse.statements import CURRENT_QUESTIONNAIRE, statements_for

KEYS = [s.key for s in statements_for(CURRENT_QUESTIONNAIRE)]


def full_answers(value: int = 4, **overrides: int) -> dict[str, int]:
    answers = {key: value for key in KEYS}
    answers.update(overrides)
    return answers


def form_data(answers: Mapping[str, object], csrf_token: str | None = None) -> dict[str, object]:
    data: dict[str, object] = {f"s_{key}": value for key, value in answers.items()}
    if csrf_token is not None:
        data["csrf_token"] = csrf_token
    return data


def make_peiling(
    app: Flask,
    opener: User,
    location: Location,
    *,
    starts_on: date | None = None,
    days: int = 10,
) -> Peiling:
    """A peiling from ``starts_on`` (default today) for ``days`` days; in the past is allowed."""
    start = starts_on or local_today()
    with app.test_request_context():
        peiling = open_peiling(
            opener,
            location,
            start,
            start + timedelta(days=days - 1),
            today=min(start, local_today()),
        )
        db.session.commit()
    return peiling


def add_answers(
    app: Flask, peiling: Peiling, count: int, answers: Mapping[str, int] | None = None
) -> None:
    """``count`` students answer (each from their own device), on the peiling's first day."""
    with app.test_request_context():
        for _ in range(count):
            submit_answers(
                peiling,
                new_device_token(peiling),
                answers or full_answers(),
                today=peiling.starts_on,
            )
        db.session.commit()


def close(app: Flask, user: User, peiling: Peiling) -> None:
    with app.test_request_context():
        close_peiling(user, peiling)
        db.session.commit()


def answer_page_token(client: FlaskClient, path: str) -> str:
    """Open the answer page (which sets the device cookie) and read its CSRF token."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, html[:500]
    return match.group(1)
