"""k-anonymous counts for any demographic breakdown the service shows (issue 8).

The service itself returns no demographic breakdowns today (demographic answers are stored and
exported nowhere); pages, reports and any future endpoint that counts participants by an
answer (age band, neighbourhood, role) **per opinion group or per statement** must pass the
counts through :func:`k_anonymous_counts` first, with ``Settings.k_anonymity``.

Rules (statistical disclosure control, "threshold rule" plus secondary suppression):

1. a count from 1 to k - 1 is suppressed (None): it could single out a resident;
2. if exactly one cell of a breakdown is suppressed, the smallest other non-zero cell is
   suppressed too, or the first could be recovered as total minus the rest;
3. zero stays visible (it says nobody, which singles no one out).

>>> k_anonymous_counts({"18-34": 12, "35-64": 3, "65+": 9}, k=5)
{'18-34': 12, '35-64': None, '65+': None}
>>> k_anonymous_counts({"Noord": 0, "Zuid": 7}, k=5)
{'Noord': 0, 'Zuid': 7}
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

__all__ = ["K_ANONYMITY", "k_anonymous_counts"]

#: Smallest count shown. Five is a common minimum cell size in statistical disclosure control
#: of small-area and survey tables; raise it for small, close-knit communities.
K_ANONYMITY = 5

K = TypeVar("K", bound=Hashable)


def k_anonymous_counts(counts: Mapping[K, int], k: int = K_ANONYMITY) -> dict[K, int | None]:
    """``counts`` with every cell that could identify fewer than ``k`` people set to None."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    out: dict[K, int | None] = {key: (None if 0 < n < k else n) for key, n in counts.items()}
    suppressed = [key for key, n in out.items() if n is None]
    if len(suppressed) == 1:
        visible = [(n, str(key), key) for key, n in out.items() if n]
        if visible:
            out[min(visible)[2]] = None
    return out
