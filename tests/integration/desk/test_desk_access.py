"""Access per role: every role × own/other location, for cases and everything about a student
at the desk. Anything a user may not see answers 404, exactly like something that does not
exist; role-only pages answer 403."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.localtime import local_today
from app.core.vocabulary import CaseStatus, Role
from app.desk.calls.services import create_call
from app.desk.cases.services import open_case
from app.desk.conversations.services import create_report
from app.desk.handover.services import (
    accept_handover,
    return_handover,
    submit_handover,
)
from app.desk.handover.slots import upcoming_moments
from app.extensions import db
from app.models import AuditEvent, Casus, HandoverSlot, Location, Student, User
from tests.client_helpers import csrf_token_from
from tests.desk_helpers import confirm_screened, handover_input, report_input

SCHOOLFIT = Role.MEDEWERKER


@pytest.fixture
def world(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> dict[str, object]:
    """A ZS case with a report, a call and a visit; a ZS case handed over (pending) to COPA;
    a ZS case accepted by COPA; and a GL case."""
    zs_staff = make_user(SCHOOLFIT, ("ZS",))
    gl_staff = make_user(SCHOOLFIT, ("GL",))
    copa = make_user(Role.COPA, ("ZS",))
    for code in ("ZS", "GL"):
        db.session.add(
            HandoverSlot(
                location_id=locations[code].id,
                weekday=2,
                starts_at=time(13, 0),
                place="",
                active=True,
            )
        )
    db.session.commit()

    def case_for(user: User, code: str) -> Casus:
        case = open_case(
            user,
            make_student(code),
            reason="r",
            status=CaseStatus.PREVENTIEF,
            owner=user,
            teamleider=None,
        )
        db.session.flush()
        return case

    plain = case_for(zs_staff, "ZS")
    report = create_report(
        zs_staff,
        plain.student,
        report_input(),
    )
    call = create_call(
        zs_staff, plain.student, due=local_today(), assignee=zs_staff, subject="bellen"
    )
    pending = case_for(zs_staff, "ZS")
    moment = upcoming_moments(locations["ZS"].id)[0].value
    pending_handover = submit_handover(
        zs_staff,
        pending,
        handover_input(moment),
    )
    accepted = case_for(zs_staff, "ZS")
    accepted_handover = submit_handover(
        zs_staff,
        accepted,
        handover_input(moment),
    )
    accept_handover(copa, accepted_handover, "")
    returned = case_for(zs_staff, "ZS")
    returned_handover = submit_handover(
        zs_staff,
        returned,
        handover_input(moment),
    )
    return_handover(copa, returned_handover, "nog niet")
    gl = case_for(gl_staff, "GL")
    db.session.commit()
    return {
        "plain": plain.id,
        "pending": pending.id,
        "accepted": accepted.id,
        "returned": returned.id,
        "gl": gl.id,
        "report": report.id,
        "call": call.id,
        "pending_handover": pending_handover.id,
    }


# (role, location) -> which of the cases the user sees.
EXPECTED = {
    (Role.MEDEWERKER, "ZS"): {"plain", "pending", "accepted", "returned"},
    (Role.TEAMLEIDER, "ZS"): {"plain", "pending", "accepted", "returned"},
    (Role.COPA, "ZS"): {"pending", "accepted"},
    (Role.LOCATIELEIDER, "ZS"): set(),
    (Role.BEHEER, "ZS"): set(),
    (Role.MEDEWERKER, "GL"): {"gl"},
    (Role.TEAMLEIDER, "GL"): {"gl"},
    (Role.COPA, "GL"): set(),
    (Role.LOCATIELEIDER, "GL"): set(),
    (Role.BEHEER, "GL"): set(),
}
CASES = ("plain", "pending", "accepted", "returned", "gl")


def normalise(html: str) -> str:
    """CSRF tokens carry a timestamp: leave them out of a page comparison."""
    return re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value=""', html)


@pytest.mark.parametrize(("role", "code"), list(EXPECTED))
def test_case_access_per_role_and_location(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: dict[str, int],
    role: Role,
    code: str,
) -> None:
    login_as(role, (code,))
    confirm_screened(client)
    missing = client.get("/bureau/casussen/999999")
    assert missing.status_code == 404
    for name in CASES:
        response = client.get(f"/bureau/casussen/{world[name]}")
        expected = 200 if name in EXPECTED[(role, code)] else 404
        assert response.status_code == expected, (role, code, name)
        if expected == 404:
            # Nothing tells an invisible case from a missing one.
            path = f"/bureau/casussen/{world[name]}"
            html = normalise(response.get_data(as_text=True).replace(path, "/bureau/casussen/N"))
            expected_html = missing.get_data(as_text=True)
            assert html == normalise(
                expected_html.replace("/bureau/casussen/999999", "/bureau/casussen/N")
            )
    # The case list shows exactly the visible cases (or is refused for roles without cases).
    listing = client.get("/bureau/casussen?afgesloten=1")
    if role in (Role.LOCATIELEIDER, Role.BEHEER):
        assert listing.status_code == 403
    else:
        html = listing.get_data(as_text=True)
        shown = {name for name in CASES if f'/bureau/casussen/{world[name]}"' in html}
        assert shown == EXPECTED[(role, code)], (role, code)


@pytest.mark.parametrize(("role", "code"), list(EXPECTED))
def test_student_work_pages_per_role(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: dict[str, int],
    role: Role,
    code: str,
) -> None:
    login_as(role, (code,))
    confirm_screened(client)
    works_at_zs = role in (Role.MEDEWERKER, Role.TEAMLEIDER) and code == "ZS"
    report = client.get(f"/bureau/verslagen/{world['report']}")
    assert report.status_code == (200 if works_at_zs else 404), role
    call = client.get(f"/bureau/oudercontact/{world['call']}")
    assert call.status_code == (
        200 if works_at_zs else 403 if role not in (Role.MEDEWERKER, Role.TEAMLEIDER) else 404
    ), role
    handover = client.get(f"/bureau/overdrachten/{world['pending_handover']}")
    sees_handover = works_at_zs or (role == Role.COPA and code == "ZS")
    assert handover.status_code == (200 if sees_handover else 404), role


def test_copa_sees_reports_of_handed_over_cases_only(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: dict[str, int],
) -> None:
    login_as(Role.COPA, ("ZS",))
    confirm_screened(client)
    # The "plain" case's report: its student has no case with COPA.
    assert client.get(f"/bureau/verslagen/{world['report']}").status_code == 404


def test_copa_decides_only_on_own_location(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: dict[str, int],
) -> None:
    login_as(Role.COPA, ("GL",))
    confirm_screened(client)
    token = csrf_token_from(client, "/bureau/afgeschermd")
    response = client.post(
        f"/bureau/overdrachten/{world['pending_handover']}/accepteren", data={"csrf_token": token}
    )
    assert response.status_code == 404


def test_create_pages_for_another_locations_student_answer_404(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    confirm_screened(client)
    other = make_student("GL")
    for kind in ("casus", "verslag", "oudercontact", "huisbezoek"):
        path = f"/bureau/leerling/{other.leerlingnummer}/{kind}/nieuw"
        assert client.get(path).status_code == 404, path
        assert client.get(f"/bureau/leerling/000000/{kind}/nieuw").status_code == 404, kind


def test_views_of_student_work_are_audited(
    client: FlaskClient,
    login_as: Callable[..., User],
    world: dict[str, int],
) -> None:
    user = login_as(Role.TEAMLEIDER, ("ZS",))
    confirm_screened(client)
    client.get(f"/bureau/verslagen/{world['report']}")
    client.get(f"/bureau/oudercontact/{world['call']}")
    client.get(f"/bureau/overdrachten/{world['pending_handover']}")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.action == "view")
    ).all()
    assert sorted(e.object_type for e in events) == [
        "gespreksverslag",
        "oudercontact",
        "overdracht",
    ]
    assert all(e.student_id is not None for e in events)


def test_impossible_ids_answer_404(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    confirm_screened(client)
    huge = "9" * 30
    assert client.get(f"/bureau/casussen/{huge}").status_code == 404
    assert client.get(f"/bureau/oudercontact/{huge}").status_code == 404
    token = csrf_token_from(client, "/bureau/afgeschermd")
    assert (
        client.post(f"/bureau/inbox/{huge}/afsluiten", data={"csrf_token": token}).status_code
        == 404
    )
    response = client.post(
        "/bureau/lvs/gekopieerd",
        json={"kind": "overdracht", "id": 10**20},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
