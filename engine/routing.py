"""Which statement a participant sees next (Pol.is priority routing)."""

from __future__ import annotations

import numpy as np

__all__ = ["next_statement", "priorities"]


def priorities(
    A: np.ndarray,
    D: np.ndarray,
    S: np.ndarray,
    extremity: np.ndarray,
    meta: np.ndarray,
    *,
    meta_priority: float = 49.0,
    novelty_boost: float = 8.0,
    novelty_half_life: float = 5.0,
) -> np.ndarray:
    """Routing weight of every statement.

    Parameters
    ----------
    A, D, S : (n_statements,) agree, disagree and all-vote counts of in-conversation participants.
    extremity : (n_statements,) distance of each statement's position on the map from the origin.
    meta : bool (n_statements,); meta statements get the fixed ``meta_priority``.

    Notes
    -----
    ``importance = (1 - p_pass) (E + 1) p_agree`` with ``p = (count + 1) / (S + 2)`` and
    ``priority = (importance (1 + 8 * 2^(-S / 5)))^2``: statements that people do not pass on,
    that separate opinions and that draw agreement come first, and a new statement is boosted
    about nine-fold until it has a few votes.

    Examples
    --------
    >>> z = np.zeros(1)
    >>> round(float(priorities(z, z, z, z, np.array([False]))[0]), 2)  # unseen statement, E = 0
    5.06
    """
    passes = S - A - D
    p_pass = (passes + 1.0) / (S + 2.0)
    p_agree = (A + 1.0) / (S + 2.0)
    importance = (1.0 - p_pass) * (extremity + 1.0) * p_agree
    novelty = 1.0 + novelty_boost * np.power(2.0, -S / novelty_half_life)
    out = (importance * novelty) ** 2
    return np.where(meta, meta_priority, out)


def next_statement(
    priorities: np.ndarray, candidates: np.ndarray, rng: np.random.Generator
) -> int | None:
    """Weighted random choice among candidate statements; ``None`` when none is left.

    Parameters
    ----------
    priorities : (n_statements,) weights; NaN or non-positive (e.g. a statement added since the
        last analysis) counts as 1, as Pol.is does for statements it has no priority for.
    candidates : bool (n_statements,); statements this participant may see and has not voted on.
    rng : numpy Generator (randomness is an argument).

    Examples
    --------
    >>> next_statement(np.array([1.0, 5.0]), np.array([True, False]), np.random.default_rng(0))
    0
    """
    idx = np.flatnonzero(candidates)
    if len(idx) == 0:
        return None
    w = np.asarray(priorities, dtype=np.float64)[idx]
    w = np.where(np.isfinite(w) & (w > 0), w, 1.0)
    return int(idx[rng.choice(len(idx), p=w / w.sum())])
