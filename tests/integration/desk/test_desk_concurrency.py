"""Changes made at the same moment never leave an impossible state (issue 20, item 4): for every
state machine — case, handover, flag, parent call, home visit, signal acknowledgement — of two
changes sent at once one is applied and the other refused with a message; and a form sent twice
(double click, three tabs) stores one record. On SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.core.localtime import local_today
from app.core.vocabulary import CaseStatus, FlagStatus, HandoverStatus, Role, VisitStatus
from app.desk.calls.services import create_call
from app.desk.cases.services import open_case
from app.desk.handover.services import accept_handover, return_handover, submit_handover
from app.desk.handover.slots import upcoming_moments
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.models import (
    AbsenceSignal,
    CallAttempt,
    CaseNote,
    CaseStatusChange,
    Casus,
    ConversationReport,
    Flag,
    FormSubmission,
    Handover,
    HandoverSlot,
    HomeVisit,
    Location,
    ParentCall,
    Student,
    User,
)
from tests.absence_helpers import add_lateness_signal
from tests.client_helpers import csrf_token_from, login
from tests.concurrency_helpers import at_once
from tests.desk_helpers import confirm_screened, floor_item, handover_input, log_floor

CHANGED_MEANWHILE = "Iemand anders heeft dit net gewijzigd"
ALREADY_SENT = "Dit formulier was al verstuurd"


def signed_in(app: Flask, user: User, *, desk: bool = True) -> tuple[FlaskClient, str]:
    """A client of its own for ``user`` (desk pages unlocked), and its CSRF token."""
    client = app.test_client()
    login(client, user.email)
    if desk:
        confirm_screened(client)
    return client, csrf_token_from(client, "/bureau/afgeschermd")


def refused(text: str) -> bool:
    """A handover decision that came second is refused: either it saw the first one (already
    decided) or it wrote at the very same moment (changed meanwhile)."""
    return CHANGED_MEANWHILE in text or "Over deze overdracht is al beslist." in text


def flashed(client: FlaskClient) -> str:
    """The messages the client's next page shows (and then forgets)."""
    with client.session_transaction() as session:
        return " ".join(str(message) for _category, message in session.get("_flashes", []))


def once_token(client: FlaskClient, path: str, name: str = "once") -> str:
    html = client.get(path).text
    match = re.search(rf'name="{name}" type="hidden" value="([0-9a-f]{{32}})"', html)
    assert match, f"no one-time token on {path}"
    return match.group(1)


@pytest.fixture
def people(make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "staff": make_user(Role.MEDEWERKER, ("ZS",)),
        "teamleider": make_user(Role.TEAMLEIDER, ("ZS",)),
        "copa": make_user(Role.COPA, ("ZS",)),
        "copa2": make_user(Role.COPA, ("ZS",)),
    }


def a_case(staff: User, student: Student, status: CaseStatus = CaseStatus.PREVENTIEF) -> Casus:
    case = open_case(staff, student, reason="r", status=status, owner=staff, teamleider=None)
    db.session.commit()
    return case


def a_pending_handover(people: dict[str, User], location: Location, student: Student) -> Handover:
    """A handover of a new case of ``student``, waiting for COPA's decision."""
    db.session.add(
        HandoverSlot(location_id=location.id, weekday=2, starts_at=time(13), active=True)
    )
    case = a_case(people["staff"], student)
    moment = upcoming_moments(location.id)[0].value
    handover = submit_handover(
        people["staff"], case, handover_input(moment, teamleider=people["teamleider"])
    )
    db.session.commit()
    return handover


