"""The digest's first screen as a pure function (app/digest/agenda.py): each student once, their
reasons merged, ordered by urgency."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.digest.agenda import Task, agenda, students_in, urgency
from app.digest.model import ActionItem, ActionKind, StudentRef

K = ActionKind


def ref(student_id: int, initials: str = "", class_name: str = "2B") -> StudentRef:
    return StudentRef(student_id, initials or f"S.{student_id}.", class_name)


A, B, C, D = ref(1, "A.V."), ref(2, "B.D.", "3C"), ref(3, "C.B.", "1A"), ref(4, "D.S.", "4D")


def item(kind: ActionKind, *students: StudentRef, **fields: object) -> ActionItem:
    return ActionItem(kind, list(students), **fields)  # type: ignore[arg-type]


def at(hour: int) -> datetime:
    return datetime(2026, 11, 10, hour, tzinfo=UTC)


def shape(tasks: list[Task]) -> list[tuple[tuple[int, ...], list[str]]]:
    return [(tuple(s.id for s in t.students), [r.kind.value for r in t.reasons]) for t in tasks]


def test_nothing_to_do() -> None:
    assert agenda([]) == []


def test_a_student_with_several_reasons_is_one_task_listing_them_most_urgent_first() -> None:
    tasks = agenda(
        [
            item(K.VERZUIM, D, details=("patroon",)),
            item(K.OVERDRACHT, D, case_id=7),
            item(K.DUO, D, due=date(2026, 11, 15)),
            item(K.GEMARKEERD, D, at=at(9), note="Wil de teamleider spreken"),
        ]
    )
    assert shape(tasks) == [((4,), ["gemarkeerd", "duo", "verzuim", "overdracht"])]
    assert tasks[0].kind == K.GEMARKEERD
    assert tasks[0].case_ids == [7]


def test_each_student_once_and_tasks_by_urgency() -> None:
    tasks = agenda(
        [
            item(K.VERZUIM, C, details=("frequent_ziek",)),
            item(K.DUO, D, due=date(2026, 11, 16)),
            item(K.DUO, B, due=date(2026, 11, 13)),
            item(K.VERZUIM, D, details=("patroon",)),
            item(K.DOORVERWEZEN, A, at=at(12)),
            item(K.EVALUATIE, C, due=date(2026, 11, 1), case_id=3),
        ]
    )
    # Referred first; then the DUO deadlines, soonest first; then C (a new signal and a review).
    assert shape(tasks) == [
        ((1,), ["doorverwezen"]),
        ((2,), ["duo"]),
        ((4,), ["duo", "verzuim"]),
        ((3,), ["verzuim", "evaluatie"]),
    ]
    labels = [s.id for s in students_in(tasks)]
    assert len(labels) == len(set(labels)) == 4


def test_an_item_of_several_students_joins_their_tasks() -> None:
    """A de-escalation of A and B: one task for both (the note is shown once), which also holds
    A's and B's own reasons; C stays apart."""
    tasks = agenda(
        [
            item(K.DUO, B, due=date(2026, 11, 15)),
            item(K.DOORVERWEZEN, A, B, at=at(12), note="Ruzie"),
            item(K.VERZUIM, C, details=("patroon",)),
            item(K.GEMARKEERD, B, C, at=at(9)),
        ]
    )
    # B joins A (the de-escalation) and C (the marked entry): one task of three students.
    assert shape(tasks) == [((2, 1, 3), ["doorverwezen", "gemarkeerd", "duo", "verzuim"])]
    assert [s.id for s in students_in(tasks)] == [2, 1, 3]


def test_items_without_students_are_tasks_of_their_own() -> None:
    alert = item(K.MELDING, at=at(11), zone="kantine")
    tasks = agenda([item(K.VERZUIM, A, details=("patroon",)), alert])
    assert shape(tasks) == [((), ["melding"]), ((1,), ["verzuim"])]


def test_the_sixteen_hour_rule_is_said_once_by_the_duo_reason() -> None:
    tasks = agenda(
        [
            item(K.DUO, D, due=date(2026, 11, 15)),
            item(K.VERZUIM, D, details=("16uur", "patroon")),
            item(K.DUO, B, due=date(2026, 11, 15)),
            item(K.VERZUIM, B, details=("16uur",)),
            item(K.VERZUIM, A, details=("16uur",)),  # no DUO reason (acknowledged): kept
        ]
    )
    by_student = {t.students[0].id: t.reasons for t in tasks}
    assert [r.details for r in by_student[4] if r.kind == K.VERZUIM] == [("patroon",)]
    assert [r.kind for r in by_student[2]] == [K.DUO]
    assert by_student[1][0].details == ("16uur",)


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (item(K.MELDING), item(K.DOORVERWEZEN)),
        (item(K.VEILIGHEID), item(K.DUO, due=date(2026, 11, 11))),
        (item(K.DUO, due=date(2026, 11, 11)), item(K.DUO, due=date(2026, 11, 12))),
        (item(K.DUO), item(K.VERZUIM)),
        (item(K.GEMARKEERD, at=at(9)), item(K.GEMARKEERD, at=at(10))),
        (item(K.EVALUATIE, due=date(2026, 10, 1)), item(K.VERWIJZING, due=date(2026, 9, 1))),
    ],
)
def test_urgency_is_the_kind_then_the_deadline_then_the_moment(
    earlier: ActionItem, later: ActionItem
) -> None:
    assert urgency(earlier) < urgency(later)


def test_the_order_of_the_input_does_not_matter() -> None:
    items = [
        item(K.VERZUIM, C, details=("patroon",)),
        item(K.DUO, D, due=date(2026, 11, 16)),
        item(K.VEILIGHEID, B),
        item(K.VERZUIM, D, details=("patroon",)),
    ]
    assert shape(agenda(items)) == shape(agenda(list(reversed(items))))
