"""Pausing Python's cyclic garbage collector around bulk work.

An evaluation of the signals allocates hundreds of thousands of short-lived objects (day
figures, findings, rows), none of them in reference cycles: reference counting frees them. Yet
every so many allocations the collector walks the heap, including every long-lived object of the
application (SQLAlchemy's and Flask's), and at 1× that was a fifth of a daily import's CPU
(bench/profile_daily.py --phases, docs/benchmarks.md)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (reference counting still frees memory); the
    collector runs again after it as it was. Nested blocks leave it paused until the outer one
    ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
