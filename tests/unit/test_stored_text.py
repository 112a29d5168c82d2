"""Texts stored in Dutch from N_ templates read in the reader's language."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from app.core.stored_text import translated
from app.floor.quarantine import _refusal
from app.floor.rules import incomplete_reason
from app.floor.validation import Rejected, parse_time


@pytest.fixture
def english(app: Flask):
    with app.test_request_context(), force_locale("en"):
        yield


def test_a_stored_reason_reads_in_english(english: None) -> None:
    assert translated("leerling 100200 staat niet meer ingeschreven") == (
        "student 100200 is no longer enrolled"
    )


def test_a_reason_inside_a_reason_and_a_list_of_names_are_translated_too(english: None) -> None:
    assert translated("klimaatcheck: onbekende zone") == "climate check: unknown zone"
    assert translated(incomplete_reason(["flag_type", "severity"])) == (
        "incomplete: kind of flag, severity are missing"
    )
    assert "the phone keeps the entry" in translated(_refusal(True, kept_on_phone=True))


def test_lines_are_translated_one_by_one_and_an_unknown_text_stays_as_it_is(
    english: None,
) -> None:
    assert translated("onbekende zone\niets dat geen sjabloon is") == (
        "unknown zone\niets dat geen sjabloon is"
    )
    assert translated("onbekende zone (ingekort") == "onbekende zone (ingekort"


def test_the_reasons_of_the_floor_validation_are_templates(english: None) -> None:
    with pytest.raises(Rejected) as refused:
        parse_time("gisteren", now=None)  # type: ignore[arg-type]
    assert str(refused.value) == "ongeldig tijdstip 'gisteren'"
    assert translated(str(refused.value)) == "invalid time 'gisteren'"


@given(number=st.text(min_size=1, max_size=20).filter(lambda t: "\n" not in t))
def test_in_dutch_a_stored_text_reads_as_it_was_stored(number: str) -> None:
    stored = f"leerling {number} staat niet meer ingeschreven"
    assert translated(stored) == stored
