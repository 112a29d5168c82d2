"""The DUO melding's pure rule: continued absence after a melding is a follow-up (a
vervolgmelding to the leerplichtambtenaar), not a new first melding. Plain values in and out
(tests/unit/test_duo_rules.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

# A melding longer ago than this (a new school year) no longer makes the next one a follow-up.
FOLLOW_UP_WINDOW = timedelta(days=365)


def is_follow_up(window_start: date, earlier_window_ends: Iterable[date]) -> bool:
    """Whether a 16-hour signal starting ``window_start`` follows an earlier melding: one whose
    16 hours were reached before this signal's counting began, within the last year."""
    return any(
        end < window_start and window_start - end <= FOLLOW_UP_WINDOW for end in earlier_window_ends
    )


def reminder_open(rule: str, active: bool, reported: bool) -> bool:
    """The DUO reminder of a signal shows while its 16 hours are current and no melding is
    recorded for it; recording the melding closes it."""
    return rule == "16uur" and active and not reported


def deadline_passed(due_on: date | None, acknowledged: bool, today: date) -> bool:
    """Whether the DUO deadline of a 16-hour signal has passed without anyone having dealt with
    it: shown as overdue wherever the reminder shows (the list and the student page)."""
    return due_on is not None and due_on < today and not acknowledged
