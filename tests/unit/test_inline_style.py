"""The floor's inline style and its CSP hash (app/floor/inline_style.py): the hash is the one a
browser computes over the element's text, whatever line ends the files were saved with."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from app.floor.inline_style import csp_hash, read_style


def test_the_hash_is_the_csp_sha256_source_of_the_text() -> None:
    # The empty text's SHA-256, as the CSP specification's examples spell it.
    assert csp_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    text = ".a { color: red; } /* één */"
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    assert csp_hash(text) == f"'sha256-{digest}'"
    assert csp_hash(text) != csp_hash(text + " ")


def test_files_are_joined_in_order_with_line_ends_as_the_html_parser_makes_them(
    tmp_path: Path,
) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "one.css").write_bytes(b".a { color: red; }\r\n.b { color: blue; }\r\n")
    (tmp_path / "css" / "two.css").write_bytes(b"\n.c { color: green; }\r")
    style = read_style(tmp_path, ("css/one.css", "css/two.css"))
    assert style.text == ".a { color: red; }\n.b { color: blue; }\n.c { color: green; }"
    assert "\r" not in style.text
    assert style.csp_source == csp_hash(style.text)
    assert str(style.markup) == style.text  # inserted as it is, not HTML-escaped
