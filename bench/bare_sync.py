"""The floor sync's baseline (issue 24): a bare WSGI app, no Flask and no SQLAlchemy, doing what
an authenticated ``POST /api/floor/entries`` must do at least, on the same database.

    gunicorn -c config/gunicorn.conf.py bench.bare_sync:application   (DATABASE_URL, SECRET_KEY)

Per request, like the app (``bench.sync_bench`` and ``bench.group_bench`` run both under the
same gunicorn and ``wrk``, logged in once through the app's login form):

- the session cookie: Flask's signed cookie checked and read with itsdangerous (the same salt,
  key derivation and digest as Flask's, the same 12-hour lifetime), the idle and absolute
  limits checked from its timestamps; then the server-side session row: one query for the
  session's user (by the hash of the cookie's token), their role and their locations;
- the CSRF header: Flask-WTF's signed token checked against the one in the session;
- the JSON body parsed; every entry checked as the app checks it (UUID, kind and its detail,
  zone of one of the user's locations, time within the last 21 days, note, students of the
  user's locations and still active, made_offline);
- the zones, the students and the UUIDs kept in quarantine read in one query (a UNION ALL,
  as the app since 05-12); the entries in one ``INSERT … ON CONFLICT (uuid) DO NOTHING
  RETURNING``, the student links and the flags in one INSERT each, then COMMIT: the same
  statements as the app;
- the same JSON answer (``{"results": [{"uuid", "status"}]}``), with a constant set of security
  headers (Talisman's, without building them per request).

Left out (the app does these; the benchmark's entries never need them): keeping a rejected entry
in quarantine (this answers 400 instead), urgent alerts (the script's flags and de-escalations
raise none), the idle clock's once-a-minute cookie update, metrics, request log, rate limiter,
the connection pool's pre-ping (one connection per worker, opened once). PostgreSQL only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from typing import Any

import psycopg
from itsdangerous import BadSignature, URLSafeTimedSerializer

# The allowed values, read once when the worker starts (the same enums the app checks against).
from app.core.vocabulary import FlagType, Outcome, Severity, Topic

SESSION_LIFETIME = 12 * 3600  # PERMANENT_SESSION_LIFETIME
IDLE_LIMIT = 30 * 60  # IDLE_TIMEOUT
ABSOLUTE_LIMIT = 12 * 3600  # SESSION_ABSOLUTE_LIFETIME
MAX_AGE = timedelta(days=21)
CLOCK_SKEW = timedelta(minutes=5)
MAX_BATCH = 100
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# The detail each kind needs, and its allowed values (app/floor/rules.py).
DETAILS: dict[str, tuple[str, frozenset[Any]] | None] = {
    "contact": None,
    "gesprek": ("topic", frozenset(t.value for t in Topic)),
    "spanning": ("severity", frozenset(s.value for s in Severity)),
    "groep": ("head_count", frozenset()),
    "vlag": ("flag_type", frozenset(f.value for f in FlagType)),
    "deescalatie": ("outcome", frozenset(o.value for o in Outcome)),
}
NEEDS_STUDENT = frozenset({"vlag"})  # KIND_FIELDS: a flag is about a student
MAX_STUDENTS = 30  # MAX_STUDENTS_PER_ENTRY
HEADERS = [
    ("Content-Type", "application/json"),
    ("Cache-Control", "no-store"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"),
]

USER_SQL = """
SELECT u.role, array_agg(ul.location_id)
FROM user_session s JOIN "user" u ON u.id = s.user_id
LEFT JOIN user_location ul ON ul.user_id = u.id
WHERE s.token_hash = %s AND u.id = %s AND u.active
GROUP BY u.role"""
# The zones (1), the students (2) and the UUIDs kept in quarantine (3) in one statement, as
# the app reads them since 05-12 (app/floor/services.py, PG_LOOKUPS).
LOOKUPS_SQL = (
    "SELECT 1, id, location_id, NULL::varchar, NULL::varchar, NULL::boolean FROM zone "
    "WHERE id = ANY(%(zones)s::integer[]) "
    "UNION ALL SELECT 2, id, location_id, leerlingnummer, NULL::varchar, active FROM student "
    "WHERE leerlingnummer = ANY(%(numbers)s::varchar[]) "
    "UNION ALL SELECT 3, NULL::integer, NULL::integer, uuid, reason, NULL::boolean "
    "FROM quarantined_entry WHERE uuid = ANY(%(uuids)s::varchar[])"
)
ENTRY_COLUMNS = (
    "uuid, staff_id, location_id, zone_id, kind, topic, severity, outcome, flag_type, "
    "head_count, note, occurred_at, received_at, made_offline"
)


class Refused(Exception):
    def __init__(self, status: str, error: str) -> None:
        super().__init__(error)
        self.status = status


_connection: list[psycopg.Connection[Any]] = []


def connection() -> psycopg.Connection[Any]:
    """One connection per worker process, opened on its first request (after the fork)."""
    if not _connection or _connection[0].closed:
        url = os.environ["DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        _connection[:] = [psycopg.connect(url)]
    return _connection[0]


_secret = os.environ.get("SECRET_KEY", "")
_cookie = URLSafeTimedSerializer(
    _secret,
    salt="cookie-session",
    signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
)
_csrf = URLSafeTimedSerializer(_secret, salt="wtf-csrf-token")


def _session(environ: dict[str, Any]) -> dict[str, Any]:
    cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    if "session" not in cookies:
        raise Refused("401 Unauthorized", "login_required")
    try:
        session = _cookie.loads(cookies["session"].value, max_age=SESSION_LIFETIME)
    except BadSignature:
        raise Refused("401 Unauthorized", "login_required") from None
    now = int(time.time())
    if now - session.get("login_at", now) > ABSOLUTE_LIMIT:
        raise Refused("401 Unauthorized", "login_required")
    if now - session.get("last_active", now) > IDLE_LIMIT:
        raise Refused("401 Unauthorized", "login_required")
    return dict(session)


def _check_csrf(environ: dict[str, Any], session: dict[str, Any]) -> None:
    given = environ.get("HTTP_X_CSRFTOKEN", "")
    try:
        token = _csrf.loads(given)
    except BadSignature:
        raise Refused("400 Bad Request", "csrf") from None
    if not hmac.compare_digest(str(session.get("csrf_token", "")), str(token)):
        raise Refused("400 Bad Request", "csrf")


def _time(value: object, now: datetime) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise Refused("400 Bad Request", "bad_time")
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None or not now - MAX_AGE <= moment <= now + CLOCK_SKEW:
        raise Refused("400 Bad Request", "bad_time")
    return moment.astimezone(UTC)


def _rows(
    raw_entries: list[Any],
    user_id: int,
    locations: set[int],
    cursor: psycopg.Cursor[Any],
    now: datetime,
) -> tuple[list[tuple[Any, ...]], dict[str, list[Any]], list[dict[str, str]]]:
    """The checked entries as rows, the students of each, and the answers in the batch's order
    (``stored`` until the INSERT says ``duplicate``)."""
    if not isinstance(raw_entries, list) or len(raw_entries) > MAX_BATCH:
        raise Refused("400 Bad Request", "bad_batch")
    uuids = [str(raw.get("uuid", "")).lower() for raw in raw_entries if isinstance(raw, dict)]
    zone_ids = [raw.get("zone_id") for raw in raw_entries if isinstance(raw, dict)]
    numbers = {str(n)[:20] for raw in raw_entries for n in raw.get("students") or []}
    zones: dict[int, int] = {}
    kept: dict[str, str] = {}
    students: dict[str, tuple[Any, ...]] = {}
    parameters = {
        "zones": [z for z in zone_ids if isinstance(z, int)],
        "numbers": list(numbers),
        "uuids": uuids,
    }
    for what, row_id, location_id, text, reason, active in cursor.execute(LOOKUPS_SQL, parameters):
        if what == 1:
            zones[row_id] = location_id
        elif what == 2:
            students[text] = (row_id, location_id, active)
        else:
            kept[text] = reason
    rows, links, answers = [], {}, []
    for raw in raw_entries:
        uuid, kind = str(raw.get("uuid", "")).lower(), raw.get("kind")
        if uuid in kept:
            answers.append({"uuid": uuid, "status": "quarantined", "reason": kept[uuid]})
            continue
        answers.append({"uuid": uuid, "status": "stored"})
        if not UUID.match(uuid) or kind not in DETAILS:
            raise Refused("400 Bad Request", "bad_entry")
        if uuid in links:  # twice in one batch: the first one is the entry, as on a retry
            answers[-1]["status"] = "duplicate"
            continue
        detail = {"topic": None, "severity": None, "outcome": None, "flag_type": None}
        head_count = None
        need = DETAILS[kind]
        if need is not None:
            value = raw.get(need[0])
            if need[0] == "head_count":
                if not isinstance(value, int) or not 1 <= value <= 500:
                    raise Refused("400 Bad Request", "bad_entry")
                head_count = value
            elif value not in need[1]:
                raise Refused("400 Bad Request", "bad_entry")
            else:
                detail[need[0]] = value
        location_id = zones.get(raw.get("zone_id"))
        if location_id not in locations:
            raise Refused("400 Bad Request", "bad_zone")
        note = raw.get("note") or ""
        if not isinstance(note, str) or len(note.strip()) > 500:
            raise Refused("400 Bad Request", "bad_note")
        entry_students = []
        numbers_given = raw.get("students") or []
        if not isinstance(numbers_given, list) or len(numbers_given) > MAX_STUDENTS:
            raise Refused("400 Bad Request", "bad_student")
        for number in numbers_given:
            student = students.get(str(number)[:20])
            if student is None or student[1] not in locations or not student[2]:
                raise Refused("400 Bad Request", "bad_student")
            if student not in entry_students:
                entry_students.append(student)
        if kind in NEEDS_STUDENT and not entry_students:
            raise Refused("400 Bad Request", "bad_entry")
        made_offline = raw.get("made_offline") or False
        if not isinstance(made_offline, bool):
            raise Refused("400 Bad Request", "bad_entry")
        occurred_at = _time(raw.get("occurred_at"), now)
        rows.append(
            (uuid, user_id, location_id, raw["zone_id"], kind, detail["topic"])
            + (detail["severity"], detail["outcome"], detail["flag_type"], head_count)
            + (note.strip(), occurred_at, now, made_offline)
        )
        links[uuid] = entry_students
    return rows, links, answers


def _store(
    cursor: psycopg.Cursor[Any],
    rows: list[tuple[Any, ...]],
    links: dict[str, list[Any]],
    user_id: int,
) -> set[str]:
    if not rows:
        return set()
    values = ",".join(["(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"] * len(rows))
    cursor.execute(
        f"INSERT INTO floor_entry ({ENTRY_COLUMNS}) VALUES {values} "  # noqa: S608 - placeholders
        "ON CONFLICT (uuid) DO NOTHING RETURNING uuid, id",
        [value for row in rows for value in row],
    )
    ids = dict(cursor.fetchall())
    by_uuid = {row[0]: row for row in rows}
    student_links = [(ids[u], s[0]) for u in ids for s in links[u]]
    if student_links:
        cursor.executemany(
            "INSERT INTO floor_entry_student (entry_id, student_id) VALUES (%s, %s)",
            student_links,
        )
    flags = [
        (1, s[0], s[1], by_uuid[u][8], "open", user_id, ids[u], by_uuid[u][11], "")
        for u in ids
        if by_uuid[u][8] is not None
        for s in links[u]
    ]
    if flags:
        cursor.executemany(
            "INSERT INTO flag (version, student_id, location_id, flag_type, status, "
            "raised_by_id, entry_id, raised_at, handled_note) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            flags,
        )
    return set(ids)


def _answer(
    start_response: Callable[..., Any], status: str, body: dict[str, Any]
) -> Iterable[bytes]:
    data = json.dumps(body, separators=(",", ":")).encode()
    start_response(status, [*HEADERS, ("Content-Length", str(len(data)))])
    return [data]


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "POST" or environ["PATH_INFO"] != "/api/floor/entries":
        return _answer(start_response, "404 Not Found", {"error": "not_found"})
    db = connection()
    try:
        session = _session(environ)
        _check_csrf(environ, session)
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            raise Refused("415 Unsupported Media Type", "unsupported_media_type")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > 1024 * 1024:
            raise Refused("413 Request Entity Too Large", "too_large")
        body = json.loads(environ["wsgi.input"].read(length))
        user_id = int(session.get("_user_id", 0))
        token_hash = hashlib.sha256(str(session.get("sid", "")).encode()).hexdigest()
        with db.cursor() as cursor:
            user = cursor.execute(USER_SQL, (token_hash, user_id)).fetchone()
            if user is None:
                raise Refused("401 Unauthorized", "login_required")
            if user[0] != "medewerker":  # app.core.roles.FLOOR_STAFF
                raise Refused("403 Forbidden", "forbidden")
            now = datetime.now(UTC)
            locations = {location for location in user[1] if location is not None}
            rows, links, answers = _rows(body.get("entries", []), user_id, locations, cursor, now)
            stored = _store(cursor, rows, links, user_id)
        db.commit()
    except Refused as refused:
        db.rollback()
        return _answer(start_response, refused.status, {"error": str(refused)})
    except (ValueError, TypeError, AttributeError, KeyError):
        db.rollback()
        return _answer(start_response, "400 Bad Request", {"error": "bad_request"})
    for answer, row in zip((a for a in answers if a["status"] == "stored"), rows, strict=True):
        if row[0] not in stored:
            answer["status"] = "duplicate"
    return _answer(start_response, "200 OK", {"results": answers})
