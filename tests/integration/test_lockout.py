"""The lockout, per account and client: five failures in a row — wrong passwords at login, wrong
codes, wrong answers at re-authentication — lock the account for that client only (its address,
or a device the account signed in on before), e-mail the owner once, and leave break-glass to
beheer. A two-factor code is good once; re-authentication is rate-limited."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.auth.services import set_password
from app.core.vocabulary import Role
from app.extensions import db, limiter
from app.models import AuditEvent, LoginThrottle, User
from app.models.types import utcnow
from tests.client_helpers import PASSWORD, csrf_token_from, from_address, login
from tests.mail_helpers import Inbox, body, smtp_sink

WRONG = "verkeerd-wachtwoord-1"
REFUSED = "Onbekend e-mailadres of verkeerd wachtwoord."
LOCKED = "Te veel mislukte pogingen"


@pytest.fixture
def smtp(app: Flask) -> Iterator[Inbox]:
    with smtp_sink(app) as inbox:
        yield inbox


@pytest.fixture
def fresh_limits() -> Iterator[None]:
    limiter.reset()
    yield
    limiter.reset()


def fail_logins(client: FlaskClient, user: User, times: int = 5) -> None:
    for _ in range(times):
        response = login(client, user.email, WRONG)
        assert response.status_code == 400
        assert REFUSED in response.get_data(as_text=True)


def enable_totp(user: User) -> pyotp.TOTP:
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = True
    db.session.commit()
    return pyotp.TOTP(user.totp_secret)


def code_step(client: FlaskClient, code: str) -> object:
    token = csrf_token_from(client, "/login/code")
    return client.post("/login/code", data={"csrf_token": token, "code": code})


def reauth(client: FlaskClient, password: str, code: str = "") -> object:
    token = csrf_token_from(client, "/herbevestigen")
    return client.post(
        "/herbevestigen?next=/leerlingen/",
        data={"csrf_token": token, "password": password, "code": code},
    )


def test_five_failures_lock_the_account_for_that_address_only(
    app: Flask, make_user: Callable[..., User], smtp: Inbox
) -> None:
    user = make_user(Role.BEHEER)
    attacker = from_address(app.test_client(), "203.0.113.7")
    fail_logins(attacker, user)
    refused = login(attacker, user.email)  # the right password waits too, from there
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert REFUSED in html and "5 mislukte pogingen" in html and "15 minuten geblokkeerd" in html
    (lock,) = db.session.scalars(select(LoginThrottle)).all()
    assert lock.client_key == "a:203.0.113.7" and lock.locked_until > utcnow()
    elsewhere = from_address(app.test_client(), "198.51.100.20")
    assert login(elsewhere, user.email).status_code == 302  # the owner, from anywhere else


def test_the_lock_ends_after_its_time(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.TEAMLEIDER)
    client = from_address(app.test_client(), "203.0.113.7")
    fail_logins(client, user)
    db.session.execute(
        LoginThrottle.__table__.update().values(locked_until=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert login(client, user.email).status_code == 302


def test_a_success_starts_the_count_again(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.TEAMLEIDER)
    client = app.test_client()
    fail_logins(client, user, 4)
    assert login(client, user.email).status_code == 302
    assert db.session.scalars(select(LoginThrottle)).all() == []


def test_a_device_that_signed_in_before_is_not_locked_by_its_address(
    app: Flask, make_user: Callable[..., User]
) -> None:
    """A student on the school's Wi-Fi (one address for the whole school) cannot lock a
    teacher out of the laptop the teacher signs in on."""
    teacher = make_user(Role.TEAMLEIDER)
    laptop = from_address(app.test_client(), "192.0.2.1")
    assert login(laptop, teacher.email).status_code == 302
    assert laptop.get_cookie("sf_device") is not None
    token = csrf_token_from(laptop, "/leerlingen/")
    laptop.post("/logout", data={"csrf_token": token})
    student = from_address(app.test_client(), "192.0.2.1")
    fail_logins(student, teacher)
    assert login(student, teacher.email).status_code == 400  # locked for strangers there
    assert login(laptop, teacher.email).status_code == 302  # not for the teacher's laptop


def test_a_made_up_device_cookie_counts_as_the_address(
    app: Flask, make_user: Callable[..., User]
) -> None:
    teacher = make_user(Role.TEAMLEIDER)
    student = from_address(app.test_client(), "192.0.2.1")
    student.set_cookie("sf_device", "eyJkIjoiZmFrZSIsInUiOlsxXX0.forged.signature")
    fail_logins(student, teacher)
    assert login(from_address(app.test_client(), "192.0.2.1"), teacher.email).status_code == 400


def test_the_owner_gets_one_e_mail_per_lockout_period(
    app: Flask, make_user: Callable[..., User], smtp: Inbox
) -> None:
    user = make_user(Role.TEAMLEIDER, name="Tessa Leider")
    fail_logins(from_address(app.test_client(), "203.0.113.7"), user)
    fail_logins(from_address(app.test_client(), "203.0.113.8"), user)
    (message,) = smtp.to(user.email)
    assert message["Subject"] == "SchoolFit: inloggen op je account geblokkeerd"
    text = body(message)
    assert "Beste Tessa Leider," in text
    assert "5 keer achter elkaar een verkeerd wachtwoord" in text
    assert "vanaf adres 203.0.113.7" in text
    assert "https://schoolfit.example.nl/account/" in text
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "locked")).all()
    assert len(events) == 2  # both lockouts are in the audit trail


def test_the_lockout_e_mail_is_dutch_whatever_language_the_page_is_in(
    app: Flask, make_user: Callable[..., User], smtp: Inbox
) -> None:
    user = make_user(Role.TEAMLEIDER)
    client = app.test_client()
    client.post("/taal/en", data={"csrf_token": csrf_token_from(client), "next": "/login"})
    for _ in range(5):
        login(client, user.email, WRONG)
    (message,) = smtp.to(user.email)
    assert "verkeerd wachtwoord" in body(message)


def test_a_lockout_without_a_mail_server_still_locks(
    app: Flask, make_user: Callable[..., User]
) -> None:
    app.config["SMTP_PORT"] = 1  # nothing listens there
    user = make_user(Role.TEAMLEIDER)
    client = app.test_client()
    fail_logins(client, user)
    assert login(client, user.email).status_code == 400


def test_beheer_lifts_a_lockout_of_another_beheer(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    locked_out = make_user(Role.BEHEER)
    fail_logins(from_address(app.test_client(), "203.0.113.7"), locked_out)
    assert login(client, make_user(Role.BEHEER).email).status_code == 302
    page = f"/beheer/gebruikers/{locked_out.id}"
    html = client.get(page).get_data(as_text=True)
    assert "adres 203.0.113.7" in html and "Blokkades opheffen" in html
    token = csrf_token_from(client, page)
    assert client.post(f"{page}/ontgrendelen", data={"csrf_token": token}).status_code == 302
    assert "Blokkades van" in client.get(page).get_data(as_text=True)
    again = from_address(app.test_client(), "203.0.113.7")
    assert login(again, locked_out.email).status_code == 302


def test_break_glass_on_the_command_line(
    app: Flask, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    """The last beheer account locked out (or its password lost): the server's shell."""
    beheer = make_user(Role.BEHEER)
    fail_logins(from_address(app.test_client(), "203.0.113.7"), beheer)
    unlocked = runner.invoke(args=["users", "unlock", beheer.email.upper()])
    assert unlocked.exit_code == 0 and "1 blokkade(s) opgeheven" in unlocked.output
    assert login(from_address(app.test_client(), "203.0.113.7"), beheer.email).status_code == 302
    new = "een-nieuw-wachtwoord-9"
    result = runner.invoke(args=["users", "set-password", beheer.email], input=f"{new}\n")
    assert result.exit_code == 0, result.output
    assert login(app.test_client(), beheer.email, new).status_code == 302
    unknown = runner.invoke(args=["users", "unlock", "niemand@school.example.nl"])
    assert unknown.exit_code == 1 and "Geen account" in unknown.output


