"""The one-page summary that opens the report: a few key figures of the scope in the period,
beside the previous period of equal length and the same period last year, with the ones that
moved most on top (chosen by :func:`app.reports.rules.moved_figures`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core.localtime import local_range_bounds
from app.core.schoolcalendar import SchoolCalendar
from app.models import Location
from app.reports import rules
from app.reports.layout import Section, Table
from app.reports.model import Report, Summary
from app.reports.numbers import day, number, percent, period, school_weeks, signed_percent
from app.reports.rules import KeyFigure
from app.reports.sections import absence, comparison

# key -> (label, decimals, a count of students or things about them)
KEY_FIGURES = {
    "vloerregistraties": (_l("Vloerregistraties"), 0, False),
    "spanningen": (_l("Spanningen"), 0, False),
    "leerlingen-met-vlag": (_l("Leerlingen met een vlag"), 0, True),
    "casussen-geopend": (_l("Casussen geopend"), 0, True),
    "oudercontacten": (_l("Oudercontacten"), 0, True),
    "huisbezoeken": (_l("Huisbezoeken"), 0, True),
    "verzuim": (_l("Ongeoorloofde uren per 100 leerlingen per schoolweek"), 1, False),
}


def _values(
    locations: Sequence[Location],
    start: date,
    end: date,
    calendar: SchoolCalendar,
    students: dict[int, int],
    hours_by_day: dict[int, dict[date, float]],
    tallies: bool,
) -> tuple[dict[str, float | None], int]:
    """The key figures of the scope over one period (the comparison's own per-location
    queries, added up), and its number of school weeks. ``hours_by_day``: the unauthorised
    hours per location and day, read once for every period
    (:func:`app.reports.sections.absence.unauthorised_by_day`)."""
    ids = [loc.id for loc in locations]
    first, last = local_range_bounds(start, end)
    hours = absence.within(hours_by_day, start, end)
    weeks = len(rules.school_weeks_between(calendar, start, end))
    rows = comparison.figures(locations, first, last, weeks, students, hours, tallies=tallies)
    scope_students = sum(students.get(i, 0) for i in ids)
    total_hours = sum(row.unauthorised_hours for row in rows)
    values: dict[str, float | None] = {
        "vloerregistraties": sum(row.entries for row in rows),
        "spanningen": sum(row.tensions for row in rows),
        "leerlingen-met-vlag": sum(row.flagged.value for row in rows),
        "casussen-geopend": sum(row.cases_opened.value for row in rows),
        "oudercontacten": sum(row.calls.value for row in rows),
        "huisbezoeken": sum(row.visits.value for row in rows),
        "verzuim": rules.per_100(total_hours / weeks, scope_students) if weeks else None,
    }
    return values, weeks


def figures(
    locations: Sequence[Location],
    start: date,
    end: date,
    calendar: SchoolCalendar,
    students: dict[int, int],
    hours_by_day: dict[int, dict[date, float]],
    *,
    tallies: bool = True,
    through: date | None = None,
) -> Summary:
    """The summary of a report: three periods, the same queries for each; ``hours_by_day``
    covers all three (from the earliest comparison day to the period's end). ``through``: the
    period runs past today and is counted up to this day; the other two periods are then cut
    to as many days (:func:`app.reports.rules.elapsed_part`)."""
    previous = rules.previous_period(start, end)
    last_year = rules.last_year_period(start, end)
    if through is not None:
        previous = rules.elapsed_part(previous, start, through)
        last_year = rules.elapsed_part(last_year, start, through)
        end = through
    now, weeks = _values(locations, start, end, calendar, students, hours_by_day, tallies)
    before, previous_weeks = _values(
        locations, *previous, calendar, students, hours_by_day, tallies
    )
    if last_year == previous:  # a school year: the year before is both
        year_ago, last_year_weeks = dict(before), previous_weeks
    else:
        year_ago, last_year_weeks = _values(
            locations, *last_year, calendar, students, hours_by_day, tallies
        )
    # A comparison period in which the app held no records at all shows "–", not zeros.
    if not rules.has_data(list(before.values())):
        before = dict.fromkeys(before)
    if not rules.has_data(list(year_ago.values())):
        year_ago = dict.fromkeys(year_ago)
    return Summary(
        previous_start=previous[0],
        previous_end=previous[1],
        last_year_start=last_year[0],
        last_year_end=last_year[1],
        school_weeks=weeks,
        previous_school_weeks=previous_weeks,
        last_year_school_weeks=last_year_weeks,
        counted_through=through,
        figures=[
            KeyFigure(key, now[key], before[key], year_ago[key], digits, of_students)
            for key, (_label, digits, of_students) in KEY_FIGURES.items()
        ],
    )


def label(figure: KeyFigure) -> str:
    return str(KEY_FIGURES[figure.key][0])


def value_text(figure: KeyFigure, value: float | None) -> str:
    """A value as every output shows it: "<5" for a small count of students, "–" for none."""
    if figure.suppressed(value):
        return rules.SUPPRESSED
    return number(value, figure.digits)


def direction_text(direction: str | None) -> str:
    """The direction in a sign and in words (never in colour only)."""
    if direction == rules.UP:
        return _("↑ hoger")
    if direction == rules.DOWN:
        return _("↓ lager")
    if direction == rules.SAME:
        return _("= gelijk")
    return "–"


def _point(figure: KeyFigure) -> str:
    """One moved figure in a sentence: value, direction in words, the previous value and the
    change, and last year's value where there is one."""
    change = figure.change
    text = _(
        "%(label)s: %(value)s, %(direction)s dan de vorige periode (%(previous)s%(change)s).",
        label=label(figure),
        value=value_text(figure, figure.value),
        direction=direction_text(figure.direction),
        previous=value_text(figure, figure.previous),
        change=f", {signed_percent(change)}" if change is not None else "",
    )
    if figure.last_year is not None:
        text += " " + _(
            "Dezelfde periode vorig jaar: %(value)s.",
            value=value_text(figure, figure.last_year),
        )
    return text


def present(report: Report) -> Section | None:
    summary = report.summary
    if summary is None:
        return None
    moved = summary.moved
    points = [_point(f) for f in moved] or [
        _(
            "Geen kerncijfer veranderde %(percent)s of meer ten opzichte van de vorige periode.",
            percent=f"{number(rules.SUMMARY_THRESHOLD * 100, 0)}%",
        )
    ]
    intro = _(
        "Deze periode: %(weeks)s. Vergeleken met de vorige periode (%(previous)s, "
        "%(previous_weeks)s) en dezelfde periode vorig jaar (%(last_year)s, "
        "%(last_year_weeks)s). Bovenaan de cijfers die het meest veranderden "
        "(%(percent)s of meer).",
        weeks=school_weeks(summary.school_weeks),
        previous=period(summary.previous_start, summary.previous_end),
        previous_weeks=school_weeks(summary.previous_school_weeks),
        last_year=period(summary.last_year_start, summary.last_year_end),
        last_year_weeks=school_weeks(summary.last_year_school_weeks),
        percent=f"{number(rules.SUMMARY_THRESHOLD * 100, 0)}%",
    )
    if summary.counted_through is not None:
        intro = (
            _(
                "De periode loopt nog: geteld tot en met %(day)s, vergeleken met evenveel dagen "
                "van de vorige periode en van vorig jaar.",
                day=day(summary.counted_through),
            )
            + " "
            + intro
        )
    rows = [
        [
            label(f),
            value_text(f, f.value),
            value_text(f, f.previous),
            value_text(f, f.last_year),
            percent(f.change) if f.change is not None else "–",
            direction_text(f.direction),
        ]
        for f in summary.figures
    ]
    notes = [_("Richting: ten opzichte van de vorige periode.")]
    if not summary.has_previous or not summary.has_last_year:
        notes.append(_("'–': geen gegevens over die periode."))
    notes.append(_("'<5': minder dan 5 leerlingen, het getal wordt niet getoond."))
    return Section(
        "samenvatting",
        _("Samenvatting"),
        intro,
        points=points,
        tables=[
            Table(
                "samenvatting",
                _("Kerncijfers"),
                [
                    _("Kerncijfer"),
                    _("Deze periode"),
                    _("Vorige periode"),
                    _("Zelfde periode vorig jaar"),
                    _("Verandering t.o.v. vorige periode"),
                    _("Richting"),
                ],
                rows,
                note=" ".join(notes),
            )
        ],
    )
