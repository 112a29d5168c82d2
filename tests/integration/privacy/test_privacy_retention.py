"""Retention purge: each kind of data leaves after its period, idempotently, with counts."""

from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.audit import record
from app.core.localtime import local_today
from app.core.vocabulary import FlagStatus, Role
from app.extensions import db
from app.floor.services import accept_climate_checks, accept_entries
from app.models import (
    AuditEvent,
    ClimateCheck,
    Flag,
    FloorEntry,
    FormSubmission,
    ImportRun,
    QuarantinedEntry,
    Student,
    User,
)
from app.models.floor import floor_entry_student
from app.models.types import utcnow
from app.privacy.retention import purge
from tests.db_helpers import count
from tests.floor_helpers import climate_check, entry
from tests.inbox_helpers import recorded_import
from tests.pulse_helpers import add_answers, make_peiling
from tests.retention_helpers import DAYS


def test_purge_applies_each_period(
    locations: dict, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")
    now = utcnow()
    zs = locations["ZS"]
    # Entries are made "now" and then moved back in time, as if they were old.
    accept_entries(
        staff,
        [
            entry(zs),  # anonymous, recent: stays
            entry(zs),  # anonymous, 3 years old: deleted
            entry(zs, "vlag", flag_type="zorg", students=[student.leerlingnummer], note="thuis"),
            entry(zs, "spanning", severity="laag", students=[student.leerlingnummer]),  # recent
            entry(zs, "uitgevonden"),  # quarantined
        ],
    )
    db.session.commit()
    rows = db.session.scalars(select(FloorEntry).order_by(FloorEntry.id)).all()
    rows[1].occurred_at = now - timedelta(days=3 * 365)
    rows[2].occurred_at = now - timedelta(days=400)
    flag = db.session.scalar(select(Flag))
    flag.status = FlagStatus.AFGEHANDELD
    flag.raised_at = now - timedelta(days=400)
    db.session.scalar(select(QuarantinedEntry)).received_at = now - timedelta(days=91)
    db.session.add_all(
        FormSubmission(token=f"{n:032x}", user_id=staff.id, submitted_at=now - timedelta(days=age))
        for n, age in ((1, 3), (2, 1))  # three days old: gone; yesterday's: kept
    )
    # The import history: an old refusal naming a student loses its message, keeps its row.
    for n, age in ((1, 91), (2, 89)):
        recorded_import(
            digest=f"{n}" * 64,
            inbox_claim=f"{n}" * 64,
            message=f"Regel 2: leerlingnummer {student.leerlingnummer} staat ook op regel 1",
            started_at=now - timedelta(days=age),
        )
    old_event = record(staff, "view", "student", student.leerlingnummer, student=student)
    old_event.at = now - timedelta(days=6 * 365)
    record(staff, "view", "student", student.leerlingnummer, student=student)
    db.session.commit()

    dry = {line.key: line.count for line in purge(DAYS, dry_run=True, now=now)}
    db.session.rollback()
    assert dry == {
        "anonymous_floor_entries": 1,
        "named_floor_entries": 1,
        "handled_flags": 1,
        "quarantined_entries": 1,
        "climate_checks": 0,
        "closed_cases": 0,
        "desk_records_without_case": 0,
        "students_who_left": 0,
        "absence_of_leavers": 0,
        "peiling_devices": 0,
        "audit_log": 1,
        "form_submissions": 1,
        "student_import_uploads": 0,
        "import_reports": 1,
        "alerts": 0,
        "push_subscriptions": 0,
        "closed_meldcode_trajecten": 0,
        "named_incidents": 0,
        "anonymous_incidents": 0,
        "closed_referrals": 0,
    }
    assert count(FloorEntry) == 4  # a dry run changes nothing

    done = {line.key: line.count for line in purge(DAYS, now=now)}
    db.session.commit()
    assert done == dry
    assert count(FloorEntry) == 3
    anonymised = db.session.get(FloorEntry, rows[2].id)
    assert anonymised is not None and anonymised.note == "" and anonymised.students == []
    recent_named = db.session.get(FloorEntry, rows[3].id)
    assert recent_named is not None and recent_named.students == [student]
    assert count(Flag) == 0 and count(QuarantinedEntry) == 0 and count(AuditEvent) == 1
    assert count(FormSubmission) == 1
    runs = db.session.scalars(select(ImportRun).order_by(ImportRun.started_at)).all()
    assert [(run.message == "", run.inbox_claim) for run in runs] == [
        (True, "1" * 64),  # the claim stays: the same file is still not imported twice
        (False, "2" * 64),
    ]
    links = db.session.scalar(select(func.count()).select_from(floor_entry_student))
    assert links == 1

    again = {line.key: line.count for line in purge(DAYS, now=now)}
    assert set(again.values()) == {0}  # idempotent


def test_open_flags_stay_until_handled(
    locations: dict, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")
    accept_entries(
        staff,
        [entry(locations["ZS"], "vlag", flag_type="opvolgen", students=[student.leerlingnummer])],
    )
    db.session.commit()
    db.session.scalar(select(Flag)).raised_at = utcnow() - timedelta(days=800)
    db.session.commit()
    purge(DAYS)
    db.session.commit()
    assert count(Flag) == 1


def test_climate_checks_expire(locations: dict, make_user: Callable[..., User]) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    accept_climate_checks(staff, [climate_check(locations["ZS"])])
    db.session.commit()
    db.session.scalar(select(ClimateCheck)).checked_at = utcnow() - timedelta(days=731)
    db.session.commit()
    assert {line.key: line.count for line in purge(DAYS)}["climate_checks"] == 1


def test_purge_command_reports_counts(runner: FlaskCliRunner, locations: dict) -> None:
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Zou worden" in result.output and "vloerregistraties over leerlingen" in result.output
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0 and "Klaar" in result.output


def test_closed_cases_and_loose_desk_records_expire(
    locations: dict, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    from app.core.vocabulary import CaseStatus
    from app.desk.calls.services import create_call
    from app.desk.cases.services import change_status, open_case
    from app.models import CaseStatusChange, Casus, ConversationReport, ParentCall

    staff = make_user(Role.MEDEWERKER, ("ZS",))
    old, recent, still_open = make_student("ZS"), make_student("ZS"), make_student("ZS")
    without_case = make_student("ZS")
    cases = {}
    for student in (old, recent, still_open):
        cases[student.id] = open_case(
            staff, student, reason="zorgen", status=CaseStatus.SIGNAAL, owner=staff, teamleider=None
        )
    filed = create_call(staff, old, due=local_today(), assignee=staff, subject="bellen")
    filed.case_id = cases[old.id].id
    loose_old = create_call(
        staff, without_case, due=local_today(), assignee=staff, subject="los, oud"
    )
    loose_open = create_call(
        staff, without_case, due=local_today(), assignee=staff, subject="nog open"
    )
    db.session.flush()
    for student in (old, recent):
        change_status(staff, cases[student.id], CaseStatus.AFGESLOTEN, "klaar")
    db.session.commit()
    now = utcnow()
    old_case_id = cases[old.id].id
    cases[old.id].closed_at = now - timedelta(days=731)
    cases[recent.id].closed_at = now - timedelta(days=30)
    cases[still_open.id].opened_at = now - timedelta(days=2000)
    for call in (loose_old, loose_open):
        call.created_at = now - timedelta(days=400)
    loose_old.status = "afgerond"
    db.session.commit()

    dry = {line.key: line.count for line in purge(DAYS, dry_run=True, now=now)}
    db.session.rollback()
    assert dry["closed_cases"] == 2  # the case and the call filed under it
    assert dry["desk_records_without_case"] == 1  # the finished loose call; the open one stays
    assert count(Casus) == 3

    purge(DAYS, now=now)
    db.session.commit()
    assert sorted(db.session.scalars(select(Casus.student_id)).all()) == sorted(
        [recent.id, still_open.id]
    )
    assert db.session.scalars(select(ParentCall.subject)).all() == ["nog open"]
    history = db.session.scalars(select(CaseStatusChange.case_id)).all()
    assert history and old_case_id not in history  # the status history went with its case
    assert count(ConversationReport) == 0
    again = {line.key: line.count for line in purge(DAYS, now=now)}
    assert again["closed_cases"] == 0 and again["desk_records_without_case"] == 0


def test_the_device_register_of_ended_peilingen_is_emptied(
    app, locations: dict, make_user: Callable[..., User]
) -> None:
    from app.models import PeilingDevice

    opener = make_user(Role.TEAMLEIDER, ("ZS",))
    ended = make_peiling(app, opener, locations["ZS"], starts_on=local_today() - timedelta(days=20))
    running = make_peiling(app, opener, locations["ZS"], days=30)
    add_answers(app, ended, 3)
    add_answers(app, running, 2)
    assert count(PeilingDevice) == 5
    dry = {line.key: line.count for line in purge(DAYS, dry_run=True)}
    db.session.rollback()
    assert dry["peiling_devices"] == 3 and count(PeilingDevice) == 5
    purge(DAYS)
    db.session.commit()
    remaining = db.session.scalars(select(PeilingDevice.peiling_id)).all()
    assert remaining == [running.id, running.id]  # a running peiling keeps its register


def test_the_pupil_file_of_a_leaver_is_anonymised_after_two_years(
    locations: dict, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    gone, recent, staying = make_student("ZS"), make_student("ZS"), make_student("ZS")
    accept_entries(
        staff,
        [
            entry(locations["ZS"], "vlag", flag_type="zorg", students=[s.leerlingnummer])
            for s in (gone, recent, staying)
        ],
    )
    now = utcnow()
    for student, years in ((gone, 3), (recent, 1)):
        student.active = False
        student.left_at = now - timedelta(days=365 * years)
    db.session.commit()
    dry = {line.key: line.count for line in purge(DAYS, dry_run=True, now=now)}
    db.session.rollback()
    assert dry["students_who_left"] == 1
    purge(DAYS, now=now)
    db.session.commit()
    db.session.expire_all()
    anonymised = db.session.get(Student, gone.id)
    assert anonymised is not None and anonymised.leerlingnummer == gone.leerlingnummer
    assert (anonymised.first_name, anonymised.last_name, anonymised.class_name) == (
        "",
        "(vertrokken)",
        "",
    )
    assert db.session.get(Student, recent.id).last_name == recent.last_name
    flagged = set(db.session.scalars(select(Flag.student_id)).all())
    assert flagged == {recent.id, staying.id}
    links = set(db.session.scalars(select(floor_entry_student.c.student_id)).all())
    assert gone.id not in links
    again = {line.key: line.count for line in purge(DAYS, now=now)}
    assert again["students_who_left"] == 0
