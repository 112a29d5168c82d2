"""Logs and metrics an IT partner can read (issue 22, part 3): JSON lines with the request's
fields and never a student's name, note or number; Prometheus metrics behind a token, adding
up over several gunicorn workers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.vocabulary import Role
from app.extensions import db
from app.imports.tabular import TableError
from app.models import Student, User
from app.students.importing import import_students
from tests.absence_helpers import add_lateness_signal
from tests.client_helpers import login
from tests.floor_helpers import entry, floor_csrf
from tests.pgserver import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "scrape-me-" + "x" * 20


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text (0 when there is none)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        sample, _, value = line.rpartition(" ")
        sample_name, _, label_text = sample.partition("{")
        found = ",".join(sorted(label_text.rstrip("}").split(","))) if label_text else ""
        if sample_name == name and found == wanted:
            return float(value)
    return 0.0


@pytest.fixture
def metrics_app(app: Flask) -> Flask:
    app.config["METRICS_TOKEN"] = TOKEN
    return app


def scrape(client: FlaskClient) -> str:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    return response.text


def test_metrics_exist_only_with_a_token(app: Flask, client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404  # no METRICS_TOKEN: no page
    app.config["METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert "schoolfit_http_requests_total" in scrape(client)


def test_metrics_count_requests_floor_entries_imports_and_signals(
    metrics_app: Flask,
    client: FlaskClient,
    locations: dict,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    before = scrape(client)
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")
    add_lateness_signal(student.id)
    db.session.commit()
    login(client, staff.email)
    batch = [entry(locations["ZS"]), entry(locations["ZS"], "onbekend")]
    response = client.post(
        "/api/floor/entries", json={"entries": batch}, headers={"X-CSRFToken": floor_csrf(client)}
    )
    assert response.status_code == 200
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return metric(after, name, **labels) - metric(before, name, **labels)

    assert grew("schoolfit_floor_entries_total", result="stored") == 1
    assert grew("schoolfit_floor_entries_total", result="quarantined") == 1
    assert grew("schoolfit_floor_sync_batch_size_count") == 1
    assert grew("schoolfit_floor_sync_batch_size_sum") == 2
    assert (
        grew(
            "schoolfit_http_requests_total",
            endpoint="floor.post_entries",
            method="POST",
            status="200",
        )
        == 1
    )  # noqa: E501
    assert metric(after, "schoolfit_absence_signals_active", rule="te_laat") == 1
    # Routes are named by their endpoint: no path, so no student number, in any label. (Only
    # names and labels are searched: a value such as a sum of durations may hold any digits.)
    names_and_labels = [line.rpartition(" ")[0] for line in after.splitlines()]
    assert not [line for line in names_and_labels if student.leerlingnummer in line]


def test_metrics_say_when_each_locations_signals_were_last_evaluated_for_everyone(
    metrics_app: Flask, client: FlaskClient, locations: dict, make_student: Callable[..., Student]
) -> None:
    """The alert for a morning ``flask signals`` that did not run: per location, the newest
    evaluation of all its students (of every location or of that one); an import's evaluation of
    only the students it changed leaves it, and a location never evaluated has no sample."""
    from app.absence.signals import evaluate_signals

    name = "schoolfit_absence_signals_evaluated_timestamp_seconds"
    lotte = make_student("ZS")
    make_student("HK")
    db.session.commit()
    assert not [line for line in scrape(client).splitlines() if line.startswith(name)]

    started = time.time()
    evaluate_signals(location=locations["ZS"])
    db.session.commit()
    text = scrape(client)
    zs = metric(text, name, location="ZS")
    assert started - 1 <= zs <= time.time() + 1
    assert metric(text, name, location="HK") == 0  # no sample: never evaluated

    time.sleep(0.01)
    evaluate_signals(student_ids=[lotte.id])  # an import's: only its changed students
    db.session.commit()
    assert metric(scrape(client), name, location="ZS") == zs

    evaluate_signals()  # the morning's run: every location
    db.session.commit()
    text = scrape(client)
    assert metric(text, name, location="ZS") > zs
    assert metric(text, name, location="HK") == metric(text, name, location="ZS")


def test_metrics_count_import_rows_and_refusals(
    metrics_app: Flask, client: FlaskClient, locations: dict
) -> None:
    before = scrape(client)
    header = "leerlingnummer;roepnaam;tussenvoegsel;achternaam;klas;locatie;mentor"
    rows = [header, "2001;Amir;;Haddou;2B;ZS;ABC", "2002;Sara;de;Vries;2B;ZS;ABC"]
    import_students("\r\n".join(rows).encode(), "leerlingen.csv", full=False)
    with pytest.raises(TableError):
        import_students(b"naam;klas\r\nAmir;2B\r\n", "leerlingen.csv", full=False)
    db.session.commit()
    after = scrape(client)
    assert (
        metric(after, "schoolfit_import_rows_total", kind="students")
        - metric(before, "schoolfit_import_rows_total", kind="students")
        == 2
    )
    assert (
        metric(after, "schoolfit_import_failures_total", kind="students")
        - metric(before, "schoolfit_import_failures_total", kind="students")
        == 1
    )


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped")
        try:
            with urllib.request.urlopen(url, timeout=10):  # noqa: S310 - loopback
                return
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def test_metrics_add_up_over_several_gunicorn_workers(
    migrated_database: str, tmp_path: Path
) -> None:
    """Several worker processes, each counting its own requests: /metrics answers the sum,
    also of workers that have ended (the client library's multiprocess mode,
    config/gunicorn.conf.py)."""
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    environment = {
        **os.environ,
        "SCHOOLFIT_CONFIG": "testing",
        "TEST_DATABASE_URL": migrated_database,
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        # Each worker is replaced after 20 requests: the 40 pages are counted by at least
        # three processes, one of them ended, whichever worker the kernel hands each one.
        "GUNICORN_MAX_REQUESTS": "20",
        "GUNICORN_MAX_REQUESTS_JITTER": "0",
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "config" / "gunicorn.conf.py"),
            "app:create_app()",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "gunicorn.log").open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Up once a probe answers: a login page asked while waiting could be served after the
        # client gave up on it (a busy machine) and then counted once more than expected.
        wait_until_up(f"{base}/healthz", process)
        for _ in range(40):  # spread over both workers by the kernel
            with urllib.request.urlopen(f"{base}/login", timeout=30):  # noqa: S310
                pass
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            text = response.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=20)
    served = metric(
        text, "schoolfit_http_requests_total", endpoint="auth.login", method="GET", status="200"
    )
    assert served == 40
    assert len(list(metrics_dir.glob("counter_*.db"))) >= 3  # the processes that counted
