"""The VAPID key pair: from the settings (``VAPID_PRIVATE_KEY``, ``VAPID_PUBLIC_KEY``,
``VAPID_SUBJECT``), or — for the demo only, never in production — a pair the demo made and
keeps in the instance folder."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

DEMO_KEYS_FILE = "vapid-demo.json"
DEMO_SUBJECT = "mailto:beheer@demo.schoolfit.nl"


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # base64url of the raw 32-byte private value
    public_key: str  # base64url of the uncompressed P-256 point (the applicationServerKey)
    subject: str  # mailto: or https:


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_keys(subject: str = DEMO_SUBJECT) -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return VapidKeys(b64url(private), b64url(public), subject)


def valid_subject(subject: str) -> bool:
    return subject.startswith(("mailto:", "https:"))


def _demo_file(instance_path: str) -> Path:
    return Path(instance_path) / DEMO_KEYS_FILE


def ensure_demo_keys(instance_path: str) -> VapidKeys:
    """The demo's own pair, made once and kept in the instance folder."""
    path = _demo_file(instance_path)
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        return VapidKeys(data["private_key"], data["public_key"], data["subject"])
    keys = generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and linked into place: two processes starting at once (two workers, two test
    # runs) never read half a file, and the one that comes second uses the first one's pair.
    written = path.with_name(f"{path.name}.{os.getpid()}.new")
    written.write_text(json.dumps(keys.__dict__), encoding="utf-8")
    written.chmod(0o600)
    try:
        os.link(written, path)
    except FileExistsError:
        return ensure_demo_keys(instance_path)
    finally:
        written.unlink()
    return keys


def current_keys(config: Mapping[str, Any], instance_path: str) -> VapidKeys | None:
    """The keys in force: the settings', else (development, DEBUG) the demo's; None: push is off."""
    private = str(config.get("VAPID_PRIVATE_KEY") or "")
    public = str(config.get("VAPID_PUBLIC_KEY") or "")
    subject = str(config.get("VAPID_SUBJECT") or "")
    if private and public:
        return VapidKeys(private, public, subject)
    if config.get("DEBUG") and _demo_file(instance_path).exists():
        return ensure_demo_keys(instance_path)
    return None
