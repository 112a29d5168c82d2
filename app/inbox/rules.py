"""The inbox's decisions, on plain values: which names it leaves alone, whether a file is still
being written, what kind of export a header is, the order in which files are imported, free
names in ``verwerkt/`` and ``fout/``, and when a claim or a processed file is old."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath

from app.core.vocabulary import ImportKind

# Names a writer uses while a file is not complete yet (an SFTP client's or an editor's); the
# export is written under such a name and renamed when it is complete.
TEMPORARY_SUFFIXES = (".part", ".tmp", ".filepart", ".partial", ".crdownload", "~")
# Students before absence: an absence export names students the student export brings in.
KIND_ORDER = {ImportKind.LEERLINGEN: 0, ImportKind.VERZUIM: 1, ImportKind.ONBEKEND: 2}
# A file claimed and imported by a run that then did not move it (the process died between the
# two) is finished by a later run after this long; far longer than any import takes.
STALE_AFTER = timedelta(hours=1)


def left_alone(name: str) -> bool:
    """Names the inbox never takes: hidden files (an SFTP upload in progress, ``.nfs…`` files)
    and the temporary names of a file still being written."""
    return name.startswith(".") or name.lower().endswith(TEMPORARY_SUFFIXES)


@dataclass(frozen=True)
class Look:
    """What one look at a file sees; two looks a moment apart that differ mean it is still being
    written, and a file that differs from its look when it is read or moved is another file."""

    device: int
    inode: int
    size: int
    mtime_ns: int


def still_written(first: Look, second: Look) -> bool:
    return first != second


@dataclass(frozen=True)
class Shape:
    """The columns that make a header an export of ``kind``: all of ``required`` and, when
    given, at least one of ``one_of`` (canonical names)."""

    kind: ImportKind
    required: frozenset[str]
    one_of: frozenset[str] = frozenset()

    def fits(self, columns: set[str]) -> bool:
        return self.required <= columns and (not self.one_of or bool(self.one_of & columns))


def recognise(columns: Mapping[ImportKind, set[str]], shapes: Iterable[Shape]) -> ImportKind:
    """The kind whose shape the header fits (``columns``: the canonical names found per kind);
    ONBEKEND when it fits none or more than one."""
    fitting = [shape.kind for shape in shapes if shape.fits(columns.get(shape.kind, set()))]
    return fitting[0] if len(fitting) == 1 else ImportKind.ONBEKEND


def processing_key(kind: ImportKind, look: Look, name: str) -> tuple[int, int, str]:
    """Students before absence, then the oldest file first (by its last change)."""
    return KIND_ORDER[kind], look.mtime_ns, name


def free_names(name: str) -> Iterator[str]:
    """``name``, then ``name (2)``, ``name (3)``, … keeping the extension (``.csv``, ``.xlsx``)."""
    yield name
    path = PurePath(name)
    stem, suffix = path.stem, path.suffix
    number = 2
    while True:
        yield f"{stem} ({number}){suffix}"
        number += 1


def stale(started_at: datetime, now: datetime) -> bool:
    return now - started_at > STALE_AFTER


def expired(changed_at: datetime, now: datetime, days: int) -> bool:
    """A file in ``verwerkt/`` or ``fout/`` older than the retention period."""
    return now - changed_at > timedelta(days=days)
