"""Which parts of a student's timeline a reader may see, as a pure function (table-tested in
tests/unit/test_timeline_rules.py); ``app.desk.chronology.student`` supplies the facts.

The timeline is the case chronology (``app.desk.chronology.timeline``) for one student,
whether or not there is a case. Its desk records (floor entries, flags, reports, calls,
visits, detention, handovers, incidents, case status and notes) are case content: for the
case workers of the student's location, and for COPA once a case of the student is handed
over to it (exactly who reads the case chronology). Absence signals are on the student page
for everyone who sees the student already. Meldcode trajecten are not a kind here: their
items follow ``app.access.meldcode_rules``.
"""

from __future__ import annotations

from app.core import roles
from app.core.vocabulary import Role

# The kinds of ``app.desk.chronology.timeline.SOURCES``, by who may read them.
CASE_WORK_KINDS = frozenset(
    {
        "vloer",
        "vlag",
        "verslag",
        "oudercontact",
        "huisbezoek",
        "nablijfklas",
        "status",
        "overdracht",
        "notitie",
        "incident",
    }
)
EVERYONE_KINDS = frozenset({"verzuim"})


def timeline_kinds(
    role: Role, *, same_location: bool, copa_case_visible: bool, screened: bool
) -> frozenset[str]:
    """The kinds of timeline items ``role`` reads about a student.

    - another location: nothing (the page answers 404);
    - medewerker and teamleider: everything; COPA: everything once a case of the student is
      handed over to it, else absence signals only;
    - locatieleider, beheer, aandachtsfunctionaris (and any other role): absence signals only;
    - case content only after the reader confirmed a screened-off place this session (as the
      desk asks); before that absence signals only.
    """
    if not same_location:
        return frozenset()
    reads_case_work = role in roles.CASE_WORKERS or (role == Role.COPA and copa_case_visible)
    if reads_case_work and screened:
        return CASE_WORK_KINDS | EVERYONE_KINDS
    return EVERYONE_KINDS


def needs_screened_place(role: Role, *, copa_case_visible: bool, screened: bool) -> bool:
    """Whether confirming a screened-off place would show the reader more of the timeline."""
    reads_case_work = role in roles.CASE_WORKERS or (role == Role.COPA and copa_case_visible)
    return reads_case_work and not screened
