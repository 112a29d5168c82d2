"""The digest builder on a seeded scenario: one location-day with floor, flag, absence, desk,
quarantine and climate data around it; the expected figures are worked out in the test from the
scenario itself, not read back from the builder.

The scenario itself is in ``tests/digest_helpers.py`` (shared with the page, e-mail and browser
tests).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.calendar_store import load_calendar
from app.core.vocabulary import CaseStatus, Role
from app.desk.cases.services import open_case
from app.desk.handover.services import accept_handover
from app.digest import rules
from app.digest.agenda import agenda, nothing_happened, students_in
from app.digest.builder import build_digest
from app.digest.sections.hotspots import quarter_hour_bucket
from app.extensions import db
from app.models import (
    EntryTriage,
    FloorEntry,
    Handover,
    Location,
    Student,
    User,
)
from tests.digest_helpers import (
    DAY,
    LOCAL,
    WINDOW_FIRST,
    Logged,
    Scenario,
    at,
    log,
    slot,
)
from tests.statement_count import counted_statements


def _at_zs_on(s: Scenario, day: date) -> list[Logged]:
    return [x for x in s.logged if x.location == "ZS" and x.when.astimezone(LOCAL).date() == day]


def test_floor_counts_by_kind_zone_severity_and_outcome(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    today = _at_zs_on(scenario, DAY)
    kinds = Counter(x.kind for x in today)
    assert digest.floor.totals == {k: kinds[k] for k in rules_kinds()}
    assert digest.floor.group_students == sum(
        x.fields["head_count"] for x in today if x.kind == "groep"
    )
    expected_zones = Counter((x.zone, x.kind) for x in today)
    for row in digest.floor.zones:
        assert row.counts == {k: expected_zones[(row.zone, k)] for k in rules_kinds()}
        assert row.total == sum(row.counts.values())
    assert {row.zone for row in digest.floor.zones} == {x.zone for x in today}
    severities = Counter(x.fields["severity"] for x in today if x.kind == "spanning")
    assert digest.floor.severities == {k: severities[k] for k in ("hoog", "middel", "laag")}
    outcomes = Counter(x.fields["outcome"] for x in today if x.kind == "deescalatie")
    assert digest.floor.outcomes == {k: outcomes[k] for k in ("doorverwezen", "deels", "opgelost")}
    topics = Counter(x.fields["topic"] for x in today if x.kind == "gesprek")
    assert digest.floor.topics == dict(topics)


def rules_kinds() -> tuple[str, ...]:
    return ("contact", "gesprek", "groep", "spanning", "deescalatie", "vlag")


def test_flags_absence_and_action_items(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    st = scenario.students
    flags = Counter(x.fields["flag_type"] for x in _at_zs_on(scenario, DAY) if x.kind == "vlag")
    assert {k: v for k, v in digest.flags.by_type.items() if v} == dict(flags)
    assert {(i.flag_type, i.student.id) for i in digest.flags.items} == {
        ("veiligheid", st["B"].id),
        ("zorg", st["C"].id),
    }
    # New: first seen since the start of the previous school day (Monday); D1 has two rules.
    # By class: 3C before 4D; the signal first seen after the day (E) and the inactive one (D4)
    # are left out, and so is the student of another location.
    assert [(i.student.id, set(i.rules)) for i in digest.absence.new] == [
        (st["D3"].id, {"frequent_ziek"}),
        (st["D1"].id, {"16uur", "patroon"}),
    ]
    assert {i.student.id for i in digest.absence.still_active} == {st["D2"].id}
    d1 = next(i for i in digest.absence.new if i.student.id == st["D1"].id)
    assert d1.duo_due == DAY + timedelta(days=5)
    assert d1.student.label == "D.S. · 4D"

    kinds = [a.kind for a in digest.actions]
    assert kinds == [
        "doorverwezen",
        "veiligheid",
        "gemarkeerd",
        "duo",
        "verzuim",
        "verzuim",
        "overdracht",
    ]
    referred = digest.actions[0]
    assert referred.zone == "kantine" and [s.id for s in referred.students] == [st["A"].id]
    assert referred.note == "Ruzie bij de kassa, morgen gesprek"
    assert referred.staff == "Mo Medewerker"
    marked = digest.actions[2]
    assert marked.note == "Wil de teamleider spreken" and marked.detail == "gesprek"
    assert [s.id for s in marked.students] == [st["C"].id]
    handover = digest.actions[-1]
    assert set(handover.details) == {"verzuim_structureel", "complex"}
    assert handover.moment.astimezone(LOCAL) == datetime(2026, 11, 12, 13, tzinfo=LOCAL)


def test_desk_figures(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    st = scenario.students
    calls = digest.calls
    assert (calls.done, calls.attempts, calls.open, calls.due_today, calls.overdue) == (
        1,
        2,
        2,
        1,
        1,
    )
    assert calls.interpreter == 1
    assert [(c.student.id, c.days_late, c.interpreter_language) for c in calls.overdue_items] == [
        (st["E"].id, 3, "Arabisch")
    ]
    visits = digest.visits
    assert (visits.done, visits.planned_today, visits.upcoming, visits.unreported) == (1, 0, 1, 0)
    assert [s.id for s in visits.students] == [st["D2"].id]
    assert [(c.case_id, c.status) for c in digest.cases.new] == [(scenario.case_new.id, "signaal")]
    assert [(c.case_id, c.from_status, c.status) for c in digest.cases.changes] == [
        (scenario.case_changed.id, "preventief", "intensief")
    ]
    assert digest.cases.open_by_status == {
        "signaal": 1,
        "preventief": 0,
        "intensief": 1,
        "overgedragen_copa": 0,
    }
    assert [h.case_id for h in digest.handovers.waiting] == [scenario.case_changed.id]
    assert digest.handovers.next_moment.astimezone(LOCAL).date() == date(2026, 11, 12)
    assert digest.handovers.next_place == "kamer 12"
    assert len(digest.marked) == 1
    assert (digest.quarantine.received, digest.quarantine.unresolved) == (2, 2)
    # Students get a case link only through their open case.
    assert digest.students[st["C"].id].case_id == scenario.case_new.id
    assert digest.students[st["B"].id].case_id is None


def test_climate_per_zone_over_four_school_weeks(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert digest.window == rules.Window(WINDOW_FIRST, DAY, 17)
    in_window = [
        x
        for x in scenario.logged
        if x.location == "ZS" and WINDOW_FIRST <= x.when.astimezone(LOCAL).date() <= DAY
    ]
    positive = Counter(x.zone for x in in_window if x.kind in ("contact", "gesprek", "groep"))
    tensions = Counter(x.zone for x in in_window if x.kind == "spanning")
    by_zone = {z.zone: z for z in digest.climate.zones}
    assert set(by_zone) == set(positive) | set(tensions)
    for zone, figure in ((z, by_zone[z].figure) for z in by_zone):
        assert (figure.positive, figure.tensions) == (positive[zone], tensions[zone])
    kantine = by_zone["kantine"].figure
    assert kantine.ratio == pytest.approx(positive["kantine"] / tensions["kantine"])
    assert kantine.status == "laag"
    assert by_zone["aula"].figure.status == "goed" and by_zone["aula"].figure.ratio is None
    assert by_zone["kantine"].ratings == {"wisselend": 1, "onrustig": 1}
    assert by_zone["aula"].ratings == {"rustig": 1}
    assert digest.climate.overall.positive == sum(positive.values())
    assert digest.climate.overall.tensions == sum(tensions.values())


def test_hotspots_and_presence_plan(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    grid = digest.hotspots
    events = [
        x
        for x in scenario.logged
        if x.location == "ZS"
        and x.kind in ("spanning", "deescalatie")
        and WINDOW_FIRST <= x.when.astimezone(LOCAL).date() <= DAY
    ]
    expected: Counter[tuple[str, int, str]] = Counter()
    expected_today: Counter[tuple[str, int, str]] = Counter()
    outside = 0
    for x in events:
        index = slot(x.when)
        if index is None:
            outside += 1
            continue
        expected[(x.zone, index, x.kind)] += 1
        if x.when.astimezone(LOCAL).date() == DAY:
            expected_today[(x.zone, index, x.kind)] += 1
    assert grid.outside.total == outside == 1
    assert [c.name for c in grid.columns] == [
        z.name
        for z in scenario.location.zones
        if z.name in {x.zone for x in events if slot(x.when) is not None}
    ]
    assert len(grid.rows) == 24
    for row in grid.rows:
        for cell in row.cells:
            key = (cell.zone, row.slot.index)
            assert cell.window == rules.Counts(
                expected[(*key, "spanning")], expected[(*key, "deescalatie")]
            )
            assert cell.today == rules.Counts(
                expected_today[(*key, "spanning")], expected_today[(*key, "deescalatie")]
            )
    # 12:00–12:15 at the kantine: today's two tensions and one from each of 13 October and
    # 9 November; the busiest cell of the grid.
    noon = grid.rows[16]
    assert noon.slot.label == "12:00" and noon.break_label == "grote pauze"
    kantine = next(c for c in noon.cells if c.zone == "kantine")
    assert kantine.window == rules.Counts(4, 0) and kantine.today == rules.Counts(2, 0)
    assert kantine.level == rules.HEAT_LEVELS
    assert [r.break_label for r in grid.rows if r.in_break] == [
        "kleine pauze",
        "grote pauze",
        "grote pauze",
    ]

    plan = {p.label: p for p in digest.presence_plan}
    # grote pauze (12:00–12:30): kantine 4 + 1 (de-escalation 12:15 today) + 1 (27 Oct 12:20).
    assert [(z.zone, z.window, z.today) for z in plan["grote pauze"].zones] == [("kantine", 6, 3)]
    # kleine pauze (10:00–10:15): the 3 November tension on the schoolplein.
    assert [(z.zone, z.window, z.today) for z in plan["kleine pauze"].zones] == [
        ("schoolplein", 1, 0)
    ]


def test_days_and_window_around_holidays(scenario: Scenario) -> None:
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert digest.info.school_day and not digest.info.calendar_missing
    assert digest.previous_day == date(2026, 11, 9) and digest.next_day == date(2026, 11, 11)
    monday_after = build_digest(scenario.location, date(2026, 10, 26), now=at(DAY, 14))
    assert monday_after.previous_day == date(2026, 10, 16)  # the Friday before the holiday
    holiday = build_digest(scenario.location, date(2026, 10, 21), now=at(DAY, 14))
    assert not holiday.info.school_day and holiday.info.holiday == "Herfstvakantie"
    saturday = build_digest(scenario.location, date(2026, 11, 14), now=at(DAY, 14))
    assert saturday.info.reason == "weekend" and saturday.next_day == date(2026, 11, 16)
    # A day without school where nothing happened (the page says so instead of zeros); the
    # holiday had an absence signal found, the Tuesday everything.
    assert nothing_happened(saturday)
    assert not nothing_happened(holiday) and not nothing_happened(digest)


def test_the_first_screen_lists_each_student_once(scenario: Scenario) -> None:
    """The scenario's seven action items are five students' tasks, most urgent first; each
    student carries their student page's keys (the page's link; the e-mail does not use them)."""
    digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    tasks = agenda(digest.actions)
    assert len(digest.actions) == 7 and len(tasks) == 5
    ids = [s.id for s in students_in(tasks)]
    assert len(ids) == len(set(ids)) == len(digest.action_students)
    s = scenario.students
    assert [t.students[0].id for t in tasks] == [s[k].id for k in ("A", "B", "C", "D1", "D3")]
    daan = tasks[3]
    assert [r.kind for r in daan.reasons] == ["duo", "verzuim", "overdracht"]
    assert daan.reasons[1].details == ("patroon",)  # the 16 hours are the DUO reason's
    for ref in digest.students.values():
        student = db.session.get(Student, ref.id)
        assert (ref.leerlingnummer, ref.location_id) == (
            student.leerlingnummer,
            student.location_id,
        )
    assert digest.students[s["C"].id].case_id == scenario.case_new.id
    assert digest.students[s["D3"].id].case_id is None


def test_an_empty_day_builds_with_zeros(
    locations: dict[str, Location], make_user: Callable[..., User]
) -> None:
    digest = build_digest(locations["GL"], DAY, now=at(DAY, 14))
    assert digest.actions == [] and not any(digest.floor.totals.values())
    assert not digest.hotspots.columns
    assert digest.climate.zones == [] and digest.climate.overall.status == "geen"
    assert digest.info.calendar_missing  # no school year known: weekdays count
    assert [p.zones for p in digest.presence_plan] == [[], []]


def test_a_fixed_number_of_queries_whatever_the_data(
    scenario: Scenario, make_student: Callable[..., Student]
) -> None:
    """No N+1: more entries, students and signals do not add queries."""
    with counted_statements() as first:
        build_digest(scenario.location, DAY, now=at(DAY, 14))
    extra = [make_student("ZS", class_name="4A") for _ in range(5)]
    for n, student in enumerate(extra):
        for day in (DAY, DAY - timedelta(days=1), DAY - timedelta(days=14)):
            log(
                scenario.staff,
                scenario.location,
                "spanning",
                at(day, 9 + n, 5),
                zone="gang",
                severity="laag",
                students=(student,),
            )
            log(
                scenario.staff,
                scenario.location,
                "vlag",
                at(day, 9 + n, 6),
                zone="gang",
                flag_type="zorg",
                students=(student,),
            )
            log(
                scenario.staff,
                scenario.location,
                "deescalatie",
                at(day, 9 + n, 7),
                zone="gang",
                outcome="doorverwezen",
                students=(student,),
            )
    db.session.commit()
    with counted_statements() as second:
        digest = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert len(second) == len(first) <= 30
    before = sum(1 for x in _at_zs_on(scenario, DAY) if x.kind == "spanning")
    assert digest.floor.totals["spanning"] == before + 5
    assert sum(1 for a in digest.actions if a.kind == "doorverwezen") == 1 + 5


def test_quarter_hour_buckets_group_in_the_database(scenario: Scenario) -> None:
    """12:05 and 12:10 on the day fall in one bucket (an integer), on SQLite and PostgreSQL."""
    bucket = quarter_hour_bucket(FloorEntry.occurred_at).label("bucket")
    rows = db.session.execute(
        select(bucket, func.count())
        .where(
            FloorEntry.location_id == scenario.location.id,
            FloorEntry.kind == "spanning",
            FloorEntry.occurred_at >= at(DAY, 12, 0),
            FloorEntry.occurred_at < at(DAY, 12, 15),
        )
        .group_by(bucket)
    ).all()
    assert [(int(b), n) for b, n in rows] == [(int(at(DAY, 12, 0).timestamp()) // 900, 2)]
    assert float(rows[0][0]).is_integer()


def test_marks_after_the_email_went_out_reach_the_next_school_day(scenario: Scenario) -> None:
    """Marked "voor teamleider" at 15:30, after the 14:00 e-mail: on that day's page and in the
    next school day's digest; marked before 14:00 the day before: not again."""
    triage = db.session.scalar(select(EntryTriage).where(EntryTriage.for_teamleider.is_(True)))
    zs = scenario.location
    calendar = load_calendar()
    next_day = date(2026, 11, 11)

    triage.for_teamleider_at = at(DAY, 15, 30)
    db.session.flush()
    assert len(build_digest(zs, DAY, calendar=calendar).marked) == 1
    assert len(build_digest(zs, next_day, calendar=calendar).marked) == 1

    triage.for_teamleider_at = at(DAY, 13, 10)
    db.session.flush()
    assert len(build_digest(zs, DAY, calendar=calendar).marked) == 1
    assert build_digest(zs, next_day, calendar=calendar).marked == []

    # Marked on Saturday: in Monday's digest (the previous school day is Friday).
    triage.for_teamleider_at = at(date(2026, 11, 14), 11, 0)
    db.session.flush()
    assert len(build_digest(zs, date(2026, 11, 16), calendar=calendar).marked) == 1