def test_break_glass_for_a_lost_phone(
    app: Flask, runner: FlaskCliRunner, make_user: Callable[..., User]
) -> None:
    app.config["TOTP_REQUIRED_ROLES"] = ("beheer",)
    beheer = make_user(Role.BEHEER)
    enable_totp(beheer)
    result = runner.invoke(args=["users", "disable-2fa", beheer.email])
    assert result.exit_code == 0, result.output
    db.session.refresh(beheer)
    assert not beheer.totp_enabled and beheer.totp_secret is None
    client = app.test_client()
    assert login(client, beheer.email).headers["Location"] == "/"  # no code asked...
    assert client.get("/beheer/").headers["Location"] == "/account/tweestapsverificatie"


def test_a_new_password_lifts_the_lockouts(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.TEAMLEIDER)
    client = app.test_client()
    fail_logins(client, user)
    set_password(user, "een-nieuw-wachtwoord-9")
    db.session.commit()
    assert login(client, user.email, "een-nieuw-wachtwoord-9").status_code == 302


# --- two-factor codes ---


def test_a_code_is_accepted_once(app: Flask, make_user: Callable[..., User]) -> None:
    user = make_user(Role.BEHEER)
    totp = enable_totp(user)
    code = totp.now()
    first = app.test_client()
    login(first, user.email)
    assert code_step(first, code).status_code == 302
    second = app.test_client()  # somebody who saw the code (or the same person, twice)
    login(second, user.email)
    replayed = code_step(second, code)
    assert replayed.status_code == 400
    assert "Deze code is al gebruikt" in replayed.get_data(as_text=True)
    assert second.get("/beheer/").status_code == 302
    db.session.refresh(user)
    assert user.totp_last_step is not None


