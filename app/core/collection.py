"""Pausing Python's cyclic garbage collector around bulk work.

An evaluation of the signals allocates hundreds of thousands of short-lived objects (day
figures, findings, rows), none of them in reference cycles: reference counting frees them. Yet
every so many allocations the collector walks the heap, including every long-lived object of the
application (SQLAlchemy's and Flask's), and at 1× that was a fifth of a daily import's CPU
(bench/profile_daily.py --phases, docs/benchmarks.md)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any


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


class Alongside:
    """Pure Python work run in a thread while a long statement runs, if :meth:`start` is called
    (just before it): the statement waits for PostgreSQL's server, or runs in SQLite's C code,
    and either way releases the GIL, so the work uses another core meanwhile. The work must not
    touch the database session. :meth:`result` waits for it (None: never started, or no work);
    :meth:`close` waits for it too, also when the statement failed."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self._work = work
        self._executor: ThreadPoolExecutor | None = None
        self._future: Future[Any] | None = None

    def start(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="alongside")
        self._future = self._executor.submit(self._work)

    def result(self) -> Any:
        return None if self._future is None else self._future.result()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
