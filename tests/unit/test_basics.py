from datetime import UTC, datetime, timedelta, timezone

import pytest

from app.models.student import initials_for
from app.models.types import UTCDateTime
from app.urls import safe_next_url
from config import ProductionConfig


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/leerlingen/1", "/leerlingen/1"),
        ("/vloer/?x=1", "/vloer/?x=1"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_next_url(target: str | None, expected: str | None) -> None:
    assert safe_next_url(target) == expected


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("Lotte", "de Groot", "L.D."),
        ("amir", "Haddou", "A.H."),
        ("", "Smit", "S."),
        ("Ilse", "", "I."),
    ],
)
def test_initials(first: str, last: str, expected: str) -> None:
    assert initials_for(first, last) == expected


def test_production_refuses_missing_or_weak_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@localhost/x")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig()
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE is True
    assert config.FORCE_HTTPS is True


def test_production_requires_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        ProductionConfig()


class _Dialect:
    def __init__(self, name: str) -> None:
        self.name = name


def test_utc_datetime_normalises_and_refuses_naive() -> None:
    column = UTCDateTime()
    amsterdam = timezone(timedelta(hours=1))
    local = datetime(2026, 11, 23, 9, 30, tzinfo=amsterdam)
    stored = column.process_bind_param(local, _Dialect("sqlite"))
    assert stored == datetime(2026, 11, 23, 8, 30)
    assert column.process_result_value(stored, _Dialect("sqlite")) == datetime(
        2026, 11, 23, 8, 30, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="naive"):
        column.process_bind_param(datetime(2026, 1, 1), _Dialect("sqlite"))
