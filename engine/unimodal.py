"""Is a split of map positions a real gap or a cut through one cloud? Silverman's mode test.

A candidate split into two (2-means on the map) is tested on the 1-D projection of the points
onto the line through the two centres: two opinion groups leave two modes there, a continuous
cloud of opinions - however flat, skewed or long-tailed - one. Silverman's test asks how much a
Gaussian kernel density must be smoothed before it has one mode (the critical bandwidth) and
whether samples from that smoothed, one-mode density show two modes as readily (a smoothed
bootstrap). Unlike a test against a single Gaussian (SigClust), a flat-topped continuum is not
mistaken for two groups; unlike a silhouette cut-off, the answer is calibrated by the data's own
size.

Densities are evaluated on a grid of :data:`GRID` points by binning and one convolution, so a
test costs a few milliseconds at any number of participants.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ModeTest", "count_modes", "critical_bandwidth", "mode_test"]

#: Grid points of the binned kernel density (the points are standardised; 512 bins over their
#: range plus 4 bandwidths resolve modes far narrower than any bandwidth the test reaches).
GRID = 512
#: Bisection steps for the critical bandwidth (relative precision 2^-30 of the start interval).
BISECTIONS = 30
#: Grid steps of the density smaller than this share of its peak are ignored when modes are
#: counted (numerical ripples are not modes).
MODE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class ModeTest:
    """Silverman's test of one projection: the critical bandwidth and its p-value."""

    #: Smallest bandwidth (in standard deviations of the projection) giving one mode.
    critical_bandwidth: float
    #: Share of smoothed-bootstrap samples with more than one mode at that bandwidth.
    p_value: float
    n_points: int
    n_boot: int


def _density(y: np.ndarray, h: float, lo: float, hi: float) -> np.ndarray:
    """Gaussian kernel density of ``y`` with bandwidth ``h`` on :data:`GRID` points in [lo, hi]."""
    counts, edges = np.histogram(y, bins=GRID, range=(lo, hi))
    step = edges[1] - edges[0]
    half = min(GRID - 1, int(np.ceil(4.0 * h / step)))
    offsets = np.arange(-half, half + 1) * step
    kernel = np.exp(-0.5 * (offsets / h) ** 2)
    return np.convolve(counts.astype(np.float64), kernel, mode="same")


def count_modes(y: np.ndarray, h: float, lo: float, hi: float) -> int:
    """Modes of the kernel density of ``y`` (bandwidth ``h``) on the grid over [lo, hi]: rises
    followed by falls, steps smaller than :data:`MODE_TOLERANCE` of the peak ignored."""
    f = _density(y, h, lo, hi)
    d = np.diff(f)
    s = np.sign(d[np.abs(d) > MODE_TOLERANCE * float(f.max())])
    return max(1, int(np.count_nonzero((s[:-1] > 0) & (s[1:] < 0))))


def critical_bandwidth(y: np.ndarray, lo: float, hi: float) -> float:
    """Smallest Gaussian bandwidth at which the density of ``y`` has one mode (bisection)."""
    sd = float(np.std(y)) or 1.0
    small, large = 1e-3 * sd, 2.0 * sd
    if count_modes(y, small, lo, hi) <= 1:
        return small
    for _ in range(BISECTIONS):
        mid = 0.5 * (small + large)
        if count_modes(y, mid, lo, hi) > 1:
            small = mid
        else:
            large = mid
    return large


def mode_test(y: np.ndarray, *, n_boot: int, rng: np.random.Generator) -> ModeTest:
    """Silverman's (1981) test that the 1-D sample ``y`` comes from a one-mode density.

    Parameters
    ----------
    y : (n,) projections of the points on the split's axis.
    n_boot : smoothed-bootstrap samples.
    rng : numpy Generator (the caller's fixed grouping seed).

    Notes
    -----
    With h_c the critical bandwidth, each bootstrap sample is
    mean + (y*_i - mean + h_c e_i) / sqrt(1 + h_c^2 / var), y* resampled from y, e standard
    normal (the one-mode density at h_c with the sample's variance); p is the share of samples
    whose density at h_c has more than one mode. Hall & York (2001) show the test is
    conservative at this calibration; the cut-off used with it is set by measurement
    (:mod:`engine.settings`, ``GroupingSettings.mode_alpha``).

    References
    ----------
    Silverman (1981), "Using kernel density estimates to investigate multimodality",
    JRSS B 43(1), 97-99. Hall & York (2001), Statistica Sinica 11, 515-536.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> two = np.r_[rng.normal(-3, 1, 200), rng.normal(3, 1, 200)]
    >>> mode_test(two, n_boot=50, rng=rng).p_value < 0.05
    True
    >>> mode_test(rng.normal(0, 1, 400), n_boot=50, rng=rng).p_value > 0.05
    True
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if n < 4 or float(np.std(y)) == 0.0:
        return ModeTest(0.0, 1.0, n, 0)
    y = (y - y.mean()) / y.std()
    pad = 4.0 * 2.0
    lo, hi = float(y.min()) - pad, float(y.max()) + pad
    h = critical_bandwidth(y, lo, hi)
    shrink = 1.0 / np.sqrt(1.0 + h**2)
    more = 0
    for _ in range(n_boot):
        star = y[rng.integers(n, size=n)] + h * rng.standard_normal(n)
        if count_modes(star * shrink, h, lo, hi) > 1:
            more += 1
    return ModeTest(h, more / n_boot, n, n_boot)
