"""Every setting the code reads is declared in config/settings.py, with a type and a default."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_type_hints

from config.settings import BaseConfig

APP = Path(__file__).resolve().parents[2] / "app"
# config["NAME"] and config.get("NAME")
READ = re.compile(r"config(?:\.get\(|\[)\s*\"([A-Z][A-Z0-9_]+)\"")


def settings_read_by_the_code() -> set[str]:
    names: set[str] = set()
    for path in APP.rglob("*.py"):
        names.update(READ.findall(path.read_text(encoding="utf-8")))
    return names


def test_every_setting_the_code_reads_is_declared_with_a_type() -> None:
    read = settings_read_by_the_code()
    assert read, "the pattern found no settings at all"
    hints = get_type_hints(BaseConfig)
    undeclared = sorted(name for name in read if not hasattr(BaseConfig, name))
    assert undeclared == []
    untyped = sorted(
        name
        for name in read
        if name not in hints and not isinstance(getattr(BaseConfig, name), bool)
    )
    assert untyped == [], "declare these with a type annotation in config/settings.py"
