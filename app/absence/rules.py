"""The high-absence signal rules, as pure functions over plain data (no Flask, no database).

Every rule takes the figures per school day of one student (built from their registrations by
:func:`~app.absence.counting.day_figures`), the school calendar, the day the evaluation is "as
of", and the :class:`~app.absence.settings.RuleSettings`. It returns :class:`Finding` objects
whose identity — (rule, variant, window_start) — stays the same while a situation goes on, so
the stored signal is updated rather than duplicated day after day.

Rule codes: the values of ``AbsenceRule`` (``16uur``, ``lrv``, ``patroon``, ``frequent_ziek``,
``langdurig_ziek``, ``te_laat``). docs/absence.md describes each rule, its thresholds and source.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, timedelta
from itertools import accumulate

from app.absence.counting import EPSILON, DayFigures, Registration, day_figures, round_hours
from app.absence.rule_scope import Finding, Scope, SickEpisode, evaluation_scope
from app.absence.settings import RuleSettings
from app.core.schoolcalendar import SchoolCalendar
from app.core.vocabulary import AbsenceRule, Weekday

RULES = AbsenceRule.values()
PATTERN_WEEKLY = "week"


def _runs(days: Sequence[date], calendar: SchoolCalendar) -> list[list[date]]:
    """Split sorted school days into runs of consecutive school days (holidays don't break)."""
    runs: list[list[date]] = []
    previous = -2
    for day in days:
        index = calendar.day_index(day)
        if index == previous + 1 and runs:
            runs[-1].append(day)
        else:
            runs.append([day])
        previous = index
    return runs


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------


def sixteen_hours(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """16 hours or more of unauthorised absence within 4 consecutive school weeks (the reporting
    duty to DUO's verzuimloket). Each report's begin date is the first absence day counted, its
    end date the day the threshold was reached; counting restarts the day after, so each further
    16 hours is a new report (``count`` numbers the reports of the school year). Only the latest
    report is active, while its end date lies in the current window: a student absent for weeks
    shows one signal that moves on, not one per 16 hours."""
    rule = scope.settings.sixteen
    counted: list[tuple[date, float]] = []
    for day in scope.figure_days(figures):
        figure = figures[day]
        hours = figure.unauthorised + (figure.sent_out if rule.include_sent_out else 0.0)
        if hours > 0:
            counted.append((day, hours))
    findings: list[Finding] = []
    reset_after = date.min
    low = 0
    total = 0.0
    current_window = scope.window_first_day(scope.as_of, rule.weeks)
    firsts = scope.window_first_of(rule.weeks)
    for high, (day, hours) in enumerate(counted):
        total += hours
        first = firsts[day]
        while low <= high and (counted[low][0] < first or counted[low][0] <= reset_after):
            total -= counted[low][1]
            low += 1
        if total + EPSILON < rule.hours:
            continue
        window = counted[low : high + 1]
        due = scope.calendar.add_school_days(day, rule.report_within_days)
        findings.append(
            Finding(
                rule=AbsenceRule.ZESTIEN_UUR,
                window_start=window[0][0],
                window_end=day,
                triggered_on=day,
                active=False,
                hours=round_hours(total),
                days=len(window),
                count=len(findings) + 1,
                due_on=due or _add_weekdays(day, rule.report_within_days),
            )
        )
        reset_after = day
        low, total = high + 1, 0.0
    if findings and findings[-1].window_end >= current_window:
        findings[-1].active = True
    return findings


def _add_weekdays(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _first_day_beyond_weeks(run: list[date], weeks: int, calendar: SchoolCalendar) -> date | None:
    """The first day of ``run`` (consecutive school days) that lies more than ``weeks`` school
    weeks after its first day: in a later week than the start plus ``weeks``, or in that week
    on the start's weekday or after."""
    start_week = calendar.week_index(run[0])
    if start_week is None:
        return None
    target = start_week + weeks
    for day in run:
        week = calendar.week_index(day)
        if week is None:
            continue
        if week > target or (week == target and day.weekday() >= run[0].weekday()):
            return day
    return None


def long_relative_absence(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """LRV: unauthorised absence on every school day for more than N school weeks; fires on the
    first school day beyond them. Weeks are school weeks of the calendar (a week with a public
    holiday is still one week; a holiday week does not count), so the run fires on the same
    weekday N school weeks after it began. Active while the run goes on."""
    rule = scope.settings.lrv
    absent_days = [
        day
        for day in scope.figure_days(figures)
        if figures[day].unauthorised + EPSILON >= rule.min_hours_per_day
    ]
    calendar = scope.calendar
    findings = []
    for run in _runs(absent_days, calendar):
        trigger = _first_day_beyond_weeks(run, rule.weeks, calendar)
        if trigger is None:
            continue
        findings.append(
            Finding(
                rule=AbsenceRule.LRV,
                window_start=run[0],
                window_end=run[-1],
                triggered_on=trigger,
                active=scope.ongoing(run[-1]),
                hours=round_hours(sum(figures[d].unauthorised for d in run)),
                days=len(run),
            )
        )
    return findings


def _pattern_hours(figures: Mapping[date, DayFigures], scope: Scope) -> dict[date, float]:
    """The days that count for the pattern rules, in order, with their hours of the pattern's
    categories (each day's hours worked out once for both rules)."""
    cached = scope.pattern_days_of
    if cached is not None and cached[0] is figures:  # both pattern rules ask, one after the other
        return cached[1]
    rule = scope.settings.pattern
    days: dict[date, float] = {}
    for day in scope.figure_days(figures):
        hours = figures[day].hours_of(rule.categories)
        if hours + EPSILON >= rule.min_hours_per_day:
            days[day] = hours
    scope.pattern_days_of = (figures, days)
    return days


def weekly_pattern(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """Patroon: absent on at least one school day in each of N consecutive school weeks.
    Active while the streak goes on: this school week already has an absence day, or the
    previous one had and this week is not over yet."""
    rule = scope.settings.pattern
    calendar = scope.calendar
    absent_hours = _pattern_hours(figures, scope)
    # A streak of N weeks needs absence days in N weeks: most students have no streak at all.
    if not absent_hours or len(absent_hours) < rule.weeks:
        return []
    week_of = scope.week_of
    by_week: dict[int, list[date]] = {}
    for day in absent_hours:
        by_week.setdefault(week_of[day], []).append(day)
    if len(by_week) < rule.weeks:
        return []
    streaks: list[list[int]] = []
    for index in sorted(by_week):
        if streaks and streaks[-1][-1] == index - 1:
            streaks[-1].append(index)
        else:
            streaks.append([index])
    streaks = [streak for streak in streaks if len(streak) >= rule.weeks]
    if not streaks:
        return []
    current = calendar.week_index_on_or_before(scope.as_of)
    week_days = calendar.school_days_in_week(current) if current is not None else []
    week_over = not week_days or scope.as_of >= week_days[-1]
    if calendar.week_index(scope.as_of) != current:
        week_over = True
    findings = []
    for streak in streaks:
        days = [d for index in streak for d in by_week[index]]
        last = streak[-1]
        alive = last == current or (current is not None and last == current - 1 and not week_over)
        findings.append(
            Finding(
                rule=AbsenceRule.PATROON,
                variant=PATTERN_WEEKLY,
                window_start=days[0],
                window_end=days[-1],
                triggered_on=by_week[streak[rule.weeks - 1]][0],
                active=alive,
                hours=round_hours(sum(absent_hours[d] for d in days)),
                days=len(days),
                count=len(streak),
                detail=f"{len(streak)} schoolweken op rij afwezig",
            )
        )
    return findings


def weekday_pattern(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """Patroon on one weekday: absent on at least K of the last N times that weekday was a
    school day (e.g. 3 of the last 4 Mondays). The variant names the weekday.

    The weekday must stand out: when, over the same weeks, the student was at least as often
    absent on every other weekday too, it is no weekday pattern (the weekly pattern, LRV or 16 hours
    say what goes on), so a student who stays home altogether does not get five of these."""
    rule = scope.settings.pattern
    absent = _pattern_hours(figures, scope)
    wanted, span = rule.weekday_hits, rule.weekday_span
    if len(absent) < wanted:
        return []
    # Per weekday, the positions of the absence days among that weekday's school days.
    position = scope.weekday_position
    hit_positions: list[list[int]] = [[], [], [], [], []]
    for day in absent:
        hit_positions[day.weekday()].append(position[day])
    by_weekday = scope.by_weekday
    # Per weekday, the occurrences whose window (the last `span` occurrences) holds `wanted`
    # absence days: the window ending at i does when, for some j, the (j + wanted - 1)-th hit
    # lies at or before i and the j-th within the window. Only these can raise or continue a
    # finding; any other occurrence ends the open one. Most students have none at all.
    candidates_of: list[list[int]] = []
    for weekday, hit_at in enumerate(hit_positions):
        end = len(by_weekday[weekday])
        candidates_of.append(
            sorted(
                {
                    i
                    for j in range(len(hit_at) - wanted + 1)
                    for i in range(hit_at[j + wanted - 1], min(hit_at[j] + span, end))
                }
            )
        )
    if not any(candidates_of):
        return []
    # hits_before[w][i]: absence days among the first i school days on weekday w.
    hits_before = [
        list(accumulate(map(absent.__contains__, days), initial=0)) for days in by_weekday
    ]
    windows = scope.weekday_windows()

    findings = []
    for weekday, candidates in enumerate(candidates_of):
        if not candidates:
            continue
        occurrences = by_weekday[weekday]
        name = Weekday.of_index(weekday).value
        counts = hits_before[weekday]
        own_findings: list[Finding] = []
        open_finding: Finding | None = None
        previous = -2
        for i in candidates:
            if open_finding is not None and i != previous + 1:
                open_finding.active = False
                open_finding = None
            previous = i
            day = occurrences[i]
            start = max(0, i - span + 1)
            stands_out = False
            if counts[i + 1] - counts[start] >= wanted:
                window = occurrences[start : i + 1]
                hits = [d for d in window if d in absent]
                # Compare the weeks before this one, where every weekday has had its turn: the
                # weekday stands out unless every other weekday was absent as often or more.
                own_range, others = windows[weekday][i]
                if own_range is None or not others:
                    stands_out = True
                else:
                    low, high = own_range
                    own = (counts[high] - counts[low]) / (high - low)
                    for other, low, high in others:
                        before = hits_before[other]
                        if (before[high] - before[low]) / (high - low) < own:
                            stands_out = True
                            break
            if stands_out:
                if open_finding is None:
                    open_finding = Finding(
                        rule=AbsenceRule.PATROON,
                        variant=name,
                        window_start=hits[0],
                        window_end=hits[-1],
                        triggered_on=day,
                        active=True,
                    )
                    own_findings.append(open_finding)
                open_finding.window_end = hits[-1]
                open_finding.count = len(hits)
                open_finding.detail = (
                    f"{len(hits)} van de laatste {len(window)} {name}en afwezig"
                    if len(window) > 1
                    else f"afwezig op {name}"
                )
            elif open_finding is not None:
                open_finding.active = False
                open_finding = None
        if open_finding is not None and previous < len(occurrences) - 1:
            open_finding.active = False  # a later occurrence without absence in its window
        for finding in own_findings:
            low = bisect_left(occurrences, finding.window_start)
            high = bisect_right(occurrences, finding.window_end)
            hit_days = [d for d in occurrences[low:high] if d in absent]
            finding.days = len(hit_days)
            finding.hours = round_hours(sum(absent[d] for d in hit_days))
        findings.extend(own_findings)
    return findings


def sick_episodes(figures: Mapping[date, DayFigures], scope: Scope) -> list[SickEpisode]:
    cached = scope.sick_episodes_of
    if cached is not None and cached[0] is figures:  # both sick rules ask, one after the other
        return cached[1]
    sick_days = [d for d in scope.figure_days(figures) if figures[d].sick > 0]
    episodes = [
        SickEpisode(run[0], run[-1], len(run), round_hours(sum(figures[d].sick for d in run)))
        for run in _runs(sick_days, scope.calendar)
    ]
    scope.sick_episodes_of = (figures, episodes)
    return episodes


def _threshold_runs(
    events: Sequence[tuple[date, float]], scope: Scope, weeks: int, threshold: float
) -> list[tuple[date, date, date, bool]]:
    """Stretches during which the events within the rolling window of ``weeks`` school weeks
    reached ``threshold``. Returns (first event counted, day it was reached, last event, active).

    A stretch continues at the next event if, just before it, the window still held enough
    events; otherwise that event starts a new stretch (a new signal).
    """
    stretches: list[list[date]] = []
    open_stretch: list[date] | None = None
    low = 0
    total = 0.0
    firsts = scope.window_first_of(weeks)
    for day, weight in events:
        total += weight
        first = firsts[day]
        while events[low][0] < first:
            total -= events[low][1]
            low += 1
        if total + EPSILON >= threshold:
            if open_stretch is not None and total - weight + EPSILON >= threshold:
                open_stretch[2] = day
            else:
                open_stretch = [events[low][0], day, day]
                stretches.append(open_stretch)
        else:
            open_stretch = None
    window_first = scope.window_first_day(scope.as_of, weeks)
    now_total = sum(w for d, w in events if window_first <= d <= scope.as_of)
    still_reached = now_total + EPSILON >= threshold
    return [
        (stretch[0], stretch[1], stretch[2], stretch is open_stretch and still_reached)
        for stretch in stretches
    ]


def frequent_sick(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """Frequent ziek (MAZL): the Nth separate sick report within M school weeks."""
    rule = scope.settings.frequent_sick
    episodes = sick_episodes(figures, scope)
    if len(episodes) < rule.reports:
        return []
    events = [(episode.first_day, 1.0) for episode in episodes]
    findings = []
    for first, reached, last, active in _threshold_runs(events, scope, rule.weeks, rule.reports):
        counted = [e for e in episodes if first <= e.first_day <= last]
        findings.append(
            Finding(
                rule=AbsenceRule.FREQUENT_ZIEK,
                window_start=first,
                window_end=counted[-1].last_day,
                triggered_on=reached,
                active=active,
                hours=round_hours(sum(e.hours for e in counted)),
                days=sum(e.days for e in counted),
                episodes=len(counted),
            )
        )
    return findings


def long_sick(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """Langdurig ziek (MAZL): the Nth consecutive sick school day. Active while ill."""
    rule = scope.settings.long_sick
    findings = []
    for episode in sick_episodes(figures, scope):
        if episode.days < rule.days:
            continue
        days = scope.calendar.school_days_between(episode.first_day, episode.last_day)
        findings.append(
            Finding(
                rule=AbsenceRule.LANGDURIG_ZIEK,
                window_start=episode.first_day,
                window_end=episode.last_day,
                triggered_on=days[rule.days - 1],
                active=scope.ongoing(episode.last_day),
                hours=episode.hours,
                days=episode.days,
                episodes=1,
            )
        )
    return findings


def late_arrivals(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """Te laat: at least N late arrivals within M school weeks (an early signal)."""
    rule = scope.settings.late
    events: list[tuple[date, float]] = []
    for day in scope.figure_days(figures):
        figure = figures[day]
        count = figure.late_unauthorised if rule.unauthorised_only else figure.late
        if count:
            events.append((day, float(count)))
    if sum(w for _, w in events) < rule.count:
        return []
    findings = []
    for first, reached, last, active in _threshold_runs(events, scope, rule.weeks, rule.count):
        counted = [(d, w) for d, w in events if first <= d <= last]
        findings.append(
            Finding(
                rule=AbsenceRule.TE_LAAT,
                window_start=first,
                window_end=last,
                triggered_on=reached,
                active=active,
                days=len(counted),
                count=int(sum(w for _, w in counted)),
            )
        )
    return findings


RULE_FUNCTIONS: tuple[Callable[[Mapping[date, DayFigures], Scope], list[Finding]], ...] = (
    sixteen_hours,
    long_relative_absence,
    weekly_pattern,
    weekday_pattern,
    frequent_sick,
    long_sick,
    late_arrivals,
)


def evaluate_student(
    rows: Iterable[Registration],
    calendar: SchoolCalendar,
    as_of: date,
    settings: RuleSettings,
) -> list[Finding]:
    """Every rule for one student's registrations, as of ``as_of`` (later data is ignored)."""
    scope = evaluation_scope(calendar, as_of, settings)
    if scope is None:
        return []
    return evaluate_figures(
        day_figures(rows, calendar, settings, first=scope.first, last=as_of), scope
    )


def evaluate_figures(figures: Mapping[date, DayFigures], scope: Scope) -> list[Finding]:
    """Every rule for one student's day figures (of ``scope.first``..``scope.as_of``)."""
    if not figures:
        return []
    findings: list[Finding] = []
    for rule in RULE_FUNCTIONS:
        findings.extend(rule(figures, scope))
    return findings
