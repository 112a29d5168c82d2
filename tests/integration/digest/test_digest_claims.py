"""Two `digest send` runs at once never send the same e-mail: a run claims an e-mail's delivery
rows in the database (committed) before it talks to the mail server, leaves alone what another
live run claimed, gives a claim up when sending fails, and takes over a claim left by a run that
died. (The two-process race on PostgreSQL: tests/integration/scaleout/.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import create_engine, select

from app.extensions import db
from app.models import DigestDelivery
from app.models.types import utcnow
from tests.digest_helpers import DAY, Scenario
from tests.mail_helpers import Inbox, smtp_sink


def send(runner: FlaskCliRunner) -> Any:
    result = runner.invoke(args=["digest", "send", "--date", DAY.isoformat()])
    db.session.expire_all()
    return result


def the_row(scenario: Scenario) -> DigestDelivery:
    return db.session.scalars(
        select(DigestDelivery).where(DigestDelivery.user_id == scenario.teamleider.id)
    ).one()


def add_row(scenario: Scenario, **values: Any) -> None:
    db.session.add(
        DigestDelivery(
            user_id=scenario.teamleider.id,
            location_id=scenario.location.id,
            day=DAY,
            recipient="",
            attempts=0,
            error="",
            **values,
        )
    )
    db.session.commit()


class WatchingInbox(Inbox):
    """While the mail server receives the message, reads the delivery log the way another run
    would: on a connection of its own, seeing only what was committed."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self.engine = create_engine(database_url)
        self.seen: list[tuple[str, object, object]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        table = DigestDelivery.__table__
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(table.c.claim_token, table.c.claimed_at, table.c.sent_at)
            ).all()
        self.seen += [tuple(row) for row in rows]
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def watching(app: Flask) -> Iterator[WatchingInbox]:
    inbox = WatchingInbox(app.config["SQLALCHEMY_DATABASE_URI"])
    with smtp_sink(app, inbox):
        yield inbox
    inbox.engine.dispose()


def test_the_claim_is_committed_before_the_mail_server_hears_of_it(
    runner: FlaskCliRunner, watching: WatchingInbox, scenario: Scenario
) -> None:
    result = send(runner)
    assert result.exit_code == 0, result.output
    assert len(watching.received) == 1
    ((token, claimed_at, sent_at),) = watching.seen
    assert token and claimed_at is not None and sent_at is None
    row = the_row(scenario)
    assert row.sent_at is not None and row.claim_token == "" and row.claimed_at is None


def test_an_e_mail_another_run_is_sending_is_left_alone(
    app: Flask, runner: FlaskCliRunner, scenario: Scenario
) -> None:
    add_row(scenario, claim_token="b" * 32, claimed_at=utcnow() - timedelta(minutes=2))
    with smtp_sink(app) as inbox:
        result = send(runner)
    assert result.exit_code == 0, result.output
    assert "door een andere run verstuurd" in result.output
    assert inbox.received == []
    row = the_row(scenario)
    assert row.claim_token == "b" * 32 and row.sent_at is None


def test_a_claim_left_by_a_run_that_died_is_taken_over(
    app: Flask, runner: FlaskCliRunner, scenario: Scenario
) -> None:
    timeout = app.config["DIGEST_CLAIM_TIMEOUT"]
    add_row(scenario, claim_token="d" * 32, claimed_at=utcnow() - timeout - timedelta(minutes=1))
    with smtp_sink(app) as inbox:
        result = send(runner)
    assert result.exit_code == 0, result.output
    assert [r.recipients for r in inbox.received] == [[scenario.teamleider.email]]
    row = the_row(scenario)
    assert row.sent_at is not None and row.claim_token == "" and row.attempts == 1


def test_a_failed_send_gives_the_claim_up_for_the_next_run(
    app: Flask, runner: FlaskCliRunner, scenario: Scenario
) -> None:
    with smtp_sink(app) as inbox:
        inbox.refuse.add(scenario.teamleider.email)
        failed = send(runner)
        row = the_row(scenario)
        assert failed.exit_code == 1
        assert row.sent_at is None and row.claim_token == "" and row.claimed_at is None
        assert "weigert de ontvanger" in row.error
        inbox.refuse.clear()
        retried = send(runner)
    assert retried.exit_code == 0, retried.output
    assert [r.recipients for r in inbox.received] == [[scenario.teamleider.email]]
    assert the_row(scenario).attempts == 2
