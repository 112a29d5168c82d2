"""Single sign-on with OpenID Connect against a real provider (npm's oidc-provider, started on
loopback by tests/oidcserver.py): binding on the first login, the (issuer, sub) match after it,
refused people, and the provider's answers the app must refuse (state, replayed code, unknown
key, expired token, another audience)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.auth.services import update_user
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AuditEvent, User, UserIdentity, UserSession
from tests.client_helpers import csrf_token_from, login
from tests.oidcserver import TempOIDCProvider
from tests.sso_helpers import (
    app_path,
    at_provider,
    callback_url,
    id_token_for_other_client,
    oidc_fixture,  # noqa: F401 (the fixture ``oidc``)
    oidc_server_fixture,  # noqa: F401 (the fixture ``oidc_server``)
    sso_login,
    sso_settings,
)

NOT_SIGNED_IN = "/login"


@pytest.fixture
def app_settings(oidc_server: TempOIDCProvider) -> dict[str, object]:
    return sso_settings(oidc_server)


def count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def signed_in(client: FlaskClient) -> bool:
    answer = client.get("/account/")
    return answer.status_code == 200


def anna(provider: TempOIDCProvider, email: str = "Anna.de.Vries@School.example.nl") -> None:
    provider.admin(
        "accounts",
        {"anna": {"sub": "entra-sub-anna", "email": email, "name": "Anna de Vries"}},
    )


def test_login_page_offers_the_provider(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert "Inloggen met Microsoft" in html
    assert 'name="password"' in html  # PASSWORD_LOGIN=all: the form stays


def test_first_login_binds_the_account_by_email(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    answer = sso_login(client, oidc, "anna")
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    assert signed_in(client)
    identity = db.session.scalars(select(UserIdentity)).one()
    assert (identity.user_id, identity.issuer, identity.subject) == (
        user.id,
        oidc.issuer,
        "entra-sub-anna",
    )
    # the same server-side session as the password login
    assert count(UserSession) == 1
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"bind_sso", "login_sso"} <= actions


def test_later_logins_match_the_sub_after_the_mailbox_was_renamed(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    assert sso_login(client, oidc, "anna").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/account/")})
    assert not signed_in(client)

    anna(oidc, email="anna.jansen@school.example.nl")  # married, mailbox renamed
    answer = sso_login(client, oidc, "anna")
    assert answer.status_code == 302
    assert signed_in(client)
    assert count(UserIdentity) == 1
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_an_email_match_does_not_take_an_account_bound_to_another_sub(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    assert sso_login(client, oidc, "anna").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/account/")})

    oidc.admin(
        "accounts",
        {"mallory": {"sub": "other-sub", "email": "anna.de.vries@school.example.nl"}},
    )
    answer = sso_login(client, oidc, "mallory")
    assert answer.status_code == 403
    assert "hoort al bij een andere aanmelding" in answer.get_data(as_text=True)
    assert not signed_in(client)
    assert count(UserIdentity) == 1


def test_an_unknown_person_is_refused_and_nothing_is_created(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    make_user(Role.MEDEWERKER, email="someone.else@school.example.nl")
    oidc.admin("accounts", {"piet": {"sub": "sub-piet", "email": "piet@school.example.nl"}})
    users_before = count(User)
    answer = sso_login(client, oidc, "piet")
    assert answer.status_code == 403
    assert "Je hebt nog geen account in SchoolFit; vraag het functioneel beheer" in (
        answer.get_data(as_text=True)
    )
    assert count(User) == users_before
    assert count(UserIdentity) == 0
    assert count(UserSession) == 0
    assert not signed_in(client)


def test_a_deactivated_account_is_refused(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    assert sso_login(client, oidc, "anna").status_code == 302  # bound
    update_user(user, name=user.name, role=user.role, locations=user.locations, active=False)
    db.session.commit()
    assert not signed_in(client)  # deactivation ended the session

    answer = sso_login(client, oidc, "anna")
    assert answer.status_code == 403
    assert "Je account in SchoolFit staat uit" in answer.get_data(as_text=True)
    assert not signed_in(client)

    # never bound and switched off: refused the same way, and not bound
    other = make_user(Role.MEDEWERKER, email="bert@school.example.nl")
    update_user(other, name=other.name, role=other.role, locations=other.locations, active=False)
    db.session.commit()
    oidc.admin("accounts", {"bert": {"sub": "sub-bert", "email": "bert@school.example.nl"}})
    assert sso_login(client, oidc, "bert").status_code == 403
    assert count(UserIdentity) == 1


def test_a_wrong_state_is_refused(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    url = callback_url(client, oidc, "anna")
    query = parse_qs(urlsplit(url).query)
    forged = f"/login/sso/callback?code={query['code'][0]}&state=forged-{query['state'][0]}"
    answer = client.get(forged)
    assert answer.status_code == 400
    assert "is niet gelukt" in answer.get_data(as_text=True)
    assert not signed_in(client)
    assert count(UserIdentity) == 0


def test_a_replayed_code_is_refused(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    url = callback_url(client, oidc, "anna")
    cookie = client.get_cookie("session")
    assert cookie is not None
    before = cookie.value  # the browser's session with the state, before the callback
    assert client.get(app_path(url)).status_code == 302
    sessions = count(UserSession)

    # the same callback again: its state was used up
    assert client.get(app_path(url)).status_code in (302, 400)
    # and with the state put back (a copied cookie): the provider refuses the used code
    client.delete_cookie("session")
    client.set_cookie("session", before)
    answer = client.get(app_path(url))
    assert answer.status_code == 400
    assert count(UserSession) == sessions


def test_a_token_signed_with_an_unknown_key_is_refused_and_a_rotated_key_is_fetched(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    oidc.admin("jwks", {"mode": "other"})  # publishes a key it does not sign with
    with caplog.at_level(logging.WARNING):
        answer = sso_login(client, oidc, "anna")
    assert answer.status_code == 400
    assert "login refused" in caplog.text
    assert not signed_in(client)

    # The provider publishes its real key again (as after a rotation): the app knows only the
    # other one, meets an unknown key id, fetches the set again and accepts the token.
    oidc.admin("jwks", {"mode": "real"})
    assert sso_login(client, oidc, "anna").status_code == 302
    assert signed_in(client)


def test_an_expired_id_token_is_refused(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    url = callback_url(client, oidc, "anna")
    # The ID token lives 300 seconds (tests/oidc/provider.mjs); the app allows 60 of skew.
    with (
        time_machine.travel(time.time() + 20 * 60, tick=True),
        caplog.at_level(logging.WARNING),
    ):
        answer = client.get(app_path(url))
    assert answer.status_code == 400
    assert "ExpiredTokenError" in caplog.text
    assert not signed_in(client)


def test_an_id_token_for_another_audience_is_refused(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
    caplog: pytest.LogCaptureFixture,
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    browser = requests.Session()
    authorize = client.get("/login/sso").headers["Location"]
    nonce = parse_qs(urlsplit(authorize).query)["nonce"][0]
    # the provider's own token, with the same person and nonce, but issued to another client
    oidc.admin("id-token", {"id_token": id_token_for_other_client(oidc, browser, "anna", nonce)})
    url = at_provider(oidc, browser, authorize, "anna")
    with caplog.at_level(logging.WARNING):
        answer = client.get(app_path(url))
    assert answer.status_code == 400
    assert "'aud'" in caplog.text  # refused for its audience, not for anything else
    assert not signed_in(client)


def test_the_login_keeps_the_next_page(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    url = callback_url(client, oidc, "anna", path="/login/sso?next=/account/")
    answer = client.get(app_path(url))
    assert answer.headers["Location"].endswith("/account/")


def test_logout_offers_the_providers_logout(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    anna(oidc)
    assert sso_login(client, oidc, "anna").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/account/")})
    html = client.get("/login?logged_out=1").get_data(as_text=True)
    assert "Ook uitloggen bij Microsoft" in html
    answer = client.get("/login/sso/uitloggen")
    assert answer.status_code == 302
    target = answer.headers["Location"]
    assert target.startswith(f"{oidc.issuer}/session/end")
    assert "post_logout_redirect_uri=" in target
    assert requests.get(target, timeout=10).status_code == 200  # the provider accepts it


def test_password_login_still_works_for_an_account_with_a_password(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.MEDEWERKER)
    assert login(client, user.email).status_code == 302
    assert signed_in(client)


class TestBeheerOnlyPasswords:
    @pytest.fixture
    def app_settings(self, oidc_server: TempOIDCProvider) -> dict[str, object]:
        return sso_settings(oidc_server, PASSWORD_LOGIN="beheer")

    def test_staff_must_use_the_provider(
        self, client: FlaskClient, make_user: Callable[..., User]
    ) -> None:
        html = client.get("/login").get_data(as_text=True)
        assert "<details" in html and "Inloggen met Microsoft" in html
        staff = make_user(Role.MEDEWERKER)
        answer = login(client, staff.email)
        assert answer.status_code == 400
        assert "alleen voor functioneel beheer" in answer.get_data(as_text=True)
        assert not signed_in(client)

    def test_beheer_keeps_the_password_as_break_glass(
        self, client: FlaskClient, make_user: Callable[..., User]
    ) -> None:
        admin = make_user(Role.BEHEER)
        assert login(client, admin.email).status_code == 302
        assert signed_in(client)


def test_reauthentication_of_an_sso_only_account_goes_to_the_provider(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    user.password_hash = ""  # an account for single sign-on only
    db.session.commit()
    anna(oidc)
    browser = requests.Session()
    assert sso_login(client, oidc, "anna", browser=browser).status_code == 302
    with client.session_transaction() as session:
        session["reauth_at"] = 0  # long ago

    answer = client.get("/herbevestigen?next=/account/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login/sso/herbevestigen")
    authorize = client.get(answer.headers["Location"]).headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["prompt"] == ["login"] and query["max_age"] == ["0"]
    # the provider asks to sign in again, though its own session is still there
    url = at_provider(oidc, browser, authorize, "anna")
    answer = client.get(app_path(url))
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith("/account/")
    with client.session_transaction() as session:
        assert session["reauth_at"] > time.time() - 60


def test_reauthentication_as_somebody_else_is_refused(
    client: FlaskClient,
    oidc: TempOIDCProvider,
    make_user: Callable[..., User],
) -> None:
    user = make_user(Role.MEDEWERKER, email="anna.de.vries@school.example.nl")
    user.password_hash = ""
    other = make_user(Role.MEDEWERKER, email="bert@school.example.nl")
    db.session.commit()
    oidc.admin(
        "accounts",
        {
            "anna": {"sub": "sub-anna", "email": user.email},
            "bert": {"sub": "sub-bert", "email": other.email},
        },
    )
    assert sso_login(client, oidc, "bert").status_code == 302  # bert's identity is bound
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/account/")})
    assert sso_login(client, oidc, "anna").status_code == 302
    with client.session_transaction() as session:
        session["reauth_at"] = 0
    url = callback_url(client, oidc, "bert", path="/login/sso/herbevestigen")
    answer = client.get(app_path(url))
    assert answer.status_code == 403
    with client.session_transaction() as session:
        assert session["reauth_at"] == 0


def new_account(client: FlaskClient, email: str, password: str) -> object:
    token = csrf_token_from(client, "/beheer/gebruikers/nieuw")
    return client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "csrf_token": token,
            "name": "Nieuwe Collega",
            "email": email,
            "role": "medewerker",
            "locations": ["ZS"],
            "password": password,
        },
    )


def test_beheer_creates_an_account_for_single_sign_on_only(
    client: FlaskClient, oidc: TempOIDCProvider, login_as: Callable[..., User]
) -> None:
    login_as(Role.BEHEER)
    assert "alleen in met Microsoft" in client.get("/beheer/gebruikers/nieuw").get_data(
        as_text=True
    )
    assert new_account(client, "nieuw@school.example.nl", "").status_code == 302
    user = db.session.scalars(select(User).where(User.email == "nieuw@school.example.nl")).one()
    assert not user.has_password
    client.post("/logout", data={"csrf_token": csrf_token_from(client, "/account/")})

    assert login(client, "nieuw@school.example.nl", "").status_code == 400  # no password
    oidc.admin("accounts", {"nieuw": {"sub": "sub-nieuw", "email": "nieuw@school.example.nl"}})
    assert sso_login(client, oidc, "nieuw").status_code == 302
    html = client.get("/account/").get_data(as_text=True)
    assert "Wachtwoord wijzigen" not in html


class TestWithoutSingleSignOn:
    @pytest.fixture
    def app_settings(self) -> dict[str, object]:
        return {}

    def test_no_button_and_every_account_needs_a_password(
        self, client: FlaskClient, login_as: Callable[..., User]
    ) -> None:
        assert "Inloggen met" not in client.get("/login").get_data(as_text=True)
        assert client.get("/login/sso").headers["Location"].startswith("/login")
        login_as(Role.BEHEER)
        answer = new_account(client, "nieuw@school.example.nl", "")
        assert answer.status_code == 400
        assert "Vul een wachtwoord in" in answer.get_data(as_text=True)
