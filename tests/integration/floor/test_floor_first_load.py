"""The floor page's first load (issue 24, phone figures): its style is inline and allowed by a
hash in the Content-Security-Policy — never by 'unsafe-inline' — and it asks for its first data
from the HTML, before its scripts have arrived."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app.floor.inline_style import csp_hash


def style_sources(csp: str) -> list[str]:
    directive = next(d.strip() for d in csp.split(";") if d.strip().startswith("style-src "))
    return directive.split()[1:]


def test_the_inline_style_is_allowed_by_its_hash_and_nothing_else_inline(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/vloer/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    styles = re.findall(r"<style>(.*?)</style>", page, flags=re.DOTALL)
    assert len(styles) == 1
    text = styles[0]
    # Both style sheets, whole, and no longer linked: nothing render-blocking is left to fetch.
    for name in ("app.css", "floor.css"):
        sheet = Path(app.static_folder or "") / "css" / name
        assert sheet.read_text(encoding="utf-8").strip() in text
    assert 'rel="stylesheet"' not in page
    assert "&gt;" not in text and "&#34;" not in text  # CSS, not escaped HTML

    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-hashes" not in csp
    assert style_sources(csp) == ["'self'", csp_hash(text)]
    assert "script-src 'self'" in csp  # scripts stay files


def test_other_pages_keep_their_style_sheets_and_a_strict_policy(client: FlaskClient) -> None:
    response = client.get("/login")
    page = response.get_data(as_text=True)
    assert "<style" not in page and 'rel="stylesheet"' in page
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_the_first_data_is_asked_for_from_the_html(app: Flask, client: FlaskClient) -> None:
    page = client.get("/vloer/").get_data(as_text=True)
    preloads = re.findall(r'<link rel="preload" href="([^"]+)" as="fetch" crossorigin>', page)
    # The same URLs app.js asks for, so the browser hands it these answers.
    assert preloads == ["/api/floor/today", "/api/floor/context"]
    source = (Path(app.static_folder or "") / "js/floor/app.js").read_text(encoding="utf-8")
    for url in preloads:
        assert f'getJson("{url}")' in source
