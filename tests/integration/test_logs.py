"""JSON logs an IT partner can read (issue 22, part 3): one line per request with its id,
route template, status, duration and user id, and never a student's name, note or number."""

from __future__ import annotations

import json
import re

import pytest
from flask import Flask
from sqlalchemy import select

from app.demo.seed import seed_demo
from app.extensions import db
from app.models import FloorEntry, Student
from tests.client_helpers import login


@pytest.fixture
def app_settings() -> dict[str, object]:
    return {"LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"}


def log_lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


GENERATED_FIELDS = ("request_id", "time", "duration_ms")


def without_generated_values(line: str) -> str:
    """A log line with the values the logger generates itself (random ids, clock) left out."""
    if not line.startswith("{"):
        return line
    fields = json.loads(line)
    for name in GENERATED_FIELDS:
        fields.pop(name, None)
    return json.dumps(fields, ensure_ascii=False)


def test_json_logs_carry_the_request_and_never_a_student(
    app: Flask, capfd: pytest.CaptureFixture[str]
) -> None:
    """A day of the demo school, read from its logs: every line is JSON with the request's id,
    route, status and duration, and no demo student's name or number appears anywhere."""
    seed_demo()
    db.session.commit()
    students = db.session.scalars(select(Student)).all()
    notes = [n for n in db.session.scalars(select(FloorEntry.note)) if n and len(n) > 12]
    capfd.readouterr()  # forget what seeding printed
    for email, password in (
        ("medewerker@demo.schoolfit.nl", "fietsenstalling-2026"),
        ("teamleider@demo.schoolfit.nl", "dagoverzicht-om-14uur"),
        ("beheer@demo.schoolfit.nl", "sleutelbos-op-kantoor"),
    ):
        client = app.test_client()  # a fresh browser per person
        login(client, email, password)
        for student in students[:3]:
            client.get(f"/leerlingen/{student.leerlingnummer}")  # a number in the path
            client.get(f"/leerlingen/?q={student.last_name}")  # a name in the query
        for path in ("/vloer/", "/bureau/", "/bureau/casussen", "/verzuim/", "/dagoverzicht/"):
            client.get(path)
        client.get("/bestaat-niet")
        client.get("/healthz")  # a probe: not logged
    output = capfd.readouterr().err
    lines = log_lines(output)
    requests = [line for line in lines if line.get("message") == "request"]
    assert len(requests) > 30
    assert all(
        {"time", "level", "request_id", "route", "method", "status", "duration_ms", "user_id"}
        <= line.keys()
        for line in requests
    )
    routes = {line["route"] for line in requests}
    assert routes >= {"/leerlingen/<leerlingnummer>", "-"}
    assert "/healthz" not in routes
    assert any(line["user_id"] for line in requests)
    secrets = [s.leerlingnummer for s in students] + [s.full_name for s in students]
    secrets += [s.last_name for s in students if len(s.last_name) > 5] + notes
    # The request id is random hex and may hold any six digits (1 run in ~25 did): scan what
    # the app wrote, not the values it generated itself.
    readable = "\n".join(without_generated_values(line) for line in output.splitlines())
    leaked = sorted({secret for secret in secrets if secret in readable})
    assert leaked == []


def test_a_request_id_from_the_proxy_is_kept_and_returned(app: Flask) -> None:
    client = app.test_client()
    kept = client.get("/login", headers={"X-Request-ID": "nginx-4f2a"})
    assert kept.headers["X-Request-ID"] == "nginx-4f2a"
    made = client.get("/login", headers={"X-Request-ID": "<script>"})  # not a plain token
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
