"""The floor section: floor entries by kind, zone, hour and weekday; tensions and
de-escalations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.localtime import LOCAL_TZ
from app.core.sql import epoch_bucket
from app.core.vocabulary import EntryKind, Outcome, Severity, Weekday
from app.extensions import db
from app.models import FloorEntry, Zone
from app.reports.charts import bar_chart, column_chart
from app.reports.filters import in_period, in_scope
from app.reports.layout import Section, Table
from app.reports.model import FloorFigures, Report

WEEKDAYS = range(5)  # Monday to Friday, as Weekday.of_index numbers them
# Floor work runs 08:00–11:00, but entries may be set back or made later: hours 7 to 15 show,
# anything else is counted under the nearest end.
HOURS = range(7, 16)


def _hour_bucket(column: Any) -> Any:
    """The UTC hour of a timestamp column as hours since 1970, in SQL."""
    return epoch_bucket(column, 3600)


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> FloorFigures:
    """Three aggregate queries, whatever the number of entries."""
    where = (
        in_scope(FloorEntry.location_id, location_ids),
        in_period(FloorEntry.occurred_at, first, last),
    )
    kinds: Counter[EntryKind] = Counter()
    severities: Counter[Severity] = Counter()
    outcomes: Counter[Outcome] = Counter()
    group_students = 0
    for kind, severity, outcome, count, heads in db.session.execute(
        select(
            FloorEntry.kind,
            FloorEntry.severity,
            FloorEntry.outcome,
            func.count(),
            func.coalesce(func.sum(FloorEntry.head_count), 0),
        )
        .where(*where)
        .group_by(FloorEntry.kind, FloorEntry.severity, FloorEntry.outcome)
    ):
        kinds[kind] += count
        if kind == EntryKind.SPANNING and severity is not None:
            severities[severity] += count
        if kind == EntryKind.DEESCALATIE and outcome is not None:
            outcomes[outcome] += count
        if kind == EntryKind.GROEP:
            group_students += int(heads or 0)
    zones = dict(
        db.session.execute(
            select(Zone.name, func.count())
            .join(FloorEntry, FloorEntry.zone_id == Zone.id)
            .where(*where)
            .group_by(Zone.name)
        ).all()
    )
    bucket = _hour_bucket(FloorEntry.occurred_at)
    hours: Counter[int] = Counter()
    weekdays: Counter[int] = Counter()
    weekend = 0
    for value, count in db.session.execute(
        select(bucket, func.count()).where(*where).group_by(bucket)
    ):
        local = datetime.fromtimestamp(int(value) * 3600, UTC).astimezone(LOCAL_TZ)
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
