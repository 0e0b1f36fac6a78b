"""What a reader needs to cite a report and run it again: the software (version, git commit),
the key packages' versions, the input's fingerprint and the command line.

Nothing here fails the report: a missing git, an installed copy outside a repository, or a
package that is not installed is stated as such ("unknown", "not installed").
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from meedenken.engine.matrix import VoteMatrix

__all__ = ["KEY_PACKAGES", "Provenance", "command_line", "git_commit", "package_versions",
           "provenance", "software_version", "votes_fingerprint"]

#: Packages whose versions can change a number in the report (the math, the tables, the figures,
#: the topics' embeddings).
KEY_PACKAGES = ("numpy", "scipy", "scikit-learn", "pandas", "matplotlib", "jinja2", "pydantic",
                "sentence-transformers", "torch")
#: Seconds a git call may take before the commit is given as unknown.
GIT_TIMEOUT = 5.0
#: The repository root of a source checkout: engine/, api/ and models/ sit at its top.
REPOSITORY = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Provenance:
    """Everything the methods section lists about how the report was made."""

    version: str
    commit: str | None
    #: Tracked files differ from the commit (None: unknown).
    modified: bool | None
    python: str
    packages: tuple[tuple[str, str | None], ...]
    command: str
    #: (name, sha256) of each input file; for a database source one entry for its votes.
    inputs: tuple[tuple[str, str], ...]


def software_version() -> str:
    """The installed Meedenken version ("unknown" when the package metadata is missing)."""
    try:
        return importlib.metadata.version("meedenken")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(REPOSITORY), *args], capture_output=True,
                              text=True, timeout=GIT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_commit() -> tuple[str | None, bool | None]:
    """(commit, modified) of the checkout the code runs from; (None, None) without git, or when
    the code is an installed copy and not this repository's working tree."""
    top = _git("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != REPOSITORY:
        return None, None
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no")
    return commit, (None if status is None else bool(status))


def package_versions(names: tuple[str, ...] = KEY_PACKAGES) -> tuple[tuple[str, str | None],
                                                                     ...]:
    """(name, version) of each package; None when it is not installed."""
    found: list[tuple[str, str | None]] = []
    for name in names:
        try:
            found.append((name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            found.append((name, None))
    return tuple(found)


def command_line(argv: list[str] | None = None) -> str:
    """The command as typed, the program given by its name (``meedenken report ...``)."""
    argv = sys.argv if argv is None else argv
    if not argv:
        return ""
    return shlex.join([Path(argv[0]).name, *argv[1:]])


def votes_fingerprint(matrix: VoteMatrix) -> str:
    """sha256 of the votes (participant id, statement id, vote; sorted), for a source that is
    not a file: the same votes give the same digest whatever order they were read in."""
    rows, cols, values, _ = matrix.records()
    pids = np.asarray([str(p) for p in matrix.participant_ids], dtype=object)[rows]
    sids = np.asarray([str(s) for s in matrix.statement_ids], dtype=object)[cols]
    lines = sorted(f"{p}\t{s}\t{int(v)}" for p, s, v in zip(pids, sids, values, strict=True))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def provenance(inputs: tuple[tuple[str, str], ...], matrix: VoteMatrix,
               command: str | None) -> Provenance:
    """The provenance of a report on ``matrix`` read from ``inputs`` (empty: fingerprint the
    votes instead); ``command`` None: called from Python (``build_report``)."""
    commit, modified = git_commit()
    return Provenance(
        version=software_version(), commit=commit, modified=modified,
        python=f"{platform.python_implementation()} {platform.python_version()}",
        packages=package_versions(),
        command=command if command is not None else "build_report() (Python)",
        inputs=inputs or (("votes", votes_fingerprint(matrix)),),
    )
