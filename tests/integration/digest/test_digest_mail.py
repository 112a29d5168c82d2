"""`flask --app app digest send` through a real SMTP server (aiosmtpd) started in the test:
both parts, recipients, no names, once per day, --force, failures, weekends and holidays,
AUTH, STARTTLS and implicit TLS."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app import create_app
from app.core.calendar_store import load_calendar
from app.core.vocabulary import Role
from app.digest import delivery
from app.extensions import db
from app.models import AuditEvent, DigestDelivery, Location, User
from app.models.types import utcnow
from tests.digest_helpers import DAY, Scenario
from tests.mail_helpers import BASE_URL, Inbox, smtp_sink
from tests.pgserver import free_port


@pytest.fixture
def smtp(app: Flask) -> Iterator[Inbox]:
    with smtp_sink(app) as inbox:
        yield inbox


def send(runner: FlaskCliRunner, *args: str) -> Any:
    result = runner.invoke(args=["digest", "send", *args])
    db.session.expire_all()
    return result


def parts(message: EmailMessage) -> tuple[str, str]:
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def deliveries(user: User) -> list[DigestDelivery]:
    return list(db.session.scalars(select(DigestDelivery).where(DigestDelivery.user_id == user.id)))


def test_sends_each_team_leader_their_locations_once_a_day(
    runner: FlaskCliRunner,
    smtp: Inbox,
    scenario: Scenario,
    make_user: Callable[..., User],
) -> None:
    two = make_user(Role.TEAMLEIDER, ("HK", "ZS"), name="Tim Twee")
    gone = make_user(Role.TEAMLEIDER, ("ZS",))
    gone.active = False
    make_user(Role.LOCATIELEIDER, ("ZS",))
    make_user(Role.MEDEWERKER, ("ZS",))
    db.session.commit()
    leader = scenario.teamleider

    result = send(runner, "--date", DAY.isoformat())
    assert result.exit_code == 0, result.output
    assert f"{leader.email}: verstuurd (ZS)" in result.output
    assert f"{two.email}: verstuurd (HK, ZS)" in result.output
    assert "2 verstuurd, 0 al eerder verstuurd" in result.output
    assert sorted(r.recipients[0] for r in smtp.received) == sorted([leader.email, two.email])
    assert all(len(r.recipients) == 1 for r in smtp.received)
    assert all(r.envelope_from == "schoolfit@school.example.nl" for r in smtp.received)

    (message,) = smtp.to(leader.email)
    assert message.get_content_type() == "multipart/alternative"
    assert message["To"] == f"Tessa Leider <{leader.email}>"
    assert message["Auto-Submitted"] == "auto-generated"
    # Seven action items of five students: five tasks, each student once (as on the page).
    assert message["Subject"].startswith("Dagoverzicht ZS di 10 nov: 5 voor jou")
    text, html = parts(message)
    link = f"{BASE_URL}/digest/ZS/2026-11-10"
    for part in (text, html):
        assert link in part
        # Initials with class, no names, no notes typed by staff.
        assert "A.V. · 2B" in part and "D.S. · 4D" in part
        for student in scenario.students.values():
            assert student.last_name not in part, student.last_name
            assert f"{student.first_name} " not in part, student.first_name
        assert "Ruzie bij de kassa" not in part and "Wil de teamleider spreken" not in part
        # Not the page's links to students or cases either, nor a leerlingnummer.
        assert "/leerlingen/" not in part and "/bureau/casussen/" not in part
        for student in scenario.students.values():
            assert student.leerlingnummer not in part
    # Action items first, the rest as counts, then where to stand tomorrow.
    assert text.index("VOOR JOU (5)") < text.index("IN CIJFERS") < text.index("WAAR STAAN")
    lines = text.splitlines()
    assert "- A.V. · 2B: Doorverwezen naar jou · 12:15 · kantine" in lines
    assert (
        "- D.S. · 4D: Melden bij DUO · uiterlijk zo 15 nov; Nieuw verzuimsignaal · Patroon; "
        "Overdracht naar COPA · COPA-overleg do 12 nov 13:00"
    ) in lines
    assert text.count("D.S. · 4D") == 1
    assert "Oudercontact: 1 gedaan, 2 open, 1 te laat" in text
    assert "grote pauze 12:00–12:30: kantine (6)" in text
    assert "Klimaat (4 schoolweken): 1,6 : 1, streven 4 : 1; onder streven: gang 2,0 : 1" in text
    assert "<h2>Voor jou (5)</h2>" in html

    (both,) = smtp.to(two.email)
    text, _html = parts(both)
    assert both["Subject"].startswith("Dagoverzicht HK, ZS di 10 nov")
    assert f"{BASE_URL}/digest/HK/2026-11-10" in text and f"{BASE_URL}/digest/ZS/2026-11-10" in text
    assert text.index("Dagoverzicht HK") < text.index("Dagoverzicht ZS")

    rows = deliveries(leader)
    assert [(r.location_id, r.day, r.attempts, r.error) for r in rows] == [
        (scenario.location.id, DAY, 1, "")
    ]
    assert rows[0].sent_at is not None and rows[0].recipient == leader.email
    assert len(deliveries(two)) == 2 and deliveries(gone) == []
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == leader.id, AuditEvent.action == "email")
    ).all()
    assert {e.object_id for e in audit} == {"ZS/2026-11-10"} and all(
        e.client_address == "cli" for e in audit
    )
    assert scenario.students["A"].id in {e.student_id for e in audit}

    # Once per day.
    again = send(runner, "--date", DAY.isoformat())
    assert again.exit_code == 0, again.output
    assert f"{leader.email}: al verstuurd (ZS)" in again.output
    assert "0 verstuurd, 2 al eerder verstuurd" in again.output
    assert len(smtp.received) == 2

    # --force sends again, and says so in the log.
    forced = send(runner, "--date", DAY.isoformat(), "--location", "ZS", "--force")
    assert forced.exit_code == 0, forced.output
    assert len(smtp.received) == 4
    assert len(smtp.to(leader.email)) == 2
    assert deliveries(leader)[0].attempts == 2
    # With --location, only that location's digest.
    text, _html = parts(smtp.to(two.email)[-1])
    assert "Dagoverzicht HK" not in text and "Dagoverzicht ZS" in text


def test_a_location_added_later_is_still_sent(
    runner: FlaskCliRunner, smtp: Inbox, scenario: Scenario, locations: dict[str, Location]
) -> None:
    leader = scenario.teamleider
    assert send(runner, "--date", DAY.isoformat()).exit_code == 0
    leader.locations = [locations["ZS"], locations["VM"]]
    db.session.commit()
    result = send(runner, "--date", DAY.isoformat())
    assert f"{leader.email}: verstuurd (VM)" in result.output
    text, _html = parts(smtp.to(leader.email)[-1])
    assert "Dagoverzicht VM" in text and "Dagoverzicht ZS" not in text


@pytest.mark.parametrize(
    ("day", "why"),
    [("2026-11-14", "weekend"), ("2026-10-21", "Herfstvakantie")],
)
def test_weekends_and_holidays_are_skipped(
    runner: FlaskCliRunner, smtp: Inbox, scenario: Scenario, day: str, why: str
) -> None:
    """No all-zero digest on a day without school: not by the timer, not with --force."""
    for extra in ((), ("--force",), ("--location", "ZS", "--force")):
        result = send(runner, "--date", day, *extra)
        assert result.exit_code == 0
        assert f"is geen schooldag ({why}): geen dagoverzicht verstuurd." in result.output
    assert smtp.received == [] and deliveries(scenario.teamleider) == []


def test_without_a_school_year_weekdays_are_sent_with_a_warning(
    runner: FlaskCliRunner, smtp: Inbox, make_user: Callable[..., User], locations: dict
) -> None:
    leader = make_user(Role.TEAMLEIDER, ("GL",))
    result = send(runner, "--date", "2026-11-10")
    assert result.exit_code == 0, result.output
    assert "kent geen schooljaar" in result.output
    assert len(smtp.to(leader.email)) == 1
    text, _html = parts(smtp.to(leader.email)[0])
    assert "Niets dat op jou wacht." in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "morgen"], "'morgen' is geen datum"),
        (["--date", "2026-02-30"], "is geen datum"),
        (["--date", "2026-11-10", "--location", "XX"], "onbekende locatie 'XX'"),
    ],
)
def test_bad_input_is_refused_clearly(
    runner: FlaskCliRunner, smtp: Inbox, scenario: Scenario, args: list[str], message: str
) -> None:
    result = send(runner, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert smtp.received == []


def test_a_refused_connection_fails_and_is_not_marked_sent(
    app: Flask, runner: FlaskCliRunner, smtp: Inbox, scenario: Scenario
) -> None:
    port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nobody listens there
    result = send(runner, "--date", DAY.isoformat())
    assert result.exit_code == 1
    assert "Geen verbinding met de mailserver 127.0.0.1:" in result.output
    assert "verbinding geweigerd" in result.output
    assert "0 verstuurd, 0 al eerder verstuurd, 1 mislukt" in result.output
    (row,) = deliveries(scenario.teamleider)
    assert row.sent_at is None and row.attempts == 1 and "Geen verbinding" in row.error
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "email")).all()

    app.config["SMTP_PORT"] = port  # the server is back: the next run sends
    retry = send(runner, "--date", DAY.isoformat())
    assert retry.exit_code == 0, retry.output
    (row,) = deliveries(scenario.teamleider)
    assert row.sent_at is not None and row.attempts == 2 and row.error == ""
    assert len(smtp.received) == 1


def test_a_refused_recipient_fails_alone(
    runner: FlaskCliRunner, smtp: Inbox, scenario: Scenario, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.TEAMLEIDER, ("ZS",), email="zz-tweede@school.example.nl")
    smtp.refuse.add(scenario.teamleider.email)
    result = send(runner, "--date", DAY.isoformat())
    assert result.exit_code == 1
    assert f"{scenario.teamleider.email}: niet verstuurd. De mailserver weigert de ontvanger" in (
        result.output
    )
    assert f"{other.email}: verstuurd (ZS)" in result.output
    assert [r.recipients for r in smtp.received] == [[other.email]]
    (failed,) = deliveries(scenario.teamleider)
    assert failed.sent_at is None and failed.error.startswith("De mailserver weigert")
    (sent,) = deliveries(other)
    assert sent.sent_at is not None


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("SMTP_SECURITY", "ssl", "SMTP_SECURITY is 'ssl'; kies none, starttls of tls."),
        ("MAIL_FROM", "schoolfit", "MAIL_FROM 'schoolfit' is geen e-mailadres."),
        ("SMTP_PORT", "vijfentwintig", "SMTP_PORT 'vijfentwintig' is geen poort."),
    ],
)
def test_bad_settings_are_refused_before_sending(
    app: Flask,
    runner: FlaskCliRunner,
    smtp: Inbox,
    scenario: Scenario,
    setting: str,
    value: str,
    message: str,
) -> None:
    app.config[setting] = value
    result = send(runner, "--date", DAY.isoformat())
    assert result.exit_code == 1 and message in result.output
    assert smtp.received == [] and deliveries(scenario.teamleider) == []


def test_no_team_leaders_is_not_an_error(
    runner: FlaskCliRunner, smtp: Inbox, scenario: Scenario
) -> None:
    result = send(runner, "--date", DAY.isoformat(), "--location", "wind")
    assert result.exit_code == 0
    assert "Geen actieve teamleiders voor Wind" in result.output


# ---------------------------------------------------------------------------------------------
# Authentication and encryption


class Accounts:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def __call__(
        self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and data.login.decode() == self.user
            and data.password.decode() == self.password
        )
        return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (openssl)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    directory = tmp_path_factory.mktemp("smtp-tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _trust(monkeypatch: pytest.MonkeyPatch, cert: Path) -> None:
    """The client verifies the server as in production; here it also trusts the test
    certificate. (Patched on the ssl module: build the server's context first.)"""
    real = ssl.create_default_context

    def trusting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        return real(*args, **{"cafile": str(cert), **kwargs})

    monkeypatch.setattr(delivery.ssl, "create_default_context", trusting)


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


def test_smtp_login_over_starttls(
    app: Flask,
    runner: FlaskCliRunner,
    scenario: Scenario,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server_context = _server_context(certificate)
    _trust(monkeypatch, certificate[0])
    inbox = Inbox()
    port = free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_context,
        require_starttls=True,
        authenticator=Accounts("digest", "geheim-wachtwoord"),
        auth_required=True,
    )
    controller.start()
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_SECURITY="starttls",
        MAIL_FROM="schoolfit@school.example.nl",
        SMTP_USER="digest",
        SMTP_PASSWORD="fout",
    )
    try:
        wrong = send(runner, "--date", DAY.isoformat())
        app.config["SMTP_PASSWORD"] = "geheim-wachtwoord"
        right = send(runner, "--date", DAY.isoformat())
    finally:
        controller.stop()
    assert wrong.exit_code == 1 and "weigert de inlog van SMTP_USER 'digest'" in wrong.output
    assert right.exit_code == 0, right.output
    assert [r.recipients for r in inbox.received] == [[scenario.teamleider.email]]


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_starttls_and_implicit_tls(
    app: Flask,
    runner: FlaskCliRunner,
    scenario: Scenario,
    certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    security: str,
) -> None:
    server_context = _server_context(certificate)
    _trust(monkeypatch, certificate[0])
    inbox = Inbox()
    port = free_port()
    if security == "tls":
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_context)
    else:
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=port,
            tls_context=server_context,
            require_starttls=True,
        )
    controller.start()
    try:
        app.config.update(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=port,
            SMTP_SECURITY=security,
            MAIL_FROM="schoolfit@school.example.nl",
        )
        result = send(runner, "--date", DAY.isoformat())
    finally:
        controller.stop()
    assert result.exit_code == 0, result.output
    assert [r.recipients for r in inbox.received] == [[scenario.teamleider.email]]


