"""What a request may carry, checked in one place: page numbers and whole-number query parameters
for every list page, and the size and depth of every JSON body. A value outside these shapes is
answered 400 with a Dutch message (:class:`RefusedInput`), never a server error.

- ``?page=`` and integer parameters: only digits, within a range a database integer holds
  (``?page=100000000000000000000`` once reached the database as an OFFSET it could not hold).
  Every list page paginates through :func:`paginate`; ``tests/unit/test_structure.py`` checks
  that no view calls ``db.paginate`` or ``request.args.get(…, type=int)`` itself.
- JSON: at most :data:`JSON_MAX_BYTES` bytes and :data:`JSON_MAX_DEPTH` levels of nesting
  (deeply nested JSON once made the parser, or the code walking its result, overflow Python's
  stack). The app's JSON provider refuses deeper documents for every ``get_json()``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select
from werkzeug.exceptions import BadRequest

from app.extensions import db

# Pages beyond this are refused: no list of the app comes near it (10,000 pages of 50 rows).
MAX_PAGE = 10_000
MAX_DB_INT = 2_147_483_647  # PostgreSQL integer: larger ids cannot exist
# Far above any floor batch (100 entries with 500-character notes are ~250 KB).
JSON_MAX_BYTES = 1024 * 1024
# A floor batch nests four levels deep ({"entries": [{"students": [...]}]}).
JSON_MAX_DEPTH = 32


class RefusedInput(BadRequest):
    """A query parameter or body of a shape the app does not take: 400 with ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(description=message)
        self.message = message


class JsonTooDeep(ValueError):
    """A JSON document nested deeper than :data:`JSON_MAX_DEPTH` levels."""


# -- query parameters --------------------------------------------------------------------------


def int_arg(name: str, *, maximum: int = MAX_DB_INT) -> int | None:
    """The query parameter ``name`` as a whole number from 1 to ``maximum``; None when it is
    absent or empty; :class:`RefusedInput` for anything else (letters, signs, 10^20 …)."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    # isdecimal() alone would let other scripts' digits through ("١٢"); int() takes those too.
    if raw.isascii() and raw.isdecimal() and len(raw) <= len(str(maximum)):
        value = int(raw)
        if 1 <= value <= maximum:
            return value
    raise RefusedInput(
        _(
            "De waarde van '%(name)s' in het adres klopt niet: een geheel getal van 1 tot en met "
            "%(maximum)s.",
            name=name[:20],
            maximum=maximum,
        )
    )


def page_number() -> int:
    """``?page=`` of a list page: 1 when absent."""
    return int_arg("page", maximum=MAX_PAGE) or 1


def paginate(query: Select[Any], per_page: int) -> Pagination:
    """One page of ``query`` for the page number the request asks (every list page uses this)."""
    return db.paginate(
        query, page=page_number(), per_page=per_page, max_per_page=per_page, error_out=False
    )


# -- JSON bodies -------------------------------------------------------------------------------


def json_depth_exceeds(value: object, limit: int) -> bool:
    """Whether ``value`` (parsed JSON) nests deeper than ``limit`` levels; without recursion."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class LimitedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing documents nested deeper than :data:`JSON_MAX_DEPTH` levels (a
    :class:`ValueError`, so ``get_json()`` answers it as a bad request)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise JsonTooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels") from None
        if json_depth_exceeds(value, JSON_MAX_DEPTH):
            raise JsonTooDeep(f"nested deeper than {JSON_MAX_DEPTH} levels")
        return value


class LimitedRequest(Request):
    """A request whose unusable JSON body is refused with a Dutch message."""

    def on_json_loading_failed(self, e: ValueError | None) -> Any:
        if isinstance(e, JsonTooDeep):
            raise RefusedInput(
                _(
                    "Het verzoek is te diep genest (hoogstens %(depth)s niveaus).",
                    depth=JSON_MAX_DEPTH,
                )
            )
        raise RefusedInput(_("Het verzoek is geen geldige JSON."))


def register_request_limits(app: Flask) -> None:
    """Install the JSON provider and request class, and cap the size of JSON bodies. Call it
    before any other ``before_request`` hook may read a body."""
    app.json_provider_class = LimitedJSONProvider
    app.json = LimitedJSONProvider(app)
    app.request_class = LimitedRequest

    @app.before_request
    def limit_json_size() -> None:
        if request.is_json:
            current = request.max_content_length
            request.max_content_length = min(current or JSON_MAX_BYTES, JSON_MAX_BYTES)
