"""The first screen of the digest: "what must I do today", each student once.

The sections produce one :class:`~app.digest.model.ActionItem` per reason (a DUO deadline, a new
absence signal, a flag, an entry marked for the team leader …), so a student with a DUO deadline
and a new signal would be listed twice. :func:`agenda` merges them: one :class:`Task` per
student listing all their reasons, most urgent first, and the tasks ordered by urgency. An item
that names several students (a de-escalation of two students) joins their tasks into one, so
that every student still appears once and the shared note is shown once. Items without
students (an alert about a zone) are tasks of their own.

Urgency is the order of :class:`~app.digest.model.ActionKind` (urgent alerts first, late
feedback on referrals last); within a kind the earliest deadline, then the earliest moment.
Pure: no Flask, no database (tested in ``tests/unit/test_digest_agenda.py``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from app.digest.model import ActionItem, ActionKind, Digest, StudentRef

_RANK = {kind: index for index, kind in enumerate(ActionKind)}


def urgency(item: ActionItem) -> tuple[int, date, float]:
    """Smaller is more urgent: the kind's place in :class:`ActionKind`, then the deadline (DUO
    report, review, feedback), then when it happened."""
    return (
        _RANK[item.kind],
        item.due or date.max,
        item.at.timestamp() if item.at is not None else float("inf"),
    )


@dataclass(frozen=True)
class Task:
    """One line of "voor jou": the students (usually one) and every reason, most urgent first."""

    students: tuple[StudentRef, ...]
    reasons: tuple[ActionItem, ...]

    @property
    def kind(self) -> ActionKind:
        """The most urgent reason's kind (the task's colour and place in the list)."""
        return self.reasons[0].kind

    @property
    def kinds(self) -> list[ActionKind]:
        """The kinds of the reasons, each once, most urgent first."""
        return list(dict.fromkeys(reason.kind for reason in self.reasons))

    @property
    def case_ids(self) -> list[int]:
        """The open cases the task is about (the students' own, or a handover's or review's)."""
        ids = [s.case_id for s in self.students if s.case_id is not None]
        ids += [r.case_id for r in self.reasons if r.case_id is not None]
        return list(dict.fromkeys(ids))

    def sort_key(self) -> tuple[tuple[int, date, float], str]:
        first = self.students[0] if self.students else None
        label = f"{first.class_name} {first.initials}" if first is not None else ""
        return urgency(self.reasons[0]), label


# The absence rule a DUO deadline comes from: said once, by the DUO reason.
DUO_RULE = "16uur"


def _without_repeats(reasons: list[ActionItem]) -> list[ActionItem]:
    """A new signal's 16-hour rule is left out where the task has the DUO deadline already
    (that says it, with the date); a signal with nothing else left is left out."""
    if not any(r.kind == ActionKind.DUO for r in reasons):
        return reasons
    kept = []
    for reason in reasons:
        if reason.kind == ActionKind.VERZUIM and DUO_RULE in reason.details:
            rest = tuple(rule for rule in reason.details if rule != DUO_RULE)
            if not rest:
                continue
            reason = replace(reason, details=rest)
        kept.append(reason)
    return kept


def agenda(actions: Iterable[ActionItem]) -> list[Task]:
    """The action items merged per student (see the module), most urgent task first."""
    items = list(actions)
    parent: dict[int, int] = {}

    def root(student_id: int) -> int:
        while parent[student_id] != student_id:
            parent[student_id] = parent[parent[student_id]]
            student_id = parent[student_id]
        return student_id

    refs: dict[int, StudentRef] = {}
    for item in items:
        for student in item.students:
            refs.setdefault(student.id, student)
            parent.setdefault(student.id, student.id)
        ids = [s.id for s in item.students]
        for other in ids[1:]:
            a, b = root(ids[0]), root(other)
            if a != b:
                parent[b] = a

    groups: dict[int, list[ActionItem]] = {}
    members: dict[int, list[int]] = {}
    for student_id in refs:  # first appearance order
        members.setdefault(root(student_id), []).append(student_id)
    tasks: list[Task] = []
    for item in items:
        if not item.students:
            tasks.append(Task((), (item,)))
            continue
        groups.setdefault(root(item.students[0].id), []).append(item)
    for group_root, reasons in groups.items():
        tasks.append(
            Task(
                tuple(refs[sid] for sid in members[group_root]),
                tuple(sorted(_without_repeats(reasons), key=urgency)),
            )
        )
    return sorted(tasks, key=Task.sort_key)


def students_in(tasks: Iterable[Task]) -> list[StudentRef]:
    """Every student of the tasks, in the tasks' order."""
    return [student for task in tasks for student in task.students]


def nothing_happened(digest: Digest) -> bool:
    """Whether the day itself has no figures at all: nothing logged on the floor, no new flag,
    signal, case, status change, call, visit, COPA decision or quarantined entry. (Open calls,
    active signals, waiting handovers and open referrals are the current state, not the day's.)
    On a day without school the page then says so instead of listing zeros."""
    return not (
        any(digest.floor.totals.values())
        or digest.flags.total
        or digest.absence.new
        or digest.calls.done
        or digest.calls.attempts
        or digest.visits.done
        or digest.cases.new
        or digest.cases.changes
        or digest.handovers.accepted_today
        or digest.handovers.returned_today
        or digest.quarantine.received
    )
