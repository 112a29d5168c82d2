"""From a :class:`~app.reports.services.Report` to what the page, the PDF and the CSV files
show: sections with a heading, an optional chart and tables of text cells.

The page and the PDF render the same sections; each table is also one CSV file (its ``name``),
so the three never disagree. Cells are strings already: suppressed counts read "<5".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.vocabulary import (
    AbsenceRule,
    CaseStatus,
    EntryKind,
    FlagType,
    Outcome,
    Severity,
    Topic,
    VisitStatus,
    Weekday,
)
from app.reports import rules
from app.reports.charts import BarChart, ColumnChart, bar_chart, column_chart
from app.reports.model import Report
from app.reports.rules import Count

FLOW_LABELS = {
    "geopend": _l("geopend"),
    "opgeschaald": _l("opgeschaald (naar preventief of intensief)"),
    "overgedragen": _l("overgedragen aan COPA"),
    "afgesloten": _l("afgesloten"),
}


def theme_label(theme: str) -> str:
    """An observation's theme: a floor topic when the entry had one, else the entry kind."""
    if theme in Topic.values():
        return Topic(theme).label
    return EntryKind.label_of(theme).lower()


# The tables, in report order: CSV file name -> what it holds (for docs and the CLI).
TABLE_NAMES = (
    "vloer-soort",
    "vloer-zone",
    "vloer-tijd",
    "vloer-weekdag",
    "spanningen",
    "deescalaties",
    "vlaggen",
    "casussen-status",
    "casussen-stroom",
    "casussen-doorlooptijd",
    "oudercontact",
    "huisbezoeken",
    "nablijfklas",
    "verzuim-trend",
    "verzuim-signalen",
    "uitkomst",
    "vergelijking",
    "peiling",
    "klimaat",
    "observaties",
)


@dataclass
class Table:
    name: str  # CSV file name without .csv
    title: str
    header: list[str]
    rows: list[list[str]]
    note: str = ""
    numeric_from: int = 1  # columns from here on are right-aligned numbers


@dataclass
class Section:
    id: str
    title: str
    intro: str = ""
    charts: list[ColumnChart | BarChart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0")


def count_value(count: Count) -> float | None:
    """A bar height for a count: None (no bar) when it is suppressed."""
    return None if count.suppressed else float(count.value)


def period_label(report: Report) -> str:
    return f"{format_date(report.start, 'd MMMM yyyy')} – {format_date(report.end, 'd MMMM yyyy')}"


def scope_title(report: Report) -> str:
    if report.whole_group:
        return _("Hele groep (%(codes)s)", codes=report.scope_label)
    return ", ".join(f"{loc.name} ({loc.code})" for loc in report.locations)


def _floor_sections(report: Report) -> list[Section]:
    floor = report.floor
    kinds = [(EntryKind(k).plural, float(v), str(v)) for k, v in floor.by_kind.items()]
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
        [[Severity(s).label, str(n)] for s, n in floor.severities.items()],
    )
    deesc = Table(
        "deescalaties",
        _("De-escalaties naar uitkomst"),
        [_("Uitkomst"), _("Aantal")],
        [[Outcome(o).label, str(n)] for o, n in floor.outcomes.items()],
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
                    description="; ".join(f"{label}: {text}" for label, _v, text in kinds),
                ),
                column_chart(
                    hour_rows,
                    title=_("Vloerregistraties per uur van de dag"),
                    description="; ".join(f"{label}: {text}" for label, _v, text in hour_rows),
                ),
            ],
            tables=[kind_table, zone_table, hour_table, weekday_table],
        ),
        Section("spanning", _("Spanningen en de-escalaties"), tables=[tensions, deesc]),
    ]


def _flag_section(report: Report) -> Section:
    flags = report.flags
    rows = [[FlagType(t).label, str(flags.flags[t]), flags.students[t].shown] for t in flags.flags]
    rows.append([_("Totaal"), str(sum(flags.flags.values())), flags.students_total.shown])
    return Section(
        "vlaggen",
        _("Vlaggen"),
        tables=[
            Table(
                "vlaggen",
                _("Vlaggen per soort"),
                [_("Soort"), _("Vlaggen"), _("Leerlingen")],
                rows,
            )
        ],
    )


