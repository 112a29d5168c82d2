"""Caching rules: anything that may hold personal data is sent with ``Cache-Control: no-store``,
so neither the browser's HTTP cache nor the service worker keeps it."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

# Endpoints without personal data that browsers and the service worker may cache.
CACHEABLE_ENDPOINTS = frozenset(
    {"static", "main.service_worker", "main.manifest", "main.offline", "floor.index"}
)


def register_caching_rules(app: Flask) -> None:
    @app.after_request
    def no_store_personal_data(response: Response) -> Response:
        if request.endpoint not in CACHEABLE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        return response
