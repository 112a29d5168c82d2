"""The conditions the sections' queries share: the scope's locations and the period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import InstrumentedAttribute


def in_scope(location: InstrumentedAttribute[int], ids: Sequence[int]) -> ColumnElement[bool]:
    """A location column among the scope's ids (an empty scope matches nothing)."""
    return location.in_(ids or [-1])


def in_period(
    moment: InstrumentedAttribute[datetime], first: datetime, last: datetime
) -> ColumnElement[bool]:
    """A stored (UTC) time in [first, last): the period's local days as UTC bounds."""
    return and_(moment >= first, moment < last)


def on_days(
    day: InstrumentedAttribute[date] | ColumnElement[date], start: date, end: date
) -> ColumnElement[bool]:
    """A date column from ``start`` to ``end``, both inclusive."""
    return and_(day >= start, day <= end)