def _case_section(report: Report) -> Section:
    cases = report.cases
    status_rows = [(CaseStatus(s).label, c) for s, c in cases.by_status.items()]
    flow_rows = [[str(FLOW_LABELS[f]), c.shown] for f, c in cases.flow.items()]
    stage_rows = [
        [
            CaseStatus(stage.stage).label,
            stage.count.shown,
            number(stage.median_days) if stage.median_days is not None else "–",
        ]
        for stage in cases.stages
    ]
    return Section(
        "casussen",
        _("Casussen"),
        _("%(n)s casussen waren in de periode open.", n=cases.active.shown),
        charts=[
            bar_chart(
                [(label, count_value(c), c.shown) for label, c in status_rows],
                title=_("Casussen naar status op de laatste dag van de periode"),
                description="; ".join(f"{label}: {c.shown}" for label, c in status_rows),
            )
        ],
        tables=[
            Table(
                "casussen-status",
                _("Casussen naar status op de laatste dag van de periode"),
                [_("Status"), _("Casussen")],
                [[label, c.shown] for label, c in status_rows],
            ),
            Table(
                "casussen-stroom",
                _("Stroom in de periode"),
                [_("Stap"), _("Casussen")],
                flow_rows,
            ),
            Table(
                "casussen-doorlooptijd",
                _("Doorlooptijd per fase (afgeronde fasen in de periode)"),
                [_("Fase"), _("Afgerond"), _("Mediaan dagen")],
                stage_rows,
                note=_("Een mediaan staat er pas bij %(n)s of meer afgeronde fasen.", n=5),
            ),
        ],
    )


def _contact_sections(report: Report) -> list[Section]:
    calls, visits, det = report.calls, report.visits, report.detention
    call_rows = [
        [_("Oudercontacten (taken aangemaakt)"), calls.calls.shown],
        [_("Leerlingen"), calls.students.shown],
        [_("Bereikt (gesproken of teruggebeld)"), calls.reached.shown],
        [
            _("Aandeel bereikt"),
            f"{calls.reached_percent}%" if calls.reached_percent is not None else "–",
        ],
        [_("Tolk nodig"), calls.interpreter.shown],
        [_("Belpogingen"), str(calls.attempts)],
    ]
    visit_rows = [[VisitStatus(s).label, c.shown] for s, c in visits.by_status.items()]
    visit_rows += [
        [_("Leerlingen"), visits.students.shown],
        [_("Gedaan met z'n tweeën"), visits.two_people.shown],
        [_("Gedaan door een gemengd duo"), visits.mixed_pairs.shown],
    ]
    det_rows = [
        [_("Sessies"), str(det.sessions)],
        [_("Aanwezigheden"), det.attendances.shown],
        [_("Leerlingen"), det.students.shown],
        [_("Leerlingen die vaker dan één keer kwamen"), det.repeat_students.shown],
        [_("Reflectiegesprekken"), det.talks.shown],
    ]
    return [
        Section(
            "ouders",
            _("Samenwerking met ouders"),
            tables=[
                Table("oudercontact", _("Oudercontact"), [_("Wat"), _("Aantal")], call_rows),
                Table("huisbezoeken", _("Huisbezoeken"), [_("Wat"), _("Aantal")], visit_rows),
            ],
        ),
        Section(
            "nablijfklas",
            _("Nablijfklas"),
            tables=[Table("nablijfklas", _("Nablijfklas"), [_("Wat"), _("Aantal")], det_rows)],
        ),
    ]


