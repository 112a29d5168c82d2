"""The floor screen's style, inlined into its page: the screen paints from the first response
instead of waiting a round trip for its style sheets (on "Slow 4G" 562.5 ms; docs/benchmarks.md,
phone figures). The Content-Security-Policy stays strict: it allows this one text by its hash,
computed at app start from the files, never ``'unsafe-inline'``."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app
from markupsafe import Markup

# The floor page's style sheets, in the order the page used to link them.
FLOOR_STYLE_SHEETS = ("css/app.css", "css/floor.css")
EXTENSION_KEY = "schoolfit_floor_style"


@dataclass(frozen=True)
class InlineStyle:
    """A ``<style>`` element's text and the CSP source that allows exactly that text."""

    text: str
    csp_source: str

    @property
    def markup(self) -> Markup:
        # The app's own files, not input: inserted as they are (CSS is not HTML).
        return Markup(self.text)  # noqa: S704


def csp_hash(text: str) -> str:
    """The CSP source (``'sha256-…'``) of an inline element with exactly this text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def read_style(static_root: Path, paths: tuple[str, ...] = FLOOR_STYLE_SHEETS) -> InlineStyle:
    """The style sheets as one text. Line ends become ``\\n``, as the HTML parser makes them
    before the browser hashes the text: a file saved with CRLF must still match its hash."""
    parts = [
        (static_root / path).read_text(encoding="utf-8").replace("\r\n", "\n").replace("\r", "\n")
        for path in paths
    ]
    text = "\n".join(part.strip("\n") for part in parts)
    return InlineStyle(text=text, csp_source=csp_hash(text))


def register_floor_style(app: Flask, style: InlineStyle) -> None:
    """The style the floor page writes inline: the one whose hash the app's CSP carries."""
    app.extensions[EXTENSION_KEY] = style


def floor_style() -> InlineStyle:
    style: InlineStyle = current_app.extensions[EXTENSION_KEY]
    return style
