"""Desk workflow rules as tables: status transitions, access, review dates, calls, home visits,
handover criteria and moments, CSV safety."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from app.access.case_rules import case_access, copa_sees
from app.core.vocabulary import CallResult, HandoverStatus, Role
from app.core.vocabulary import CaseStatus as S
from app.desk import rules

ALLOWED = {
    (S.SIGNAAL, S.PREVENTIEF),
    (S.SIGNAAL, S.INTENSIEF),
    (S.SIGNAAL, S.AFGESLOTEN),
    (S.PREVENTIEF, S.INTENSIEF),
    (S.PREVENTIEF, S.AFGESLOTEN),
    (S.INTENSIEF, S.PREVENTIEF),
    (S.INTENSIEF, S.AFGESLOTEN),
    (S.OVERGEDRAGEN_COPA, S.PREVENTIEF),
    (S.OVERGEDRAGEN_COPA, S.INTENSIEF),
    (S.OVERGEDRAGEN_COPA, S.AFGESLOTEN),
}


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("target", list(S))
def test_manual_transitions(current: S, target: S) -> None:
    problem = rules.transition_error(current, target)
    assert (problem is None) == ((current, target) in ALLOWED), (current, target, problem)
    if problem is not None:
        assert problem.endswith(".")  # a full Dutch sentence for the user


@pytest.mark.parametrize(
    ("current", "target", "message"),
    [
        (S.SIGNAAL, S.OVERGEDRAGEN_COPA, "via het overdrachtsformulier"),
        (S.PREVENTIEF, S.PREVENTIEF, "De casus is al preventief."),
        (S.AFGESLOTEN, S.PREVENTIEF, "Een afgesloten casus gaat niet meer open."),
        (S.PREVENTIEF, S.SIGNAAL, "Van preventief naar signaal mag niet."),
    ],
)
def test_refusals_explain_themselves(current: S, target: S, message: str) -> None:
    assert message in (rules.transition_error(current, target) or "")


@pytest.mark.parametrize(
    ("current", "allowed"),
    [
        (S.SIGNAAL, False),
        (S.PREVENTIEF, True),
        (S.INTENSIEF, True),
        (S.OVERGEDRAGEN_COPA, False),
        (S.AFGESLOTEN, False),
    ],
)
def test_handover_reaches_copa_only_from_a_trajectory(current: S, allowed: bool) -> None:
    problem = rules.transition_error(current, S.OVERGEDRAGEN_COPA, via_handover=True)
    assert (problem is None) == allowed


def test_allowed_targets_are_in_workflow_order() -> None:
    assert rules.allowed_targets(S.SIGNAAL) == [S.PREVENTIEF, S.INTENSIEF, S.AFGESLOTEN]
    assert rules.allowed_targets(S.AFGESLOTEN) == []


@pytest.mark.parametrize(
    ("role", "same", "handover", "status", "view", "work", "status_change", "decide"),
    [
        (Role.MEDEWERKER, True, False, S.PREVENTIEF, True, True, True, False),
        (Role.MEDEWERKER, True, False, S.AFGESLOTEN, True, False, False, False),
        (Role.MEDEWERKER, False, True, S.PREVENTIEF, False, False, False, False),
        (Role.TEAMLEIDER, True, False, S.SIGNAAL, True, True, True, False),
        # with COPA: SchoolFit reads and adds notes, COPA hands it back or closes it
        (Role.MEDEWERKER, True, True, S.OVERGEDRAGEN_COPA, True, False, False, False),
        (Role.TEAMLEIDER, True, True, S.OVERGEDRAGEN_COPA, True, False, False, False),
        (Role.TEAMLEIDER, False, False, S.SIGNAAL, False, False, False, False),
        (Role.COPA, True, False, S.PREVENTIEF, False, False, False, False),
        (Role.COPA, True, True, S.PREVENTIEF, True, False, False, True),
        (Role.COPA, True, True, S.OVERGEDRAGEN_COPA, True, False, True, True),
        (Role.COPA, False, True, S.OVERGEDRAGEN_COPA, False, False, False, False),
        (Role.LOCATIELEIDER, True, True, S.PREVENTIEF, False, False, False, False),
        (Role.BEHEER, True, True, S.PREVENTIEF, False, False, False, False),
    ],
)
def test_case_access(
    role: Role,
    same: bool,
    handover: bool,
    status: S,
    view: bool,
    work: bool,
    status_change: bool,
    decide: bool,
) -> None:
    access = case_access(role, same_location=same, handover_visible=handover, status=status)
    assert (access.view, access.work, access.change_status, access.decide_handover) == (
        view,
        work,
        status_change,
        decide,
    )


@pytest.mark.parametrize(
    ("statuses", "sees"),
    [
        ([], False),
        ([HandoverStatus.INGEDIEND], True),
        ([HandoverStatus.GEACCEPTEERD], True),
        ([HandoverStatus.TERUGGEGEVEN], False),
        ([HandoverStatus.TERUGGEGEVEN, HandoverStatus.INGEDIEND], True),
    ],
)
def test_copa_sees_pending_or_accepted_handovers(statuses: list, sees: bool) -> None:
    assert copa_sees(statuses) is sees


def test_review_default_is_six_weeks() -> None:
    assert rules.default_review_date(date(2026, 11, 23)) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("status", "review", "due"),
    [
        (S.PREVENTIEF, date(2026, 11, 30), True),  # within the coming week
        (S.PREVENTIEF, date(2026, 12, 1), False),
        (S.PREVENTIEF, date(2026, 11, 1), True),  # overdue
        (S.INTENSIEF, date(2026, 11, 24), True),
        (S.SIGNAAL, date(2026, 11, 24), False),
        (S.OVERGEDRAGEN_COPA, date(2026, 11, 24), False),
        (S.PREVENTIEF, None, False),
    ],
)
def test_review_due_is_checked_weekly(status: S, review: date | None, due: bool) -> None:
    assert rules.review_due(status, review, date(2026, 11, 23)) is due


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (None, "Kies een datum om te bellen."),
        (date(2026, 11, 22), "Die datum ligt in het verleden."),
        (date(2026, 11, 23), None),
        (date(2027, 2, 20), None),
        (date(2027, 3, 1), "Plan een belafspraak binnen drie maanden."),
    ],
)
def test_planned_call_date(due: date | None, message: str | None) -> None:
    problem = rules.call_due_error(due, date(2026, 11, 23))
    if message is None:
        assert problem is None
    else:
        assert problem is not None and problem.startswith(message)


@pytest.mark.parametrize(
    ("result", "done"),
    [
        (CallResult.GEEN_GEHOOR, False),
        (CallResult.VOICEMAIL, False),
        (CallResult.NUMMER_ONJUIST, False),
        (CallResult.GESPROKEN, True),
        (CallResult.TERUGGEBELD, True),
    ],
)
def test_reaching_the_parent_finishes_the_call(result: CallResult, done: bool) -> None:
    assert rules.call_done_after(result) is done


def test_call_order_overdue_on_top() -> None:
    today = date(2026, 11, 23)
    calls = [
        (3, date(2026, 11, 25), ""),
        (1, date(2026, 11, 23), "na 16:00"),
        (2, date(2026, 11, 20), ""),
        (4, date(2026, 11, 23), "ochtend"),
        (5, date(2026, 11, 21), ""),
    ]
    ordered = sorted(calls, key=lambda c: rules.call_sort_key(c[1], today, c[2], c[0]))
    assert [c[0] for c in ordered] == [2, 5, 1, 4, 3]


@pytest.mark.parametrize(
    ("people", "mixed", "wants", "expected"),
    [
        (1, False, True, ["één persoon"]),
        (1, False, False, ["één persoon"]),
        (2, False, True, ["gemengd duo"]),
        (2, True, True, []),
        (2, False, False, []),
    ],
)
def test_home_visit_warnings(people: int, mixed: bool, wants: bool, expected: list) -> None:
    warnings = rules.home_visit_warnings(people=people, mixed_pair=mixed, wants_mixed_pairs=wants)
    assert len(warnings) == len(expected)
    for warning, fragment in zip(warnings, expected, strict=True):
        assert fragment in warning


@pytest.mark.parametrize(
    ("criteria", "ok"),
    [
        ([], False),
        ([""], False),
        (["complex"], True),
        (["verzuim_structureel", "externe_zorg"], True),
        (["complex", "onzin"], False),
    ],
)
def test_handover_needs_at_least_one_known_criterion(criteria: list, ok: bool) -> None:
    assert (rules.handover_criteria_error(criteria) is None) is ok


def test_next_moments_are_weekly_in_local_time_across_dst() -> None:
    slot = rules.SlotTime(weekday=1, starts_at=time(13, 0))  # Tuesday 13:00 local
    now = datetime(2026, 10, 19, 12, 0, tzinfo=UTC)  # Monday, summer time
    moments = rules.next_moments(slot, now, 3)
    assert [m.isoformat() for m in moments] == [
        "2026-10-20T11:00:00+00:00",  # CEST (UTC+2)
        "2026-10-27T12:00:00+00:00",  # CET after the clocks go back
        "2026-11-03T12:00:00+00:00",
    ]
    # On the day itself, after the slot, the next one is a week later.
    later = datetime(2026, 10, 20, 12, 30, tzinfo=UTC)
    assert rules.next_moments(slot, later, 1)[0].isoformat() == "2026-10-27T12:00:00+00:00"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (None, date(2026, 1, 1), "Kies een begin- en einddatum."),
        (date(2026, 2, 1), date(2026, 1, 1), "De einddatum ligt voor de begindatum."),
        (date(2025, 1, 1), date(2026, 1, 2), "Kies een periode van hoogstens een jaar."),
        (date(2024, 1, 1), date(2024, 12, 31), None),  # a leap year, inclusive
        (date(2026, 8, 1), date(2027, 7, 31), None),  # a school year
    ],
)
def test_export_period(start: date | None, end: date | None, message: str | None) -> None:
    assert rules.export_period_error(start, end) == message


@pytest.mark.parametrize(
    ("detail", "note", "limit", "expected"),
    [
        ("zorg", "zat alleen", 300, "Vlag (zorg) in kantine op 07-12 om 09:12: zat alleen"),
        ("", "  ", 300, "Vlag in kantine op 07-12 om 09:12"),
        ("zorg", "x" * 400, 60, "Vlag (zorg) in kantine op 07-12 om 09:12: " + "x" * 17 + "…"),
    ],
)
def test_case_reason_from_a_floor_entry(detail: str, note: str, limit: int, expected: str) -> None:
    occurred = datetime(2026, 12, 7, 8, 12, tzinfo=UTC)  # 09:12 in Amsterdam
    reason = rules.case_reason_from_entry(
        kind="Vlag", detail=detail, zone="kantine", occurred=occurred, note=note, limit=limit
    )
    assert reason == expected and len(reason) <= limit
