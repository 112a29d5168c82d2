"""Sending one web push message with VAPID (RFC 8292) and the payload encrypted for the device
(RFC 8291, aes128gcm) — both done by ``pywebpush``, nothing hand-written."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from app.alerts.keys import VapidKeys
from app.models import PushSubscription

# A push message not delivered within 15 minutes is stale: the e-mail fallback takes over.
TTL_SECONDS = 15 * 60


@dataclass(frozen=True)
class PushResult:
    ok: bool
    status: int | None = None  # the push service's HTTP status (None: no answer)
    error: str = ""


def subscription_info(subscription: PushSubscription) -> dict[str, Any]:
    return {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }


def send_push(
    subscription: PushSubscription, payload: dict[str, str], keys: VapidKeys, timeout: float
) -> PushResult:
    """Encrypt ``payload`` for the device and POST it to its push service, signed with VAPID."""
    try:
        vapid = Vapid.from_string(keys.private_key)
        response = webpush(
            subscription_info(subscription),
            data=json.dumps(payload, ensure_ascii=False),
            vapid_private_key=vapid,
            vapid_claims={"sub": keys.subject},  # pywebpush adds aud and exp
            ttl=TTL_SECONDS,
            timeout=timeout,
            headers={"Urgency": "high"},
        )
    except WebPushException as error:
        status = error.status_code
        return PushResult(False, status, f"{status or ''} {error.message}".strip()[:300])
    except requests.RequestException as error:
        return PushResult(False, None, f"geen antwoord: {error.__class__.__name__}"[:300])
    except (ValueError, TypeError) as error:  # a key that cannot be read
        return PushResult(False, 400, f"ongeldige sleutel: {error}"[:300])
    return PushResult(True, getattr(response, "status_code", 201))
