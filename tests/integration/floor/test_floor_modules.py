"""The floor screen's ES modules (issue 24, phone figures): every module is preloaded by the page
and precached by the service worker, and the first module graph — what app.js needs to draw
"Vandaag" — stays the small one app/floor/scripts.py names."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from app.floor.scripts import (
    CONNECTIONS_PER_HOST,
    FIRST_MODULES,
    FLOOR_MODULES,
    LATER_MODULES,
    LAZY_MODULES,
    PRELOADED_DATA,
)

STATIC_IMPORT = re.compile(r'^import [^;]*? from "\./([\w.-]+)";', flags=re.MULTILINE | re.DOTALL)


def floor_dir(app: Flask) -> Path:
    return Path(app.static_folder or "") / "js" / "floor"


def static_graph(folder: Path, entry: str) -> set[str]:
    """The modules ``entry`` imports statically, itself included, transitively."""
    seen: set[str] = set()
    todo = [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += STATIC_IMPORT.findall((folder / name).read_text(encoding="utf-8"))
    return seen


def test_every_module_file_is_listed_once(app: Flask) -> None:
    files = sorted(path.name for path in floor_dir(app).glob("*.js"))
    assert sorted((*FIRST_MODULES, *LATER_MODULES, *LAZY_MODULES)) == files
    assert len(set(FLOOR_MODULES)) == len(FLOOR_MODULES)


def test_the_page_preloads_every_module_the_first_ones_first(client: FlaskClient) -> None:
    page = client.get("/vloer/").get_data(as_text=True)
    preloaded = re.findall(r'<link rel="modulepreload" href="/static/([^"]+)">', page)
    assert preloaded == list(FLOOR_MODULES)
    assert preloaded[: len(FIRST_MODULES)] == [f"js/floor/{name}" for name in FIRST_MODULES]
    assert '<script type="module" src="/static/js/floor/app.js"></script>' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it


def test_the_service_worker_precaches_every_module(client: FlaskClient) -> None:
    body = client.get("/sw.js").get_data(as_text=True)
    for module in FLOOR_MODULES:
        assert f'"/static/{module}"' in body, module
        assert client.get(f"/static/{module}").status_code == 200, module


def test_the_first_graph_is_only_what_draws_the_list(app: Flask) -> None:
    folder = floor_dir(app)
    assert static_graph(folder, "app.js") == set(FIRST_MODULES)
    # The rest is loaded by app.js after the list is drawn; the lazy ones when first used.
    assert 'import("./controls.js")' in (folder / "app.js").read_text(encoding="utf-8")
    assert static_graph(folder, "controls.js") == {*FIRST_MODULES, *LATER_MODULES}
    controls = (folder / "controls.js").read_text(encoding="utf-8")
    for name in LAZY_MODULES:
        assert f'import("./{name}")' in controls, name


def test_what_a_first_load_asks_for_at_once_fits_one_round_trip(client: FlaskClient) -> None:
    """Over HTTP/1.1 a browser opens at most six connections to a host: the preloaded data and
    every module not loaded lazily must fit, or some wait a whole round trip."""
    page = client.get("/vloer/").get_data(as_text=True)
    data = re.findall(r'<link rel="preload" href="[^"]+" as="fetch" crossorigin>', page)
    assert len(data) == PRELOADED_DATA
    assert PRELOADED_DATA + len(FIRST_MODULES) + len(LATER_MODULES) <= CONNECTIONS_PER_HOST


def test_no_module_is_over_the_projects_size_limit(app: Flask) -> None:
    for path in floor_dir(app).glob("*.js"):
        assert len(path.read_text(encoding="utf-8").splitlines()) < 600, path.name
