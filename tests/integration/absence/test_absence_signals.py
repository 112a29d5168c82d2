"""Signals stored and shown: evaluation, the list per location and role, acknowledgement, the
student's absence overview, the CLI."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete, func, select

from app.absence.importer import import_absence
from app.absence.signals import evaluate_signals, evaluated_as_of
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AbsenceEvaluation, AbsenceSignal, AuditEvent, Location, Student, User
from tests.absence_helpers import magister_csv, magister_day, magister_row, school_calendar
from tests.client_helpers import csrf_token_from
from tests.csv_helpers import HOSTILE_CLASSES, cells, formula_cells

MON = date(2026, 9, 14)
AS_OF = date(2026, 9, 18)


@pytest.fixture
def students(app: Flask, make_student: Callable[..., Student]) -> dict[str, Student]:
    """A ZS and an HK student with 16 hours of truancy (Mon–Tue), and a ZS student who is fine."""
    school_calendar()
    zs = make_student("ZS", leerlingnummer="300001", first_name="Zara", last_name="Zuid")
    hk = make_student("HK", leerlingnummer="300002", first_name="Henk", last_name="Kade")
    calm = make_student("ZS", leerlingnummer="300003", first_name="Cas", last_name="Rust")
    rows = []
    for number in ("300001", "300002"):
        rows += magister_day(number, MON) + magister_day(number, MON.replace(day=15))
    rows += [magister_row("300001", MON.replace(day=d), 1, "L") for d in (16, 17, 18)]
    rows.append(magister_row("300003", MON, 2, "V"))
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=AS_OF)
    db.session.commit()
    return {"zs": zs, "hk": hk, "calm": calm}


def signal_of(student: Student, rule: str = "16uur") -> AbsenceSignal:
    signal = db.session.scalar(
        select(AbsenceSignal).where(
            AbsenceSignal.student_id == student.id, AbsenceSignal.rule == rule
        )
    )
    assert signal is not None
    return signal


def test_evaluation_stores_each_signal_once(students: dict[str, Student]) -> None:
    signal = signal_of(students["zs"])
    assert (signal.window_start, signal.window_end, signal.hours) == (
        MON,
        MON.replace(day=15),
        16,
    )
    assert signal.due_on == date(2026, 9, 22) and signal.active
    assert signal_of(students["zs"], "te_laat").count == 3
    first_seen = signal.first_seen_at
    total = db.session.scalar(select(func.count(AbsenceSignal.id)))
    again = evaluate_signals(AS_OF)
    db.session.commit()
    assert again.new == 0 and again.closed == 0
    assert db.session.scalar(select(func.count(AbsenceSignal.id))) == total
    assert signal_of(students["zs"]).first_seen_at == first_seen
    # Weeks later the signals are no longer active, but they are kept.
    later = evaluate_signals(date(2026, 11, 20))
    db.session.commit()
    assert later.active == 0 and later.closed == total
    assert not signal_of(students["zs"]).active


ROLES_AT_ZS = [Role.MEDEWERKER, Role.TEAMLEIDER, Role.COPA, Role.LOCATIELEIDER, Role.BEHEER]


@pytest.mark.parametrize("role", ROLES_AT_ZS)
def test_every_role_sees_only_its_locations_signals(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student], role: Role
) -> None:
    user = login_as(role, ("ZS",))
    page = client.get("/verzuim/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Zuid, Zara" in html
    assert "Kade, Henk" not in html and "300002" not in html
    assert "Rust, Cas" not in html  # no signal
    assert "nieuw" in html  # first seen today
    can_acknowledge = role in (Role.MEDEWERKER, Role.TEAMLEIDER, Role.COPA)
    assert ("Afhandelen" in html) is can_acknowledge
    # Case workers get a link to open (or go to) the student's case in desk mode.
    works_cases = role in (Role.MEDEWERKER, Role.TEAMLEIDER)
    has_desk = "desk.new_case" in client.application.view_functions
    assert ("Casus openen of bekijken" in html) is (works_cases and has_desk)
    views = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.user_id == user.id, AuditEvent.object_type == "absence_signal"
        )
    ).all()
    assert {event.student_id for event in views} == {students["zs"].id}


def test_beheer_with_every_location_sees_both(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    login_as(Role.BEHEER, ("ZS", "HK"))
    html = client.get("/verzuim/").get_data(as_text=True)
    assert "Zuid, Zara" in html and "Kade, Henk" in html
    only_hk = client.get("/verzuim/?locatie=HK").get_data(as_text=True)
    assert "Kade, Henk" in only_hk and "Zuid, Zara" not in only_hk
    # A location the user is not assigned to is ignored, not trusted.
    logout(client)
    login_as(Role.TEAMLEIDER, ("ZS",))
    assert "Kade, Henk" not in client.get("/verzuim/?locatie=HK").get_data(as_text=True)


def test_filter_by_rule_sort_and_inactive(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    late_only = client.get("/verzuim/?regel=te_laat").get_data(as_text=True)
    assert "keer te laat" in late_only and "uur ongeoorloofd van" not in late_only
    for sort in ("nieuw", "naam", "klas", "regel", "uren", "datum", "onzin"):
        assert client.get(f"/verzuim/?sort={sort}").status_code == 200
    evaluate_signals(date(2026, 11, 20))
    db.session.commit()
    # An ended signal stays on the list, marked so, until someone acknowledges it.
    html = client.get("/verzuim/").get_data(as_text=True)
    assert "Zuid, Zara" in html and "beëindigd op 20-11-2026" in html and ">lopend<" not in html
    for signal in db.session.scalars(select(AbsenceSignal)):
        if signal.student_id == students["zs"].id:
            acknowledge(client, signal.id)
    assert "Zuid, Zara" not in client.get("/verzuim/").get_data(as_text=True)
    assert "beëindigd op" in client.get("/verzuim/?inactief=1").get_data(as_text=True)


def test_the_list_says_as_of_which_day_it_was_evaluated(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    """ "Berekend per …" is the newest evaluation that covered the list's locations (of all, or
    of that one; the oldest part counts), also when it found every signal unchanged and wrote
    none of them; a look at another day that stores nothing leaves it alone."""
    login_as(Role.BEHEER, ("ZS", "HK"))

    def as_of(query: str = "") -> str:
        html = client.get(f"/verzuim/{query}").get_data(as_text=True)
        return html.split("Berekend per ", 1)[1].split(".", 1)[0] if "Berekend per" in html else ""

    # The import evaluated the students it changed, of every location.
    assert as_of() == as_of("?locatie=HK") == "18-09-2026"
    zs_signal = signal_of(students["zs"])
    hk = db.session.scalar(select(Location).where(Location.code == "HK"))
    evaluate_signals(date(2026, 9, 21), location=hk)
    db.session.commit()
    assert as_of("?locatie=HK") == "21-09-2026"
    assert as_of("?locatie=ZS") == as_of() == "18-09-2026"
    evaluate_signals(date(2026, 9, 22))
    db.session.commit()
    assert as_of() == as_of("?locatie=HK") == as_of("?locatie=ZS") == "22-09-2026"
    db.session.expire_all()
    unchanged = signal_of(students["zs"])
    assert (unchanged.evaluated_on, unchanged.version) == (AS_OF, zs_signal.version)
    stored = db.session.execute(
        select(
            AbsenceEvaluation.as_of, AbsenceEvaluation.location_id, AbsenceEvaluation.partial
        ).order_by(AbsenceEvaluation.id)
    ).all()
    assert stored == [
        (AS_OF, None, False),  # the first import evaluates every student
        (date(2026, 9, 21), hk.id, False),
        (date(2026, 9, 22), None, False),
    ]
    # An import's evaluation of the students it changed does not make the others' current.
    evaluate_signals(date(2026, 9, 24), student_ids=[students["hk"].id])
    db.session.commit()
    assert as_of() == as_of("?locatie=HK") == "22-09-2026"
    assert db.session.scalar(select(AbsenceEvaluation.partial).order_by(-AbsenceEvaluation.id))
    evaluate_signals(date(2026, 9, 25), store=False)
    assert as_of() == "22-09-2026"
    # Before any evaluation, the list says nothing of a day.
    db.session.execute(delete(AbsenceEvaluation))
    db.session.commit()
    assert as_of() == "" and evaluated_as_of([hk.id]) is None


def logout(client: FlaskClient) -> None:
    token = csrf_token_from(client, "/verzuim/wat-telt")
    client.post("/logout", data={"csrf_token": token})


def acknowledge(client: FlaskClient, signal_id: int, note: str = "Gesprek met ouders gepland"):
    token = csrf_token_from(client, "/verzuim/wat-telt")
    return client.post(
        f"/verzuim/signalen/{signal_id}/afhandelen", data={"csrf_token": token, "note": note}
    )


def test_acknowledge_with_a_note_is_audited(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    user = login_as(Role.TEAMLEIDER, ("ZS",))
    signal = signal_of(students["zs"])
    assert acknowledge(client, signal.id).status_code == 302
    signal = signal_of(students["zs"])
    assert signal.acknowledged_by_id == user.id and signal.acknowledged_at is not None
    assert signal.acknowledgement_note == "Gesprek met ouders gepland"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "acknowledge"))
    assert event is not None and event.student_id == students["zs"].id
    html = client.get("/verzuim/").get_data(as_text=True)
    assert "Afgehandeld door" in html and "Gesprek met ouders gepland" in html


def test_acknowledge_refuses_empty_notes_other_locations_and_readers(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    assert acknowledge(client, signal_of(students["zs"]).id, note="").status_code == 302
    assert signal_of(students["zs"]).acknowledged_at is None
    assert acknowledge(client, signal_of(students["hk"]).id).status_code == 404
    assert acknowledge(client, 999_999).status_code == 404
    logout(client)
    login_as(Role.LOCATIELEIDER, ("ZS",))
    assert acknowledge(client, signal_of(students["zs"]).id).status_code == 403
    assert signal_of(students["zs"]).acknowledged_at is None


def test_csv_download_is_filtered_and_audited(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    user = login_as(Role.TEAMLEIDER, ("ZS",))
    response = client.get("/verzuim/signalen.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("leerlingnummer;rule;")
    assert any(line.startswith("300001;16uur;") for line in lines)
    assert not any(line.startswith("300002") for line in lines)
    exports = db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.action == "export")
    ).all()
    assert {e.student_id for e in exports} == {students["zs"].id}


@pytest.mark.parametrize("klas", HOSTILE_CLASSES)
def test_signal_csv_web_and_cli_neutralise_hostile_classes(
    client: FlaskClient,
    runner: FlaskCliRunner,
    login_as: Callable[..., User],
    students: dict[str, Student],
    klas: str,
) -> None:
    students["zs"].class_name = klas
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    web = client.get("/verzuim/signalen.csv").get_data(as_text=True)
    assert formula_cells(web) == [] and {row[4] for row in cells(web)[1:]} == {f"'{klas}"}
    cli = runner.invoke(args=["signals", "--date", "2026-09-18", "--csv"])
    assert cli.exit_code == 0, cli.output
    assert formula_cells(cli.output, ",") == []
    # On standard output lines end in "\n", and a carriage return in a cell becomes one too.
    shown = {row[4] for row in cells(cli.output, ",")[1:] if row[0] == "300001"}
    assert shown == {f"'{klas}".replace("\r", "\n")}


def test_student_page_shows_the_absence_overview(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    user = login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get("/leerlingen/300001").get_data(as_text=True)
    assert 'id="verzuim-kop"' in html
    assert "verzuimloket van DUO" in html and "uiterlijk 22-09-2026" in html
    assert "SchoolFit herinnert alleen" in html
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert "Cijfers als tabel" in html and "Ziekmeldingen dit schooljaar" in html
    assert 'class="absence-grid"' in html
    assert "style=" not in html  # the CSP allows no inline style
    absence_views = db.session.scalars(
        select(AuditEvent).where(AuditEvent.user_id == user.id, AuditEvent.object_type == "absence")
    ).all()
    assert [e.student_id for e in absence_views] == [students["zs"].id]
    # No absence at all: no section, no audit event for absence.
    calm = client.get("/leerlingen/300003").get_data(as_text=True)
    assert 'id="verzuim-kop"' in calm  # one authorised hour is still absence to show
    assert client.get("/leerlingen/300002").status_code == 404  # other location


def test_student_without_absence_has_no_overview(
    client: FlaskClient,
    login_as: Callable[..., User],
    students: dict[str, Student],
    make_student: Callable[..., Student],
) -> None:
    make_student("ZS", leerlingnummer="300009")
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get("/leerlingen/300009").get_data(as_text=True)
    assert 'id="verzuim-kop"' not in html


def test_a_student_who_moves_location_mid_window(
    client: FlaskClient, login_as: Callable[..., User], students: dict[str, Student]
) -> None:
    hk_student = students["hk"]
    # Only Monday's 8 hours at HK so far; then the student moves to ZS.
    db.session.execute(
        AbsenceSignal.__table__.delete().where(AbsenceSignal.student_id == hk_student.id)
    )
    zs = db.session.scalar(select(Location).where(Location.code == "ZS"))
    assert zs is not None
    hk_student.location_id = zs.id
    db.session.commit()
    import_absence(
        magister_csv(*magister_day("300002", date(2026, 9, 21))),
        "week2.csv",
        as_of=date(2026, 9, 21),
    )
    db.session.commit()
    signals = db.session.scalars(
        select(AbsenceSignal).where(
            AbsenceSignal.student_id == hk_student.id, AbsenceSignal.rule == "16uur"
        )
    ).all()
    # Hours from before the move count too: the signal follows the student.
    assert [(s.window_start, s.hours) for s in signals] == [(MON, 16)]
    login_as(Role.TEAMLEIDER, ("ZS",))
    assert "Kade, Henk" in client.get("/verzuim/").get_data(as_text=True)
    logout(client)
    login_as(Role.TEAMLEIDER, ("HK",))
    assert "Kade, Henk" not in client.get("/verzuim/").get_data(as_text=True)


def test_inactive_students_drop_off(students: dict[str, Student]) -> None:
    students["zs"].active = False
    db.session.commit()
    summary = evaluate_signals(AS_OF)
    db.session.commit()
    assert summary.closed >= 2
    assert not signal_of(students["zs"]).active


@pytest.mark.parametrize("role", list(Role))
def test_definitions_page_shows_the_thresholds(
    client: FlaskClient, login_as: Callable[..., User], role: Role
) -> None:
    login_as(role, ("ZS",))
    html = client.get("/verzuim/wat-telt").get_data(as_text=True)
    assert "Wat telt als hoog verzuim" in html
    assert "16 uur of meer ongeoorloofd verzuim binnen 4 aaneengesloten schoolweken" in html
    assert "binnen 12 schoolweken" in html and "aaneengesloten schooldag ziek" in html
    assert "GE" in html  # the code table


def test_pages_need_a_login(client: FlaskClient) -> None:
    for path in ("/verzuim/", "/verzuim/wat-telt", "/verzuim/signalen.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_cli_signals(runner: FlaskCliRunner, students: dict[str, Student]) -> None:
    result = runner.invoke(args=["signals", "--date", "2026-09-18", "--csv"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("leerlingnummer,rule,variant,locatie,klas,window_start")
    rows = [line.split(",") for line in lines[1:]]
    assert ["300001", "16uur"] in [row[:2] for row in rows]
    assert ["300001", "te_laat"] in [row[:2] for row in rows]
    sixteen = next(row for row in rows if row[:2] == ["300001", "16uur"])
    assert sixteen[5:9] == ["2026-09-14", "2026-09-15", "2026-09-15", "16"]

    only_hk = runner.invoke(args=["signals", "--date", "18-09-2026", "--location", "hk"])
    assert only_hk.exit_code == 0, only_hk.output
    assert "300002" in only_hk.output and "300001" not in only_hk.output
    assert "melden uiterlijk 2026-09-22" in only_hk.output

    late = runner.invoke(args=["signals", "--date", "2026-09-18", "--rule", "te_laat", "--csv"])
    assert [line.split(",")[1] for line in late.output.splitlines()[1:]] == ["te_laat"]

    assert runner.invoke(args=["signals", "--location", "XX"]).exit_code != 0
    assert runner.invoke(args=["signals", "--rule", "spijbelen"]).exit_code != 0


def test_cli_signals_for_another_day_stores_nothing(
    runner: FlaskCliRunner, students: dict[str, Student]
) -> None:
    """The stored signals are today's (the list, the DUO reminder, the digest); a look at an
    earlier day lists that day's findings and leaves them alone."""

    evaluate_signals(date(2026, 9, 18))  # as if stored on that school day
    db.session.commit()

    def stored() -> list[tuple[str, bool, date]]:
        db.session.expire_all()
        return sorted(
            (s.rule, s.active, s.evaluated_on) for s in db.session.scalars(select(AbsenceSignal))
        )

    before = stored()
    assert ("16uur", True, date(2026, 9, 18)) in before
    result = runner.invoke(args=["signals", "--date", "2026-09-01"])
    assert result.exit_code == 0, result.output
    assert "niet opgeslagen" in result.output
    assert "16uur" not in result.output  # nothing had happened yet on 1 September
    assert stored() == before
    csv_lines = runner.invoke(args=["signals", "--date", "2026-09-18", "--csv"]).output
    assert "300001,16uur" in csv_lines
    assert stored() == before


