"""The sync benchmark's CPU figure (bench/sync_bench.py): every process of the gunicorn bound to
the port is counted, master and workers alike, and nothing of another gunicorn or process."""

from __future__ import annotations

from bench.sync_bench import served_cpu


def _gunicorn(port: int, app: str) -> list[bytes]:
    return [b"python", b"gunicorn", b"--bind", f"127.0.0.1:{port}".encode(), app.encode()]


def test_the_master_and_all_its_workers_are_counted_whatever_order_proc_lists_them() -> None:
    app = _gunicorn(8001, "app:create_app('production')")
    bare = _gunicorn(8002, "bench.bare_sync:application")
    processes = {
        # Workers listed after their master and before it: forked, they share its command line.
        30: (20, app, 5.0),
        20: (1, app, 0.5),
        31: (20, app, 4.0),
        10: (20, app, 6.0),
        40: (1, bare, 0.25),
        41: (40, bare, 2.0),
        50: (1, [b"wrk", b"http://127.0.0.1:8001"], 3.0),  # the load, not the server
        60: (1, [b"postgres: schoolfit"], 7.0),
    }
    assert served_cpu(processes, 8001) == 15.5
    assert served_cpu(processes, 8002) == 2.25
    assert served_cpu(processes, 8003) == 0