def test_an_untrusted_certificate_is_refused(
    app: Flask, runner: FlaskCliRunner, scenario: Scenario, certificate: tuple[Path, Path]
) -> None:
    server_context = _server_context(certificate)
    port = free_port()
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port, ssl_context=server_context)
    controller.start()
    try:
        app.config.update(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=port,
            SMTP_SECURITY="tls",
            MAIL_FROM="schoolfit@school.example.nl",
        )
        result = send(runner, "--date", DAY.isoformat())
    finally:
        controller.stop()
    assert result.exit_code == 1 and "CERTIFICATE_VERIFY_FAILED" in result.output
    (row,) = deliveries(scenario.teamleider)
    assert row.sent_at is None


def test_a_run_at_the_same_moment_does_not_send_twice(
    app: Flask, smtp: Inbox, scenario: Scenario
) -> None:
    """Planned while nothing was sent; by the time this run gets to it, another run has sent
    it (and committed): the claim finds nothing to send, and nothing goes out; --force does."""
    (planned,) = delivery.plan(DAY)
    db.session.add(
        DigestDelivery(
            user_id=scenario.teamleider.id,
            location_id=scenario.location.id,
            day=DAY,
            recipient=scenario.teamleider.email,
            sent_at=utcnow(),
            attempts=1,
            error="",
        )
    )
    db.session.commit()
    assert delivery.claim(planned) is None
    settings = delivery.SmtpSettings.from_config(app.config)
    with delivery.Mailer(settings) as mailer:
        cache = delivery.DigestCache(load_calendar(), utcnow())
        planned.force = True
        claimed = delivery.claim(planned)
        assert claimed is not None
        db.session.commit()
        assert delivery.send_claimed(mailer, claimed, cache) == [scenario.location]
    db.session.commit()
    assert len(smtp.received) == 1
    (row,) = deliveries(scenario.teamleider)
    assert row.attempts == 2 and row.claim_token == "" and row.claimed_at is None


@pytest.mark.parametrize(
    ("security", "port", "expected"),
    [("none", "", 25), ("starttls", "", 587), ("tls", "", 465), ("tls", "2465", 2465)],
)
def test_an_empty_port_takes_the_usual_port_of_the_security_mode(
    security: str, port: str, expected: int
) -> None:
    settings = delivery.SmtpSettings.from_config(
        {"SMTP_SECURITY": security, "SMTP_PORT": port, "MAIL_FROM": "digest@school.example"}
    )
    assert settings.port == expected


def test_a_bad_port_does_not_stop_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the digest refuses it; every other page and command still works."""
    monkeypatch.setenv("SMTP_PORT", "abc")
    served = create_app("testing")
    assert served.config["SMTP_PORT"] is None
    assert served.test_client().get("/login").status_code == 200
    with pytest.raises(delivery.MailError, match="SMTP_PORT 'abc' is geen poort."):
        delivery.SmtpSettings.from_config(served.config)


def test_a_port_from_the_environment_is_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_PORT", "2525")
    assert create_app("testing").config["SMTP_PORT"] == 2525
