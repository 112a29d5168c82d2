"""The observations staff marked "voor rapportage", grouped by theme and location."""

from __future__ import annotations

from collections import defaultdict
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


def figures(locations: Sequence[Location], start: date, end: date) -> list[ObservationGroup]:
    codes = {loc.id: loc.code for loc in locations}
    groups: dict[tuple[Topic | EntryKind, str], list[Observation]] = defaultdict(list)
    for item in desk_reporting.observations_for_report(list(codes), start, end):
        # The topic when there is one (a conversation), else the entry's kind.
        theme = item.topic if item.topic is not None else item.kind
        location = codes[item.location_id]
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
        ObservationGroup(theme, location, items)
        for (theme, location), items in sorted(groups.items())
    ]


def draft_text(report: Report) -> str:
    """A first draft of the qualitative part from the observations, grouped by theme and
    location, for the reader to rewrite (names typed in a floor note must go before export)."""
    lines: list[str] = []
    for group in report.observations:
        lines.append(f"{theme_label(group.theme)} — {group.location}")
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
        numeric_from=99,
    )
