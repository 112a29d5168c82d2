"""The OpenID Connect client (Authlib's Flask integration): discovery, the authorization code
flow with PKCE, ``state`` and ``nonce``, and the ID token's signature, issuer, audience and
expiry checked against the provider's published keys.

Authlib loads the discovery document once per app and keeps the key set (JWKS) with it; an ID
token signed with a key id it does not know makes it fetch the key set again once (a provider
that rotated its keys), and a token whose key is still unknown is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, Response, current_app
from joserfc.errors import JoseError

EXTENSION = "schoolfit_sso"
CLIENT_NAME = "idp"
# Seconds to wait for the provider (discovery, keys, the token endpoint).
PROVIDER_TIMEOUT = 10
# The ID token's exp and iat are checked with this much leeway for clock skew, in seconds.
CLOCK_LEEWAY = 60


class SSOError(Exception):
    """The provider's answer was refused (state, code, token, signature, claims)."""


@dataclass(frozen=True)
class VerifiedLogin:
    """What a verified ID token says: the issuer, the subject and the other claims."""

    issuer: str
    subject: str
    claims: dict[str, object]


def init_sso(app: Flask) -> None:
    """Register the provider when OIDC_ISSUER and OIDC_CLIENT_ID are set; nothing otherwise."""
    issuer = app.config.get("OIDC_ISSUER", "")
    client_id = app.config.get("OIDC_CLIENT_ID", "")
    if not issuer or not client_id:
        return
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=client_id,
        client_secret=app.config.get("OIDC_CLIENT_SECRET", ""),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": app.config["OIDC_SCOPES"],
            "code_challenge_method": "S256",
            "timeout": PROVIDER_TIMEOUT,
        },
    )
    app.extensions[EXTENSION] = oauth


def sso_enabled() -> bool:
    return EXTENSION in current_app.extensions


def _client() -> Any:
    oauth = cast(OAuth, current_app.extensions[EXTENSION])
    return oauth.create_client(CLIENT_NAME)


def redirect_uri() -> str:
    return f"{str(current_app.config['APP_BASE_URL']).rstrip('/')}/login/sso/callback"


def authorize_redirect(*, reauthenticate: bool = False) -> Response:
    """The redirect to the provider's sign-in. ``reauthenticate``: ask it to sign the person in
    again now (``prompt=login``, ``max_age=0``), not to reuse its own session."""
    extra: dict[str, object] = {}
    if reauthenticate:
        extra = {"prompt": "login", "max_age": 0}
    return cast(Response, _client().authorize_redirect(redirect_uri(), **extra))


def finish_login() -> VerifiedLogin:
    """Check the provider's answer on the callback: the state (in this browser's session),
    the code exchanged for tokens with the PKCE verifier, the ID token verified. Raises
    SSOError with the reason for the log."""
    client = _client()
    # Authlib checks only what these options name (and the nonce, azp, at_hash): the issuer
    # must be the configured one, the audience this client, the expiry present.
    claims_options = {
        "iss": {"essential": True, "value": current_app.config["OIDC_ISSUER"]},
        "aud": {"essential": True, "value": client.client_id},
        "sub": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
    }
    try:
        token = client.authorize_access_token(leeway=CLOCK_LEEWAY, claims_options=claims_options)
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as error:
        raise SSOError(f"{type(error).__name__}: {error}") from error
    except OSError as error:  # the provider cannot be reached (requests' errors are OSErrors)
        raise SSOError(f"provider unreachable: {error}") from error
    userinfo = token.get("userinfo") if isinstance(token, dict) else None
    if not userinfo:
        raise SSOError("no ID token in the token response")
    claims = {str(key): value for key, value in dict(userinfo).items()}
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(issuer, str) or not isinstance(subject, str) or not subject:
        raise SSOError("ID token without iss or sub")
    if issuer != current_app.config["OIDC_ISSUER"]:
        # Discovery must name the issuer it was fetched from (OpenID Connect Discovery 4.3).
        raise SSOError(f"issuer {issuer!r} is not OIDC_ISSUER")
    return VerifiedLogin(issuer=issuer, subject=subject, claims=claims)


def end_session_url(post_logout_redirect_uri: str) -> str | None:
    """The provider's end_session_endpoint with this client and where to come back, or None
    when it publishes none (or cannot be reached)."""
    client = _client()
    try:
        metadata = client.load_server_metadata()
    except (OSError, ValueError) as error:
        current_app.logger.warning("sso: no metadata for logout: %s", error)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = client.create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri, client_id=client.client_id
    )
    return str(result["url"])
