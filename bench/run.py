"""``make bench``: issue 24's budgets at 10× the school group (24,000 students, 1.5 M floor
entries, 6 M absence rows), each figure beside its baseline measured in the same run, one
benchmark after the other, printing figures (never failing tests):

- ``bench.quick --scales 10 --year-once``: the absence import (beside csv + a bulk insert into
  a bare table), the full and the daily signal evaluation, the reports (beside one SQL
  ``GROUP BY``), the report PDF and the digest page, on SQLite and PostgreSQL;
- ``bench.sync_bench``: the floor sync, batch of 1, 32 connections, beside a bare WSGI app
  under the same gunicorn and wrk;
- ``bench.phone_bench``: tap → row at 4× CPU beside first paint, first load on Slow 4G,
  Lighthouse.

The older school-group survey of issue 9 (1/10, 1× and 10× without absence at 10×, page
timings, transfer sizes) is ``make bench-group``.
"""

from __future__ import annotations

import importlib
import os
import sys
import time

BENCHMARKS: list[tuple[str, list[str]]] = [
    ("bench.quick", ["--scales", "10", "--year-once"]),
    ("bench.sync_bench", ["--batches", "1", "--connections", "32"]),
    ("bench.phone_bench", []),
]


def main() -> int:
    started = time.perf_counter()
    for name, argv in BENCHMARKS:
        module = importlib.import_module(name)
        load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
        print(f"\n=== {name} {' '.join(argv)} (load average {load}) ===", flush=True)
        module.main(argv)
        sys.stdout.flush()
    print(f"\n(make bench: {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
