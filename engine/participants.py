"""Who is clustered: Pol.is's in-conversation rule."""

from __future__ import annotations

import numpy as np

from .settings import POLIS_MIN_VOTES

__all__ = ["in_conversation"]


def in_conversation(
    vote_counts: np.ndarray,
    n_statements: int,
    *,
    previous: np.ndarray | None = None,
    min_votes: int = POLIS_MIN_VOTES,
    greedy_n: int = 15,
) -> np.ndarray:
    """Participants that enter the clustering.

    Parameters
    ----------
    vote_counts : int array, shape (n_participants,); votes per participant, passes and votes on
        moderated-out statements included (Pol.is counts on its raw matrix).
    n_statements : number of statements with votes.
    previous : bool array of participants already in (once in, always in); may be shorter than
        ``vote_counts`` when participants joined since.
    min_votes, greedy_n : Pol.is's 7 (:data:`engine.settings.POLIS_MIN_VOTES`) and 15.

    Returns
    -------
    bool array, shape (n_participants,)

    Notes
    -----
    In = previous ∪ {p : votes_p >= min(min_votes, n_statements)}; while fewer than ``greedy_n``
    are in, the participants with most votes (ties by row order) are added. Participants
    without any vote never enter.

    Examples
    --------
    >>> in_conversation(np.array([9, 1, 0, 7]), 20, greedy_n=3).tolist()
    [True, True, False, True]
    """
    counts = np.asarray(vote_counts)
    mask = counts >= min(min_votes, n_statements)
    if previous is not None:
        prev = np.zeros(len(counts), dtype=bool)
        prev[: len(previous)] = previous[: len(counts)]
        mask |= prev
    mask &= counts > 0
    missing = greedy_n - int(mask.sum())
    if missing > 0:
        candidates = np.flatnonzero(~mask & (counts > 0))
        # Most votes first; stable sort keeps row order among equals.
        ranked = candidates[np.argsort(-counts[candidates], kind="stable")]
        mask[ranked[:missing]] = True
    return mask