def test_copa_accepting_and_returning_one_handover_at_once_decides_once(
    app: Flask,
    people: dict[str, User],
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    handover = a_pending_handover(people, locations["ZS"], make_student("ZS"))
    case = handover.case
    accepting, accept_token = signed_in(app, people["copa"])
    returning, return_token = signed_in(app, people["copa2"])

    responses = at_once(
        app,
        [
            (
                accepting,
                lambda c: c.post(
                    f"/bureau/overdrachten/{handover.id}/accepteren",
                    data={"csrf_token": accept_token, "note": ""},
                ),
            ),
            (
                returning,
                lambda c: c.post(
                    f"/bureau/overdrachten/{handover.id}/teruggeven",
                    data={"csrf_token": return_token, "reason": "eerst het wijkteam"},
                ),
            ),
        ],
    )

    db.session.expire_all()
    handover = db.session.get(Handover, handover.id)
    case = db.session.get(Casus, case.id)
    accepted_rows = db.session.scalars(
        select(CaseStatusChange).where(
            CaseStatusChange.case_id == case.id,
            CaseStatusChange.to_status == CaseStatus.OVERGEDRAGEN_COPA,
        )
    ).all()
    accepted, returned = responses
    if handover.status == HandoverStatus.GEACCEPTEERD:
        assert case.status == CaseStatus.OVERGEDRAGEN_COPA and len(accepted_rows) == 1
        # The return is shown the page again (400) with why it was not applied.
        assert returned.status_code == 400 and refused(returned.text)
    else:
        assert handover.status == HandoverStatus.TERUGGEGEVEN
        assert case.status == CaseStatus.PREVENTIEF and accepted_rows == []
        assert accepted.status_code == 302 and refused(flashed(accepting))


@pytest.mark.parametrize("decision", ["accept", "return"])
def test_a_decision_committed_just_after_the_handover_was_read_is_told_as_changed_meanwhile(
    app: Flask,
    people: dict[str, User],
    locations: dict[str, Location],
    make_student: Callable[..., Student],
    decision: str,
) -> None:
    """The interleaving behind the at-once test, made certain: a colleague returns the handover
    after this decision re-read it and before it writes. The decision is refused as changed
    meanwhile, never as "only COPA of this location decides" (a second read of the handover's
    state would have taken the colleague's return for lost access)."""
    handover = a_pending_handover(people, locations["ZS"], make_student("ZS"))
    case = handover.case
    handover_id = handover.id

    def colleague_returns_it(target: Handover, _context: object, _attrs: object) -> None:
        with Session(db.engine) as other:
            theirs = other.get(Handover, handover_id)
            assert theirs is not None
            theirs.status = HandoverStatus.TERUGGEGEVEN
            theirs.decision_note = "eerst het wijkteam"
            other.commit()

    event.listen(Handover, "refresh", colleague_returns_it, once=True)
    try:
        with pytest.raises(StaleDataError):
            if decision == "accept":
                accept_handover(people["copa"], handover, None)
            else:
                return_handover(people["copa"], handover, "toch niet")
    finally:
        db.session.rollback()
        # Never left behind for another test, had the decision stopped re-reading.
        if event.contains(Handover, "refresh", colleague_returns_it):
            event.remove(Handover, "refresh", colleague_returns_it)
    handover = db.session.get(Handover, handover_id)
    assert handover is not None and handover.status == HandoverStatus.TERUGGEGEVEN
    assert handover.decision_note == "eerst het wijkteam"
    assert db.session.get(Casus, case.id).status == CaseStatus.PREVENTIEF  # type: ignore[union-attr]


def test_three_status_changes_at_once_leave_one_consistent_case(
    app: Flask, people: dict[str, User], make_student: Callable[..., Student]
) -> None:
    case = a_case(people["staff"], make_student("ZS"))
    targets = (CaseStatus.INTENSIEF, CaseStatus.AFGESLOTEN, CaseStatus.INTENSIEF)
    clients = [signed_in(app, people[who]) for who in ("staff", "teamleider", "staff")]

    def change(target: CaseStatus, token: str) -> Callable[[FlaskClient], object]:
        return lambda c: c.post(
            f"/bureau/casussen/{case.id}/status",
            data={
                "csrf_token": token,
                "status-status": target.value,
                "status-reason": f"naar {target.value}",
            },
        )

    responses = at_once(
        app,
        [
            (client, change(target, token))
            for (client, token), target in zip(clients, targets, strict=True)
        ],
    )

    db.session.expire_all()
    case = db.session.get(Casus, case.id)
    changes = db.session.scalars(
        select(CaseStatusChange)
        .where(CaseStatusChange.case_id == case.id)
        .order_by(CaseStatusChange.id)
    ).all()
    applied = [r for r in responses if r.status_code == 302]
    assert len(changes) == 1 + len(applied)  # the opening, and each change that was applied
    assert len(applied) == 1  # all three read the same case: the first write wins
    # A consistent history: every change starts where the previous one ended.
    for before, after in zip(changes, changes[1:], strict=False):
        assert after.from_status == before.to_status
    assert case.status == changes[-1].to_status
    assert (case.closed_at is not None) == (case.status == CaseStatus.AFGESLOTEN)
    assert sum(CHANGED_MEANWHILE in r.text for r in responses) == 2


def test_a_flag_closed_in_two_tabs_at_once_is_closed_once(
    app: Flask,
    people: dict[str, User],
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    (entry,) = log_floor(
        people["staff"],
        floor_item(locations["ZS"], "vlag", students=(student.leerlingnummer,), flag_type="zorg"),
    )
    flag = db.session.scalar(select(Flag).where(Flag.entry_id == entry.id))
    tabs = [signed_in(app, people["staff"]) for _ in range(2)]

    responses = at_once(
        app,
        [
            (
                client,
                lambda c, t=token, why=why: c.post(
                    f"/bureau/vlaggen/{flag.id}/afsluiten", data={"csrf_token": t, "reason": why}
                ),
            )
            for (client, token), why in zip(tabs, ("besproken met mentor", "dubbel"), strict=True)
        ],
    )

    db.session.expire_all()
    flag = db.session.get(Flag, flag.id)
    assert flag.status == FlagStatus.AFGEHANDELD
    assert flag.handled_note in ("Afgesloten: besproken met mentor", "Afgesloten: dubbel")
    assert all(r.status_code == 302 for r in responses)
    assert sum(CHANGED_MEANWHILE in flashed(client) for client, _token in tabs) == 1


def test_a_parent_call_finished_and_cancelled_at_once_ends_one_way(
    app: Flask, people: dict[str, User], make_student: Callable[..., Student]
) -> None:
    staff = people["staff"]
    call = create_call(staff, make_student("ZS"), due=local_today(), assignee=staff, subject="s")
    db.session.commit()
    (one, one_token), (two, two_token) = (signed_in(app, staff), signed_in(app, staff))

    at_once(
        app,
        [
            (
                one,
                lambda c: c.post(
                    f"/bureau/oudercontact/{call.id}/poging",
                    data={
                        "csrf_token": one_token,
                        f"c{call.id}-result": "gesproken",
                        f"c{call.id}-note": "moeder gesproken",
                    },
                ),
            ),
            (
                two,
                lambda c: c.post(
                    f"/bureau/oudercontact/{call.id}/annuleren",
                    data={"csrf_token": two_token, "reason": "niet meer nodig"},
                ),
            ),
        ],
    )

    db.session.expire_all()
    call = db.session.get(ParentCall, call.id)
    attempts = db.session.scalar(
        select(func.count()).select_from(CallAttempt).where(CallAttempt.call_id == call.id)
    )
    # Either it was finished (one attempt, the outcome) or cancelled (no attempt): never both.
    if call.status.value == "afgerond":
        assert attempts == 1 and call.outcome == "moeder gesproken"
    else:
        assert call.status.value == "geannuleerd"
        assert attempts == 0 and call.outcome.startswith("Geannuleerd")


def test_a_home_visit_reported_and_cancelled_at_once_ends_one_way(
    app: Flask, people: dict[str, User], make_student: Callable[..., Student]
) -> None:
    staff = people["staff"]
    visit, _warnings = plan_visit(
        staff,
        make_student("ZS"),
        planned_on=local_today(),
        planned_time=time(0, 1),
        staff_one=staff,
        staff_two=None,
        companion="",
        mixed_pair=False,
        reason="kennismaken",
    )
    db.session.commit()
    (one, one_token), (two, two_token) = (signed_in(app, staff), signed_in(app, staff))

    responses = at_once(
        app,
        [
            (
                one,
                lambda c: c.post(
                    f"/bureau/huisbezoeken/{visit.id}/verslag",
                    data={"csrf_token": one_token, "report": "goed gesprek"},
                ),
            ),
            (
                two,
                lambda c: c.post(
                    f"/bureau/huisbezoeken/{visit.id}/annuleren",
                    data={"csrf_token": two_token, "reason": "ziek"},
                ),
            ),
        ],
    )

    db.session.expire_all()
    visit = db.session.get(HomeVisit, visit.id)
    if visit.status == VisitStatus.GEDAAN:
        assert visit.report == "goed gesprek" and visit.cancel_reason == ""
    else:
        assert visit.status == VisitStatus.GEANNULEERD
        assert visit.report == "" and visit.cancel_reason == "ziek"
    assert sorted(r.status_code for r in responses) == [302, 400]


def test_a_signal_acknowledged_twice_at_once_keeps_one_acknowledgement(
    app: Flask, people: dict[str, User], make_student: Callable[..., Student]
) -> None:
    signal = add_lateness_signal(make_student("ZS").id)
    db.session.commit()
    (one, one_token), (two, two_token) = (
        signed_in(app, people["staff"], desk=False),
        signed_in(app, people["teamleider"], desk=False),
    )

    at_once(
        app,
        [
            (
                client,
                lambda c, t=token, note=note: c.post(
                    f"/verzuim/signalen/{signal.id}/afhandelen",
                    data={"csrf_token": t, "note": note},
                ),
            )
            for (client, token), note in zip(
                ((one, one_token), (two, two_token)),
                ("mentor belt", "gesprek gepland"),
                strict=True,
            )
        ],
    )

    db.session.expire_all()
    signal = db.session.get(AbsenceSignal, signal.id)
    who = {people["staff"].id: "mentor belt", people["teamleider"].id: "gesprek gepland"}
    assert signal.acknowledgement_note == who[signal.acknowledged_by_id]
    assert sum(CHANGED_MEANWHILE in flashed(client) for client in (one, two)) == 1


def test_a_report_form_sent_twice_stores_one_report(
    app: Flask, people: dict[str, User], make_student: Callable[..., Student]
) -> None:
    student = make_student("ZS")
    client, token = signed_in(app, people["staff"])
    path = f"/bureau/leerling/{student.leerlingnummer}/verslag/nieuw"
    form = {
        "csrf_token": token,
        "once": once_token(client, path),
        "held_on": local_today().isoformat(),
        "with_whom": "leerling",
        "topics": "motivatie",
        "summary": "Over de lessen.",
    }

    first = client.post(path, data=form)
    second = client.post(path, data=form)  # the back button, or a second click

    assert first.status_code == second.status_code == 302
    assert second.location == first.location  # both lead to the one report
    assert ALREADY_SENT in flashed(client)
    assert db.session.scalar(select(func.count()).select_from(ConversationReport)) == 1


def test_a_note_sent_from_three_tabs_at_once_is_added_once(
    app: Flask, people: dict[str, User], make_student: Callable[..., Student]
) -> None:
    case = a_case(people["staff"], make_student("ZS"))
    tabs = [signed_in(app, people["staff"]) for _ in range(3)]
    once = once_token(tabs[0][0], f"/bureau/casussen/{case.id}", "note-once")
    form = {"note-once": once, "note-text": "Moeder belt terug."}

    responses = at_once(
        app,
        [
            (
                client,
                lambda c, t=token: c.post(
                    f"/bureau/casussen/{case.id}/notitie", data={**form, "csrf_token": t}
                ),
            )
            for client, token in tabs
        ],
    )

    assert all(r.status_code == 302 for r in responses)
    notes = db.session.scalars(select(CaseNote).where(CaseNote.case_id == case.id)).all()
    assert [n.text for n in notes] == ["Moeder belt terug."]
    assert db.session.scalar(select(func.count()).select_from(FormSubmission)) == 1


def test_a_refused_form_can_be_corrected_and_sent_again_with_its_token(
    app: Flask, people: dict[str, User], make_student: Callable[..., Student]
) -> None:
    """The token is claimed with what the form stores: a refusal keeps it unused."""
    student = make_student("ZS")
    client, token = signed_in(app, people["staff"])
    path = f"/bureau/leerling/{student.leerlingnummer}/oudercontact/nieuw"
    form = {
        "csrf_token": token,
        "once": once_token(client, path),
        "subject": "verzuim",
        "due": (local_today() - timedelta(days=3)).isoformat(),  # in the past: refused
        "assignee": str(people["staff"].id),
    }
    assert client.post(path, data=form).status_code == 400
    form["due"] = local_today().isoformat()
    assert client.post(path, data=form).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ParentCall)) == 1
