"""The house rules of docs/architecture.md that a reviewer would otherwise check by hand: no
import cycles, no imports inside functions (but the documented one), no module over 600 lines,
no role test in a template, one CSV writer; page numbers and integer query parameters parsed in
one place."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
# Imports inside a function, each with the reason in a comment at the import.
FUNCTION_IMPORTS_ALLOWED = {
    ("app/reports/pdf.py", "weasyprint"),  # a heavy native library, loaded only for a PDF
}
MAX_LINES = 600


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in APP.rglob("*.py")}


def imported(node: ast.Import | ast.ImportFrom, package: str, known: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in known}
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parent, *([base] if base else [])])
    found = set()
    for alias in node.names:
        full = f"{base}.{alias.name}"
        found.add(full if full in known else base)
    return found & known


def test_no_import_cycles_between_modules() -> None:
    known = modules()
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        graph[name] = set()
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                graph[name] |= imported(node, package, set(known))
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_imports_inside_functions() -> None:
    found = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        module = inner.module if isinstance(inner, ast.ImportFrom) else None
                        name = module or inner.names[0].name
                        found.add((str(path.relative_to(ROOT)), name.split(".")[0]))
    assert found == FUNCTION_IMPORTS_ALLOWED


def test_no_module_is_over_600_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for path in APP.rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_templates_ask_access_helpers_instead_of_testing_roles() -> None:
    role_test = re.compile(r"\.role\s*(==|!=|in\b|not in\b)|\bRole\.")
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in (ROOT / "templates").rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if role_test.search(line)
    ]
    assert offending == []


def test_every_csv_is_written_by_the_one_writer() -> None:
    """CSV files are written only through app/core/csv_export.py, which neutralises formulas."""
    writer = re.compile(r"\bcsv\.(writer|DictWriter)\b|\.writerows?\(")
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in APP.rglob("*.py")
        if path != APP / "core" / "csv_export.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writer.search(line)
    ]
    assert offending == []


def test_query_numbers_and_pages_are_parsed_in_one_place() -> None:
    """Every list page paginates through app.core.request_input (a page number a database can
    hold), and no view reads a whole number off the query string itself."""
    own_parsing = re.compile(r"db\.paginate\(|args\.get\([^)]*type=int")
    offending = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in APP.rglob("*.py")
        if path != APP / "core" / "request_input.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if own_parsing.search(line)
    ]
    assert offending == []
