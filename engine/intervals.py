"""Confidence intervals for proportions (agree rates in reports and exports).

Reports show an agree (or disagree) rate with an interval, so a reader sees how much a share of
12 votes can be trusted next to a share of 1,200.
"""

from __future__ import annotations

import numpy as np

from .errors import InvalidSettingError

__all__ = ["Z_95", "wilson_interval"]

#: Two-sided 95% normal quantile, the usual reporting level (Wilson 1927; Agresti & Coull 1998).
Z_95 = 1.959963984540054


def wilson_interval(
    successes: np.ndarray | int, trials: np.ndarray | int, z: float = Z_95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a binomial proportion, elementwise.

    Parameters
    ----------
    successes, trials : array_like of int, broadcastable
        Counts, ``0 <= successes <= trials``. Where ``trials == 0`` the interval is (0, 1).
    z : float
        Normal quantile of the two-sided level (default 95%).

    Returns
    -------
    low, high : ndarray of float64

    Notes
    -----
    With :math:`\\hat p = s/n`, the interval is
    :math:`(\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}) / (1 + z^2/n)`.
    Unlike the Wald interval it stays inside [0, 1] and is sensible for small n and for
    proportions near 0 or 1.

    References
    ----------
    E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
    JASA 22 (1927). A. Agresti and B. A. Coull, "Approximate is better than 'exact'", The
    American Statistician 52 (1998).

    Examples
    --------
    >>> low, high = wilson_interval(8, 10)
    >>> round(float(low), 3), round(float(high), 3)
    (0.49, 0.943)
    """
    if not z > 0:
        raise InvalidSettingError(f"z must be positive, got {z!r}")
    s = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    if np.any(s < 0) or np.any(s > n):
        raise InvalidSettingError("successes must lie in 0..trials")
    safe_n = np.where(n > 0, n, 1.0)
    p = s / safe_n
    z2 = z * z
    denominator = 1.0 + z2 / safe_n
    centre = (p + z2 / (2 * safe_n)) / denominator
    half = z * np.sqrt(p * (1 - p) / safe_n + z2 / (4 * safe_n * safe_n)) / denominator
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), 0.0)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), 1.0)
    return low, high
