"""Co-dissent: do a statement's dissenters also dissent *together* elsewhere? No groups needed.

Why (issue 16): the common-ground rule vetoes by the opinion groups, the fine cells of the
opinion space and the latent classes; where none of them isolates a minority (one opinion group,
or a minority merged or split), a statement that minority rejects can pass as common ground.
Co-dissent asks the votes directly. A minority that rejects several statements everyone else
supports has members who, *on the popular statements*, vote below the room more than on the
rest. If the disagreers of a statement are such people more than its agreers are, the statement
is doubtful: some coherent set of participants may reject it.

Per participant i and statement s, the *contrast* is i's mean residual (agree 1 / disagree 0,
minus the statement's agree share among sides taken) over the popular statements (share >=
:data:`POPULAR`) minus the same over the other statements, both without s; a general leniency
cancels. The statistic is (mean contrast of s's agreers - mean of its disagreers), as a z
against random relabellings of s's voters (the permutation null has mean 0 and sd = the pooled
sd x sqrt(1/n_agree + 1/n_disagree)). High = the dissenters of s are the room's habitual
dissenters from what is popular. Passes are not sides and count nowhere.

All of it is O(votes): three sparse products for the residual sums and one pass over the
nonzeros, grouped by statement with ``np.bincount``.

Measured on planted rooms (benchmarks/RESULTS.md, "Session 11, cg16j" and "Session 12,
cg16k"): AUC between planted common ground and popular group-rejected statements 0.73-0.90 on
an independent generator and 0.97-0.98 on :mod:`engine.synthetic`'s rooms.

Reference: the idea is the "latent subgroup" test of item-response checks (a residual
correlation between items beyond the one general factor), here aggregated over the popular
statements so it needs no model of who the subgroup is.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["MIN_SIDES", "MIN_STATEMENTS", "POPULAR", "co_dissent", "relative_to_room"]

#: A statement is *popular* when at least this share of the sides taken on it agree.
POPULAR = 0.6
#: Fewer agree-or-disagree votes than this on a statement: no z (NaN).
MIN_SIDES = 30
#: ... nor with fewer than this many agreers or disagreers whose contrast is known.
MIN_EACH = 3
#: :func:`relative_to_room` needs at least this many statements with a z (fewer: all NaN).
MIN_STATEMENTS = 10
#: A participant's contrast is known when they took a side on at least this many popular and
#: this many other statements besides s.
MIN_OWN = 2


def co_dissent(X: sp.spmatrix, active: np.ndarray | None = None) -> np.ndarray:
    """(n_statements,) co-dissent z per statement (NaN: too few votes, or not active).

    ``X``: votes (participants x statements; agree 1, disagree -1, pass a stored 0). Only the
    ``active`` statements (default all) are read, as sides and as popular or other.

    Examples
    --------
    1,000 participants, the last 200 a minority that rejects statements 0-3 (which the others
    support, 80%); everyone supports 4-6 (80%) and dislikes 7-9 (30%):

    >>> import numpy as np, scipy.sparse as sp
    >>> rng = np.random.default_rng(0)
    >>> p = np.tile([0.8] * 7 + [0.3] * 3, (1000, 1))
    >>> p[800:, :4] = 0.15
    >>> z = co_dissent(sp.csr_matrix(np.where(rng.random(p.shape) < p, 1, -1)))
    >>> z.round(1).tolist()
    [6.3, 7.1, 6.7, 5.7, 1.0, -0.6, -1.2, -1.4, 0.2, -3.3]
    """
    X = sp.csr_matrix(X)
    n_p, n_s = X.shape
    use = np.ones(n_s, dtype=bool) if active is None else np.asarray(active, dtype=bool)
    X.sum_duplicates()
    rows = np.repeat(np.arange(n_p), np.diff(X.indptr))
    cols, vals = X.indices, X.data
    side = (vals != 0) & use[cols]
    rows, cols, y = rows[side], cols[side], (vals[side] > 0).astype(np.float64)
    sides = np.bincount(cols, minlength=n_s).astype(np.float64)
    agree = np.bincount(cols, weights=y, minlength=n_s)
    p = agree / np.maximum(sides, 1.0)
    popular = p >= POPULAR
    resid = y - p[cols]
    pop = popular[cols]
    # per participant: residual sums and counts on the popular and on the other statements
    r_pop = np.bincount(rows, weights=np.where(pop, resid, 0.0), minlength=n_p)
    n_pop = np.bincount(rows, weights=pop.astype(np.float64), minlength=n_p)
    r_oth = np.bincount(rows, weights=np.where(pop, 0.0, resid), minlength=n_p)
    n_oth = np.bincount(rows, weights=(~pop).astype(np.float64), minlength=n_p)
    # each vote's contrast with the statement itself left out
    rp = r_pop[rows] - np.where(pop, resid, 0.0)
    np_ = n_pop[rows] - pop
    ro = r_oth[rows] - np.where(pop, 0.0, resid)
    no = n_oth[rows] - ~pop
    ok = (np_ >= MIN_OWN) & (no >= MIN_OWN)
    c = np.where(ok, rp / np.maximum(np_, 1) - ro / np.maximum(no, 1), 0.0)

    def per_statement(weights: np.ndarray) -> np.ndarray:
        return np.bincount(cols, weights=weights, minlength=n_s)

    is_agree = ok & (y > 0)
    is_dis = ok & (y == 0)
    n_a, n_d = per_statement(is_agree.astype(np.float64)), per_statement(is_dis.astype(np.float64))
    s_a, s_d = per_statement(np.where(is_agree, c, 0.0)), per_statement(np.where(is_dis, c, 0.0))
    ss = per_statement(np.where(ok, c * c, 0.0))
    n_ok = n_a + n_d
    enough = (
        use & (sides >= MIN_SIDES)
        & (agree >= MIN_EACH) & (sides - agree >= MIN_EACH)
        & (n_a >= MIN_EACH) & (n_d >= MIN_EACH)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (s_a + s_d) / n_ok
        sd = np.sqrt(np.maximum(ss / n_ok - mean * mean, 0.0)) * np.sqrt(1 / n_a + 1 / n_d)
        z = (s_a / n_a - s_d / n_d) / (sd + 1e-12)
    return np.where(enough, z, np.nan)


def relative_to_room(z: np.ndarray) -> np.ndarray:
    """``z`` against the room's own statements: (z - median) / max(1, 1.4826 x MAD), over the
    statements with a z (NaN stays NaN; all NaN with fewer than :data:`MIN_STATEMENTS`).

    Why: in real rooms most popular statements show co-dissent (one opinion side dissents
    from what the other side makes popular): on the shared Pol.is exports 47-87% of the popular
    statements have z > 1.5 (median z 0.3-3), against 37-39% on planted rooms where most of
    those are the vetoed ones. Held back at z > 1.5, the real lists lost their best-supported
    statements (benchmarks/RESULTS.md, "Session 12, cg16k"). Against the room, a statement is
    doubtful only if its dissenters co-dissent more than the room's typical statement's do;
    the floor of 1 keeps a room with no co-dissent at all on the plain z scale (its null sd).

    >>> relative_to_room(np.r_[np.arange(12.0), np.nan]).round(2).tolist()[:3]
    [-1.24, -1.01, -0.79]
    >>> bool(np.isnan(relative_to_room(np.arange(5.0))).all())
    True
    """
    z = np.asarray(z, dtype=np.float64)
    known = z[np.isfinite(z)]
    if len(known) < MIN_STATEMENTS:
        return np.full(z.shape, np.nan)
    middle = float(np.median(known))
    spread = 1.4826 * float(np.median(np.abs(known - middle)))
    return (z - middle) / max(spread, 1.0)
