"""The desk's functions for the daily digest and the periodic report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from app.core.localtime import local_today
from app.core.vocabulary import CaseStatus, Role
from app.desk import reporting
from app.desk.cases.services import open_case
from app.desk.inbox.services import set_mark
from app.extensions import db
from app.models import Location, Student, User
from tests.desk_helpers import floor_item, log_floor


def test_marked_entries_for_digest_and_report(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS", "HK"))
    student = make_student("ZS")
    zs_entry, hk_entry, unmarked = log_floor(
        staff,
        floor_item(
            locations["ZS"],
            "spanning",
            severity="hoog",
            note="ruzie in de kantine",
            students=(student.leerlingnummer,),
        ),
        floor_item(locations["HK"], "contact", note="rustig op het plein"),
        floor_item(locations["ZS"], "contact", note="niet gemarkeerd"),
    )
    set_mark(staff, zs_entry, "teamleider")
    set_mark(staff, zs_entry, "rapportage")
    set_mark(staff, hk_entry, "rapportage")
    db.session.commit()
    today = local_today()

    digest = reporting.entries_marked_for_teamleider(locations["ZS"], today)
    assert [m.entry.id for m in digest] == [zs_entry.id]
    assert digest[0].note == "ruzie in de kantine" and digest[0].students == [student]
    assert reporting.entries_marked_for_teamleider(locations["HK"], today) == []
    assert (
        reporting.entries_marked_for_teamleider(locations["ZS"].id, today - timedelta(days=1)) == []
    )

    report = reporting.observations_for_report(
        [locations["ZS"].id, locations["HK"].id], today - timedelta(days=7), today
    )
    assert {m.entry_id for m in report} == {zs_entry.id, hk_entry.id}
    by_id = {m.entry_id: m for m in report}
    assert by_id[zs_entry.id].note == "ruzie in de kantine" and by_id[zs_entry.id].zone == "aula"
    assert by_id[hk_entry.id].kind.value == "contact" and by_id[hk_entry.id].topic is None
    assert reporting.observations_for_report([locations["GL"].id], today, today) == []


def test_case_counts_by_status_for_the_digest(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    for status in (CaseStatus.SIGNAAL, CaseStatus.INTENSIEF, CaseStatus.INTENSIEF):
        open_case(
            staff, make_student("ZS"), reason="r", status=status, owner=staff, teamleider=None
        )
    db.session.commit()
    counts = reporting.case_counts_by_status([locations["ZS"].id])
    assert counts[CaseStatus.SIGNAAL] == 1 and counts[CaseStatus.INTENSIEF] == 2
    assert counts[CaseStatus.AFGESLOTEN] == 0
    assert reporting.case_counts_by_status([locations["GL"].id])[CaseStatus.SIGNAAL] == 0
