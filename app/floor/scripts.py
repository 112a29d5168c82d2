"""The floor screen's ES modules, in one list: the page preloads each of them
(``<link rel="modulepreload">``) and the service worker precaches each of them, so the screen
also opens offline. A module missing here would cost a round trip on a slow first load, or break
the screen offline; tests/integration/floor/test_floor_modules.py checks the list against the
files.

Few files, on purpose: over HTTP/1.1 a browser opens at most six connections to a host, so the
two data requests the page preloads and the modules it needs at once must be six or fewer — a
seventh waits a whole round trip (562 ms on "Slow 4G") for a free connection."""

from __future__ import annotations

# The first module graph: app.js draws "Vandaag" from the preloaded list with these alone
# (docs/benchmarks.md, phone figures). Listed first, so they are asked for first.
FIRST_MODULES = ("app.js", "store.js")
# What app.js loads once the list is drawn: the controls and what they import.
LATER_MODULES = ("controls.js", "sync.js")
# Loaded when first used (the climate check, at the end of a shift): preloaded last, so it may
# take the round trip after the others.
LAZY_MODULES = ("climate.js",)
FLOOR_MODULES = tuple(
    f"js/floor/{name}" for name in (*FIRST_MODULES, *LATER_MODULES, *LAZY_MODULES)
)
# The page's own preloaded data requests (templates/floor/index.html).
PRELOADED_DATA = 2
CONNECTIONS_PER_HOST = 6
