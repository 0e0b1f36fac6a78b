"""The researcher notebooks run top to bottom on the shared Pol.is exports (as CI runs them)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
_ENV = os.environ.get("MEEDENKEN_POLIS_DATA")
_CANDIDATES = [*([Path(_ENV)] if _ENV else []), ROOT.parent / "shared/data/polis",
               ROOT.parent.parent / "shared/data/polis"]
HAVE_DATA = any(p.is_dir() for p in _CANDIDATES)
#: Seconds one cell may take (the notebooks are meant to finish well inside a minute).
CELL_TIMEOUT = 120
ATTRIBUTION = "The Computational Democracy Project"


def _notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("*.ipynb"))


def test_at_least_two_notebooks_with_attribution() -> None:
    names = [p.name for p in _notebooks()]
    assert "01_explore_conversation.ipynb" in names and "02_compare_methods.ipynb" in names
    for path in _notebooks():
        nb = nbformat.read(path, as_version=4)
        first = "".join(nb.cells[0].source)
        assert ATTRIBUTION in first and "CC BY 4.0" in first, path.name


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_DATA, reason="shared Pol.is exports not available")
@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebook_runs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, naming the cell, on the first failure
    errors = [o for cell in nb.cells if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    images = [o for cell in nb.cells if cell.cell_type == "code"
              for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 2, "the notebook should draw its plots"
