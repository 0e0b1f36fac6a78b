"""Wilson score intervals: published values, edge cases, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine.errors import InvalidSettingError
from meedenken.engine.intervals import wilson_interval


def test_published_values() -> None:
    # Newcombe (1998), Stat. Med. 17, table I: 81/263 -> 0.2553 .. 0.3662 (Wilson, no correction).
    low, high = wilson_interval(81, 263)
    assert float(low) == pytest.approx(0.2553, abs=5e-5)
    assert float(high) == pytest.approx(0.3662, abs=5e-5)
    # 15/148 -> 0.0624 .. 0.1605; 0/20 -> 0 .. 0.1611 (same table).
    low, high = wilson_interval(np.array([15, 0]), np.array([148, 20]))
    np.testing.assert_allclose(low, [0.0624, 0.0], atol=5e-5)
    np.testing.assert_allclose(high, [0.1605, 0.1611], atol=5e-5)


def test_edges_and_order() -> None:
    low, high = wilson_interval(np.array([0, 5, 10, 0]), np.array([10, 10, 10, 0]))
    assert low[0] == 0.0 and high[2] == pytest.approx(1.0)
    assert (low <= high).all() and (low >= 0).all() and (high <= 1).all()
    assert (low[3], high[3]) == (0.0, 1.0)  # no trials: no information
    # more trials, same share: narrower
    narrow = wilson_interval(500, 1000)
    wide = wilson_interval(5, 10)
    assert narrow[1] - narrow[0] < wide[1] - wide[0]


@pytest.mark.parametrize(("s", "n", "z"), [(11, 10, 1.96), (-1, 10, 1.96), (1, 10, 0.0)])
def test_bad_input(s: int, n: int, z: float) -> None:
    with pytest.raises(InvalidSettingError):
        wilson_interval(s, n, z)
