"""The observations staff marked "voor rapportage", grouped by theme and location."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _

from app.core.localtime import LOCAL_TZ
from app.core.vocabulary import EntryKind, Topic
from app.desk import reporting as desk_reporting
from app.models import Location
from app.reports.layout import Table
from app.reports.model import Observation, ObservationGroup, Report
from app.reports.numbers import short_day

# Of each theme and location the page, the draft text and the CSV list this many, the most
# recent: a board's school year holds tens of thousands of marked entries, which nobody reads on
# one page. The number of all of them is stated beside the list.
PER_GROUP = 20


def figures(
    locations: Sequence[Location], start: date, end: date, *, in_sql: bool = True
) -> list[ObservationGroup]:
    """The marked observations per theme and location: the ``PER_GROUP`` most recent of each,
    oldest first, with the number of all. ``in_sql``: ranked by the database (False: all read
    and cut in Python, the reference the tests compare with)."""
    codes = {loc.id: loc.code for loc in locations}
    groups: dict[tuple[Topic | EntryKind, str], list[Observation]] = defaultdict(list)
    totals: dict[tuple[Topic | EntryKind, str], int] = {}
    if in_sql:
        rows = desk_reporting.recent_observations_for_report(list(codes), start, end, PER_GROUP)
    else:
        everything = desk_reporting.observations_for_report(list(codes), start, end)
        counted: Counter[tuple[int, Topic | EntryKind]] = Counter(
            (item.location_id, _theme(item)) for item in everything
        )
        seen: Counter[tuple[int, Topic | EntryKind]] = Counter()
        rows = []
        for item in everything:
            key = (item.location_id, _theme(item))
            seen[key] += 1
            if counted[key] - seen[key] < PER_GROUP:
                rows.append((item, counted[key]))
    for item, total in rows:
        theme = _theme(item)
        location = codes[item.location_id]
        totals[(theme, location)] = total
        groups[(theme, location)].append(
            Observation(
                day=item.occurred_at.astimezone(LOCAL_TZ).date(),
                location=location,
                zone=item.zone,
                theme=theme,
                note=item.note,
            )
        )
    return [
        ObservationGroup(theme, location, items, totals[(theme, location)])
        for (theme, location), items in sorted(groups.items())
    ]


def _theme(item: desk_reporting.ReportObservation) -> Topic | EntryKind:
    """The topic when there is one (a conversation), else the entry's kind."""
    return item.topic if item.topic is not None else item.kind


def draft_text(report: Report) -> str:
    """A first draft of the qualitative part from the observations, grouped by theme and
    location, for the reader to rewrite (names typed in a floor note must go before export)."""
    lines: list[str] = []
    for group in report.observations:
        lines.append(f"{theme_label(group.theme)} — {group.location}")
        if group.earlier:
            lines.append("- " + _("(%(n)s eerdere, niet in deze lijst)", n=group.earlier))
        for item in group.items:
            note = item.note.strip() or "(geen notitie)"
            lines.append(f"- {item.day:%d-%m-%Y}, {item.zone}: {note}")
        lines.append("")
    return "\n".join(lines).strip()


def theme_label(theme: Topic | EntryKind) -> str:
    """An observation's theme: a floor topic when the entry had one, else the entry kind."""
    return theme.label if isinstance(theme, Topic) else theme.label.lower()


def table(report: Report) -> Table:
    rows = [
        [
            theme_label(group.theme),
            group.location,
            short_day(item.day),
            item.zone,
            item.note,
        ]
        for group in report.observations
        for item in group.items
    ]
    return Table(
        "observaties",
        _("Observaties voor de rapportage"),
        [_("Thema"), _("Locatie"), _("Datum"), _("Zone"), _("Notitie")],
        rows,
        note=_listed_note(report),
        numeric_from=99,
    )


def _listed_note(report: Report) -> str:
    """Under a list that leaves observations out: how many it shows, and which."""
    shown, total = report.observation_shown, report.observation_count
    if shown == total:
        return ""
    return _(
        "%(shown)s van de %(total)s observaties: per thema en locatie de %(n)s meest recente.",
        shown=shown,
        total=total,
        n=PER_GROUP,
    )
