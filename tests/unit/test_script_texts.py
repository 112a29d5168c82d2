"""The browser scripts show no text of their own: what a user reads comes from the page (the
``data-*`` messages the server renders through the catalogue), so it is in the reader's
language. A string literal of words in a script is either on the list below, with why it is
never shown, or a test failure."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [
    *sorted((ROOT / "static/js").rglob("*.js")),
    *sorted((ROOT / "service_worker").glob("*.js")),
]

# Literals that are never shown to a user, with why.
NOT_SHOWN = {
    "login required": "an Error's message for the code that catches it",
    "copy failed": "an Error's message for the code that catches it",
    "button wide": "CSS classes",
    "link-button chosen-change": "CSS classes",
    "muted twin-note": "CSS classes",
    "#when button": "a CSS selector",
    ".stepper button": "a CSS selector",
    ".pulse-statement.has-error input": "a CSS selector",
}

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_LITERAL = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`")
_WORDS = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")
_LOGGING = re.compile(r"console\.\w+\(\s*$")


def _literals(source: str) -> list[str]:
    """String literals of a script outside comments and console logging."""
    code = _COMMENT.sub(lambda match: " " * len(match.group(0)), source)
    found = []
    for match in _LITERAL.finditer(code):
        text = next(group for group in match.groups() if group is not None)
        if _LOGGING.search(code[: match.start()][-40:]):
            continue
        found.append(text)
    return found


def test_the_check_finds_a_text_in_a_script() -> None:
    assert _literals('el.title = "Tik om te tonen"; // "niet dit"') == ["Tik om te tonen"]
    assert _literals('console.warn("not shown", e);') == []


def test_no_script_shows_a_text_of_its_own() -> None:
    shown = {
        f"{path.relative_to(ROOT)}: {text!r}"
        for path in SCRIPTS
        for text in _literals(path.read_text(encoding="utf-8"))
        if _WORDS.search(re.sub(r"\$\{[^}]*\}", " ", text)) and text not in NOT_SHOWN
    }
    assert not shown, "texts in scripts (render them in the page through _()):\n" + "\n".join(
        sorted(shown)
    )
