"""Telling an account's owner about a lockout, by e-mail.

Sent through the digest's SMTP connection and settings (app/digest/delivery.py); the text is
Dutch whatever language the person at the login page chose (it goes to the account's owner,
who may be somebody else). A mail that cannot be sent is logged, never shown: the login page
looks the same whether or not the address exists.
"""

from __future__ import annotations

from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime as email_date
from email.utils import make_msgid

from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from app.digest.delivery import Mailer, MailError, SmtpSettings
from app.models import User
from app.models.types import utcnow


def lockout_message(
    user: User, *, client: str, known_device: bool, until: datetime, sender: str
) -> EmailMessage:
    """The e-mail about a lockout of ``user`` from ``client`` (a description in words)."""
    base_url = str(current_app.config["APP_BASE_URL"]).rstrip("/")
    minutes = int(current_app.config["LOCKOUT_DURATION"].total_seconds() // 60)
    threshold = int(current_app.config["LOCKOUT_THRESHOLD"])
    now = utcnow()
    with force_locale("nl"):
        if known_device:
            where = _(
                "Het ging om een apparaat waarop eerder met je account is ingelogd; op dat "
                "apparaat is inloggen geblokkeerd tot %(until)s.",
                until=format_datetime(until, "HH:mm"),
            )
        else:
            where = _(
                "Inloggen vanaf dat adres is geblokkeerd tot %(until)s, behalve op apparaten "
                "waarop je eerder hebt ingelogd: daar kun je gewoon inloggen.",
                until=format_datetime(until, "HH:mm"),
            )
        lines = [
            _("Beste %(name)s,", name=user.name),
            "",
            _(
                "Op %(when)s is %(count)s keer achter elkaar een verkeerd wachtwoord of een "
                "verkeerde code ingevoerd voor je SchoolFit-account (%(email)s), vanaf %(client)s.",
                when=format_datetime(now, "d MMMM yyyy 'om' HH:mm"),
                count=threshold,
                email=user.email,
                client=client,
            ),
            where,
            "",
            _(
                "Was jij dit niet? Dan probeert iemand anders op je account in te loggen. Kies "
                "een nieuw wachtwoord via %(url)s en meld het bij functioneel beheer.",
                url=f"{base_url}/account/",
            ),
            "",
            _(
                "Je krijgt dit bericht hooguit één keer per %(minutes)s minuten.",
                minutes=minutes,
            ),
            "",
            "-- ",
            "SchoolFit",
        ]
        subject = _("SchoolFit: inloggen op je account geblokkeerd")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address("SchoolFit", addr_spec=sender)
    message["To"] = Address(user.name, addr_spec=user.email)
    message["Date"] = email_date(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content("\n".join(lines) + "\n")
    return message


def send_lockout_mail(user: User, *, client: str, known_device: bool, until: datetime) -> bool:
    """Send the lockout e-mail; answers whether the mail server took it (a failure is logged)."""
    if not current_app.config["LOCKOUT_MAIL"]:
        return False
    try:
        settings = SmtpSettings.from_config(current_app.config)
        message = lockout_message(
            user, client=client, known_device=known_device, until=until, sender=settings.sender
        )
        with Mailer(settings) as mailer:
            mailer.send(message)
    except MailError as error:
        current_app.logger.warning("Lockout e-mail to user %s not sent: %s", user.id, error.message)
        return False
    return True
