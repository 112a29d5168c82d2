"""Desk mode's test helpers: floor entries as the phone sends them, logged through the floor's
own service; the screened-place confirmation a desk session starts with; and complete inputs for
the report and handover services."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.localtime import local_today
from app.desk.conversations.services import ReportInput
from app.desk.handover.services import HandoverInput
from app.extensions import db
from app.floor.services import accept_entries
from app.models import FloorEntry, Location, User
from tests.client_helpers import csrf_token_from
from tests.floor_helpers import entry


def floor_item(
    location: Location,
    kind: str = "vlag",
    *,
    zone: str = "aula",
    minutes_ago: int = 1,
    students: tuple[str, ...] = (),
    **fields: Any,
) -> dict[str, Any]:
    """A floor entry as the phone sends it; a flag is one to follow up unless told otherwise."""
    if kind == "vlag":
        fields.setdefault("flag_type", "opvolgen")
    return entry(
        location, kind, zone=zone, minutes_ago=minutes_ago, students=list(students), **fields
    )


def log_floor(user: User, *items: dict[str, Any]) -> list[FloorEntry]:
    results = accept_entries(user, list(items))
    db.session.commit()
    uuids = [r.uuid for r in results]
    found = {e.uuid: e for e in db.session.scalars(select(FloorEntry))}
    return [found[u] for u in uuids if u in found]


def confirm_screened(client: FlaskClient) -> None:
    token = csrf_token_from(client, "/bureau/afgeschermd")
    response = client.post("/bureau/afgeschermd", data={"confirm": "y", "csrf_token": token})
    assert response.status_code == 302


def report_input(**changes: Any) -> ReportInput:
    """A conversation report held today with the student about behaviour (summary "s"), with
    ``changes`` to its fields."""
    report = ReportInput(
        held_on=local_today(), with_whom=["leerling"], with_other="", topics=["gedrag"], summary="s"
    )
    return replace(report, **changes)


def handover_input(moment: str, **changes: Any) -> HandoverInput:
    """A complete handover for ``moment`` (criterion "complex", no team leader), with ``changes``
    to its fields."""
    handover = HandoverInput(
        criteria=["complex"],
        summary="s",
        help_questions="h",
        proposed_next_step="p",
        moment=moment,
        teamleider=None,
    )
    return replace(handover, **changes)
