"""The package's import structure: no import cycles, and each layer imports only those below it.

The import graph is read statically (``ast``) from the source folders ``engine/``, ``api/`` and
``models/``, which install as ``meedenken.engine``, ``meedenken.api`` and ``meedenken.models``.
Every ``import`` and ``from ... import`` counts, relative ones resolved, including those inside
functions (a lazy import still ties two modules together). Imports under ``if TYPE_CHECKING:``
count for the layers but not for cycles: they never run, and they are Python's way of naming a
type without importing its module.

The layers, top to bottom (a module may import its own layer and the ones below)::

    api.cli                                 the command line
    api.http, api.routes                    requests in, status codes out
    api.live, api.present, api.report       the running service, the renderings, the report
    api.store                               the queries the layers above share
    api.settings, api.security, api.errors  configuration, tokens, domain errors
    meedenken.models                        tables, Pol.is exports, tidy tables
    meedenken.engine                        the pure core: arrays in, results out

The layers below HTTP never import FastAPI or Starlette: they raise the domain errors of
``api.errors`` and only the HTTP layer turns those into status codes.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Source folder -> the import name it installs as (pyproject.toml's package-dir mapping).
FOLDERS = {"engine": "meedenken.engine", "api": "meedenken.api", "models": "meedenken.models"}

#: Layers from the top; a module belongs to the layer of the longest prefix that holds it. The
#: bare ``meedenken.api`` package (an empty ``__init__``) is the top, itself only; the report's
#: subcommand (``meedenken report``) is part of the command line.
LAYERS: list[tuple[str, ...]] = [
    ("meedenken.api.cli", "meedenken.api.report.cli", "=meedenken.api"),
    ("meedenken.api.http", "meedenken.api.routes"),
    ("meedenken.api.live", "meedenken.api.present", "meedenken.api.report"),
    ("meedenken.api.store",),
    ("meedenken.api.settings", "meedenken.api.security", "meedenken.api.errors"),
    ("meedenken.models",),
    ("meedenken.engine",),
]
#: Below HTTP: no web framework (domain errors instead of HTTPException).
NO_WEB_FRAMEWORK = ("meedenken.api.live", "meedenken.api.store", "meedenken.api.settings",
                    "meedenken.api.security", "meedenken.api.errors")
WEB_FRAMEWORKS = ("fastapi", "starlette", "sse_starlette")


@dataclass
class ImportGraph:
    """Modules of the package (nodes), the imports between them (edges, with the line), and
    each module's imports from outside the package (top-level names)."""

    #: Edges carry ``line`` (of the first such import) and ``typing_only`` (every such import
    #: is under ``if TYPE_CHECKING:``).
    graph: nx.DiGraph = field(default_factory=nx.DiGraph)
    external: dict[str, dict[str, int]] = field(default_factory=dict)


def _module_names(root: Path, folders: dict[str, str]) -> dict[str, Path]:
    """Every module's import name -> its file."""
    modules = {}
    for folder, package in folders.items():
        base = root / folder
        for path in sorted(base.rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join([package, *parts])] = path
    return modules


def _resolve(name: str, modules: set[str]) -> str | None:
    """The longest known module that ``name`` is or lies in (None: outside the package)."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _typing_only_nodes(tree: ast.AST) -> set[ast.AST]:
    """The statements inside ``if TYPE_CHECKING:`` blocks (``typing.TYPE_CHECKING`` too)."""
    inside: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING",
                                                                    "typing.TYPE_CHECKING"}:
            for statement in node.body:
                inside.update(ast.walk(statement))
    return inside


def _imported_names(tree: ast.AST, module: str, is_package: bool,
                    modules: set[str]) -> Iterable[tuple[str, int, bool]]:
    """``(dotted name, line, typing only)`` of everything ``module`` imports, anywhere in it.

    ``from a.b import c`` names ``a.b.c`` if that is a module of the package, else ``a.b``."""
    package = module if is_package else module.rpartition(".")[0]
    typing_only = _typing_only_nodes(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno, node in typing_only
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join([*parts, node.module] if node.module else parts)
            else:
                base = node.module or ""
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield (submodule if submodule in modules else base), node.lineno, \
                    node in typing_only


def build_import_graph(root: Path = ROOT, folders: dict[str, str] = FOLDERS) -> ImportGraph:
    """The static import graph of the package under ``root`` (see the module docstring)."""
    files = _module_names(root, folders)
    modules = set(files)
    result = ImportGraph()
    result.graph.add_nodes_from(files)
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        external = result.external.setdefault(module, {})
        for name, line, typing_only in _imported_names(tree, module,
                                                        path.name == "__init__.py", modules):
            target = _resolve(name, modules)
            if target is None:
                if not name.startswith("meedenken."):
                    external.setdefault(name.split(".")[0], line)
            elif target == module:
                continue
            elif not result.graph.has_edge(module, target):
                result.graph.add_edge(module, target, line=line, typing_only=typing_only)
            elif not typing_only:
                result.graph.edges[module, target]["typing_only"] = False
    return result


def runtime_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The imports that run (those under ``if TYPE_CHECKING:`` left out)."""
    return graph.edge_subgraph([(a, b) for a, b, typing_only in graph.edges(data="typing_only")
                                if not typing_only])


def import_cycles(graph: nx.DiGraph) -> list[list[str]]:
    """One cycle per group of modules that import each other (empty: no cycle)."""
    cycles = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            cycle = [a for a, _ in nx.find_cycle(graph.subgraph(component))]
            start = cycle.index(min(cycle))  # the same cycle reads the same way every run
            cycles.append(cycle[start:] + cycle[:start])
    return sorted(cycles)


