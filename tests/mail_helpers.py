"""An SMTP sink for the tests: a real SMTP server (aiosmtpd) on loopback that keeps what it
receives, and the app's mail settings pointed at it (the digest e-mail, the lockout e-mail)."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask

from tests.pgserver import free_port

BASE_URL = "https://schoolfit.example.nl"
SENDER = "schoolfit@school.example.nl"


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Inbox:
    """An SMTP server's handler that keeps what it receives; refuses listed recipients."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    port: int = 0

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.recipients]


def mail_settings(port: int) -> dict[str, object]:
    """The app's settings for sending to a sink on ``port`` (also as environment values)."""
    return {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_USER": "",
        "SMTP_PASSWORD": "",
        "MAIL_FROM": SENDER,
        "APP_BASE_URL": BASE_URL,
    }


@contextmanager
def smtp_sink(app: Flask | None = None, inbox: Inbox | None = None) -> Iterator[Inbox]:
    """An SMTP server on a free loopback port for the duration; ``app`` is pointed at it."""
    inbox = inbox or Inbox()
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    if app is not None:
        app.config.update(mail_settings(inbox.port))
    try:
        yield inbox
    finally:
        controller.stop()


def body(message: EmailMessage) -> str:
    """The plain-text part of a message."""
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())
