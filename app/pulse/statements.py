"""The statements of the leerlingpeiling and the answer scale (see docs/pulse.md for sources).

A peiling stores which questionnaire it asked, so the statements can be revised later without
mixing old and new answers: add a new version here, never edit the wording of an existing one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Statement:
    key: str  # stored with every answer; never change it
    text: Any  # what the student reads (lazy string)
    short: Any  # label in charts and tables
    theme: str  # veiligheid / erbij horen / volwassene
    source: str  # where the item comes from (docs/pulse.md)


QUESTIONNAIRES: dict[str, tuple[Statement, ...]] = {
    "2026": (
        Statement(
            "veilig_school",
            _l("Ik voel me veilig op school."),
            _l("Veilig op school"),
            "veiligheid",
            "Monitor Sociale Veiligheid: ervaren veiligheid op school",
        ),
        Statement(
            "veilig_pauze",
            _l("In de pauzes voel ik me veilig in de aula, de gangen en op het schoolplein."),
            _l("Veilig in de pauze"),
            "veiligheid",
            "Monitor Sociale Veiligheid: veiligheid in en om de school",
        ),
        Statement(
            "erbij_horen",
            _l("Ik heb het gevoel dat ik echt bij deze school hoor."),
            _l("Ik hoor erbij"),
            "erbij horen",
            "PSSM item 1: I feel like a real part of (school)",
        ),
        Statement(
            "mezelf_zijn",
            _l("Op deze school kan ik mezelf zijn."),
            _l("Ik kan mezelf zijn"),
            "erbij horen",
            "PSSM item 13: I can really be myself at this school",
        ),
        Statement(
            "volwassene",
            _l("Als ik ergens mee zit, is er op school een volwassene bij wie ik terecht kan."),
            _l("Een volwassene voor mij"),
            "volwassene",
            "PSSM item 7: there's at least one teacher or other adult I can talk to",
        ),
    ),
}

CURRENT_QUESTIONNAIRE = "2026"

SCALE: tuple[tuple[int, Any], ...] = (
    (1, _l("Helemaal niet mee eens")),
    (2, _l("Niet mee eens")),
    (3, _l("Neutraal")),
    (4, _l("Mee eens")),
    (5, _l("Helemaal mee eens")),
)
SCALE_VALUES = frozenset(value for value, _label in SCALE)


def statements_for(questionnaire: str) -> tuple[Statement, ...]:
    """The statements of a questionnaire version (KeyError for an unknown version)."""
    return QUESTIONNAIRES[questionnaire]