def _within(module: str, prefixes: Iterable[str]) -> bool:
    """``module`` is one of ``prefixes`` or inside one (``=name``: that module only)."""
    return any(module == p.removeprefix("=")
               or (not p.startswith("=") and module.startswith(p + ".")) for p in prefixes)


def layer_of(module: str) -> int | None:
    """Index of the module's layer in :data:`LAYERS` (0 is the top)."""
    best: tuple[int, int] | None = None  # (prefix length, layer)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if _within(module, [prefix]) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def layer_violations(imports: ImportGraph) -> list[str]:
    """Every import of a higher layer, and every web framework import below HTTP."""
    problems = []
    for module, target, data in imports.graph.edges(data=True):
        mine, theirs = layer_of(module), layer_of(target)
        if mine is not None and theirs is not None and theirs < mine:
            problems.append(f"{module}:{data['line']} imports {target}, a higher layer")
    for module, names in imports.external.items():
        if _within(module, NO_WEB_FRAMEWORK):
            problems += [f"{module}:{line} imports {name} (only the HTTP layer may)"
                         for name, line in names.items() if name in WEB_FRAMEWORKS]
    return sorted(problems)


# ---------------------------------------------------------------------------- the package
@pytest.fixture(scope="module")
def package_imports() -> ImportGraph:
    return build_import_graph()


def test_the_graph_sees_the_whole_package(package_imports: ImportGraph) -> None:
    graph = package_imports.graph
    # Modules of all three folders, an absolute import, a relative one, one inside a function.
    assert {"meedenken.engine.analysis", "meedenken.models.tables",
            "meedenken.api.http.app"} <= set(graph)
    assert graph.has_edge("meedenken.api.http.app", "meedenken.api.live.service")
    assert graph.has_edge("meedenken.api.report.cli", "meedenken.api.report.build")  # relative
    assert graph.has_edge("meedenken.api.cli.main", "meedenken.api.cli.server")  # in a function
    assert all(layer_of(m) is not None for m in graph), "every module belongs to a layer"


def test_no_import_cycles(package_imports: ImportGraph) -> None:
    cycles = import_cycles(runtime_graph(package_imports.graph))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join([*c, c[0]]) for c in cycles)


def test_each_layer_imports_only_those_below(package_imports: ImportGraph) -> None:
    problems = layer_violations(package_imports)
    assert not problems, "layer violations:\n" + "\n".join(problems)


def test_engine_imports_neither_api_nor_models(package_imports: ImportGraph) -> None:
    """Spelled out apart from the layers: the engine is the pure core (STYLE.md 1)."""
    outside = [(m, t) for m, t in package_imports.graph.edges
               if _within(m, ["meedenken.engine"]) and not _within(t, ["meedenken.engine"])]
    assert not outside
    assert not [(m, t) for m, t in package_imports.graph.edges
                if _within(m, ["meedenken.models"]) and _within(t, ["meedenken.api"])]


# ---------------------------------------------------------------------------- the checker
def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_a_cycle_through_a_lazy_relative_import_is_found(tmp_path: Path) -> None:
    _write(tmp_path, {
        "api/__init__.py": "",
        "api/live/__init__.py": "",
        "api/live/a.py": "from meedenken.api.live import b\n",
        "api/live/b.py": "def f():\n    from .c import x\n",
        "api/live/c.py": "from ..live.a import y\n",
        "api/live/d.py": "from meedenken.api.live.a import y\n",
        "api/live/e.py": "from typing import TYPE_CHECKING\nimport meedenken.api.live.d\n",
    })
    imports = build_import_graph(tmp_path, {"api": "meedenken.api"})
    assert import_cycles(runtime_graph(imports.graph)) == [
        ["meedenken.api.live.a", "meedenken.api.live.b", "meedenken.api.live.c"]]
    _write(tmp_path, {"api/live/c.py": "import meedenken.api.live.e\n",
                      "api/live/d.py": "if TYPE_CHECKING:\n    from .c import Y\n"})
    imports = build_import_graph(tmp_path, {"api": "meedenken.api"})
    # c -> e -> d -> c only through a TYPE_CHECKING import: no cycle at run time.
    assert import_cycles(imports.graph) == [
        ["meedenken.api.live.c", "meedenken.api.live.e", "meedenken.api.live.d"]]
    assert import_cycles(runtime_graph(imports.graph)) == []


def test_an_upward_import_and_fastapi_below_http_are_found(tmp_path: Path) -> None:
    _write(tmp_path, {
        "api/__init__.py": "",
        "api/store.py": "from fastapi import HTTPException\n",
        "api/live/__init__.py": "",
        "api/live/retention.py": "from meedenken.api.http.access import unusable\n",
        "api/http/__init__.py": "",
        "api/http/access.py": "from meedenken.api.live import retention\nimport fastapi\n",
        "engine/__init__.py": "",
        "engine/core.py": "from meedenken.models import tables\n",
        "models/__init__.py": "",
        "models/tables.py": "",
    })
    imports = build_import_graph(tmp_path, {"api": "meedenken.api", "engine": "meedenken.engine",
                                            "models": "meedenken.models"})
    assert layer_violations(imports) == [
        "meedenken.api.live.retention:1 imports meedenken.api.http.access, a higher layer",
        "meedenken.api.store:1 imports fastapi (only the HTTP layer may)",
        "meedenken.engine.core:1 imports meedenken.models.tables, a higher layer",
    ]
