"""Fixtures of the absence tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from app.models import Student
from tests.absence_helpers import school_calendar


@pytest.fixture
def pupils(app: Flask, make_student: Callable[..., Student]) -> list[Student]:
    school_calendar()
    return [make_student("ZS", leerlingnummer=f"5000{i:02d}") for i in range(12)]
