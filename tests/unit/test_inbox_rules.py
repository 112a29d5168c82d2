"""The inbox's pure decisions (app/inbox/rules.py), as tables."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from app.core.vocabulary import ImportKind
from app.inbox.rules import (
    Look,
    Shape,
    expired,
    free_names,
    left_alone,
    processing_key,
    recognise,
    stale,
    still_written,
)

STUDENTS = Shape(ImportKind.LEERLINGEN, frozenset({"leerlingnummer", "roepnaam", "klas"}))
ABSENCE = Shape(
    ImportKind.VERZUIM, frozenset({"leerlingnummer", "begin"}), frozenset({"code", "soort"})
)


@pytest.mark.parametrize(
    ("name", "left"),
    [
        ("verzuim.csv", False),
        ("Leerlingen 2026.xlsx", False),
        ("verzuim.csv.part", True),
        ("verzuim.CSV.PART", True),
        ("verzuim.tmp", True),
        ("verzuim.csv.filepart", True),  # WinSCP
        ("verzuim.csv~", True),
        (".verzuim.csv", True),  # OpenSSH's sftp and rsync write hidden files first
        (".nfs000000001234", True),
    ],
)
def test_names_the_inbox_leaves_alone(name: str, left: bool) -> None:
    assert left_alone(name) is left


@pytest.mark.parametrize(
    ("students", "absence", "kind"),
    [
        ({"leerlingnummer", "roepnaam", "klas"}, {"leerlingnummer"}, ImportKind.LEERLINGEN),
        ({"leerlingnummer"}, {"leerlingnummer", "begin", "code"}, ImportKind.VERZUIM),
        ({"leerlingnummer"}, {"leerlingnummer", "begin", "soort"}, ImportKind.VERZUIM),
        ({"leerlingnummer"}, {"leerlingnummer", "begin"}, ImportKind.ONBEKEND),  # no code/soort
        (set(), set(), ImportKind.ONBEKEND),
        (  # both at once: which import is meant cannot be told
            {"leerlingnummer", "roepnaam", "klas"},
            {"leerlingnummer", "begin", "code"},
            ImportKind.ONBEKEND,
        ),
    ],
)
def test_a_header_is_recognised_by_its_columns(
    students: set[str], absence: set[str], kind: ImportKind
) -> None:
    found = {ImportKind.LEERLINGEN: students, ImportKind.VERZUIM: absence}
    assert recognise(found, (STUDENTS, ABSENCE)) is kind


def test_students_come_before_absence_and_the_oldest_first() -> None:
    def look(mtime: int) -> Look:
        return Look(1, mtime, 10, mtime)

    files = [
        (ImportKind.VERZUIM, look(1), "a.csv"),
        (ImportKind.ONBEKEND, look(0), "x.csv"),
        (ImportKind.LEERLINGEN, look(5), "b.csv"),
        (ImportKind.VERZUIM, look(0), "c.csv"),
        (ImportKind.LEERLINGEN, look(2), "d.xlsx"),
    ]
    ordered = sorted(files, key=lambda f: processing_key(*f))
    assert [name for _, _, name in ordered] == ["d.xlsx", "b.csv", "c.csv", "a.csv", "x.csv"]


def test_a_file_is_still_written_when_a_second_look_differs() -> None:
    first = Look(1, 2, 100, 5)
    assert not still_written(first, Look(1, 2, 100, 5))
    assert still_written(first, Look(1, 2, 120, 5))  # it grew
    assert still_written(first, Look(1, 2, 100, 6))  # written again, same size
    assert still_written(first, Look(1, 3, 100, 5))  # another file under the name


def test_free_names_keep_the_extension() -> None:
    names = list(itertools.islice(free_names("verzuim.csv"), 3))
    assert names == ["verzuim.csv", "verzuim (2).csv", "verzuim (3).csv"]
    assert list(itertools.islice(free_names("export"), 2)) == ["export", "export (2)"]


def test_old_claims_and_files() -> None:
    now = datetime(2026, 9, 18, 2, 0, tzinfo=UTC)
    assert not stale(now - timedelta(minutes=59), now)
    assert stale(now - timedelta(minutes=61), now)
    assert not expired(now - timedelta(days=13, hours=23), now, 14)
    assert expired(now - timedelta(days=14, minutes=1), now, 14)
