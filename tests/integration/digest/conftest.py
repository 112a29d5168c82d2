"""The digest tests' scenario (tests/digest_helpers.py): one location-day with everything around
it."""

from tests.digest_helpers import scenario_fixture  # noqa: F401 (the fixture ``scenario``)