def test_trajectories_due_for_review_are_an_action(scenario: Scenario) -> None:
    """The weekly check: a preventive trajectory whose review date has come is listed for the
    team leader until it is reviewed; one not yet due, or a signal, is not."""
    student = scenario.students["A"]
    case = open_case(
        scenario.staff,
        student,
        reason="zorgen",
        status=CaseStatus.PREVENTIEF,
        owner=scenario.staff,
        teamleider=scenario.teamleider,
        review_date=DAY + timedelta(days=14),
        today=DAY - timedelta(days=30),
    )
    db.session.flush()
    assert [a for a in build_digest(scenario.location, DAY).actions if a.kind == "evaluatie"] == []
    case.review_date = DAY - timedelta(days=2)
    db.session.flush()
    (item,) = [a for a in build_digest(scenario.location, DAY).actions if a.kind == "evaluatie"]
    assert item.due == DAY - timedelta(days=2) and item.case_id == case.id
    assert item.students[0].id == student.id


def test_an_earlier_day_shows_the_handovers_that_were_waiting_then(
    scenario: Scenario, make_user: Callable[..., User]
) -> None:
    """COPA accepts two days later: that day's digest counts the acceptance; the digest of the
    day itself still lists the handover as waiting, as the team leader saw it then."""
    copa = make_user(Role.COPA, ("ZS",))
    handover = db.session.scalar(select(Handover))
    assert handover is not None
    accept_handover(copa, handover, "")
    later = date(2026, 11, 12)
    handover.decided_at = at(later, 15, 0)
    db.session.flush()
    then = build_digest(scenario.location, DAY, now=at(DAY, 14))
    assert [h.case_id for h in then.handovers.waiting] == [scenario.case_changed.id]
    decided = build_digest(scenario.location, later, now=at(later, 16))
    assert decided.handovers.waiting == [] and decided.handovers.accepted_today == 1
