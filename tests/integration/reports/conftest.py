"""The report tests' school-year world (tests/report_helpers.py)."""

from tests.report_helpers import world_fixture  # noqa: F401 (the fixture ``world``)
