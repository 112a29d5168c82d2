"""The floor screen's ES modules, in one list: the page preloads each of them
(``<link rel="modulepreload">``) and the service worker precaches each of them, so the screen
also opens offline. A module missing here would cost a round trip on a slow first load, or break
the screen offline; tests/integration/floor/test_floor_first_load.py checks the list against the
files."""

from __future__ import annotations

# The first module graph: app.js draws "Vandaag" from the preloaded list with these alone
# (docs/benchmarks.md, phone figures). Listed first, so they are asked for first.
FIRST_MODULES = ("app.js", "shared.js", "today.js", "store.js")
# What app.js loads once the list is drawn: the controls and everything they import.
LATER_MODULES = (
    "controls.js",
    "entry.js",
    "sync.js",
    "place.js",
    "sheet.js",
    "climate.js",
    "session.js",
)
FLOOR_MODULES = tuple(f"js/floor/{name}" for name in (*FIRST_MODULES, *LATER_MODULES))
