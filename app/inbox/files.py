"""The drop folder on disk: finding the exports in it, telling a complete file from one still
being written, reading one, and moving it with its report into ``verwerkt/`` or ``fout/``.

Nothing here may lose a file, also when a writer or another inbox run (another app server on
the same NFS share) acts at the same moment:

- a file is read only when it is still the file that was looked at (device, inode, size and
  time of its last change), and moved by a rename, which takes whatever file holds the name at
  that instant; the file moved is then checked again, and when it is another one (a writer
  renamed a new export onto the name after this one was read) it is put back under a free name
  for the next run, and the content that was imported is written in its place;
- names in ``verwerkt/`` and ``fout/`` are reserved by creating them exclusively (``O_EXCL``,
  atomic also on NFS 3 and later), so two runs never write the same name, and a file already
  there is never overwritten;
- a file that is gone when it is moved was taken by another run: nothing is done with it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from app.inbox.rules import Look, expired, free_names, left_alone, still_written

PROCESSED = "verwerkt"
FAILED = "fout"
REPORT_SUFFIX = ".verslag.txt"
CHUNK = 1 << 20
# verwerkt/ and fout/ hold students' data: only the app's own account reads them.
FOLDER_MODE = 0o700
NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)


class FileChanged(Exception):
    """The file is no longer the one that was looked at: gone (another run took it), replaced
    or still growing. It is left for the next run."""


@dataclass(frozen=True)
class DropFile:
    name: str
    path: Path
    look: Look

    @property
    def changed_at(self) -> datetime:
        return datetime.fromtimestamp(self.look.mtime_ns / 1e9, UTC)


def _look(result: os.stat_result) -> Look:
    return Look(result.st_dev, result.st_ino, result.st_size, result.st_mtime_ns)


def look_at(path: Path) -> Look | None:
    """The file at ``path`` as it is now; None when there is none or it is not a regular file
    (a link is never followed: it could point at any file the app may read)."""
    try:
        result = os.lstat(path)
    except FileNotFoundError:
        return None
    return _look(result) if stat.S_ISREG(result.st_mode) else None


def _create(path: Path) -> bool:
    """Create an empty file at ``path``; False when the name is taken."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | NO_FOLLOW, 0o600))
    except FileExistsError:
        return False
    return True


@dataclass(frozen=True)
class Moved:
    """Where a file went: its path, and its report beside it."""

    path: Path
    report: Path


