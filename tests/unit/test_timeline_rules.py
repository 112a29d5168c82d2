"""The access rule of the student timeline (app/access/timeline_rules.py), as a table."""

from __future__ import annotations

import pytest

from app.access.timeline_rules import (
    CASE_WORK_KINDS,
    EVERYONE_KINDS,
    needs_screened_place,
    timeline_kinds,
)
from app.core.vocabulary import Role

ALL = CASE_WORK_KINDS | EVERYONE_KINDS


@pytest.mark.parametrize(
    ("role", "copa_case_visible", "screened", "expected", "needs"),
    [
        (Role.MEDEWERKER, False, True, ALL, False),
        (Role.TEAMLEIDER, False, True, ALL, False),
        (Role.MEDEWERKER, False, False, EVERYONE_KINDS, True),
        (Role.COPA, False, True, EVERYONE_KINDS, False),
        (Role.COPA, True, True, ALL, False),
        (Role.COPA, True, False, EVERYONE_KINDS, True),
        (Role.LOCATIELEIDER, False, True, EVERYONE_KINDS, False),
        (Role.BEHEER, False, True, EVERYONE_KINDS, False),
        (Role.AANDACHTSFUNCTIONARIS, False, True, EVERYONE_KINDS, False),
    ],
)
def test_timeline_kinds(
    role: Role, copa_case_visible: bool, screened: bool, expected: frozenset[str], needs: bool
) -> None:
    assert (
        timeline_kinds(
            role, same_location=True, copa_case_visible=copa_case_visible, screened=screened
        )
        == expected
    )
    assert (
        needs_screened_place(role, copa_case_visible=copa_case_visible, screened=screened) is needs
    )


def test_another_location_sees_nothing() -> None:
    for role in Role:
        assert not timeline_kinds(role, same_location=False, copa_case_visible=True, screened=True)


def test_the_kinds_are_the_chronologys_sources() -> None:
    from app.desk.chronology.timeline import available_kinds

    assert set(available_kinds()) == ALL
