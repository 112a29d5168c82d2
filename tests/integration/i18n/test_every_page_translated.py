"""Everything a user reads in English passed through the catalogue.

The app runs with a marked English catalogue (every msgstr inside ⟦ ⟧) on the demo school group,
and every role walks its pages by links from where it lands, as in the reachability test. Each
text a user reads (text nodes, titles, labels read aloud, placeholders, button values and the
texts the pages' scripts show from ``data-*``) must, once its marked parts are taken out, hold no
words but the school's own data (names, zones, classes, notes typed by people: stored text),
month and day names Babel writes, and the few words in ``NOT_LANGUAGE``.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.dates import get_day_names, get_month_names
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import String, Text, select

from app.absence.services import effective_codes
from app.core.vocabulary import Role
from app.demo.organisation import DEMO_ACCOUNTS
from app.demo.seed import seed_demo
from app.extensions import db
from tests.client_helpers import login
from tests.crawl_helpers import LAPTOP_AGENT, PHONE_AGENT, crawl
from tests.i18n_helpers import (
    WORD,
    forget_loaded_catalogues,
    untranslated_words,
    write_marked_catalogue,
)

# Words that are no language to translate, with why.
NOT_LANGUAGE = {
    "schoolfit": "the product's name",
    "copa": "the care team's name at the school (Dutch term the users say in both languages)",
    "esc": "the name of a key on the keyboard",
}


@pytest.fixture(scope="module")
def marked_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_marked_catalogue(tmp_path_factory.mktemp("marked-catalogue"))


@pytest.fixture
def app_settings(marked_catalogue: Path) -> dict[str, object]:
    return {"BABEL_TRANSLATION_DIRECTORIES": str(marked_catalogue)}


@pytest.fixture
def marked_app(app: Flask) -> Iterator[Flask]:
    forget_loaded_catalogues()
    yield app
    forget_loaded_catalogues()


def _enum_values() -> set[str]:
    """Every value of the app's string enums: a stored enum value shown as it is is a word that
    skipped the catalogue, so it does not count as the school's data."""
    values: set[str] = set()
    pending = list(enum.StrEnum.__subclasses__())
    while pending:
        kind = pending.pop()
        pending += kind.__subclasses__()
        if kind.__module__.startswith("app."):
            values |= {member.value for member in kind}
    return values


def _stored_words() -> set[str]:
    """The words of the school's own data: every stored text but the enum values."""
    enum_values = _enum_values()
    words: set[str] = set()
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text):
                continue
            for value in db.session.scalars(select(column).distinct()):
                if value and value not in enum_values:
                    words |= {word.casefold() for word in WORD.findall(value)}
    return words


def _configured_words() -> set[str]:
    """The school's absence codes and their descriptions (config/absence_codes.toml, or set by
    beheer): the school's own words, as in its LVS."""
    words: set[str] = set()
    for meaning in effective_codes().values():
        words |= {word.casefold() for word in WORD.findall(f"{meaning.code} {meaning.description}")}
    return words


def _babel_words() -> set[str]:
    words: set[str] = set()
    for width in ("wide", "abbreviated"):
        for names in (get_month_names(width, locale="en"), get_day_names(width, locale="en")):
            words |= {name.casefold() for name in names.values()}
    return words


@pytest.mark.page_walk
@pytest.mark.parametrize(
    ("role", "user_agent"),
    [(Role.MEDEWERKER, PHONE_AGENT), *((role, LAPTOP_AGENT) for role in Role)],
    ids=["medewerker-phone", *(f"{role.value}-laptop" for role in Role)],
)
def test_every_page_a_role_reads_in_english_came_from_the_catalogue(
    marked_app: Flask, client: FlaskClient, role: Role, user_agent: str
) -> None:
    seed_demo()
    db.session.commit()
    allowed = _stored_words() | _configured_words() | _babel_words() | set(NOT_LANGUAGE)
    account = next(account for account in DEMO_ACCOUNTS if account.role == role)
    assert login(client, account.email, account.password).status_code == 302
    with client.session_transaction() as session:
        session["lang"] = "en"
        session["desk_screened_at"] = "crawl"
    problems: dict[str, list[str]] = {}

    def check(url: str, html: str) -> None:
        found = untranslated_words(html, allowed)
        if found:
            problems[url] = found

    _reached, errors = crawl(client.application, client, user_agent, on_page=check)
    assert not errors
    report = "\n".join(f"{url}:\n  " + "\n  ".join(found) for url, found in problems.items())
    assert not problems, f"text outside the catalogue ({role.value}):\n{report}"