class Drop:
    """The drop folder ``directory`` with its ``verwerkt/`` and ``fout/``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.processed = directory / PROCESSED
        self.failed = directory / FAILED

    def prepare(self) -> None:
        for folder in (self.processed, self.failed):
            folder.mkdir(mode=FOLDER_MODE, exist_ok=True)

    def relative(self, path: Path) -> str:
        return str(path.relative_to(self.directory))

    # -- finding files -----------------------------------------------------------------------

    def scan(self) -> tuple[list[DropFile], list[str]]:
        """The regular files of the folder (not its sub-folders or links), by name, and the
        names it leaves alone (temporary names and hidden files)."""
        files: list[DropFile] = []
        skipped: list[str] = []
        with os.scandir(self.directory) as entries:
            for entry in entries:
                if not entry.is_file(follow_symlinks=False):
                    continue
                if left_alone(entry.name):
                    skipped.append(entry.name)
                    continue
                look = look_at(Path(entry.path))
                if look is not None:
                    files.append(DropFile(entry.name, Path(entry.path), look))
        return sorted(files, key=lambda f: f.name), sorted(skipped)

    def settled(
        self, files: list[DropFile], pause: Callable[[], None]
    ) -> tuple[list[DropFile], list[DropFile]]:
        """Look at the files again after ``pause``: those that did not change, and those still
        being written (a file gone meanwhile was taken by another run)."""
        pause()
        complete: list[DropFile] = []
        growing: list[DropFile] = []
        for file in files:
            second = look_at(file.path)
            if second is None:
                continue
            (growing if still_written(file.look, second) else complete).append(file)
        return complete, growing

    # -- reading -----------------------------------------------------------------------------

    def _open(self, file: DropFile) -> int:
        try:
            descriptor = os.open(file.path, os.O_RDONLY | NO_FOLLOW)
        except OSError:
            raise FileChanged() from None
        if _look(os.fstat(descriptor)) != file.look:
            os.close(descriptor)
            raise FileChanged()
        return descriptor

    def read(self, file: DropFile) -> bytes:
        """The content of the file, if it is still the one looked at (else :class:`FileChanged`)."""
        with os.fdopen(self._open(file), "rb") as handle:
            data = handle.read()
            if _look(os.fstat(handle.fileno())) != file.look:
                raise FileChanged()
        return data

    def digest(self, file: DropFile) -> str:
        """The SHA-256 of the file, read in pieces (also a file too large to import)."""
        content = hashlib.sha256()
        with os.fdopen(self._open(file), "rb") as handle:
            while piece := handle.read(CHUNK):
                content.update(piece)
            if _look(os.fstat(handle.fileno())) != file.look:
                raise FileChanged()
        return content.hexdigest()

    def unchanged(self, file: DropFile) -> bool:
        return look_at(file.path) == file.look

    # -- moving ------------------------------------------------------------------------------

    def _reserve(self, folder: Path, name: str, *, report: bool = True) -> Moved:
        """A free name in ``folder`` for a file (and its report), created empty."""
        for candidate in free_names(name):
            path = folder / candidate
            report_path = folder / f"{candidate}{REPORT_SUFFIX}"
            if not _create(path):
                continue
            if report and not _create(report_path):
                path.unlink()
                continue
            return Moved(path, report_path)
        raise AssertionError("free_names never ends")  # pragma: no cover

    def _link_back(self, path: Path, name: str) -> bool:
        """Return a file to the drop folder under a free name, never overwriting one: as a hard
        link (True; ``path`` still names it too), or, where the file system has none, by a
        rename to a reserved name (False)."""
        for candidate in free_names(name):
            try:
                os.link(path, self.directory / candidate)
            except FileExistsError:
                continue
            except OSError:
                os.replace(path, self._reserve(self.directory, candidate, report=False).path)
                return False
            return True
        raise AssertionError("free_names never ends")  # pragma: no cover

    def _restore(self, target: Moved, name: str, content: bytes | None) -> None:
        """``target`` holds another file than the one imported (a writer renamed a new export
        onto the name after this one was read): that one goes back to the drop folder for the
        next run, and the content imported takes its place."""
        linked = self._link_back(target.path, name)
        if content is None:
            if linked:
                target.path.unlink()
            return
        temporary = target.path.with_name(f".{target.path.name}.{uuid.uuid4().hex}")
        temporary.write_bytes(content)
        os.replace(temporary, target.path)  # the new export stays linked in the drop folder

    def move(self, file: DropFile, folder: Path, content: bytes | None) -> Moved:
        """Move the file into ``folder`` (``verwerkt/`` or ``fout/``) under a free name and
        answer where it and its report are. ``content`` is what was imported from it, put in
        its place when another file had taken its name meanwhile. Raises :class:`FileChanged`
        when the file is gone (another run moved it)."""
        target = self._reserve(folder, file.name)
        try:
            os.replace(file.path, target.path)
        except FileNotFoundError:
            target.path.unlink(missing_ok=True)
            target.report.unlink(missing_ok=True)
            raise FileChanged() from None
        if look_at(target.path) != file.look:
            self._restore(target, file.name, content)
        if target.path.exists():
            os.utime(target.path)  # its time in verwerkt/ or fout/ counts from now
        return target

    def write_report(self, moved: Moved, text: str) -> None:
        moved.report.write_text(text, encoding="utf-8", newline="\n")

    # -- retention ---------------------------------------------------------------------------

    def remove_expired(self, days: int, now: datetime) -> int:
        """Delete the files and reports in ``verwerkt/`` and ``fout/`` older than ``days``;
        answers how many files (reports not counted)."""
        removed = 0
        for folder in (self.processed, self.failed):
            with os.scandir(folder) as entries:
                for entry in entries:
                    if not entry.is_file(follow_symlinks=False):
                        continue
                    changed = datetime.fromtimestamp(
                        entry.stat(follow_symlinks=False).st_mtime, UTC
                    )
                    if expired(changed, now, days):
                        Path(entry.path).unlink(missing_ok=True)
                        removed += not entry.name.endswith(REPORT_SUFFIX)
        return removed
