"""What importing the package loads, and what the distribution installs (issue 14, item 6).

Each check runs in a fresh interpreter (``sys.executable``) started in an empty temporary folder,
so the repository root is not on ``sys.path`` and only what is installed can be imported; the
child prints the names in ``sys.modules`` and the test asserts on them (never on time).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Libraries that take a second or more to import; none may load with ``meedenken.engine``.
HEAVY = ("torch", "sentence_transformers", "matplotlib", "pandas", "fastapi")
#: What ``meedenken --help`` must not load: the heavy libraries, and everything the subcommands
#: need only when they run (the engine's scikit-learn and SciPy, the reader's pyarrow, the web
#: server, the database).
NOT_FOR_HELP = (*HEAVY, "sklearn", "scipy", "pyarrow", "uvicorn", "sqlalchemy", "starlette")


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    """Run ``code`` in a fresh interpreter in ``tmp_path``; the modules it left loaded."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.strip().splitlines()[-1]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    """The names in ``names`` loaded as a package or one of its modules."""
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


def test_importing_the_engine_loads_no_heavy_library_and_no_api_or_models(tmp_path):
    modules = _modules_after("import meedenken.engine", tmp_path)
    assert "meedenken.engine" in modules
    assert _loaded(modules, HEAVY) == []
    assert _loaded(modules, ("meedenken.api", "meedenken.models")) == []


def test_no_engine_module_imports_api_models_or_a_heavy_library(tmp_path):
    """Every module of the engine, imported: still nothing of ``api``/``models``, and no torch,
    sentence-transformers, matplotlib or FastAPI (semantics load their model when asked).

    pandas is left out of this check only: the engine's scikit-learn imports it when it is
    installed (``sklearn.utils.fixes``); the engine itself never does (see the test above).
    """
    modules = _modules_after(
        "import importlib, pkgutil, meedenken.engine as engine\n"
        "for info in pkgutil.iter_modules(engine.__path__):\n"
        "    importlib.import_module(f'meedenken.engine.{info.name}')",
        tmp_path,
    )
    assert "meedenken.engine.analysis" in modules and "meedenken.engine.semantics" in modules
    assert _loaded(modules, tuple(n for n in HEAVY if n != "pandas")) == []
    assert _loaded(modules, ("meedenken.api", "meedenken.models")) == []


@pytest.mark.parametrize("argv", [["--help"], ["analyze", "--help"], ["report", "--help"]])
def test_meedenken_help_loads_no_heavy_library(tmp_path, argv):
    """``meedenken --help`` builds every subcommand's parser, and imports nothing heavy for it:
    the console script's entry point, ``meedenken.api.cli.main:main``, run as the script runs
    it."""
    modules = _modules_after(
        "import contextlib, io\n"
        "from meedenken.api.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        f"    assert main({argv!r}) == 0\n"
        "assert 'usage: meedenken' in out.getvalue()",
        tmp_path,
    )
    assert _loaded(modules, NOT_FOR_HELP) == []
    assert _loaded(modules, ("meedenken.engine", "meedenken.models")) == []


def test_only_the_meedenken_package_is_installed(tmp_path):
    """The folders engine/, api/ and models/ install as ``meedenken.*`` only: no top-level
    ``engine``, ``api`` or ``models`` to collide with a researcher's own modules."""
    code = (
        "import importlib.util, json\n"
        "names = ['engine', 'api', 'models', 'meedenken.engine', 'meedenken.api',\n"
        "         'meedenken.models']\n"
        "print(json.dumps({n: importlib.util.find_spec(n) is not None for n in names}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=True)
    found = json.loads(proc.stdout)
    assert found == {"engine": False, "api": False, "models": False, "meedenken.engine": True,
                     "meedenken.api": True, "meedenken.models": True}


def test_every_sub_package_is_listed_in_pyproject():
    """setuptools installs only the packages pyproject.toml lists: a folder with an
    ``__init__.py`` missing there would be absent from a (non-editable) install."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {package: ROOT / folder for package, folder in setuptools["package-dir"].items()}
    assert set(folders) == {"meedenken.engine", "meedenken.api", "meedenken.models"}
    expected = set()
    for package, folder in folders.items():
        for init in folder.rglob("__init__.py"):
            parts = init.parent.relative_to(folder).parts
            if "__pycache__" not in parts:
                expected.add(".".join((package, *parts)))
    assert expected - set(setuptools["packages"]) == set()
    assert set(setuptools["packages"]) - expected == set()
