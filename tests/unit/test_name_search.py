"""The name rules of the student search (app/core/name_search.py): accents and case do not
matter, a tussenvoegsel may come first, last or not at all, and a query always finds the name
it was typed from (property tests over names)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.name_search import (
    MAX_QUERY_WORDS,
    SEARCH_KEY_MAX,
    fold,
    matches,
    query_words,
    score,
    search_key,
)

PARTICLES = (
    "de",
    "van",
    "van der",
    "van den",
    "van de",
    "'t",
    "ten",
    "ter",
    "in 't",
    "van 't",
    "op de",
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Özdemir", "ozdemir"),
        ("Éloïse", "eloise"),
        ("ÇELİK", "celik"),
        ("Łukasz Øster", "lukasz oster"),
        ("Straße", "strasse"),
        ("'t Hart", "t hart"),
        ("O'Brien-Smit", "o brien smit"),
        ("  Boer,  de ", "boer de"),
        ("Nguyễn", "nguyen"),
        ("Алексей", "алексеи"),
        ("a_b%c", "a b c"),
    ],
)
def test_folding(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("first", "particle", "last", "query"),
    [
        ("Sanne", "de", "Boer", "boer"),
        ("Sanne", "de", "Boer", "de boer"),
        ("Sanne", "de", "Boer", "Boer, de"),
        ("Sanne", "de", "Boer", "deboer"),
        ("Sanne", "de", "Boer", "sanne de boer"),
        ("Daan", "van den", "Heuvel", "van den heuvel"),
        ("Daan", "van den", "Heuvel", "heuvel"),
        ("Daan", "van den", "Heuvel", "Heuvel, van den"),
        ("Daan", "van den", "Heuvel", "vandenheuvel"),
        ("Daan", "van den", "Heuvel", "daan heuv"),
        ("Jip", "'t", "Hart", "'t hart"),
        ("Jip", "'t", "Hart", "t hart"),
        ("Jip", "'t", "Hart", "Hart, 't"),
        ("Emre", "", "Özdemir", "Ozdemir"),
        ("Emre", "", "Ozdemir", "Özdemir"),
        ("Éloïse", "", "Martin", "Eloise"),
        ("Eloise", "", "Martin", "éloïse"),
        ("Liam", "", "O'Brien", "obrien"),
        ("Liam", "", "O'Brien", "o'brien"),
        ("Noa", "", "Jansen-Smit", "smit"),
        ("Noa", "", "Jansen-Smit", "jansensmit"),
        ("Esra", "", "Yılmaz", "yilmaz"),
        ("Daan", "", "van der Berg", "berg, van der"),  # a particle kept in the surname
    ],
)
def test_a_name_is_found_however_it_is_typed(
    first: str, particle: str, last: str, query: str
) -> None:
    assert matches(search_key(first, particle, last), query)


def test_whole_words_rank_above_starts_and_pieces() -> None:
    boer = search_key("Sanne", "de", "Boer")
    boersma = search_key("Dewi", "", "Boersma")
    assert score(boer, "de boer") > score(boersma, "de boer")
    assert score(boersma, "boer") > score(search_key("Kees", "", "Aboer"), "boer")


def test_other_names_are_not_found() -> None:
    assert not matches(search_key("Sanne", "de", "Boer"), "heuvel")
    assert not matches(search_key("Daan", "van den", "Heuvel"), "de boer")


names = st.text(
    alphabet=st.characters(categories=("L", "M", "Zs", "Pd", "Po")), min_size=1, max_size=40
)


@given(first=names, particle=st.sampled_from(("", *PARTICLES)), last=names)
def test_any_name_is_found_by_its_own_words_in_any_order(
    first: str, particle: str, last: str
) -> None:
    key = search_key(first, particle, last)
    assert key.startswith(" ") and key.endswith(" ") and len(key) <= SEARCH_KEY_MAX
    assert all(c == " " or c.isalnum() for c in key) and key == key.casefold()
    typed = [last, particle, first]
    assert matches(key, f"{last}, {particle}")
    assert matches(key, " ".join(reversed(typed)))
    assert matches(key, last.upper())
    if particle:
        assert matches(key, f"{particle} {last}")


@given(text=st.text(max_size=60))
def test_folding_is_plain_lower_case_and_idempotent(text: str) -> None:
    folded = fold(text)
    assert folded == fold(folded) == fold(folded.upper())
    assert all(c == " " or c.isalnum() for c in folded)
    assert "  " not in folded and folded == folded.strip()


@given(text=st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=20))
def test_accents_do_not_matter_either_way(text: str) -> None:
    # Of the case-folded text: the Greek iota subscript is a mark in "ᾀ" but the letter "ι"
    # in its capital "ᾈ" (and in its case folding), so it stays a letter either way.
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    assert fold(text) == fold(plain)


def test_a_mark_that_folds_to_a_letter_is_found_in_capitals() -> None:
    """U+0345 is a combining mark whose capital is the letter "Ι": found either way."""
    key = search_key("Anna", "", "Aͅ")
    assert matches(key, "Aͅ".upper()) and matches(key, "aͅ")


@given(text=st.text(max_size=200))
def test_a_query_has_a_few_words_only(text: str) -> None:
    found = query_words(text)
    assert len(found) <= MAX_QUERY_WORDS and len(set(found)) == len(found)
    assert all(word and "%" not in word and "_" not in word for word in found)
