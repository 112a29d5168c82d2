"""The demo's Web Push key pair is made once per instance folder, also when two processes (two
workers, the two databases' test runs side by side) ask for it at the same moment."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from app.alerts import keys as push_keys


def test_the_pair_is_made_once_and_kept_private(tmp_path: Path) -> None:
    first = push_keys.ensure_demo_keys(str(tmp_path))
    again = push_keys.ensure_demo_keys(str(tmp_path))
    assert again == first
    stored = tmp_path / push_keys.DEMO_KEYS_FILE
    assert json.loads(stored.read_text(encoding="utf-8"))["public_key"] == first.public_key
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == [push_keys.DEMO_KEYS_FILE]


def test_a_process_that_comes_second_uses_the_first_ones_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process writes its pair while this one is making its own: this one must not
    overwrite it, nor hand out a pair that is not on disk."""
    theirs = push_keys.generate_keys()
    make = push_keys.generate_keys

    def made_while_another_process_wrote() -> push_keys.VapidKeys:
        (tmp_path / push_keys.DEMO_KEYS_FILE).write_text(json.dumps(theirs.__dict__))
        return make()

    monkeypatch.setattr(push_keys, "generate_keys", made_while_another_process_wrote)
    assert push_keys.ensure_demo_keys(str(tmp_path)) == theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == [push_keys.DEMO_KEYS_FILE]
