"""The e-mail fallback: an alert a recipient did not open within ``ALERT_EMAIL_AFTER`` goes to
them by e-mail, as contentless as the push message (kind, location, time and a link). Sent
through the digest's SMTP client (``app.digest.delivery.Mailer``), not a second one."""

from __future__ import annotations

from email.message import EmailMessage

from app.core.localtime import local_time_text
from app.models import Alert, User


def alert_email(user: User, alert: Alert, sender: str, base_url: str) -> EmailMessage:
    kind = alert.kind.dutch
    code = alert.location.code
    link = f"{base_url.rstrip('/')}/meldingen/{alert.id}"
    message = EmailMessage()
    message["Subject"] = f"SchoolFit-melding: {kind} · {code}"
    message["From"] = sender
    message["To"] = user.email
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"Er staat een melding voor je klaar in SchoolFit: {kind} · locatie {code}, "
        f"{local_time_text(alert.created_at, 'd-M-yyyy HH:mm')}.\n\n"
        "Je hebt de melding nog niet geopend. Lees hem na het inloggen:\n"
        f"{link}\n\n"
        "Deze e-mail noemt bewust geen leerling; de details staan achter de inlog.\n"
    )
    return message
