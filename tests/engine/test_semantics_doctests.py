"""The examples in the statement-semantics modules' docstrings run and give what they show."""

from __future__ import annotations

import doctest

import pytest

import engine.duplicates
import engine.semantics
import engine.topics


@pytest.mark.parametrize(
    "module",
    [engine.semantics, engine.duplicates, engine.topics],
    ids=lambda m: m.__name__,
)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