def test_wrong_codes_count_toward_the_lockout(
    app: Flask, make_user: Callable[..., User], smtp: Inbox
) -> None:
    user = make_user(Role.BEHEER)
    totp = enable_totp(user)
    client = from_address(app.test_client(), "203.0.113.7")
    login(client, user.email)
    for _ in range(4):
        assert code_step(client, "000000").status_code == 400
    locked = code_step(client, "000000")
    assert locked.status_code == 302 and locked.headers["Location"] == "/login"
    assert LOCKED in client.get("/login").get_data(as_text=True)
    assert client.get("/login/code").status_code == 302  # the password step is gone
    login(client, user.email)  # the right password is refused there now...
    assert client.get("/login/code").status_code == 302
    assert len(smtp.to(user.email)) == 1
    elsewhere = from_address(app.test_client(), "198.51.100.20")
    login(elsewhere, user.email)
    assert code_step(elsewhere, totp.now()).status_code == 302  # ...not elsewhere


def test_the_right_password_does_not_reset_the_count_of_wrong_codes(
    app: Flask, make_user: Callable[..., User]
) -> None:
    """Knowing the password must not buy more guesses at the code."""
    user = make_user(Role.BEHEER)
    enable_totp(user)
    client = app.test_client()
    fail_logins(client, user, 3)
    login(client, user.email)
    assert code_step(client, "111111").status_code == 400
    login(client, user.email)
    assert code_step(client, "111111").status_code == 302  # the fifth in a row: locked
    assert login(client, user.email).status_code == 400


# --- re-authentication ---


def test_reauthentication_failures_lock_and_sign_out(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], smtp: Inbox
) -> None:
    user = make_user(Role.TEAMLEIDER)
    login(client, user.email)
    for _ in range(4):
        wrong = reauth(client, WRONG)
        assert wrong.status_code == 400
        assert "Wachtwoord of code klopt niet." in wrong.get_data(as_text=True)
    locked = reauth(client, WRONG)
    assert locked.status_code == 302 and locked.headers["Location"] == "/login"
    assert LOCKED in client.get("/login").get_data(as_text=True)
    assert client.get("/leerlingen/").status_code == 302  # signed out
    assert login(client, user.email).status_code == 400  # and locked out here
    assert len(smtp.to(user.email)) == 1


def test_reauthentication_and_login_failures_add_up(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.TEAMLEIDER)
    login(client, user.email)
    for _ in range(3):
        assert reauth(client, WRONG).status_code == 400
    token = csrf_token_from(client, "/leerlingen/")
    client.post("/logout", data={"csrf_token": token})
    fail_logins(client, user, 2)  # the fifth in a row from this browser
    assert login(client, user.email).status_code == 400


