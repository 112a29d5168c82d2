"""The floor sync beside its bare WSGI baseline (issue 24), quickly: ``make bench-sync``.

    .venv/bin/python -m bench.sync_bench [--scale 0.1] [--runs 3] [--seconds 10]
        [--batches 1,10] [--connections 1,8,32] [--workers 3]

A throw-away PostgreSQL server with the synthetic school group at ``--scale`` (1/10 is enough:
the sync's cost is per request, not per stored row, docs/benchmarks.md), then the app
(``gunicorn -w 3``, production settings) and ``bench/bare_sync.py`` under the same gunicorn
settings, driven in turns by the same ``wrk`` script (bench/floor_sync.lua) with the same login.
Prints the medians side by side: entries/s, p50 and p95, and the ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time

from bench.group_bench import (
    Results,
    database_url,
    log,
    machine,
    measure_in_process,
    measure_sync,
)


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
    load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    print(f"\nMachine: {machine()}")
    print(f"Load average at the end: {load}; total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