def test_subject_access_erasure_and_retention(
    students: dict[str, Student], make_user: Callable[..., User]
) -> None:
    from datetime import UTC, datetime, timedelta

    from app.absence.privacy import purge_absence_of_leavers
    from app.models import AbsenceRecord
    from app.privacy.subject import erase_student, subject_access

    zs, hk = students["zs"], students["hk"]
    sections = {s.key: s for s in subject_access(zs)}
    assert len(sections["verzuim"].rows) == 19  # 16 lessons and 3 late arrivals
    assert {r["signaal"] for r in sections["verzuimsignalen"].rows} == {"16uur", "te_laat"}

    def rows_of(student_id: int) -> int:
        return db.session.scalar(
            select(func.count(AbsenceRecord.id)).where(AbsenceRecord.student_id == student_id)
        ) + db.session.scalar(
            select(func.count(AbsenceSignal.id)).where(AbsenceSignal.student_id == student_id)
        )

    # Retention: 5 years after leaving (the cutoff is given by the purge).
    hk.active, hk.left_at = False, datetime(2026, 10, 1, tzinfo=UTC)
    db.session.commit()
    hk_rows = rows_of(hk.id)
    assert purge_absence_of_leavers(datetime(2026, 9, 1, tzinfo=UTC), dry_run=False) == 0
    cutoff = datetime(2026, 10, 1, tzinfo=UTC) + timedelta(days=1)
    assert purge_absence_of_leavers(cutoff, dry_run=True) == hk_rows
    assert rows_of(hk.id) == hk_rows
    assert purge_absence_of_leavers(cutoff, dry_run=False) == hk_rows
    assert rows_of(hk.id) == 0 and rows_of(zs.id) > 0

    zs_id = zs.id
    counts = erase_student(zs, make_user(Role.BEHEER, ("ZS",)), "verzoek van ouders")
    db.session.commit()
    assert counts["erase_absence"] > 0 and rows_of(zs_id) == 0