def _absence_section(report: Report) -> Section:
    absence = report.absence
    week_points = [
        (
            f"wk {w.monday.isocalendar().week}",
            w.per_100,
            number(w.per_100),
        )
        for w in absence.weeks
    ]
    trend = Table(
        "verzuim-trend",
        _("Ongeoorloofd verzuim per schoolweek"),
        [_("Week van"), _("Uren"), _("Uren per 100 leerlingen")],
        [
            [format_date(w.monday, "dd-MM-yyyy"), number(w.hours), number(w.per_100)]
            for w in absence.weeks
        ],
        note=_(
            "Gemiddeld %(rate)s uur per 100 leerlingen per schoolweek, %(students)s leerlingen.",
            rate=number(absence.per_100_per_week),
            students=report.students,
        ),
    )
    header = [_("Week") if absence.bucket_kind == "week" else _("Maand")]
    header += (
        [AbsenceRule.label_of(r) for r in next(iter(absence.buckets)).students]
        if (absence.buckets)
        else []
    )
    signal_rows = [[b.label, *(c.shown for c in b.students.values())] for b in absence.buckets]
    signal_rows.append([_("Hele periode"), *(c.shown for c in absence.signal_students.values())])
    signals = Table(
        "verzuim-signalen",
        _("Leerlingen met een nieuw verzuimsignaal, per soort"),
        header,
        signal_rows,
    )
    return Section(
        "verzuim",
        _("Verzuim"),
        charts=[
            column_chart(
                [(label, v, t) for label, v, t in week_points],
                title=_("Ongeoorloofde uren per 100 leerlingen per schoolweek"),
                description="; ".join(f"{label}: {t}" for label, _v, t in week_points),
            )
        ],
        tables=[trend, signals],
    )


def _spread(values: tuple[float, float] | None) -> str:
    if values is None:
        return "–"
    return f"{number(values[0])} – {number(values[1])}"


def _outcome_section(report: Report) -> Section:
    o = report.outcome
    rows = [
        [
            _("Leerlingen met een casus geopend in de periode, beide vensters compleet"),
            o.students.shown,
        ],
        [_("Nog geen 8 schoolweken na de opening voorbij"), o.pending.shown],
        [_("Buiten de schoolkalender"), o.outside_calendar.shown],
    ]
    if o.shown:
        rows += [
            [_("Mediaan vóór (uren per 4 schoolweken)"), number(o.before_median)],
            [_("Spreiding vóór (1e – 3e kwartiel)"), _spread(o.before_spread)],
            [_("Mediaan na (uren per 4 schoolweken)"), number(o.after_median)],
            [_("Spreiding na (1e – 3e kwartiel)"), _spread(o.after_spread)],
            [_("Mediaan van het verschil per leerling"), number(o.change_median)],
            [_("Leerlingen met minder verzuim na"), o.lower.shown],
            [_("Leerlingen met gelijk verzuim"), o.same.shown],
            [_("Leerlingen met meer verzuim na"), o.higher.shown],
        ]
    return Section(
        "uitkomst",
        _("Uitkomstindicator: verzuim vóór en na de casus"),
        _(
            "Ongeoorloofd verzuim per 4 schoolweken in de 8 schoolweken vóór de week waarin de "
            "casus werd geopend, tegenover de 8 schoolweken erna. Dit is een samenhang, geen "
            "bewijs van effect: verzuim verandert ook om andere redenen (en een casus wordt vaak "
            "juist geopend als het verzuim piekt)."
        ),
        tables=[
            Table(
                "uitkomst",
                _("Uitkomstindicator"),
                [_("Wat"), _("Waarde")],
                rows,
                note=""
                if o.shown
                else _("Minder dan %(n)s leerlingen: geen mediaan of spreiding.", n=5),
            )
        ],
    )


