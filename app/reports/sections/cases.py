"""The cases section: status at the end of the period, the flow in it, time per stage."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy import case as sql_case

from app.core.sql import epoch_microseconds, plain_rows
from app.core.vocabulary import CaseStatus
from app.models import CaseStatusChange, Casus, Student
from app.reports import rules
from app.reports.charts import bar_chart
from app.reports.filters import in_scope
from app.reports.layout import Section, Table, count_value, number
from app.reports.model import CaseFigures, Report, StageDuration
from app.reports.rules import Count

# The stages a case stays in (time per stage): every status but the closed one.
STAGES = tuple(status for status in CaseStatus if status != CaseStatus.AFGESLOTEN)
# Escalation ("opgeschaald"): a step up this ladder.
LADDER = (CaseStatus.SIGNAAL, CaseStatus.PREVENTIEF, CaseStatus.INTENSIEF)
# The flow through the workflow in the period, in report order (the report's own steps).
FLOW_LABELS = {
    "geopend": _l("geopend"),
    "opgeschaald": _l("opgeschaald (naar preventief of intensief)"),
    "overgedragen": _l("overgedragen aan COPA"),
    "afgesloten": _l("afgesloten"),
}


@dataclass
class CaseRow:
    id: int
    student_id: int
    location_id: int
    opened_at: datetime
    changes: list[tuple[datetime, CaseStatus | None, CaseStatus]]  # (at, from, to), oldest first


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DAY_MICROSECONDS = 86400 * 10**6


def _chosen(
    location_ids: Sequence[int], first: datetime, last: datetime
) -> tuple[ColumnElement[bool], ...]:
    """Cases of the locations' students that were open at some time in [first, last)."""
    return (
        in_scope(Student.location_id, location_ids),
        Casus.opened_at < last,
        (Casus.closed_at.is_(None)) | (Casus.closed_at >= first),
    )


def case_rows(location_ids: Sequence[int], first: datetime, last: datetime) -> list[CaseRow]:
    """Cases of the locations' students that were open at some time in [first, last), each with
    its status changes (for :func:`figures`, the reference the SQL of :func:`counted` is tested
    against)."""
    chosen = _chosen(location_ids, first, last)
    cases = plain_rows(
        select(Casus.id, Casus.student_id, Student.location_id, Casus.opened_at)
        .join(Student, Student.id == Casus.student_id)
        .where(*chosen)
    ).all()
    result = {row[0]: CaseRow(row[0], row[1], row[2], row[3], []) for row in cases}
    if result:
        # The same cases by a join, not an IN list of their ids (30,000 at a board's scale).
        changes = plain_rows(
            select(
                CaseStatusChange.case_id,
                CaseStatusChange.at,
                CaseStatusChange.from_status,
                CaseStatusChange.to_status,
            )
            .join(Casus, Casus.id == CaseStatusChange.case_id)
            .join(Student, Student.id == Casus.student_id)
            .where(*chosen)
            .order_by(CaseStatusChange.at, CaseStatusChange.id)
        ).all()
        for case_id, at, from_status, to_status in changes:
            result[case_id].changes.append((at, from_status, to_status))
    return list(result.values())


def _escalates(from_status: CaseStatus, to_status: CaseStatus) -> bool:
    return (
        from_status in LADDER
        and to_status in LADDER
        and LADDER.index(to_status) > LADDER.index(from_status)
    )


def figures(rows: Sequence[CaseRow], first: datetime, last: datetime) -> CaseFigures:
    status_at_end: Counter[CaseStatus] = Counter()
    flow: dict[str, set[int]] = defaultdict(set)
    stays: dict[CaseStatus, list[float]] = defaultdict(list)
    for case in rows:
        before_end = [c for c in case.changes if c[0] < last]
        if before_end:
            status_at_end[before_end[-1][2]] += 1
        for at, from_status, to_status in case.changes:
            if not first <= at < last:
                continue
            if from_status is None:
                flow["geopend"].add(case.id)
            elif to_status == CaseStatus.AFGESLOTEN:
                flow["afgesloten"].add(case.id)
            elif to_status == CaseStatus.OVERGEDRAGEN_COPA:
                flow["overgedragen"].add(case.id)
            elif _escalates(from_status, to_status):
                flow["opgeschaald"].add(case.id)
        for (entered, _f, stage), (left, _f2, _t) in zip(
            case.changes, case.changes[1:], strict=False
        ):
            if first <= left < last and stage in STAGES:
                stays[stage].append((left - entered).total_seconds() / 86400)
    return _case_figures(status_at_end, {s: len(flow[s]) for s in FLOW_LABELS}, stays)


