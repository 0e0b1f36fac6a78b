"""Words that must follow the numbers: how large a majority is, what a share is a share of, and
what an opinion group is called.

Every surface (``GET /analysis``, ``meedenken analyze``, the report, the dashboard) reads these
keys, so a consensus statement is never called "most participants" when its interval reaches 50%
and a group's share never leaves its denominator unsaid.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from meedenken.engine.intervals import wilson_interval

__all__ = ["CLEAR_MAJORITY", "GROUP_WORD", "MAJORITY_NOT_CERTAIN", "NO_MAJORITY", "WORDING_EN",
           "group_letter", "group_name", "group_shares", "majority_wording", "share_interval"]

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


# ---------------------------------------------------------------------- group names
#: The word before a group's letter, per language ("group A", "groep A").
GROUP_WORD = {"en": "group", "nl": "groep"}
#: Letters before a group name takes a number: A..Z, then A2..Z2, A3...
_LETTERS = 26


def group_letter(group_id: object) -> str:
    """The name of opinion group ``group_id`` on every surface: 0 -> "A", 1 -> "B", ... 25 -> "Z",
    then 26 -> "A2", 27 -> "B2" (k is at most 10, but live ids of groups that came and went can
    grow past it).

    The one rule: the report, ``meedenken analyze``'s text, the notebooks and the pages all name
    a group by it, so a facilitator comparing the dashboard with the report sees the same name for
    the same group. ``groupLetter`` in ``api/static/js/i18n.js`` is the same rule in JavaScript
    and MUST agree with this one (``tests/api/test_group_names.py`` runs both). JSON answers keep
    the integer ids; only words use the letters. ``group_id`` may be an int, a numpy integer or a
    JSON key ("2").

    >>> [group_letter(g) for g in (0, 1, 25, 26, 27, "2")]
    ['A', 'B', 'Z', 'A2', 'B2', 'C']
    """
    if isinstance(group_id, bool):
        raise TypeError(f"not a group id: {group_id!r}")
    try:
        n = int(group_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise TypeError(f"not a group id: {group_id!r}") from None
    if n < 0 or (not isinstance(group_id, str) and n != group_id):
        raise ValueError(f"not a group id: {group_id!r} (ids are 0, 1, 2, ...)")
    letter = chr(ord("A") + n % _LETTERS)
    return letter if n < _LETTERS else f"{letter}{n // _LETTERS + 1}"


def group_name(group_id: object, lang: str = "en", *, capital: bool = False) -> str:
    """"group A" / "groep A" (``capital``: "Group A" / "Groep A", at the start of a sentence or
    as a heading); the letter is :func:`group_letter`.

    >>> group_name(0), group_name(2, "nl"), group_name(1, "nl", capital=True)
    ('group A', 'groep C', 'Groep B')
    """
    word = GROUP_WORD[lang]
    return f"{word.capitalize() if capital else word} {group_letter(group_id)}"
