"""Every save leads to what was saved (issue 21): a report or call made from an inbox entry
comes back to the inbox with the entry on top and a link to the record; a worked-out entry links
to its report, call or case; a planned home visit can be changed (with its version checked); the
inbox leads to today's detention class."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.localtime import LOCAL_TZ, local_today
from app.core.vocabulary import FlagStatus, Role, VisitStatus
from app.desk.detention.services import create_session
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.models import (
    AuditEvent,
    Casus,
    ConversationReport,
    Flag,
    HomeVisit,
    Location,
    ParentCall,
    Student,
    User,
)
from tests.client_helpers import csrf_token_from, login
from tests.concurrency_helpers import at_once
from tests.desk_helpers import confirm_screened, floor_item, log_floor

CHANGED_MEANWHILE = "Iemand anders heeft dit net gewijzigd"


def report_data(token: str) -> dict[str, object]:
    return {
        "csrf_token": token,
        "held_on": local_today().isoformat(),
        "with_whom": ["leerling"],
        "topics": ["gedrag"],
        "summary": "rustig gesprek",
    }


def test_a_report_from_the_inbox_comes_back_with_a_link_to_it(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    (entry,) = log_floor(
        staff,
        floor_item(locations["ZS"], "gesprek", topic="gedrag", students=(student.leerlingnummer,)),
    )
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/verslag/nieuw?melding={entry.id}",
        data=report_data(token),
    )
    assert response.headers["Location"] == f"/bureau/?verwerkt={entry.id}#net-verwerkt"
    report = db.session.scalar(select(ConversationReport))
    assert report is not None
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    notice = html.split('id="net-verwerkt"')[1].split("</aside>")[0]
    assert "Net verwerkt" in notice and f'href="/bureau/verslagen/{report.id}"' in notice
    # Under "Verwerkt" the entry links to the report too.
    done = html.split("Verwerkt (1)")[1]
    assert f'href="/bureau/verslagen/{report.id}"' in done
    # Another staff member's entry is never shown this way.
    assert "Net verwerkt" not in client.get(f"/bureau/?verwerkt={entry.id + 1000}").get_data(
        as_text=True
    )


def test_a_call_from_the_inbox_links_to_the_call(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    (entry,) = log_floor(
        staff, floor_item(locations["ZS"], "vlag", students=(student.leerlingnummer,))
    )
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/oudercontact/nieuw?melding={entry.id}",
        data={
            "csrf_token": token,
            "due": local_today().isoformat(),
            "assignee": str(staff.id),
            "subject": "even bijpraten",
            "contact_person": "moeder",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    call = db.session.scalar(select(ParentCall))
    assert call is not None
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'href="/bureau/oudercontact/{call.id}"' in html.split('id="net-verwerkt"')[1]


def _visit(staff: User, student: Student) -> HomeVisit:
    visit, _warnings = plan_visit(
        staff,
        student,
        planned_on=local_today() + timedelta(days=2),
        planned_time=time(15, 30),
        staff_one=staff,
        staff_two=None,
        companion="",
        mixed_pair=False,
        reason="kennismaken",
    )
    db.session.commit()
    return visit


def change_data(token: str, staff: User, version: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": token,
        "version": str(version),
        "planned_on": (local_today() + timedelta(days=5)).isoformat(),
        "planned_time": "10:00",
        "reason": "afspraak verzet door moeder",
        "staff_one": str(staff.id),
        "staff_two": "0",
        "companion": "mentor J. Prins",
        "mixed_pair": "y",
    }
    data.update(overrides)
    return data


def test_a_planned_visit_can_be_changed(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    visit = _visit(staff, make_student("ZS"))
    version = visit.version
    detail = client.get(f"/bureau/huisbezoeken/{visit.id}").get_data(as_text=True)
    assert f'href="/bureau/huisbezoeken/{visit.id}/wijzigen"' in detail
    form = client.get(f"/bureau/huisbezoeken/{visit.id}/wijzigen").get_data(as_text=True)
    assert "kennismaken" in form and "15:30" in form
    assert 'name="version"' in form
    response = client.post(
        f"/bureau/huisbezoeken/{visit.id}/wijzigen", data=change_data(token, staff, version)
    )
    assert response.headers["Location"] == f"/bureau/huisbezoeken/{visit.id}"
    db.session.expire_all()
    changed = db.session.get(HomeVisit, visit.id)
    assert changed is not None and changed.reason == "afspraak verzet door moeder"
    local = changed.planned_at.astimezone(LOCAL_TZ)
    assert local.date() == local_today() + timedelta(days=5) and local.time() == time(10, 0)
    assert changed.companion == "mentor J. Prins" and changed.mixed_pair
    assert changed.version == version + 1
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "update", AuditEvent.object_type == "huisbezoek"
        )
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Huisbezoek gewijzigd." in page and "afspraak verzet door moeder" in page


def test_a_change_made_from_an_old_page_is_refused(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    visit = _visit(staff, make_student("ZS"))
    old_version = visit.version
    client.post(
        f"/bureau/huisbezoeken/{visit.id}/wijzigen",
        data=change_data(token, staff, old_version, reason="eerste wijziging"),
    )
    response = client.post(
        f"/bureau/huisbezoeken/{visit.id}/wijzigen",
        data=change_data(token, staff, old_version, reason="tweede wijziging"),
    )
    assert response.headers["Location"] == f"/bureau/huisbezoeken/{visit.id}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert CHANGED_MEANWHILE in page and "eerste wijziging" in page
    db.session.expire_all()
    assert db.session.get(HomeVisit, visit.id).reason == "eerste wijziging"


def test_a_change_is_checked_like_a_plan(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    visit = _visit(staff, make_student("ZS"))
    response = client.post(
        f"/bureau/huisbezoeken/{visit.id}/wijzigen",
        data=change_data(token, staff, visit.version, planned_on="2020-01-01"),
    )
    assert response.status_code == 400
    assert "Die datum ligt in het verleden." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(HomeVisit, visit.id).reason == "kennismaken"


def test_a_visit_that_is_done_or_cancelled_cannot_be_changed(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    visit = _visit(staff, make_student("ZS"))
    client.post(
        f"/bureau/huisbezoeken/{visit.id}/annuleren", data={"csrf_token": token, "reason": "ziek"}
    )
    detail = client.get(f"/bureau/huisbezoeken/{visit.id}").get_data(as_text=True)
    assert "/wijzigen" not in detail
    response = client.post(
        f"/bureau/huisbezoeken/{visit.id}/wijzigen",
        data=change_data(token, staff, visit.version + 1),
    )
    assert response.headers["Location"] == f"/bureau/huisbezoeken/{visit.id}"
    db.session.expire_all()
    visit = db.session.get(HomeVisit, visit.id)
    assert visit.status == VisitStatus.GEANNULEERD and visit.reason == "kennismaken"


def test_two_changes_of_one_visit_at_once_apply_one(
    app: Flask, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    visit = _visit(staff, make_student("ZS"))
    clients = []
    for _ in range(2):
        other = app.test_client()
        login(other, staff.email)
        confirm_screened(other)
        clients.append((other, csrf_token_from(other, "/bureau/afgeschermd")))
    url = f"/bureau/huisbezoeken/{visit.id}/wijzigen"
    (one, one_token), (two, two_token) = clients
    at_once(
        app,
        [
            (one, lambda c: c.post(url, data=change_data(one_token, staff, 1, reason="een"))),
            (two, lambda c: c.post(url, data=change_data(two_token, staff, 1, reason="twee"))),
        ],
    )
    db.session.expire_all()
    changed = db.session.get(HomeVisit, visit.id)
    assert changed.reason in ("een", "twee") and changed.version == 2


def test_the_inbox_leads_to_todays_detention_class(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    log_floor(staff, floor_item(locations["ZS"], "vlag", students=(student.leerlingnummer,)))
    html = client.get("/bureau/").get_data(as_text=True)
    assert 'href="/bureau/nablijfklas/nieuw"' in html.split("inbox-items")[1]
    session = create_session(
        staff,
        location=locations["ZS"],
        held_on=local_today(),
        starts_at=time(14, 0),
        supervisor=staff,
        note="",
    )
    db.session.commit()
    html = client.get("/bureau/").get_data(as_text=True)
    link = f"/bureau/nablijfklas/{session.id}?q={student.leerlingnummer}#toevoegen"
    assert f'href="{link}"' in html
    page = client.get(link.split("#")[0]).get_data(as_text=True)
    assert student.full_name in page


def test_a_flag_stays_open_when_a_case_is_opened_until_its_follow_up(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS", first_name="Sem", last_name="Bos")
    (entry,) = log_floor(
        staff,
        floor_item(
            locations["ZS"],
            "vlag",
            zone="kantine",
            flag_type="zorg",
            students=(student.leerlingnummer,),
            note="zat alleen",
        ),
    )
    url = f"/bureau/leerling/{student.leerlingnummer}/casus/nieuw?melding={entry.id}"
    form = client.get(url).get_data(as_text=True)
    local = entry.occurred_at.astimezone(LOCAL_TZ)
    prefilled = f"Vlag (zorg) in kantine op {local:%d-%m} om {local:%H:%M}: zat alleen"
    assert f'value="{prefilled}"' in form
    client.post(
        url,
        data={
            "csrf_token": token,
            "reason": prefilled,
            "status": "signaal",
            "owner": str(staff.id),
            "teamleider": "0",
            "review_date": "",
        },
    )
    case = db.session.scalar(select(Casus))
    assert case is not None and case.reason == prefilled
    flag = db.session.scalar(select(Flag))
    assert flag is not None and flag.status == FlagStatus.OPEN
    # Still in the inbox's open part, with the case to go to (not "link to case" again).
    open_part = client.get("/bureau/").get_data(as_text=True).split("Verwerkt (")[0]
    assert "Sem Bos" in open_part and "Koppel aan casus" not in open_part
    assert f'href="/bureau/casussen/{case.id}"' in open_part
    # The report is its follow-up: now the flag is handled, and the entry links to both.
    client.post(
        f"/bureau/leerling/{student.leerlingnummer}/verslag/nieuw?melding={entry.id}",
        data=report_data(token),
    )
    db.session.expire_all()
    flag = db.session.scalar(select(Flag))
    assert flag is not None and flag.status == FlagStatus.AFGEHANDELD
    assert flag.handled_note.startswith("Uitgewerkt in gespreksverslag")
    report = db.session.scalar(select(ConversationReport))
    assert report is not None and report.case_id == case.id
    done = client.get("/bureau/").get_data(as_text=True).split("Verwerkt (")[1]
    assert f'href="/bureau/verslagen/{report.id}"' in done
