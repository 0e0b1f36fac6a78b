"""k-anonymous counts (api.privacy) for demographic breakdowns."""

from __future__ import annotations

import pytest

from api.privacy import k_anonymous_counts


def test_small_cells_and_one_complement_are_suppressed() -> None:
    out = k_anonymous_counts({"a": 40, "b": 2, "c": 6, "d": 0}, k=5)
    assert out == {"a": 40, "b": None, "c": None, "d": 0}
    # No suppressed cell can be recovered from the total and the visible ones.
    assert sum(1 for v in out.values() if v is None) != 1


def test_two_small_cells_need_no_secondary_suppression() -> None:
    assert k_anonymous_counts({"a": 1, "b": 1, "c": 9}, k=5) == {"a": None, "b": None, "c": 9}


def test_everything_large_is_unchanged() -> None:
    counts = {"x": 5, "y": 50}
    assert k_anonymous_counts(counts, k=5) == counts


def test_k_must_be_positive() -> None:
    with pytest.raises(ValueError, match="k must be"):
        k_anonymous_counts({"a": 1}, k=0)
