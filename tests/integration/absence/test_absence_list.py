"""The signal list as its users live it (issue 21): a signal stays until acknowledged ("lopend"
or "beëindigd op …"), also in ``flask signals``; a long absence is one melding with follow-ups;
an overdue DUO deadline says so; one card per student; newest first is newest; the import's
message agrees with the list; the chart of the last 4 school weeks shows 4 weeks."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update

from app.absence.importer import import_absence
from app.absence.signals import evaluate_signals
from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AbsenceSignal, Student, User
from tests.absence_helpers import magister_csv, magister_day, school_calendar

MON = date(2026, 9, 14)


def school_days(first: date, count: int) -> list[date]:
    calendar = load_calendar()
    days, day = [], first
    while len(days) < count:
        if calendar.is_school_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="signal-card[^"]*" id="leerling-(\d+)"', html)


def test_a_long_absence_is_one_melding_with_follow_ups_on_one_card(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    school_calendar()
    make_student("ZS", leerlingnummer="400001", first_name="Lang", last_name="Weg")
    days = school_days(MON, 46)
    rows = [row for day in days for row in magister_day("400001", day)]
    result = import_absence(magister_csv(*rows), "verzuim.csv", as_of=days[-1])
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get("/verzuim/").get_data(as_text=True)
    assert cards(html) == ["400001"]  # one card for the student
    assert html.count('class="signal-rule rule-16uur"') == 1  # one melding, not 23
    assert "vervolgmeldingen dit schooljaar" in html and "23e melding" not in html
    assert html.count('class="signal-rule rule-lrv"') == 1
    # The deadline of the latest one passed (the evaluation was weeks ago): overdue.
    assert "DUO-termijn verstreken" in html
    # The import's message agrees with the list.
    listed = len(re.findall(r'<li class="signal[ "]', html))
    assert f"{listed} op de lijst" in result.summary()


def test_an_ended_signal_stays_until_acknowledged_and_the_command_lists_it(
    client: FlaskClient,
    runner: FlaskCliRunner,
    login_as: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    school_calendar()
    make_student("ZS", leerlingnummer="400002", first_name="Kort", last_name="Weg")
    rows = magister_day("400002", MON) + magister_day("400002", MON + timedelta(days=1))
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=MON + timedelta(days=4))
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get("/verzuim/").get_data(as_text=True)
    assert ">lopend<" in html
    # Today (weeks later) the signal no longer holds: stored as ended today, still listed.
    summary = evaluate_signals()
    db.session.commit()
    signal = db.session.scalar(select(AbsenceSignal).where(AbsenceSignal.rule == "16uur"))
    assert signal is not None and not signal.active and signal.ended_on == local_today()
    html = client.get("/verzuim/").get_data(as_text=True)
    assert f"beëindigd op {local_today():%d-%m-%Y}" in html and cards(html) == ["400002"]
    assert summary.listed == len(re.findall(r'<li class="signal[ "]', html))
    assert summary.active == 0
    listing = runner.invoke(args=["signals", "--csv"])
    assert listing.exit_code == 0, listing.output
    header, *lines = listing.output.splitlines()
    assert header.endswith(",ended_on")
    row = next(line.split(",") for line in lines if ",16uur," in line)
    assert row[0] == "400002" and row[13] == "nee" and row[-1] == local_today().isoformat()
    # Looking back at another day lists it too (ended, not acknowledged).
    later = runner.invoke(args=["signals", "--date", "2026-11-20", "--csv"])
    assert ",16uur," in later.output
    # Acknowledged: off the list, and off the command's listing.
    db.session.execute(
        update(AbsenceSignal).values(acknowledged_at=signal.first_seen_at, acknowledgement_note="x")
    )
    db.session.commit()
    assert cards(client.get("/verzuim/").get_data(as_text=True)) == []
    assert ",16uur," not in runner.invoke(args=["signals", "--csv"]).output
    assert ",16uur," not in runner.invoke(args=["signals", "--date", "2026-11-20", "--csv"]).output


def test_newest_first_is_newest_and_the_deadline_is_shown_until_it_passes(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    school_calendar()
    make_student("ZS", leerlingnummer="400003", first_name="Anna", last_name="Aarts")
    make_student("ZS", leerlingnummer="400004", first_name="Zeno", last_name="Zwart")
    rows = magister_day("400003", MON) + magister_day("400003", MON + timedelta(days=1))
    rows += magister_day("400004", MON + timedelta(days=2))
    rows += magister_day("400004", MON + timedelta(days=3))
    # One import: both signals are first seen at the same moment.
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=MON + timedelta(days=4))
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    assert cards(client.get("/verzuim/?sort=nieuw").get_data(as_text=True)) == [
        "400004",
        "400003",
    ]
    assert cards(client.get("/verzuim/?sort=naam").get_data(as_text=True)) == [
        "400003",
        "400004",
    ]
    # A deadline still ahead is a reminder; one passed is overdue.
    db.session.execute(update(AbsenceSignal).values(due_on=local_today() + timedelta(days=3)))
    db.session.commit()
    html = client.get("/verzuim/").get_data(as_text=True)
    assert "Melden bij DUO uiterlijk" in html and "DUO-termijn verstreken" not in html
    db.session.execute(update(AbsenceSignal).values(due_on=local_today() - timedelta(days=1)))
    db.session.commit()
    html = client.get("/verzuim/").get_data(as_text=True)
    assert html.count("DUO-termijn verstreken") == 2 and "signal-overdue" in html


def test_the_chart_of_the_last_four_school_weeks_shows_four_weeks(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    school_calendar()
    student = make_student("ZS", leerlingnummer="400005")
    calendar = load_calendar()
    last = calendar.previous_school_day(local_today() + timedelta(days=1))
    assert last is not None
    first = last - timedelta(weeks=6)
    while not calendar.is_school_day(first):
        first += timedelta(days=1)
    # Absent 8 hours six weeks ago (outside the window) and 2 hours on the last school day.
    rows = magister_day("400005", first) + magister_day("400005", last, lessons=range(1, 3))
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=last)
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get(f"/leerlingen/{student.leerlingnummer}").get_data(as_text=True)
    figure = html.split('class="absence-chart"')[1].split("</figure>")[0]
    assert "laatste 4 schoolweken" in figure
    assert figure.count('<rect class="bar') == 4
    assert figure.count("<tr><td>") == 4  # the table under it: the same 4 weeks
    assert "samen 2 uur" in figure


def test_an_overdue_duo_deadline_is_marked_on_the_student_page_too(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    """The same rule (app/absence/duo_rules.py) marks the deadline on the list and in the
    reminder on the student's page."""
    school_calendar()
    make_student("ZS", leerlingnummer="400002", first_name="Ook", last_name="Laat")
    days = school_days(MON, 46)
    rows = [row for day in days for row in magister_day("400002", day)]
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=days[-1])
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    page = client.get("/leerlingen/400002").get_data(as_text=True)
    assert 'class="duo-reminder signal-overdue"' in page
    assert "DUO-termijn verstreken" in page
