"""``make bench``: every benchmark, one after the other, printing figures (never failing tests)."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["bench.group_bench", "bench.phone_bench"]


def main() -> int:
    for name in BENCHMARKS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        print(f"\n=== {name} ===", flush=True)
        module.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
