"""Where the shared Pol.is exports are, and what shared/data/polis/README.md says they hold."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1]
# ../shared/data/polis next to the main repository (worktrees sit one level deeper).
_CANDIDATES = (_ROOT.parent / "shared/data/polis", _ROOT.parent.parent / "shared/data/polis")
DATA = next((p for p in _CANDIDATES if p.is_dir()), _CANDIDATES[0])

#: From shared/data/polis/README.md: participants, comments, votes, Pol.is groups.
README_TABLE = {
    "15-per-hour-seattle": (339, 54, 2_872, 2),
    "american-assembly.bowling-green": (2_031, 896, 225_524, 2),
    "austria-climate.5twd2jsnkf.2022-08-08": (1_116, 522, 61_384, 2),
    "bg2050-volunteers": (126, 371, 14_283, 2),
    "brexit-consensus": (204, 50, 5_303, 2),
    "canadian-electoral-reform": (448, 174, 11_950, 2),
    "london.youth.policing": (26, 39, 638, 3),
    "scoop-hivemind.biodiversity": (536, 316, 29_719, 2),
    "scoop-hivemind.ubi": (234, 71, 7_153, 4),
    "vtaiwan.uberx": (1_921, 197, 49_443, 2),
}

needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared Pol.is exports not available")


def copy_export(name: str, dest: Path, without: tuple[str, ...] = ()) -> Path:
    """Copy a shared export's CSV files (except ``without``) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in (DATA / name).glob("*.csv"):
        if f.name not in without:
            shutil.copy(f, dest / f.name)
    return dest


def replace_in_line(path: Path, number: int, old: str, new: str) -> None:
    """Edit line ``number`` (0 = header) of a CSV file."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[number], lines[number]
    lines[number] = lines[number].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def truncate(path: Path, keep: int) -> None:
    """Cut a file after ``keep`` bytes, as an interrupted download would."""
    path.write_bytes(path.read_bytes()[:keep])
