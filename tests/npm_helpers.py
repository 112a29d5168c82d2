"""npm packages the tests run (the OpenID provider, axe-core): ``npm ci`` of a directory's
package.json and package-lock.json into a cache directory named after the lock file's hash, so a
changed lock file installs afresh and an unchanged one costs nothing — and no test depends on
whatever version the registry happens to serve that day."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path


def cache_root(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "schoolfit" / name


def npm_installed(source: Path, name: str, package: str) -> Path:
    """The cache directory with ``source``'s locked packages installed (``npm ci``, once per
    lock file); ``package`` is one of them, whose presence shows the install finished."""
    lock = (source / "package-lock.json").read_bytes()
    target = cache_root(name) / hashlib.sha256(lock).hexdigest()[:16]
    if not (target / "node_modules" / package / "package.json").exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "npm not found; install Debian's 'nodejs' and 'npm' packages (make system-deps)."
            )
        target.mkdir(parents=True, exist_ok=True)
        for file_name in ("package.json", "package-lock.json"):
            shutil.copy(source / file_name, target / file_name)
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=target,
            check=True,
            capture_output=True,
            timeout=600,
        )
    return target
