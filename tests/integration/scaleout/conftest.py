"""Two app instances against one PostgreSQL and one Redis (tests/scaleout_helpers.py): started
once per run, only under ``--db postgresql`` (SQLite is one file on one machine: there is no
scaling it out). The digest's scenario is a fixture here too."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.digest_helpers import scenario_fixture  # noqa: F401 (the fixture ``scenario``)
from tests.redisserver import TempRedis
from tests.scaleout_helpers import Instance, instance_environment

SKIP_REASON = (
    "scale-out tests need PostgreSQL and Redis: run them with --db postgresql (make test does)"
)


@pytest.fixture(scope="session")
def scaleout_database(migrated_database: str) -> str:
    if not migrated_database.startswith("postgresql"):
        pytest.skip(SKIP_REASON)
    return migrated_database


@pytest.fixture(scope="session")
def redis_url(scaleout_database: str) -> Iterator[str]:
    server = TempRedis()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def instance_env(scaleout_database: str, redis_url: str) -> dict[str, str]:
    return instance_environment(scaleout_database, redis_url)


@pytest.fixture(scope="session")
def instances(instance_env: dict[str, str]) -> Iterator[tuple[Instance, Instance]]:
    """Instances A and B, started together; ready when their /readyz says so."""
    with tempfile.TemporaryDirectory(prefix="schoolfit-instances-") as directory:
        pair = (
            Instance("a", instance_env, Path(directory)),
            Instance("b", instance_env, Path(directory)),
        )
        started = time.monotonic()
        try:
            for instance in pair:
                instance.start()
            for instance in pair:
                instance.wait_ready()
            print(f"two instances ready in {time.monotonic() - started:.1f} s")
            yield pair
        finally:
            for instance in pair:
                instance.stop()