def _changes_of_chosen(
    location_ids: Sequence[int], first: datetime, last: datetime, *columns: Any
) -> Any:
    return (
        select(*columns)
        .select_from(CaseStatusChange)
        .join(Casus, Casus.id == CaseStatusChange.case_id)
        .join(Student, Student.id == Casus.student_id)
        .where(*_chosen(location_ids, first, last))
    )


def _microseconds(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


def _flow_step() -> Any:
    """A change's step in the flow, in the order :func:`figures` decides it."""
    change = CaseStatusChange
    escalations = [
        and_(change.from_status == low, change.to_status == high)
        for low in LADDER
        for high in LADDER
        if _escalates(low, high)
    ]
    return sql_case(
        (change.from_status.is_(None), "geopend"),
        (change.to_status == CaseStatus.AFGESLOTEN, "afgesloten"),
        (change.to_status == CaseStatus.OVERGEDRAGEN_COPA, "overgedragen"),
        (or_(*escalations), "opgeschaald"),
        else_="",
    )


def counted(location_ids: Sequence[int], first: datetime, last: datetime) -> CaseFigures:
    """:func:`figures` from one pass of the database over the status changes, without loading
    a board's 30,000 cases and 58,000 changes as rows of datetimes: a window function pairs
    each change with the next one of its case, in whole microseconds (so the medians come out
    exactly as from the datetimes), and SQL names each change's step in the flow."""
    change = CaseStatusChange
    moment = epoch_microseconds(change.at)
    changes = _changes_of_chosen(
        location_ids,
        first,
        last,
        change.case_id,
        change.to_status.label("status"),
        _flow_step().label("step"),
        moment.label("at"),
        func.lead(moment)
        .over(partition_by=change.case_id, order_by=(change.at, change.id))
        .label("next"),
    ).subquery()
    start, end = _microseconds(first), _microseconds(last)
    at, following = changes.c.at, changes.c.next
    status_at_end: Counter[CaseStatus] = Counter()
    flow: dict[str, set[int]] = defaultdict(set)
    stays: dict[CaseStatus, list[float]] = defaultdict(list)
    for case_id, status, step, entered, left in plain_rows(
        select(changes.c.case_id, changes.c.status, changes.c.step, at, following).where(
            or_(
                and_(at >= start, at < end),  # a step in the flow
                and_(following >= start, following < end),  # a stay that ended in the period
                and_(at < end, or_(following.is_(None), following >= end)),  # the last before
            )
        )
    ):
        if entered < end and (left is None or left >= end):
            status_at_end[status] += 1
        if start <= entered < end and step:
            flow[step].add(case_id)
        if left is not None and start <= left < end and status in STAGES:
            # As timedelta.total_seconds() / 86400: microseconds / 10**6 / 86400.
            stays[status].append((int(left) - int(entered)) / 10**6 / 86400)
    return _case_figures(status_at_end, {s: len(flow[s]) for s in FLOW_LABELS}, stays)


def _case_figures(
    status_at_end: Counter[CaseStatus],
    flow: dict[str, int],
    stays: dict[CaseStatus, list[float]],
) -> CaseFigures:
    stages = []
    for stage in STAGES:
        values = stays.get(stage, [])
        middle = rules.median(values) if len(values) >= rules.MIN_STUDENTS else None
        stages.append(
            StageDuration(stage, len(values), round(middle, 1) if middle is not None else None)
        )
    return CaseFigures(
        by_status={status: Count(status_at_end[status]) for status in CaseStatus},
        flow={step: Count(flow[step]) for step in FLOW_LABELS},
        stages=stages,
        active=Count(sum(status_at_end.values())),
    )


def present(report: Report) -> Section:
    cases = report.cases
    status_rows = [(status.label, c) for status, c in cases.by_status.items()]
    flow_rows = [[str(FLOW_LABELS[f]), c.shown] for f, c in cases.flow.items()]
    stage_rows = [
        [
            stage.stage.label,
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
