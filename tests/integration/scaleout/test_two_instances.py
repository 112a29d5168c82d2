"""Two app servers, one PostgreSQL, one Redis: what one instance counts, ends or stores, the
other sees. The login rate limit and the lockout are shared; a logout on one instance ends the
session on the other; the same floor batch sent to both is stored once; a two-factor code sent
to both is accepted once; `digest send` started on two servers at once sends each e-mail once."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pyotp
from sqlalchemy import func, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import DigestDelivery, FloorEntry, Location, User
from tests.digest_helpers import DAY, Scenario
from tests.floor_helpers import entry
from tests.mail_helpers import Inbox, mail_settings, smtp_sink
from tests.scaleout_helpers import Browser, Instance, Reply, run_command

Pair = tuple[Instance, Instance]
WRONG = "verkeerd-wachtwoord-1"


def at_once(*calls: Callable[[], Reply]) -> list[Reply]:
    """Run the calls in threads started together; their replies in order."""
    replies: list[Any] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(index: int) -> None:
        barrier.wait()
        replies[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return replies


def test_both_instances_are_ready_with_redis(instances: Pair) -> None:
    for instance in instances:
        reply = Browser().get(f"{instance.url}/readyz")
        assert reply.status == 200
        assert reply.json()["checks"] == {
            "database": True,
            "migrations": True,
            "rate_limit_storage": True,
        }


def test_the_login_rate_limit_is_shared(instances: Pair, locations: dict[str, Location]) -> None:
    a, b = instances
    client = Browser("10.1.0.1")
    statuses = [
        client.login(instance.url, "niemand@school.example.nl", WRONG).status
        for instance in (a, b, a, b, a, b)  # six attempts: the limit, spread over both
    ]
    assert statuses == [400] * 6
    assert client.login(a.url, "niemand@school.example.nl", WRONG).status == 429
    assert client.login(b.url, "niemand@school.example.nl", WRONG).status == 429
    other = Browser("10.1.0.2")  # another address has its own count
    assert other.login(b.url, "niemand@school.example.nl", WRONG).status == 400


def test_the_lockout_is_shared(instances: Pair, make_user: Callable[..., User]) -> None:
    a, b = instances
    user = make_user(Role.BEHEER)
    attacker = Browser("10.2.0.1")
    for instance in (a, b, a, b, a):
        assert attacker.login(instance.url, user.email, WRONG).status == 400
    assert attacker.login(b.url, user.email).status == 400  # locked, on the other one too
    assert Browser("10.2.0.2").login(a.url, user.email).status == 302  # not elsewhere


def test_a_logout_on_one_instance_ends_the_session_on_the_other(
    instances: Pair, make_user: Callable[..., User]
) -> None:
    a, b = instances
    user = make_user(Role.TEAMLEIDER)
    browser = Browser("10.3.0.1")
    assert browser.login(a.url, user.email).status == 302
    copied = browser.cookie()
    assert browser.get(f"{b.url}/leerlingen/").status == 200  # one session, both instances
    assert browser.logout(b.url).status == 302
    thief = Browser("10.3.0.2").carrying(copied)
    page = thief.get(f"{a.url}/leerlingen/")
    assert page.status == 302 and page.headers["Location"].startswith("/login")
    api = Browser("10.3.0.2").carrying(copied).get(f"{a.url}/api/floor/today")
    assert api.status == 401 and api.json()["error"] == "login_required"


def test_the_same_floor_batch_sent_to_both_is_stored_once(
    instances: Pair, make_user: Callable[..., User], locations: dict[str, Location]
) -> None:
    a, b = instances
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    phone = Browser("10.4.0.1")
    assert phone.login(a.url, staff.email).status == 302
    token = phone.get(f"{a.url}/api/floor/csrf").json()["token"]
    batch = {"entries": [entry(locations["ZS"], minutes_ago=n) for n in range(1, 21)]}
    replies = at_once(
        lambda: phone.post_json(f"{a.url}/api/floor/entries", batch, token),
        lambda: phone.post_json(f"{b.url}/api/floor/entries", batch, token),
    )
    assert [reply.status for reply in replies] == [200, 200]
    for reply in replies:  # each answers for every entry: stored now, or stored already
        assert {r["uuid"] for r in reply.json()["results"]} == {e["uuid"] for e in batch["entries"]}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(FloorEntry.id))) == 20
    uuids = db.session.scalars(select(FloorEntry.uuid)).all()
    assert sorted(str(u) for u in uuids) == sorted(e["uuid"] for e in batch["entries"])


def test_a_two_factor_code_sent_to_both_is_accepted_once(
    instances: Pair, make_user: Callable[..., User]
) -> None:
    a, b = instances
    user = make_user(Role.BEHEER)
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    db.session.commit()
    first, second = Browser("10.5.0.1"), Browser("10.5.0.2")
    assert first.login(a.url, user.email).status == 302
    assert second.login(b.url, user.email).status == 302
    code = pyotp.TOTP(user.totp_secret).now()
    tokens = [first.csrf(f"{a.url}/login/code"), second.csrf(f"{b.url}/login/code")]
    replies = at_once(
        lambda: first.post_form(f"{a.url}/login/code", {"csrf_token": tokens[0], "code": code}),
        lambda: second.post_form(f"{b.url}/login/code", {"csrf_token": tokens[1], "code": code}),
    )
    assert sorted(reply.status for reply in replies) == [302, 400]


class SlowInbox(Inbox):
    """A mail server that takes a moment per message, so two runs overlap."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_digest_send_on_two_servers_at_once_sends_each_e_mail_once(
    instance_env: dict[str, str], scenario: Scenario, make_user: Callable[..., User]
) -> None:
    leaders = [scenario.teamleider]
    leaders += [make_user(Role.TEAMLEIDER, ("ZS",)) for _ in range(9)]
    with smtp_sink(inbox=SlowInbox()) as inbox:
        env = {**instance_env, **{k: str(v) for k, v in mail_settings(inbox.port).items()}}
        runs = [run_command(env, "digest", "send", "--date", DAY.isoformat()) for _ in range(2)]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    received = sorted(r.recipients[0] for r in inbox.received)
    assert received == sorted(user.email for user in leaders)  # each once, nobody twice
    sent_lines = sum(output.count(": verstuurd (ZS)") for output in outputs)
    assert sent_lines == len(leaders)
    db.session.expire_all()
    rows = db.session.scalars(select(DigestDelivery)).all()
    assert len(rows) == len(leaders)
    assert all(row.sent_at is not None and row.claim_token == "" for row in rows)
