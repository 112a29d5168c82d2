"""``flask --app app push vapid-keys`` and ``flask --app app alerts drain``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.alerts.keys import generate_keys, valid_subject
from app.alerts.sender import drain

push_cli = AppGroup("push", help="Web push (VAPID).")
alerts_cli = AppGroup("alerts", help="Urgent alerts: push messages and the e-mail fallback.")


@push_cli.command("vapid-keys")
@click.option(
    "--subject",
    default="mailto:beheer@school.example",
    show_default=True,
    help="A mailto: or https: address of whoever runs the app.",
)
def vapid_keys_command(subject: str) -> None:
    """Print a new VAPID key pair, as the settings to put in the environment."""
    if not valid_subject(subject):
        raise click.ClickException("Het onderwerp moet met mailto: of https: beginnen.")
    keys = generate_keys(subject)
    click.echo(f"VAPID_PRIVATE_KEY={keys.private_key}")
    click.echo(f"VAPID_PUBLIC_KEY={keys.public_key}")
    click.echo(f"VAPID_SUBJECT={keys.subject}")


@alerts_cli.command("drain")
def drain_command() -> None:
    """Send every push message and fallback e-mail that is due (a timer's safety net)."""
    click.echo(drain().summary())
