"""The floor section: floor entries by kind, zone, hour and weekday; tensions and
de-escalations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from flask_babel import gettext as _

from app.core.localtime import LOCAL_TZ
from app.core.vocabulary import EntryKind, Outcome, Severity, Weekday
from app.reports.charts import bar_chart, column_chart
from app.reports.layout import Section, Table
from app.reports.model import FloorFigures, Report
from app.reports.tallies import floor_hours, floor_kinds, floor_zones

WEEKDAYS = range(5)  # Monday to Friday, as Weekday.of_index numbers them
# Floor work runs 08:00–11:00, but entries may be set back or made later: hours 7 to 15 show,
# anything else is counted under the nearest end.
HOURS = range(7, 16)


def figures(
    location_ids: Sequence[int], first: datetime, last: datetime, *, tallies: bool = True
) -> FloorFigures:
    """From the floor tallies (``app.reports.tallies``): three small aggregate queries."""
    kinds: Counter[EntryKind] = Counter()
    severities: Counter[Severity] = Counter()
    outcomes: Counter[Outcome] = Counter()
    group_students = 0
    for row in floor_kinds(location_ids, first, last, tallies=tallies):
        kinds[row.kind] += row.entries
        if row.kind == EntryKind.SPANNING and row.severity is not None:
            severities[row.severity] += row.entries
        if row.kind == EntryKind.DEESCALATIE and row.outcome is not None:
            outcomes[row.outcome] += row.entries
        if row.kind == EntryKind.GROEP:
            group_students += row.heads
    zones = floor_zones(location_ids, first, last, tallies=tallies)
    hours: Counter[int] = Counter()
    weekdays: Counter[int] = Counter()
    weekend = 0
    for value, count in floor_hours(location_ids, first, last, tallies=tallies).items():
        local = datetime.fromtimestamp(value * 3600, UTC).astimezone(LOCAL_TZ)
        hours[min(max(local.hour, HOURS.start), HOURS.stop - 1)] += count
        if local.weekday() < 5:
            weekdays[local.weekday()] += count
        else:
            weekend += count
    return FloorFigures(
        by_kind={kind: kinds[kind] for kind in EntryKind},
        by_zone=sorted(zones.items(), key=lambda item: (-item[1], item[0])),
        by_hour={h: hours.get(h, 0) for h in HOURS},
        by_weekday={d: weekdays.get(d, 0) for d in WEEKDAYS},
        weekend=weekend,
        severities={severity: severities[severity] for severity in Severity},
        outcomes={outcome: outcomes[outcome] for outcome in Outcome},
        group_students=group_students,
    )


def present(report: Report) -> list[Section]:
    floor = report.floor
    kinds = [(kind.plural, float(n), str(n)) for kind, n in floor.by_kind.items()]
    kind_table = Table(
        "vloer-soort",
        _("Vloerregistraties per soort"),
        [_("Soort"), _("Aantal")],
        [[label, text] for label, _v, text in kinds] + [[_("Totaal"), str(floor.total)]],
        note=_("Leerlingen bereikt in groepsmomenten (opgeteld): %(n)s.", n=floor.group_students),
    )
    zone_table = Table(
        "vloer-zone",
        _("Vloerregistraties per zone"),
        [_("Zone"), _("Aantal")],
        [[zone, str(n)] for zone, n in floor.by_zone],
    )
    hour_rows = [(f"{h:02d}:00", float(n), str(n)) for h, n in floor.by_hour.items()]
    hour_table = Table(
        "vloer-tijd",
        _("Vloerregistraties per uur van de dag"),
        [_("Uur"), _("Aantal")],
        [[label, text] for label, _v, text in hour_rows],
        note=_("Registraties vóór 07:00 tellen bij 07:00, na 15:00 bij 15:00."),
    )
    weekday_rows = [
        (Weekday.of_index(d).label, float(n), str(n)) for d, n in floor.by_weekday.items()
    ]
    weekday_table = Table(
        "vloer-weekdag",
        _("Vloerregistraties per weekdag"),
        [_("Weekdag"), _("Aantal")],
        [[label, text] for label, _v, text in weekday_rows],
        note=_("In het weekend: %(n)s.", n=floor.weekend) if floor.weekend else "",
    )
    tensions = Table(
        "spanningen",
        _("Spanningen naar ernst"),
        [_("Ernst"), _("Aantal")],
        [[severity.label, str(n)] for severity, n in floor.severities.items()],
    )
    deesc = Table(
        "deescalaties",
        _("De-escalaties naar uitkomst"),
        [_("Uitkomst"), _("Aantal")],
        [[outcome.label, str(n)] for outcome, n in floor.outcomes.items()],
    )
    return [
        Section(
            "vloer",
            _("Op de vloer"),
            _("%(n)s registraties in de periode.", n=floor.total),
            charts=[
                bar_chart(
                    kinds,
                    title=_("Vloerregistraties per soort"),
                ),
                column_chart(
                    hour_rows,
                    title=_("Vloerregistraties per uur van de dag"),
                ),
            ],
            tables=[kind_table, zone_table, hour_table, weekday_table],
        ),
        Section("spanning", _("Spanningen en de-escalaties"), tables=[tensions, deesc]),
    ]
