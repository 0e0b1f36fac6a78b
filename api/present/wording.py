"""Words that must follow the numbers: how large a majority is, and what a share is a share of.

Every surface (``GET /analysis``, ``meedenken analyze``, the report, the dashboard) reads these
keys, so a consensus statement is never called "most participants" when its interval reaches 50%
and a group's share never leaves its denominator unsaid.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from meedenken.engine.intervals import wilson_interval

__all__ = ["CLEAR_MAJORITY", "MAJORITY_NOT_CERTAIN", "NO_MAJORITY", "WORDING_EN",
           "group_shares", "majority_wording", "share_interval"]

#: The 95% Wilson interval of the share lies wholly above one half: "most participants".
CLEAR_MAJORITY = "clear_majority"
#: The share is above one half but its interval reaches 50%: a majority, not a certain one.
MAJORITY_NOT_CERTAIN = "majority_not_certain"
#: Half or fewer of those who voted on it (Pol.is's smoothed share can still exceed 0.5).
NO_MAJORITY = "no_majority"
#: A half: the line a majority has to cross.
HALF = 0.5
#: English phrases of the wordings (the report's Dutch and English live in api.report.i18n):
#: "{verb}" is agree or disagree.
WORDING_EN = {
    CLEAR_MAJORITY: "most of those who voted on it {verb}",
    MAJORITY_NOT_CERTAIN: "a majority of those who voted on it {verb}, but its 95% interval "
                          "reaches 50%",
    NO_MAJORITY: "half or fewer of those who voted on it {verb}",
}


def share_interval(n_success: int, n_trials: int) -> tuple[float | None, float | None,
                                                              float | None]:
    """``n_success / n_trials`` and its 95% Wilson interval; all None without trials.

    >>> [round(v, 3) for v in share_interval(55, 100)]
    [0.55, 0.452, 0.644]
    """
    if n_trials <= 0:
        return None, None, None
    low, high = wilson_interval(np.array(n_success), np.array(n_trials))
    return n_success / n_trials, float(low), float(high)


def majority_wording(n_success: int, n_trials: int) -> str:
    """How a share of ``n_success`` in ``n_trials`` votes may be worded (the key, see the
    constants): a majority is "clear" only when its whole 95% Wilson interval lies above 50%.

    >>> majority_wording(80, 100), majority_wording(55, 100), majority_wording(5, 10)
    ('clear_majority', 'majority_not_certain', 'no_majority')
    """
    share, low, _ = share_interval(n_success, n_trials)
    if share is None or share <= HALF:
        return NO_MAJORITY
    return CLEAR_MAJORITY if low is not None and low > HALF else MAJORITY_NOT_CERTAIN


def group_shares(size: int, counts: Mapping[str, int]) -> dict[str, float | None]:
    """A group of ``size`` as a share of each denominator in ``counts`` (e.g. participants,
    in_conversation, grouped); None where the denominator is 0.

    >>> group_shares(15, {"participants": 100, "grouped": 40})
    {'participants': 0.15, 'grouped': 0.375}
    """
    return {name: (size / n if n > 0 else None) for name, n in counts.items()}
