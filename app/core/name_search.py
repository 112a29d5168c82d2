"""Finding a student by name however it is typed: without accents or with them, in any case,
with or without the tussenvoegsel and in any order ("boer", "de boer", "Boer, de",
"van den heuvel", "Heuvel, van den").

Every student carries a ``search_key`` (app/models/student.py fills it on every write; migration
0029 filled it for the students already there): the name folded to plain lower-case letters
and digits (of any script), one space between words and around the whole, plus joined forms
("vandenheuvel", "jansensmit", "obrien"). A query is folded the same way into words; a student
matches when each word occurs in the key (or in the class, or starts the leerlingnummer), and
ranks higher when a word is a whole word or the start of one. Folding happens in Python on both
sides, so SQLite and PostgreSQL compare the same plain text with ``LIKE`` and answer the same.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not take apart into a base letter and a mark.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "ĳ": "ij",
        "Ĳ": "ij",
    }
)
# Letters and digits of any script stay (a name in Cyrillic is found by Cyrillic letters); the
# rest (spaces, punctuation, the underscore: also LIKE's wildcards) separates words.
_NOT_WORD = re.compile(r"[\W_]+")
# Apostrophes and hyphens inside a name: "O'Brien", "'t Hart", "Jansen-Smit".
_JOINERS = re.compile(r"['’‘`´\-‐‑–]")

SEARCH_KEY_MAX = 600
MAX_QUERY_WORDS = 6


def fold(text: str) -> str:
    """Lower case, accents and other marks removed, only letters and digits kept (the rest
    separates words). Case is folded first as well as last: a few marks fold to a letter
    (U+0345, the Greek iota subscript, to "ι", as its capital "Ι" does), so a name typed in
    capitals must fold the same as the name stored."""
    text = unicodedata.normalize("NFKD", text.translate(_SPECIAL).casefold())
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_SPECIAL)
    return " ".join(_NOT_WORD.split(text.casefold())).strip()


def words(text: str) -> list[str]:
    return fold(text).split()


def search_key(first_name: str, tussenvoegsel: str, last_name: str) -> str:
    """The folded words of the name, framed by spaces, then the joined forms: the surname with
    its tussenvoegsel in one word, and every hyphenated or apostrophed part in one word."""
    parts = [first_name or "", tussenvoegsel or "", last_name or ""]
    found: list[str] = []
    for part in parts:
        found.extend(words(part))
    joined = ["".join(words(f"{tussenvoegsel or ''} {last_name or ''}"))]
    for part in parts:
        for chunk in (part or "").split():
            if _JOINERS.search(chunk):
                joined.append("".join(words(chunk)))
    seen: list[str] = []
    for word in [*found, *joined]:
        if word and word not in seen:
            seen.append(word)
    key = " " + " ".join(seen) + " "
    return key[:SEARCH_KEY_MAX] if len(key) <= SEARCH_KEY_MAX else key[: SEARCH_KEY_MAX - 1] + " "


def query_words(text: str) -> list[str]:
    """The words of a query, folded like the key; at most a few, no duplicates."""
    unique: list[str] = []
    for word in words(text):
        if word not in unique:
            unique.append(word)
    return unique[:MAX_QUERY_WORDS]


def matches(key: str, query: str) -> bool:
    """Whether a name's key matches a query by its name alone (the rule the SQL applies)."""
    return all(word in key for word in query_words(query))


def score(key: str, query: str) -> int:
    """How well a name's key matches: per word 3 for a whole word, 2 for the start of a word,
    1 for a piece inside one (the rank the SQL computes)."""
    total = 0
    for word in query_words(query):
        if f" {word} " in key:
            total += 3
        elif f" {word}" in key:
            total += 2
        elif word in key:
            total += 1
    return total