def test_reauthentication_takes_a_code_once(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.TEAMLEIDER)
    totp = enable_totp(user)
    login(client, user.email)
    code = totp.now()
    assert code_step(client, code).status_code == 302
    with client.session_transaction() as session:
        session["reauth_at"] = 0
    replayed = reauth(client, PASSWORD, code)
    assert replayed.status_code == 400
    assert "Deze code is al gebruikt" in replayed.get_data(as_text=True)
    assert db.session.scalars(select(LoginThrottle)).all() == []  # not a failure
    next_code = totp.at(time.time() + 30)
    assert reauth(client, PASSWORD, next_code).headers["Location"] == "/leerlingen/"


def test_reauthentication_is_rate_limited(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], fresh_limits: None
) -> None:
    user = make_user(Role.TEAMLEIDER)
    login(client, user.email)
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    statuses = [reauth(client, WRONG).status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    limited = reauth(client, PASSWORD)
    assert limited.status_code == 429
    assert "Te veel inlogpogingen" in limited.get_data(as_text=True)


def test_the_password_change_counts_and_is_rate_limited(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], fresh_limits: None
) -> None:
    user = make_user(Role.TEAMLEIDER)
    login(client, user.email)
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"

    def change() -> int:
        token = csrf_token_from(client, "/account/")
        form = {"password": WRONG, "new_password": "nieuw wachtwoord 77", "repeat": "x"}
        return client.post("/account/wachtwoord", data={"csrf_token": token, **form}).status_code

    assert [change(), change(), change()] == [400, 400, 429]
    (count,) = db.session.scalars(select(LoginThrottle.failures)).all()
    assert count == 2


# --- the login rate limits at a shared address ---


def test_attempts_at_one_account_use_up_no_other_account_s(
    app: Flask, make_user: Callable[..., User], fresh_limits: None
) -> None:
    """The whole school is one address: a student trying a teacher's account does not stop
    a colleague signing in at the same moment."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    teacher, colleague = make_user(Role.TEAMLEIDER), make_user(Role.MEDEWERKER)
    student = from_address(app.test_client(), "192.0.2.1")
    assert [login(student, teacher.email, WRONG).status_code for _ in range(3)] == [400] * 3
    assert login(student, teacher.email, WRONG).status_code == 429
    assert login(from_address(app.test_client(), "192.0.2.1"), colleague.email).status_code == 302


def test_a_known_device_is_not_held_up_by_its_address_s_limit(
    app: Flask, make_user: Callable[..., User], fresh_limits: None
) -> None:
    app.config["LOGIN_ADDRESS_RATE_LIMIT"] = "5 per minute"
    teacher = make_user(Role.TEAMLEIDER)
    laptop = from_address(app.test_client(), "192.0.2.1")
    assert login(laptop, teacher.email).status_code == 302  # signed in here before (1 of 5)
    token = csrf_token_from(laptop, "/leerlingen/")
    laptop.post("/logout", data={"csrf_token": token})
    student = from_address(app.test_client(), "192.0.2.1")
    tried = [login(student, f"docent{n}@school.example.nl", WRONG).status_code for n in range(4)]
    assert tried == [400] * 4
    assert login(student, "docent9@school.example.nl", WRONG).status_code == 429
    stranger = from_address(app.test_client(), "192.0.2.1")
    assert login(stranger, teacher.email).status_code == 429  # a browser new to the school...
    assert login(laptop, teacher.email).status_code == 302  # ...but not the teacher's laptop


def test_addresses_of_old_failures_are_not_kept(app: Flask, make_user: Callable[..., User]) -> None:
    user, other = make_user(Role.TEAMLEIDER), make_user(Role.MEDEWERKER)
    fail_logins(from_address(app.test_client(), "203.0.113.7"), user, 2)
    db.session.execute(
        LoginThrottle.__table__.update().values(last_failure_at=utcnow() - timedelta(days=2))
    )
    db.session.commit()
    assert login(app.test_client(), other.email).status_code == 302  # anybody's sign-in
    assert db.session.scalars(select(LoginThrottle)).all() == []
