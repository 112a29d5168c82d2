"""The test suite's own house rules: shared fixtures live in an area's conftest.py, shared helpers
in a helper module (tests/*_helpers.py, tests/e2e/browser_helpers.py, tests/statement_count.py
…) — so no module imports a test module or a conftest; SQL statements are counted one way; and
every folder is a package, so each module has one importable name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
STATEMENT_COUNTER = TESTS / "statement_count.py"


def module_name(path: Path) -> str:
    """The dotted name pytest imports a file of the suite under (the folders are packages)."""
    parts = path.relative_to(TESTS.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(source: str, importer: str) -> list[str]:
    """Every module ``source`` imports (at any depth, function-level imports too), with
    ``from package import name`` also giving ``package.name`` (it may be a module)."""
    package = importer.rsplit(".", 1)[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def forbidden(module: str) -> bool:
    """A test module or a conftest of the suite: neither is for importing."""
    parts = module.split(".")
    return parts[0] == "tests" and any(p.startswith("test_") or p == "conftest" for p in parts)


def suite_files() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_check_sees_every_way_of_importing() -> None:
    importer = "tests.integration.desk.test_desk_cases"
    for source in (
        "from tests.integration.desk.test_desk_inbox import floor_item",
        "from tests.integration.desk import test_desk_inbox",
        "import tests.integration.floor.test_floor_climate",
        "from .test_desk_inbox import floor_item",
        "from . import conftest",
        "from tests.conftest import login",
        "def f():\n    from tests.e2e.conftest import sign_in\n",
    ):
        assert any(forbidden(m) for m in imported_modules(source, importer)), source
    for source in (
        "from tests.desk_helpers import floor_item",
        "from tests import report_helpers as rh",
        "from app.desk.inbox.services import toggle_mark",
        "import pytest",
    ):
        assert not any(forbidden(m) for m in imported_modules(source, importer)), source


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    files = suite_files()
    assert len([p for p in files if p.name.startswith("test_")]) > 50  # the scan sees the suite
    offenders = []
    for path in files:
        imported = imported_modules(path.read_text(encoding="utf-8"), module_name(path))
        bad = {m for m in imported if forbidden(m)}
        # ``from tests.x.test_y import z`` names tests.x.test_y and tests.x.test_y.z: one will do
        bad = {m for m in bad if m.rsplit(".", 1)[0] not in bad}
        offenders += [f"{path.relative_to(TESTS.parent)}: {m}" for m in sorted(bad)]
    assert not offenders, (
        "shared fixtures belong in an area's conftest.py, shared helpers in a helper module "
        "(tests/*_helpers.py): " + "; ".join(offenders)
    )


@pytest.mark.parametrize("event", ["before_cursor_execute", "after_cursor_execute"])
def test_statements_are_counted_by_the_one_helper(event: str) -> None:
    listeners = [
        str(path.relative_to(TESTS.parent))
        for path in suite_files()
        if path not in (STATEMENT_COUNTER, Path(__file__).resolve())
        and event in path.read_text(encoding="utf-8")
    ]
    assert not listeners, f"count statements with tests.statement_count: {listeners}"


def test_every_folder_of_the_suite_is_a_package() -> None:
    folders = {path.parent for path in suite_files()}
    assert TESTS in folders
    missing = sorted(
        str(f.relative_to(TESTS.parent)) for f in folders if not (f / "__init__.py").exists()
    )
    assert not missing, f"folders without __init__.py: {missing}"
