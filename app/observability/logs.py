"""Logging: one JSON line per record on stderr when ``LOG_FORMAT=json`` (plain text otherwise),
with the request's id, route, status, duration and user id, and one line per request.

Only identifiers and route templates are logged, never a path, form or query: those can hold a
leerlingnummer or a name. A request id comes from the proxy's ``X-Request-ID`` (when it is a
plain token) or is made here, and is sent back in the response, so one line in nginx's log and
one in ours can be matched.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from pythonjsonlogger.json import JsonFormatter
from werkzeug.wrappers import Response

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
PROBES = frozenset({"main.healthz", "main.readyz"})
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"


def route_of_request() -> str:
    """The route template of the current request (never its path), or "-"."""
    rule = request.url_rule
    return rule.rule if rule is not None else "-"


class RequestContext(logging.Filter):
    """Adds the request's id, route and user id to every record made during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = g.get("request_id", "-")
            record.route = route_of_request()
            record.method = request.method
            user_id = None
            if current_user and current_user.is_authenticated:
                user_id = current_user.id
            record.user_id = user_id
        return True


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the moment of writing (a test's capture, or a
    worker's redirected stream), not the one there was when the app was made."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """The stream is always the current stderr."""


def configure_logging(app: Flask) -> None:
    """Send the app's records to stderr, as JSON lines when ``LOG_FORMAT`` is ``json``."""
    handler = StderrHandler()
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(
            JsonFormatter(
                JSON_FIELDS,
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                timestamp=False,
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RequestContext())
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])
    # Records go to stderr once, not again through the root logger; under tests they do
    # propagate, so pytest can capture them.
    app.logger.propagate = app.testing

    @app.before_request
    def start_request_log() -> None:
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = g.get("request_id", "")
        # Plain text: gunicorn's access log has them; the load balancer's probes are noise.
        if app.config["LOG_FORMAT"] == "json" and request.endpoint not in PROBES:
            started = g.get("request_started")
            duration_ms = round((time.perf_counter() - started) * 1000, 1) if started else None
            app.logger.info(
                "request", extra={"status": response.status_code, "duration_ms": duration_ms}
            )
        return response
