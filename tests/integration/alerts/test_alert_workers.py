"""The sender of each worker: woken by the commit that raised an alert, it sends within
seconds without a timer; two workers draining the same outbox send each message once."""

from __future__ import annotations

import threading
import time

from flask import Flask
from sqlalchemy import func, select

from app import create_app
from app.alerts.sender import EXTENSION, drain, start_sender
from app.core.vocabulary import PushStatus
from app.extensions import db
from app.floor.services import accept_entries
from app.models import PushOutbox
from tests.alert_helpers import AlertWorld
from tests.floor_helpers import entry, floor_csrf


def _flags(world: AlertWorld, n: int) -> None:
    items = [
        entry(
            world.location,
            "vlag",
            zone="gang",
            students=[world.student.leerlingnummer],
            flag_type="veiligheid",
        )
        for _ in range(n)
    ]
    accept_entries(world.staff, items)
    db.session.commit()


def test_the_sender_thread_sends_within_seconds_of_the_commit(
    app: Flask, world: AlertWorld
) -> None:
    app.config.update(ALERT_SENDER_ENABLED=True, ALERT_POLL_SECONDS=60)  # only a wake-up helps
    client = world.staff_client
    item = entry(
        world.location,
        "vlag",
        zone="gang",
        students=[world.student.leerlingnummer],
        flag_type="veiligheid",
    )
    token = floor_csrf(client)  # the first request starts this worker's sender
    sender = app.extensions[EXTENSION]
    try:
        assert sender.alive
        started = time.monotonic()
        response = client.post(
            "/api/floor/entries", json={"entries": [item]}, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 200
        [received] = world.push.wait_for("leader", timeout=10)
        latency = received.at - started
        print(f"entry stored -> push received: {latency * 1000:.0f} ms")
        assert latency < 10
    finally:
        sender.stop()


def test_two_workers_send_each_message_once(app: Flask, world: AlertWorld) -> None:
    """Two app instances (as two gunicorn workers) with a sender each drain one outbox."""
    _flags(world, 12)
    second = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    second.config.update(
        {k: app.config[k] for k in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT")}
    )
    for worker in (app, second):
        worker.config["ALERT_POLL_SECONDS"] = 0.05
    senders = [start_sender(app), start_sender(second)]
    try:
        received = world.push.wait_for("leader", 12, timeout=20)
        time.sleep(0.5)  # room for a double send to show up
        assert len(world.push.to("leader")) == 12 == len(received)
    finally:
        for sender in senders:
            sender.stop()
        with second.app_context():
            db.engine.dispose()
    db.session.expire_all()
    sent = db.session.scalar(
        select(func.count())
        .select_from(PushOutbox)
        .where(PushOutbox.status == PushStatus.VERSTUURD, PushOutbox.attempts == 1)
    )
    assert sent == 12


def test_two_drains_at_the_same_moment_send_once(app: Flask, world: AlertWorld) -> None:
    """The ``alerts drain`` command and a worker's sender at the same moment."""
    _flags(world, 8)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    other.config.update(
        {k: app.config[k] for k in ("VAPID_PRIVATE_KEY", "VAPID_PUBLIC_KEY", "VAPID_SUBJECT")}
    )
    barrier = threading.Barrier(2)
    results = []

    def run(worker: Flask) -> None:
        with worker.app_context():
            barrier.wait()
            results.append(drain())
            db.session.remove()

    threads = [threading.Thread(target=run, args=(w,)) for w in (app, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with other.app_context():
        db.engine.dispose()
    assert sum(r.pushed for r in results) == 8
    assert len(world.push.to("leader")) == 8
