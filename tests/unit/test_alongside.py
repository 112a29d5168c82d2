"""app.core.collection.Alongside: work in a thread beside a long statement (the absence import's
figures while the database writes its rows)."""

from __future__ import annotations

import threading

import pytest

from app.core.collection import Alongside


def test_work_runs_in_a_thread_only_when_started() -> None:
    threads: list[str] = []
    never = Alongside(lambda: threads.append(threading.current_thread().name))
    assert never.result() is None
    never.close()
    assert threads == []

    started = Alongside(lambda: threading.current_thread().name)
    started.start()
    try:
        assert started.result() != threading.current_thread().name
    finally:
        started.close()


def test_the_work_s_error_comes_back_and_close_waits_for_it() -> None:
    release = threading.Event()
    done: list[bool] = []

    def failing() -> None:
        release.wait(5)
        done.append(True)
        raise ValueError("broken")

    work = Alongside(failing)
    work.start()
    release.set()
    work.close()  # waits, as after a statement that failed
    assert done == [True]
    with pytest.raises(ValueError, match="broken"):
        work.result()
