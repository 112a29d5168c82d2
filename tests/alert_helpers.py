"""Web push in tests: a push service on loopback that receives what the app sends, a fake
browser (a P-256 key pair and an auth secret, as ``PushSubscription.toJSON()`` hands out), the
decryption of a message (RFC 8291, aes128gcm, with ``http_ece``) and the check of its VAPID
JWT (RFC 8292)."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from flask import Flask
from flask.testing import FlaskClient

from app.alerts.keys import VapidKeys, generate_keys
from app.models import Location, Student, User
from tests.pgserver import SHUTDOWN_POLL_SECONDS, free_port

SUBJECT = "mailto:beheer@school.example"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def use_vapid_keys(app: Flask) -> VapidKeys:
    """A fresh VAPID pair in the app's settings (the served app's, in browser tests)."""
    keys = generate_keys(SUBJECT)
    app.config.update(
        VAPID_PRIVATE_KEY=keys.private_key, VAPID_PUBLIC_KEY=keys.public_key, VAPID_SUBJECT=SUBJECT
    )
    return keys


@dataclass
class FakeBrowser:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self, endpoint: str) -> dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain.decode("utf-8"))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()
    wall: float = field(default_factory=time.time)  # time.time(), to compare with stored times


class PushService:
    """A push service on loopback: answers each path with the statuses queued for it (then
    201), and keeps every request."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: dict[str, list[int]] = {}
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's hook name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with service.lock:
                    service.received.append(
                        Received(
                            self.path,
                            {k.lower(): v for k, v in self.headers.items()},
                            body,
                            time.monotonic(),
                        )
                    )
                    queued = service.answers.get(self.path) or []
                    status = queued.pop(0) if queued else 201
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS},
            daemon=True,
        )

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def answer(self, name: str, *statuses: int) -> None:
        with self.lock:
            self.answers[f"/push/{name}"] = list(statuses)

    def to(self, name: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == f"/push/{name}"]

    def wait_for(self, name: str, count: int = 1, timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.to(name)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        return self.to(name)


@dataclass
class AlertWorld:
    keys: VapidKeys
    push: PushService
    browser: FakeBrowser
    leader: User
    staff: User
    staff_client: FlaskClient
    location: Location
    student: Student


@contextmanager
def push_service() -> Iterator[PushService]:
    service = PushService()
    service.thread.start()
    try:
        yield service
    finally:
        service.server.shutdown()
        service.server.server_close()


def vapid_claims(received: Received, keys: VapidKeys) -> dict[str, Any]:
    """The VAPID JWT of a push request, its ES256 signature checked against ``keys``; answers
    its claims."""
    header = received.headers.get("authorization", "")
    scheme, _, params = header.partition(" ")
    assert scheme.lower() == "vapid", header
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    assert values["k"] == keys.public_key
    head, payload, signature = values["t"].split(".")
    assert json.loads(unb64url(head)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(keys.public_key))
    try:
        public.verify(der, f"{head}.{payload}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID JWT's signature does not match the public key") from None
    return json.loads(unb64url(payload))


def student_data(student: Student, note: str = "") -> list[str]:
    """What a push payload or alert e-mail must never hold about ``student``."""
    values = [
        student.first_name,
        student.last_name,
        student.full_name,
        student.initials,
        student.leerlingnummer,
        student.class_name,
    ]
    return [v for v in values + ([note] if note else []) if v]
