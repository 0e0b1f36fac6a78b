"""The examples in the engine's docstrings run and give what they show.

The engine's modules are imported by their installed names (``meedenken.engine.…``), so the
examples run against the same module objects the rest of the suite uses.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import meedenken.engine

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(meedenken.engine.__path__, "meedenken.engine.")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_semantic_modules_have_examples():
    """The statement-semantics modules document themselves by example; keep them doing so."""
    for name in ("semantics", "duplicates", "topics"):
        module = importlib.import_module(f"meedenken.engine.{name}")
        assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).attempted > 0
