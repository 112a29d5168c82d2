"""Prometheus metrics, served at ``/metrics`` when ``METRICS_TOKEN`` is set (the token in an
``Authorization: Bearer`` header; without a token the page does not exist).

Under gunicorn with several workers each worker counts for itself: set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (the client library's multiprocess mode) and
use ``config/gunicorn.conf.py``, which tells the library when a worker ends. The metrics name
routes by their endpoint and carry no student data.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import Blueprint, Flask, abort, current_app, g, request
from flask.typing import ResponseReturnValue
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import AbsenceEvaluation, AbsenceSignal, Location

bp = Blueprint("metrics", __name__)

REQUESTS = Counter(
    "schoolfit_http_requests_total", "Requests answered", ["endpoint", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "schoolfit_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
FLOOR_ENTRIES = Counter(
    "schoolfit_floor_entries_total", "Floor entries received, by what became of them", ["result"]
)
FLOOR_BATCH = Histogram(
    "schoolfit_floor_sync_batch_size",
    "Entries per floor sync request",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200),
)
IMPORT_ROWS = Counter("schoolfit_import_rows_total", "Rows imported from the LVS", ["kind"])
IMPORT_FAILURES = Counter(
    "schoolfit_import_failures_total", "LVS imports refused (nothing imported)", ["kind"]
)
DIGEST_EMAILS = Counter("schoolfit_digest_emails_total", "Digest e-mails", ["result"])


P = ParamSpec("P")
R = TypeVar("R")


def counted_import(kind: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Count an import's rows (its result's ``rows``, or created + updated + unchanged) and,
    when it is refused, the refusal."""

    def decorator(run: Callable[P, R]) -> Callable[P, R]:
        @wraps(run)
        def counted(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                result = run(*args, **kwargs)
            except Exception:
                IMPORT_FAILURES.labels(kind=kind).inc()
                raise
            rows = getattr(result, "rows", None)
            if rows is None:
                rows = sum(getattr(result, name, 0) for name in ("created", "updated", "unchanged"))
            IMPORT_ROWS.labels(kind=kind).inc(rows)
            return result

        return counted

    return decorator


def count_floor_batch(results: Iterable[str]) -> None:
    """One floor sync request: its size, and each entry's result (stored, duplicate, …)."""
    statuses = list(results)
    FLOOR_BATCH.observe(len(statuses))
    for status in statuses:
        FLOOR_ENTRIES.labels(result=status).inc()


def register_metrics(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def count_request(response: Response) -> Response:
        endpoint = request.endpoint or "unknown"
        if endpoint == "metrics.metrics":
            return response
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        started = g.get("metrics_started")
        if started is not None:
            REQUEST_SECONDS.labels(endpoint, request.method).observe(time.perf_counter() - started)
        return response


def _authorised() -> bool:
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)  # metrics are off: the page does not exist
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return hmac.compare_digest(given.encode(), token.encode())


def _absence_from_database() -> bytes:
    """Read from the database when scraped: the active absence signals per rule, and per
    location when its signals were last evaluated for every student (the morning's ``flask
    signals``, of every location or of that one; an import's evaluation of only the students
    it changed does not count) — so a morning run that did not happen can raise an alert."""
    registry = CollectorRegistry()
    active = Gauge(
        "schoolfit_absence_signals_active", "Active absence signals", ["rule"], registry=registry
    )
    rows = db.session.execute(
        select(AbsenceSignal.rule, func.count())
        .where(AbsenceSignal.active.is_(True))
        .group_by(AbsenceSignal.rule)
    )
    for rule, count in rows:
        active.labels(rule=rule).set(count)
    evaluated = Gauge(
        "schoolfit_absence_signals_evaluated_timestamp_seconds",
        "When every student of the location last had their absence signals evaluated",
        ["location"],
        registry=registry,
    )
    newest = {
        location_id: at
        for location_id, at in db.session.execute(
            select(AbsenceEvaluation.location_id, func.max(AbsenceEvaluation.evaluated_at))
            .where(AbsenceEvaluation.partial.is_(False))
            .group_by(AbsenceEvaluation.location_id)
        )
    }
    for location_id, code in db.session.execute(select(Location.id, Location.code)):
        # None: an evaluation of every location.
        times = [t for t in (newest.get(None), newest.get(location_id)) if t is not None]
        if times:
            evaluated.labels(location=code).set(max(times).timestamp())
    return generate_latest(registry)


@bp.route("/metrics")
def metrics() -> ResponseReturnValue:
    if not _authorised():
        return Response("", status=401, headers={"WWW-Authenticate": "Bearer"})
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        # prometheus_client leaves this constructor without annotations.
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    return Response(body + _absence_from_database(), mimetype=CONTENT_TYPE_LATEST)
