"""Helpers for redirect targets."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, url_for
from werkzeug.exceptions import HTTPException


def safe_next_url(target: str | None) -> str | None:
    """Return ``target`` only when it is a path on this site; off-site ``next`` URLs are dropped."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


def return_path() -> str:
    """Where a form in the page's frame (the language switch) sends the user back to: this page,
    or — when the page answered a POST (a confirmation, a form with its errors), which a GET of
    the same address would not show — the page the POST came from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("main.index")


def shows_on_get(path: str) -> bool:
    """Whether a GET of ``path`` (a path on this site) reaches a page of the app."""
    try:
        current_app.url_map.bind(request.host).match(urlsplit(path).path, method="GET")
    except HTTPException:
        return False
    return True
