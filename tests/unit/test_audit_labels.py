"""Every action and object kind the app writes to the audit log has a label on the privacy
officer's page (found in the code, so a new kind without a label fails here)."""

from __future__ import annotations

import ast
from pathlib import Path

from app.privacy.audit_labels import ACTIONS, OBJECTS

APP = Path(__file__).resolve().parents[2] / "app"
RECORDERS = ("record", "record_many", "audit_digest")


def _written_codes() -> tuple[set[str], set[str]]:
    """(actions, object kinds) passed as constants (or module constants) to the recorders."""
    actions: set[str] = set()
    objects: set[str] = set()
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            node.targets[0].id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in RECORDERS:
                continue
            for keyword in node.keywords:
                if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                    actions.add(keyword.value.value)
            if len(node.args) >= 3:
                for codes, argument in ((actions, node.args[1]), (objects, node.args[2])):
                    if isinstance(argument, ast.Constant):
                        codes.add(argument.value)
                    elif isinstance(argument, ast.Name) and argument.id in constants:
                        codes.add(constants[argument.id])
    return actions, objects


def test_the_recorders_are_found() -> None:
    actions, objects = _written_codes()
    assert {"view", "create", "export", "email"} <= actions
    assert {"casus", "student", "digest"} <= objects


def test_every_written_action_and_object_kind_has_a_label() -> None:
    actions, objects = _written_codes()
    assert not actions - ACTIONS.keys(), "actions without a label in app/privacy/audit_labels.py"
    assert not objects - OBJECTS.keys(), (
        "object kinds without a label in app/privacy/audit_labels.py"
    )
