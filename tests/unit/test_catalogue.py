"""The English catalogue is complete: every string the code and the templates mark is in it,
translated (not empty, not fuzzy), with the same placeholders as the Dutch."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "app/translations/en/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%")
# The keywords of `make messages` (Makefile): lazy labels and stored-text templates too.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}


def _catalogue() -> dict[str, object]:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    return {_key(message.id): message for message in catalog if message.id}


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _marked_in_source() -> dict[str, str]:
    """Every marked string of app/ and templates/ → where it is."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.setdefault(_key(message), f"{filename}:{lineno}")
    return found


def test_every_marked_string_is_in_the_english_catalogue() -> None:
    catalogue = _catalogue()
    missing = {
        msgid: where for msgid, where in _marked_in_source().items() if msgid not in catalogue
    }
    assert not missing, f"not in the catalogue (run `make messages`): {missing}"


def test_every_message_has_an_english_translation_with_the_same_placeholders() -> None:
    problems = []
    for msgid, message in _catalogue().items():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if "fuzzy" in message.flags or not all(strings):
            problems.append(f"untranslated: {msgid!r}")
            continue
        wanted = sorted(PLACEHOLDER.findall(msgid))
        for text in strings:
            if sorted(PLACEHOLDER.findall(text)) != wanted and not isinstance(message.id, tuple):
                problems.append(f"placeholders differ: {msgid!r} → {text!r}")
    assert not problems, "\n".join(problems)
