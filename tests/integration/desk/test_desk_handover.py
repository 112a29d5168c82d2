"""Handover to COPA (fixed format, weekly moment, accept/return), and the LVS texts and export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import time

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.localtime import local_today
from app.core.vocabulary import CallResult, CaseStatus, HandoverStatus, Role
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import open_case
from app.desk.conversations.services import ReportInput, create_report
from app.desk.handover.services import return_handover, submit_handover
from app.desk.handover.slots import upcoming_moments
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    AuditEvent,
    CaseStatusChange,
    Casus,
    Handover,
    HandoverSlot,
    Location,
    Student,
    User,
)
from tests.client_helpers import csrf_token_from, login
from tests.csv_helpers import HOSTILE_CLASSES, HOSTILE_NAMES, cells, formula_cells
from tests.desk_helpers import confirm_screened, floor_item, handover_input, log_floor, report_input


@pytest.fixture
def slot(locations: dict[str, Location]) -> HandoverSlot:
    slot = HandoverSlot(
        location_id=locations["ZS"].id,
        weekday=1,
        starts_at=time(13, 0),
        place="kamer COPA",
        active=True,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def preventive_case(user: User, student: Student) -> Casus:
    case = open_case(
        user,
        student,
        reason="verzuim loopt op",
        status=CaseStatus.PREVENTIEF,
        owner=user,
        teamleider=None,
    )
    db.session.commit()
    return case


def handover_form(
    token: str, moment: str, teamleider: User | None, **overrides: object
) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": token,
        "criteria": ["complex", "externe_zorg"],
        "summary": "Vier gesprekken, twee keer ouders gesproken.",
        "help_questions": "Somberheid; spanningen thuis.",
        "proposed_next_step": "Aanmelden bij het wijkteam.",
        "moment": moment,
        "teamleider": str(teamleider.id) if teamleider else "0",
    }
    data.update(overrides)
    return data


def test_handover_form_is_prefilled_from_the_chronology(
    client: FlaskClient,
    staff: User,
    slot: HandoverSlot,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    log_floor(
        staff,
        floor_item(
            locations["ZS"], "gesprek", topic="motivatie", students=(student.leerlingnummer,)
        ),
        floor_item(locations["ZS"], "contact", students=(student.leerlingnummer,)),
        floor_item(locations["ZS"], "vlag", students=(student.leerlingnummer,)),
    )
    case = preventive_case(staff, student)
    call = create_call(
        staff,
        student,
        due=local_today(),
        assignee=staff,
        subject="verzuim",
        interpreter_needed=True,
        language="Arabisch",
    )
    log_attempt(staff, call, CallResult.GEEN_GEHOOR, "")
    log_attempt(staff, call, CallResult.GESPROKEN, "moeder gesproken")
    db.session.commit()
    html = client.get(f"/bureau/casussen/{case.id}/overdracht").get_data(as_text=True)
    assert "Contacten op de vloer: 2, waarvan 1 korte gesprekken." in html
    assert "Signalen (vlaggen): 1." in html
    assert "Oudercontact: 2 belpogingen, 1 keer gesproken, tolk nodig (Arabisch)." in html
    assert "kamer COPA" in html


def test_handover_without_a_criterion_is_refused_and_nothing_saved(
    client: FlaskClient,
    staff: User,
    token: str,
    slot: HandoverSlot,
    make_student: Callable[..., Student],
) -> None:
    case = preventive_case(staff, make_student("ZS"))
    moment = upcoming_moments(slot.location_id)[0].value
    response = client.post(
        f"/bureau/casussen/{case.id}/overdracht",
        data=handover_form(token, moment, None, criteria=[]),
    )
    assert response.status_code == 400
    assert "Kies minstens één criterium voor overdracht naar COPA." in response.get_data(
        as_text=True
    )
    empty = client.post(
        f"/bureau/casussen/{case.id}/overdracht",
        data=handover_form(token, moment, None, help_questions=" "),
    )
    assert "Vul de hulpvragen in." in empty.get_data(as_text=True)
    wrong_moment = client.post(
        f"/bureau/casussen/{case.id}/overdracht",
        data=handover_form(token, "2020-01-01T12:00:00+00:00", None),
    )
    assert wrong_moment.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Handover)) == 0


def test_handover_needs_a_configured_moment(
    client: FlaskClient, staff: User, token: str, make_student: Callable[..., Student]
) -> None:
    case = preventive_case(staff, make_student("ZS"))
    page = client.get(f"/bureau/casussen/{case.id}/overdracht").get_data(as_text=True)
    assert "nog geen vast overdrachtsmoment ingesteld" in page
    response = client.post(
        f"/bureau/casussen/{case.id}/overdracht", data=handover_form(token, "", None)
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Handover)) == 0


def test_signal_cannot_be_handed_over(
    client: FlaskClient,
    staff: User,
    token: str,
    slot: HandoverSlot,
    make_student: Callable[..., Student],
) -> None:
    case = open_case(
        staff,
        make_student("ZS"),
        reason="r",
        status=CaseStatus.SIGNAAL,
        owner=staff,
        teamleider=None,
    )
    db.session.commit()
    moment = upcoming_moments(slot.location_id)[0].value
    response = client.post(
        f"/bureau/casussen/{case.id}/overdracht", data=handover_form(token, moment, None)
    )
    assert "kan niet worden overgedragen" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Handover)) == 0


def test_handover_accepted_by_copa(
    client: FlaskClient,
    staff: User,
    token: str,
    slot: HandoverSlot,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",))
    copa = make_user(Role.COPA, ("ZS",))
    student = make_student("ZS", first_name="Yara", last_name="Kaya")
    case = preventive_case(staff, student)
    moment = upcoming_moments(slot.location_id)[0]
    # Without choosing the team leader (one exists at ZS): refused.
    no_tl = client.post(
        f"/bureau/casussen/{case.id}/overdracht", data=handover_form(token, moment.value, None)
    )
    assert "Kies de teamleider." in no_tl.get_data(as_text=True)
    response = client.post(
        f"/bureau/casussen/{case.id}/overdracht",
        data=handover_form(token, moment.value, teamleider),
    )
    assert response.status_code == 302
    handover = db.session.scalar(select(Handover))
    assert handover is not None and handover.status == HandoverStatus.INGEDIEND
    assert handover.moment_at == moment.at and handover.place == "kamer COPA"
    assert handover.criteria_codes == ["complex", "externe_zorg"]
    # A second one while the first is pending: refused.
    again = client.post(
        f"/bureau/casussen/{case.id}/overdracht",
        data=handover_form(token, moment.value, teamleider),
    )
    assert "Er staat al een overdracht open" in again.get_data(as_text=True)
    # The staff member cannot decide.
    assert (
        client.post(
            f"/bureau/overdrachten/{handover.id}/accepteren", data={"csrf_token": token}
        ).status_code
        == 403
    )

    client.post("/logout", data={"csrf_token": token})
    login(client, copa.email)
    confirm_screened(client)
    copa_token = csrf_token_from(client, "/bureau/afgeschermd")
    cases_page = client.get("/bureau/casussen").get_data(as_text=True)
    assert "Overdrachten die wachten op COPA" in cases_page and "Yara Kaya" in cases_page
    client.post(
        f"/bureau/overdrachten/{handover.id}/accepteren",
        data={"csrf_token": copa_token, "note": "bespreken dinsdag"},
    )
    case = db.session.get(Casus, case.id)
    assert case.status == CaseStatus.OVERGEDRAGEN_COPA
    last = db.session.scalars(select(CaseStatusChange).order_by(CaseStatusChange.id.desc())).first()
    assert last is not None and last.by_id == copa.id
    assert last.to_status == CaseStatus.OVERGEDRAGEN_COPA and "bespreken dinsdag" in last.reason
    page = client.get(f"/bureau/casussen/{case.id}").get_data(as_text=True)
    assert "Overdracht naar COPA ingediend" in page and "verzuim loopt op" in page
    # COPA may add a note, and hand the case back later.
    client.post(
        f"/bureau/casussen/{case.id}/notitie",
        data={"note-csrf_token": copa_token, "note-text": "aangemeld bij wijkteam"},
    )
    assert "aangemeld bij wijkteam" in client.get(f"/bureau/casussen/{case.id}").get_data(
        as_text=True
    )

    # While the case is with COPA, SchoolFit reads it and adds notes; it cannot take it back.
    client.post("/logout", data={"csrf_token": copa_token})
    login(client, staff.email)
    confirm_screened(client)
    staff_token = csrf_token_from(client, "/bureau/afgeschermd")
    page = client.get(f"/bureau/casussen/{case.id}").get_data(as_text=True)
    assert "aangemeld bij wijkteam" in page and 'action="/bureau/casussen/' in page
    refused = client.post(
        f"/bureau/casussen/{case.id}/status",
        data={
            "status-csrf_token": staff_token,
            "status-status": "afgesloten",
            "status-reason": "x",
        },
    )
    assert refused.status_code == 403
    assert db.session.get(Casus, case.id).status == CaseStatus.OVERGEDRAGEN_COPA
    client.post(
        f"/bureau/casussen/{case.id}/notitie",
        data={"note-csrf_token": staff_token, "note-text": "vader gebeld door mentor"},
    )
    assert "vader gebeld door mentor" in client.get(f"/bureau/casussen/{case.id}").get_data(
        as_text=True
    )


def test_handover_returned_shows_in_outstanding(
    client: FlaskClient,
    staff: User,
    token: str,
    slot: HandoverSlot,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    copa = make_user(Role.COPA, ("ZS",))
    case = preventive_case(staff, make_student("ZS", first_name="Bram"))
    handover = submit_handover(
        staff,
        case,
        handover_input(
            upcoming_moments(slot.location_id)[0].value, criteria=["meerdere_hulpvragen"]
        ),
    )
    db.session.commit()
    # Returning without a reason is refused.
    with pytest.raises(DomainError, match="reden van teruggeven"):
        return_handover(copa, handover, "")
    db.session.rollback()
    return_handover(copa, handover, "eerst nog een huisbezoek")
    db.session.commit()
    html = client.get("/bureau/openstaand").get_data(as_text=True)
    assert "eerst nog een huisbezoek" in html
    client.post(f"/bureau/overdrachten/{handover.id}/gezien", data={"csrf_token": token})
    assert "eerst nog een huisbezoek" not in client.get("/bureau/openstaand").get_data(as_text=True)
    assert db.session.get(Casus, case.id).status == CaseStatus.PREVENTIEF


def test_lvs_text_leaves_out_internal_fields_and_copy_is_audited(
    client: FlaskClient, staff: User, token: str, make_student: Callable[..., Student]
) -> None:
    student = make_student("ZS")
    report = create_report(
        staff,
        student,
        ReportInput(
            held_on=local_today(),
            with_whom=["leerling", "ouder"],
            with_other="",
            topics=["schoolbinding"],
            summary="Gesproken over de lessen.",
            agreements="Elke week even bijpraten.",
            internal_note="GEHEIM-INTERN",
        ),
    )
    db.session.commit()
    html = client.get(f"/bureau/verslagen/{report.id}").get_data(as_text=True)
    lvs = html.split('class="lvs-text"', 1)[1].split("</textarea>", 1)[0]
    assert "Categorie: Gesprek met leerling, ouder/verzorger – schoolbinding" in lvs
    assert f"Auteur: {staff.name} (SchoolFit)" in lvs
    assert "Afspraken:" in lvs and "Elke week even bijpraten." in lvs
    assert "GEHEIM-INTERN" not in lvs
    assert "GEHEIM-INTERN" in html  # still visible on the page itself
    response = client.post(
        "/bureau/lvs/gekopieerd",
        json={"kind": "gespreksverslag", "id": report.id},
        headers={"X-CSRFToken": token},
    )
    assert response.get_json() == {"ok": True}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event is not None and event.student_id == student.id


def test_csv_export_per_period(
    client: FlaskClient,
    staff: User,
    token: str,
    slot: HandoverSlot,
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS", first_name="Noah", last_name="Smit")
    create_report(
        staff,
        student,
        report_input(summary='=HYPERLINK("x")', internal_note="intern"),
    )
    case = preventive_case(staff, student)
    submit_handover(
        staff,
        case,
        handover_input(upcoming_moments(slot.location_id)[0].value),
    )
    other = make_student("GL")
    gl_user = db.session.scalar(select(User).where(User.id == staff.id))
    assert gl_user is not None
    db.session.commit()
    today = local_today().isoformat()
    response = client.post(
        "/bureau/lvs-export",
        data={
            "csrf_token": token,
            "start": today,
            "end": today,
            "location": "0",
            "reports": "y",
            "handovers": "y",
        },
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["datum", "leerlingnummer", "leerling"]
    assert {r[6] for r in rows[1:]} == {"Gesprek met leerling – gedrag", "Overdracht naar COPA"}
    assert all(r[2] == "Noah Smit" for r in rows[1:])
    assert "'=HYPERLINK" in text  # formula neutralised
    assert "intern" not in text.lower().replace("interne", "")
    assert other.leerlingnummer not in text
    exports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert {e.student_id for e in exports} == {None, student.id}
    # A bad period: a clear message, no file.
    bad = client.post(
        "/bureau/lvs-export",
        data={
            "csrf_token": token,
            "start": today,
            "end": "2020-01-01",
            "location": "0",
            "reports": "y",
        },
    )
    assert bad.status_code == 400
    assert "De einddatum ligt voor de begindatum." in bad.get_data(as_text=True)


@pytest.mark.parametrize(("name", "klas"), list(zip(HOSTILE_NAMES, HOSTILE_CLASSES, strict=True)))
def test_csv_export_neutralises_hostile_names_and_classes(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
    name: str,
    klas: str,
) -> None:
    student = make_student("ZS", first_name=name, last_name=name, class_name=klas)
    create_report(staff, student, report_input(summary=name, agreements=klas))
    db.session.commit()
    today = local_today().isoformat()
    data = {"csrf_token": token, "start": today, "end": today, "location": "0", "reports": "y"}
    response = client.post("/bureau/lvs-export", data=data)
    assert response.status_code == 200
    text = response.get_data().decode("utf-8-sig")
    assert formula_cells(text) == []
    row = cells(text)[1]
    assert (row[2], row[3]) == (f"'{name} {name}", f"'{klas}")


def test_slots_are_configured_per_location(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.COPA, ("ZS",))
    token = csrf_token_from(client, "/bureau/overdrachtsmomenten")
    zs = db.session.scalar(select(Location).where(Location.code == "ZS"))
    assert zs is not None
    response = client.post(
        "/bureau/overdrachtsmomenten",
        data={
            "csrf_token": token,
            "location": str(zs.id),
            "weekday": "1",
            "starts_at": "13:00",
            "place": "kamer 2.14",
        },
    )
    assert response.status_code == 302
    duplicate = client.post(
        "/bureau/overdrachtsmomenten",
        data={
            "csrf_token": token,
            "location": str(zs.id),
            "weekday": "1",
            "starts_at": "13:00",
        },
    )
    assert "Dit overdrachtsmoment bestaat al." in duplicate.get_data(as_text=True)
    gl = db.session.scalar(select(Location).where(Location.code == "GL"))
    assert gl is not None
    other = client.post(
        "/bureau/overdrachtsmomenten",
        data={
            "csrf_token": token,
            "location": str(gl.id),
            "weekday": "2",
            "starts_at": "13:00",
        },
    )
    assert other.status_code == 400
    slots = db.session.scalars(select(HandoverSlot)).all()
    assert [(s.location_id, s.weekday, s.place) for s in slots] == [(zs.id, 1, "kamer 2.14")]
    client.post(f"/bureau/overdrachtsmomenten/{slots[0].id}", data={"csrf_token": token})
    assert db.session.get(HandoverSlot, slots[0].id).active is False


def test_csv_export_asks_for_the_password_again_after_a_while(
    client: FlaskClient, staff: User
) -> None:
    with client.session_transaction() as session:
        session["reauth_at"] = 0
    response = client.get("/bureau/lvs-export")
    assert response.status_code == 302
    assert "/herbevestigen" in response.headers["Location"]