def _comparison_section(report: Report) -> Section:
    rows = report.comparison
    header = [
        _("Locatie"),
        _("Leerlingen"),
        _("Vloerregistraties"),
        _("Spanningen"),
        _("Leerlingen met vlag"),
        _("Casussen geopend"),
        _("Oudercontacten"),
        _("Huisbezoeken"),
        _("Ongeoorloofde uren per week"),
    ]
    table_rows = [
        [
            row.location.code,
            str(row.students),
            row.rate(row.entries),
            row.rate(row.tensions),
            row.rate(row.flagged),
            row.rate(row.cases_opened),
            row.rate(row.calls),
            row.rate(row.visits),
            row.absence_rate,
        ]
        for row in rows
    ]
    chart_rows = []
    for row in rows:
        rate = rules.per_100(row.entries, row.students)
        chart_rows.append((row.location.code, rate, number(rate)))
    return Section(
        "vergelijking",
        _("Locaties naast elkaar"),
        _("Alle cijfers per 100 leerlingen, over dezelfde periode."),
        charts=[
            bar_chart(
                chart_rows,
                title=_("Vloerregistraties per 100 leerlingen per locatie"),
                description="; ".join(f"{c}: {t}" for c, _v, t in chart_rows),
            )
        ],
        tables=[
            Table(
                "vergelijking",
                _("Locaties per 100 leerlingen"),
                header,
                table_rows,
                note=_("'<5': minder dan 5 leerlingen, het getal wordt niet getoond."),
            )
        ],
    )


def _pulse_section(report: Report) -> Section:
    pulse_rows = []
    for figure in report.pulse:
        period = (
            f"{format_date(figure.starts_on, 'dd-MM-yyyy')} – "
            f"{format_date(figure.ends_on, 'dd-MM-yyyy')}"
        )
        if figure.shown:
            for row in figure.rows:
                percent = f"{row.percent}%" if row.percent is not None else "–"
                pulse_rows.append(
                    [figure.location, period, str(row.statement), percent, str(row.n)]
                )
        else:
            reason = (
                _("nog niet afgelopen")
                if figure.respondents_enough
                else _("minder dan 10 antwoorden: niet getoond")
            )
            pulse_rows.append([figure.location, period, reason, "–", "–"])
    climate_rows = [
        [
            c.location,
            str(c.rustig),
            str(c.wisselend),
            str(c.onrustig),
            f"{rules.share(c.rustig, c.total)}%" if c.total else "–",
        ]
        for c in report.climate
    ]
    return Section(
        "klimaat",
        _("Klimaat en leerlingpeiling"),
        _(
            "Resultaten van een leerlingpeiling staan er alleen bij als de peiling is afgelopen "
            "en minstens 10 leerlingen antwoordden."
        ),
        tables=[
            Table(
                "peiling",
                _("Leerlingpeiling: aandeel (helemaal) eens"),
                [_("Locatie"), _("Periode"), _("Stelling"), _("Eens"), _("Antwoorden")],
                pulse_rows,
                numeric_from=3,
            ),
            Table(
                "klimaat",
                _("Klimaatcheck per locatie"),
                [_("Locatie"), _("Rustig"), _("Wisselend"), _("Onrustig"), _("Aandeel rustig")],
                climate_rows,
            ),
        ],
    )


def observation_table(report: Report) -> Table:
    rows = [
        [
            theme_label(group.theme),
            group.location,
            format_date(item.day, "dd-MM-yyyy"),
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


def sections(report: Report) -> list[Section]:
    """Every section of the quantitative part, in report order."""
    return [
        *_floor_sections(report),
        _flag_section(report),
        _case_section(report),
        *_contact_sections(report),
        _absence_section(report),
        _outcome_section(report),
        _comparison_section(report),
        _pulse_section(report),
    ]


def tables(report: Report) -> dict[str, Table]:
    """Every table by its CSV name (the observations included)."""
    result = {t.name: t for s in sections(report) for t in s.tables}
    result["observaties"] = observation_table(report)
    return result


def theme_labels() -> dict[str, object]:
    return {theme: theme_label(theme) for theme in (*Topic.values(), *EntryKind.values())}


def table_csv(table: Table) -> str:
    """One table as CSV for Excel in Dutch: ``;``-separated, with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows(_safe(row) for row in table.rows)
    return "\ufeff" + buffer.getvalue()


def _safe(row: list[str]) -> list[str]:
    """Cells that a spreadsheet would run as a formula get a leading apostrophe (CSV
    injection: a floor note like ``=HYPERLINK(…)``)."""
    return [
        "'" + cell if cell[:1] in ("=", "+", "-", "@") and not _is_number(cell) else cell
        for cell in row
    ]


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", ".").replace(".", "", cell.count(".") - 1))
    except ValueError:
        return False
    return True
