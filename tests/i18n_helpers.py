"""A marked English catalogue: every English msgstr wrapped in ⟦ ⟧, so that text on a rendered
page that did not pass through the catalogue stands out (pseudo-localisation)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app.extensions import babel

PO = Path(__file__).resolve().parent.parent / "app/translations/en/LC_MESSAGES/messages.po"
OPEN, CLOSE = "⟦", "⟧"
# A marked text cut short ("⟦intensive (high abse…") counts as marked up to where it was cut.
_MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*({CLOSE}|$)")
WORD = re.compile(r"[^\W\d_]{2,}")


def write_marked_catalogue(directory: Path) -> Path:
    """``directory``/en/LC_MESSAGES/messages.mo with every msgstr marked; returns ``directory``."""
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple):
            message.string = tuple(
                f"{OPEN}{text}{CLOSE}" if text else "" for text in message.string
            )
        elif message.string:
            message.string = f"{OPEN}{message.string}{CLOSE}"
    target = directory / "en" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)
    return directory


def forget_loaded_catalogues() -> None:
    """Flask-Babel caches catalogues on its (process-wide) domain, not per app: an app with the
    marked catalogue must neither see nor leave behind another app's."""
    babel.domain_instance.cache.clear()


def unmarked(text: str) -> str:
    """``text`` without its marked parts (innermost first: a translation may hold another)."""
    while True:
        stripped = _MARKED.sub(" ", text)
        if stripped == text:
            return text
        text = stripped


# Attributes a user reads (or hears from a screen reader).
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "aria-description")
# ``data-*`` attributes that hold keys for a script, never shown: the floor's field names per
# kind of entry, the report form's kinds of period a group of fields belongs to.
KEY_ATTRIBUTES = ("data-kind-fields", "data-period-kinds")
SKIPPED_ELEMENTS = ("script", "style")


def _data_texts(value: str) -> list[str]:
    """The texts a script may show from a ``data-*`` attribute: the string values of JSON, or a
    plain value with a space in it (a sentence, not an id, a url or a key)."""
    try:
        parsed = json.loads(value)
    except ValueError:
        return [value] if " " in value.strip() else []
    texts: list[str] = []
    pending = [parsed]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            pending += item.values()
        elif isinstance(item, list):
            pending += item
    return texts


VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
}


class ReadableText(HTMLParser):
    """The text of a page a user reads: text nodes outside script and style, attributes read
    aloud or shown, the labels of buttons, and the texts the page's scripts show from
    ``data-*``. Content declared in another language (``lang="nl"``: a stored Dutch text, a
    language's own name) or not to be translated (``translate="no"``: a code) is left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._open: list[tuple[str, bool]] = []  # open elements: (tag, left out)
        self._in_text = False

    def _left_out(self) -> bool:
        return any(skipped for _tag, skipped in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_text = False
        values = {name: value or "" for name, value in attrs}
        skipped = (
            tag in SKIPPED_ELEMENTS
            or values.get("translate") == "no"
            or not values.get("lang", "en").startswith("en")
        )
        if tag not in VOID_ELEMENTS:
            self._open.append((tag, skipped))
        if skipped or self._left_out():
            return
        for name, value in values.items():
            if name in READ_ATTRIBUTES:
                self.texts.append(value)
            elif name.startswith("data-") and name not in KEY_ATTRIBUTES:
                self.texts += _data_texts(value)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.texts.append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        self._in_text = False
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        if self._left_out():
            return
        if self._in_text:  # one text cut in two by the parser ("'<5'" is not a tag)
            self.texts[-1] += data
        else:
            self.texts.append(data)
        self._in_text = True


def untranslated_words(html: str, allowed: set[str]) -> list[str]:
    """The texts of ``html`` with words outside the catalogue and outside ``allowed``."""
    parser = ReadableText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        rest = unmarked(text)
        words = [word for word in WORD.findall(rest) if word.casefold() not in allowed]
        if words:
            found.append(f"{' '.join(text.split())[:160]!r} → {words}")
    return found
