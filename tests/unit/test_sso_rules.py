"""Single sign-on's pure rules: the e-mail claim, which account an identity signs in to, who may
use a password, a fresh re-authentication; and its settings."""

from __future__ import annotations

import pytest

from app.auth.identity import (
    AUTH_TIME_MAX_AGE_SECONDS,
    Decision,
    Refusal,
    decide,
    email_from_claims,
    fresh_authentication,
    password_login_allowed,
)
from app.core.vocabulary import Role
from app.models import User
from config.settings import BaseConfig

CLAIMS = ("email", "preferred_username", "upn")


def test_the_first_claim_with_an_address_counts_lower_case() -> None:
    claims = {"email": "", "preferred_username": "A.Jansen@School.example.nl", "upn": "x@y.nl"}
    assert email_from_claims(claims, CLAIMS) == "a.jansen@school.example.nl"


def test_no_address_in_any_claim() -> None:
    assert email_from_claims({"preferred_username": "ajansen", "upn": 3}, CLAIMS) is None
    assert email_from_claims({"email": "not an @ address"}, CLAIMS) is None


def test_only_the_configured_claims_are_read() -> None:
    assert email_from_claims({"upn": "a@school.example.nl"}, ("email",)) is None


def user(active: bool = True) -> User:
    return User(email="a@school.example.nl", name="A", role=Role.MEDEWERKER, active=active)


def test_a_bound_identity_signs_in_to_its_account_whatever_the_email() -> None:
    bound = user()
    assert decide(bound=bound, by_email=None, by_email_is_bound=False) == Decision(user=bound)


def test_a_bound_but_deactivated_account_is_refused() -> None:
    decision = decide(bound=user(active=False), by_email=None, by_email_is_bound=False)
    assert decision.refusal is Refusal.DEACTIVATED


def test_the_first_login_binds_the_account_of_the_email() -> None:
    account = user()
    decision = decide(bound=None, by_email=account, by_email_is_bound=False)
    assert decision == Decision(user=account, bind=True)


def test_an_email_does_not_take_an_account_bound_to_another_sub() -> None:
    decision = decide(bound=None, by_email=user(), by_email_is_bound=True)
    assert decision.refusal is Refusal.TAKEN and decision.user is None


@pytest.mark.parametrize(
    ("by_email", "refusal"),
    [(None, Refusal.UNKNOWN), (user(active=False), Refusal.DEACTIVATED)],
)
def test_nobody_or_a_deactivated_account_is_refused(
    by_email: User | None, refusal: Refusal
) -> None:
    decision = decide(bound=None, by_email=by_email, by_email_is_bound=False)
    assert decision.refusal is refusal and not decision.bind


@pytest.mark.parametrize("role", list(Role))
def test_password_login_for_everybody_or_for_beheer_only(role: Role) -> None:
    assert password_login_allowed(role, "all")
    assert password_login_allowed(role, "beheer") is (role is Role.BEHEER)


def test_a_fresh_authentication() -> None:
    asked = 1_000_000
    assert fresh_authentication(asked + 5, asked_at=asked, now=asked + 20)
    assert fresh_authentication(asked - 30, asked_at=asked, now=asked + 20)  # clock skew
    # a sign-in from before the request (the provider reused its session)
    assert not fresh_authentication(asked - 3600, asked_at=asked, now=asked + 20)
    # the answer came back too late
    late = asked + AUTH_TIME_MAX_AGE_SECONDS + 10
    assert not fresh_authentication(asked + 5, asked_at=asked, now=late)
    for missing in (None, "1000000", True):
        assert not fresh_authentication(missing, asked_at=asked, now=asked)


def test_sso_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OIDC_ISSUER", "https://login.microsoftonline.com/tenant-id/v2.0/")
    monkeypatch.setenv("OIDC_LABEL", "Microsoft")
    monkeypatch.setenv("OIDC_EMAIL_CLAIMS", " email , upn ,")
    monkeypatch.setenv("OIDC_SCOPES", "openid  email")
    monkeypatch.setenv("PASSWORD_LOGIN", "Beheer")
    settings = BaseConfig()
    assert settings.OIDC_ISSUER == "https://login.microsoftonline.com/tenant-id/v2.0"
    assert settings.OIDC_LABEL == "Microsoft"
    assert settings.OIDC_EMAIL_CLAIMS == ("email", "upn")
    assert settings.OIDC_SCOPES == "openid email"
    assert settings.PASSWORD_LOGIN == "beheer"
    assert not settings.SETTING_PROBLEMS


def test_an_unknown_password_login_setting_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSWORD_LOGIN", "niemand")
    settings = BaseConfig()
    assert settings.PASSWORD_LOGIN == "all"
    assert "PASSWORD_LOGIN" in settings.SETTING_PROBLEMS
