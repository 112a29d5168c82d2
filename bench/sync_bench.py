"""The floor sync beside its bare WSGI baseline (issue 24), quickly: ``make bench-sync``.

    .venv/bin/python -m bench.sync_bench [--scale 0.1] [--runs 3] [--seconds 10]
        [--batches 1,10] [--connections 1,8,32] [--workers 3]

A throw-away PostgreSQL server with the synthetic school group at ``--scale`` (1/10 is enough:
the sync's cost is per request, not per stored row, docs/benchmarks.md), then the app
(``gunicorn -w 3``, production settings) and ``bench/bare_sync.py`` under the same gunicorn
settings, driven in turns by the same ``wrk`` script (bench/floor_sync.lua) with the same login.
Prints the medians side by side: entries/s, p50 and p95, and the ratios — and the CPU time of
each gunicorn (master and workers, from /proc) per request of each run, the steadier figure on
a shared machine (the database server's share is in neither).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import time
from pathlib import Path
from typing import Any

from bench import group_bench
from bench.group_bench import (
    Results,
    database_url,
    log,
    machine,
    measure_in_process,
    measure_sync,
)


def served_cpu(processes: dict[int, tuple[int, list[bytes], float]], port: int) -> float:
    """The CPU seconds of the gunicorn bound to ``port``: its master and every worker.
    ``processes``: pid → (parent pid, command line, CPU seconds). The workers are forked from
    the master and carry its command line, so all of them match the bind address; their
    children (none in a sync worker) are counted too."""
    bind = f"127.0.0.1:{port}".encode()
    serving = {
        pid
        for pid, (_parent, command, _cpu) in processes.items()
        if bind in command and any(b"gunicorn" in part for part in command)
    }
    return sum(
        cpu
        for pid, (parent, _command, cpu) in processes.items()
        if pid in serving or parent in serving
    )


def _gunicorn_cpu(port: int) -> tuple[str, float]:
    """Which gunicorn listens on ``port`` (the app or the bare baseline) and the CPU seconds
    (user + system) its master and workers have used so far, read from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    processes: dict[int, tuple[int, list[bytes], float]] = {}
    label = ""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        processes[int(entry.name)] = (int(fields[1]), command, cpu)
        if f"127.0.0.1:{port}".encode() in command:
            label = "bare" if b"bench.bare_sync:application" in command else "app"
    return label, served_cpu(processes, port)


def _with_cpu(cpu_per_request: dict[str, list[float]]) -> Any:
    """``group_bench.wrk_run``, also noting the gunicorn's CPU milliseconds per request."""
    run = group_bench.wrk_run

    def measured(port: int, *args: Any, **kwargs: Any) -> Any:
        label, before = _gunicorn_cpu(port)
        done = run(port, *args, **kwargs)
        label, after = _gunicorn_cpu(port)
        if done.requests:
            per_request = (after - before) / done.requests * 1000
            cpu_per_request.setdefault(label, []).append(per_request)
            log(f"  {label}: {per_request:.2f} ms gunicorn CPU per request")
        return done

    return measured


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="wrk seconds a run")
    parser.add_argument("--batches", default="1,10", help="entries per sync request")
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: bash bench/ensure-deps.sh")
    batches = [int(b) for b in args.batches.split(",")]
    connections = tuple(int(c) for c in args.connections.split(","))
    results = Results()
    cpu_per_request: dict[str, list[float]] = {}
    group_bench.wrk_run = _with_cpu(cpu_per_request)  # the warm-up runs are counted too
    started = time.perf_counter()
    log(f"machine: {machine()}")
    with database_url("postgresql") as url:
        group = measure_in_process(url, "PostgreSQL", args.scale, 1, False, results, True)
        measure_sync(
            url,
            "PostgreSQL",
            args.scale,
            group,
            args.runs,
            args.seconds,
            batches,
            args.workers,
            results,
            connections,
        )
    for line in results.extra:
        print(line)
    for (key, _database, _scale), note in sorted(results.notes.items()):
        if "non-2xx" in note:
            print(f"  {key}: {note}")
    if cpu_per_request.get("app") and cpu_per_request.get("bare"):
        # The first run of each is the warm-up (not among the wrk figures above).
        app = statistics.median(cpu_per_request["app"][1:] or cpu_per_request["app"])
        bare = statistics.median(cpu_per_request["bare"][1:] or cpu_per_request["bare"])
        print(
            f"gunicorn CPU per request, medians: app {app:.2f} ms, bare {bare:.2f} ms, "
            f"app / bare {app / bare:.2f}×"
        )
    load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    print(f"\nMachine: {machine()}")
    print(f"Load average at the end: {load}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
