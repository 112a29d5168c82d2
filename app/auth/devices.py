"""Known devices and the client an attempt comes from.

A browser that signed in to an account gets a signed cookie (a random device id and the
accounts that signed in on it). Failed attempts are counted per account *and* client: a known
device counts on its own, every other browser by its address. So a student on the school's
Wi-Fi (one address for the whole school) who types wrong passwords for a teacher's account
locks that account for browsers at the school that never signed in to it, not the teacher's
own laptop or phone. The login rate limits follow the same rule (app/auth/routes.py).

The cookie is signed with ``SECRET_KEY`` (it cannot be made up) and says nothing about the
person beyond account numbers.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.audit import client_address

DEVICE_COOKIE = "sf_device"
# Accounts remembered per device (a shared desk computer): the most recent ones.
MAX_ACCOUNTS_PER_DEVICE = 10


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="schoolfit-known-device")


def _lifetime_seconds() -> int:
    return int(current_app.config["KNOWN_DEVICE_LIFETIME"].total_seconds())


def _read_cookie() -> dict[str, Any] | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or len(raw) > 1024:
        return None
    try:
        data = _serializer().loads(raw, max_age=_lifetime_seconds())
    except BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    device, users = data.get("d"), data.get("u")
    if not isinstance(device, str) or not isinstance(users, list):
        return None
    return {"d": device, "u": [u for u in users if isinstance(u, int)]}


def device_id() -> str | None:
    """The id of this browser's known-device cookie (it signed in to some account before)."""
    data = _read_cookie()
    return None if data is None else str(data["d"])[:32]


def is_known_device() -> bool:
    return device_id() is not None


def attempt_key(account: str) -> str:
    """The rate limit's key for sign-in attempts on ``account`` (an e-mail address or an id):
    per known device, or else per address, and per account — so attempts at one account use
    up nobody else's, and a stranger at the same address uses up no known device's."""
    device = device_id()
    client = f"d:{device}" if device else f"a:{client_address()}"
    return f"{client}|{account.strip().lower()[:254]}"


def known_device_id(user_id: int) -> str | None:
    """The id of this browser when ``user_id`` signed in on it before, else None."""
    data = _read_cookie()
    if data is None or user_id not in data["u"]:
        return None
    return str(data["d"])[:32]


def client_key(user_id: int) -> str:
    """Whom a failed attempt on ``user_id`` is counted against: a device the account knows,
    or the client's address."""
    device = known_device_id(user_id)
    if device:
        return f"d:{device}"
    return f"a:{client_address()}"


def remember_device(response: Response, user_id: int) -> Response:
    """Add ``user_id`` to this browser's known-device cookie (made when missing)."""
    data = _read_cookie() or {"d": secrets.token_urlsafe(16), "u": []}
    users = [u for u in data["u"] if u != user_id][-(MAX_ACCOUNTS_PER_DEVICE - 1) :]
    value = _serializer().dumps({"d": data["d"], "u": [*users, user_id]})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=_lifetime_seconds(),
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        httponly=True,
        samesite="Lax",
    )
    return response
