"""The inbox tests: a drop folder, and a school with its calendar and six locations."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from app.models import Location
from tests.absence_helpers import school_calendar


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def school(app: Flask, locations: dict[str, Location]) -> dict[str, Location]:
    """The locations and school year 2026-2027; no students yet (the exports bring them)."""
    school_calendar()
    return locations
