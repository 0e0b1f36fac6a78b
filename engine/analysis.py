"""One entry point: :func:`analyze` a vote matrix; :func:`update` it live with warm starts."""

from __future__ import annotations

import time
from collections.abc import Collection, Hashable, Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import pairwise_distances_argmin

from . import clustering as cl
from .bridging import bridging
from .matrix import VoteMatrix
from .participants import in_conversation
from .pca import opinion_map
from .repness import consensus, group_informed_consensus, representative_statements
from .result import AnalysisResult, AnalysisState, ClusteringResult, OpinionMap
from .routing import priorities
from .settings import AnalysisSettings

__all__ = ["analyze", "update"]

#: Default mode, live updates: the choice of k is scored again once the votes grew this much.
RESCORE_GROWTH = 0.10
#: Default mode, live updates: block power steps from the previous axes (full solves converge).
LIVE_PCA_STEPS = 1


def analyze(
    matrix: VoteMatrix,
    settings: AnalysisSettings | None = None,
    *,
    previous: AnalysisState | None = None,
    random_state: int | None = 0,
    attributes: Mapping[str, Sequence[Hashable] | np.ndarray] | None = None,
    in_conversation: Collection[Hashable] | None = None,
) -> AnalysisResult:
    """Opinion map, groups, repness, consensus, bridging and routing priorities.

    Parameters
    ----------
    matrix : VoteMatrix (agree = +1); it is not modified.
    settings : AnalysisSettings; ``engine.settings.POLIS`` reproduces Pol.is.
    previous : state of an earlier analysis of the same conversation (warm starts, stable group
        ids, once-in-always-in, the k smoother).
    random_state : seed; the same seed and input give identical output.
    attributes : optional name -> category per participant (rows of ``matrix``), e.g. declared
        roles; bridging explains each statement per category too (small cells hidden).
    in_conversation : participant ids already in conversation before this analysis, added to
        those of ``previous`` (Pol.is: once in, always in). A Pol.is export records this state:
        the participants it grouped.

    Returns
    -------
    AnalysisResult

    Examples
    --------
    >>> m = VoteMatrix.from_records([0, 0, 1, 1], ["s1", "s2", "s1", "s2"], [1, 1, -1, -1])
    >>> r = analyze(m)
    >>> r.n_votes, int(r.in_conversation.sum())
    (4, 2)
    """
    return _run(
        matrix,
        settings or AnalysisSettings(),
        previous,
        random_state,
        incremental=False,
        attributes=attributes,
        already_in=in_conversation,
    )


def update(
    matrix: VoteMatrix,
    previous: AnalysisResult,
    settings: AnalysisSettings | None = None,
    *,
    random_state: int | None = 0,
    attributes: Mapping[str, Sequence[Hashable] | np.ndarray] | None = None,
) -> AnalysisResult:
    """Live update after new votes: warm-started from ``previous``.

    Pol.is mode recomputes everything (as Pol.is does on every tick). The default keeps the
    map's axes, the number of groups and the bridging fit until the votes grow by 10% (or the
    statements change), re-projects everyone on the kept axes, moves participants to their
    nearest base cluster and refreshes every count, so an update costs a fraction of a full
    analysis; after growth it takes one power step from the previous axes and rescores k.
    """
    return _run(
        matrix,
        settings or AnalysisSettings(),
        previous.state,
        random_state,
        incremental=True,
        attributes=attributes,
    )


def _align(
    previous_ids: tuple[Hashable, ...], values: np.ndarray, ids: list[Hashable], fill: float
) -> np.ndarray:
    """Re-index per-statement columns of an earlier analysis to this matrix's columns."""
    pos = {sid: i for i, sid in enumerate(previous_ids)}
    out = np.full((*values.shape[:-1], len(ids)), fill, dtype=np.float64)
    for j, sid in enumerate(ids):
        i = pos.get(sid)
        if i is not None:
            out[..., j] = values[..., i]
    return out


#: Votes counted per chunk: keeps temporaries small (a few tens of MB) at 50M votes.
COUNT_CHUNK = 4_000_000


def _cell_keys(X: sp.csr_matrix) -> np.ndarray:
    """Per stored vote, its count cell ``3 * column + (1 - vote)``: agree 0, pass 1, disagree 2.

    Computed once per analysis and shared by every count (arithmetic, no lookup table).
    """
    keys = X.indices.astype(np.int64)  # the one allocation; the rest works in place
    keys *= 3
    keys -= X.data
    keys += 1
    return keys


def _group_counts(
    row_groups: np.ndarray | None,
    rows: np.ndarray,
    cells: np.ndarray,
    k: int,
    n_s: int,
) -> np.ndarray:
    """(k, n_statements, 3) agree / disagree / all-vote counts per group, in one pass.

    ``row_groups``: each participant's group in 0..k-1 (``None``: everyone in one group).
    ``rows``, ``cells``: per stored vote, its row and its cell (:func:`_cell_keys`).
    """
    size = k * n_s * 3
    counts = np.zeros(size, dtype=np.int64)
    for lo in range(0, len(cells), COUNT_CHUNK):
        hi = lo + COUNT_CHUNK
        if row_groups is None:
            key = cells[lo:hi]
        else:  # one temporary per chunk, worked on in place
            key = row_groups[rows[lo:hi]]
            key *= 3 * n_s
            key += cells[lo:hi]
        counts += np.bincount(key, minlength=size)
    by_value = counts.reshape(k, n_s, 3)  # agree, pass, disagree
    out = np.empty_like(by_value)
    out[..., 0] = by_value[..., 0]
    out[..., 1] = by_value[..., 2]
    out[..., 2] = by_value.sum(axis=2)
    return out


def _run(
    matrix: VoteMatrix,
    settings: AnalysisSettings,
    previous: AnalysisState | None,
    random_state: int | None,
    *,
    incremental: bool,
    attributes: Mapping[str, Sequence[Hashable] | np.ndarray] | None = None,
    already_in: Collection[Hashable] | None = None,
) -> AnalysisResult:
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    polis = settings.polis_compatible
    rng = np.random.default_rng(random_state)
    X, ids = matrix.X, matrix.statement_ids
    n_p, n_s = X.shape
    if previous is not None and previous.statement_ids and not ids:
        previous = None
    rows = np.repeat(np.arange(n_p), np.diff(X.indptr))
    cells = _cell_keys(X)
    everyone = _group_counts(None, rows, cells, 1, n_s)[0].astype(float)
    voted_cols = everyone[:, 2] > 0
    active = matrix.active & voted_cols
    center = np.zeros(n_s)
    np.divide(everyone[:, 0] - everyone[:, 1], everyone[:, 2], out=center, where=active)

    # --- opinion map -------------------------------------------------------------------------
    prev_comps = None
    if previous is not None and previous.components.size:
        prev_comps = _align(
            previous.statement_ids, previous.components, ids, fill=1.0 if polis else 0.0
        )
    if polis:  # Pol.is zero-fills moderated-out columns: they count as voted and in n_cmts.
        scale_columns, extra = int(voted_cols.sum()), int((voted_cols & ~matrix.active).sum())
    else:
        scale_columns, extra = int(active.sum()), 0
    keep_axes = (
        incremental
        and not polis
        and previous is not None
        and X.nnz < (1.0 + RESCORE_GROWTH) * max(previous.axes_votes, 1)
        and set(previous.statement_ids) == set(ids)
    )
    axes_votes = previous.axes_votes if keep_axes and previous is not None else int(X.nnz)
    omap = opinion_map(
        X,
        active,
        n_components=settings.n_components,
        polis_compatible=polis,
        iterations=settings.pca_iterations,
        previous_components=prev_comps,
        scale_columns=scale_columns,
        extra_voted=extra,
        center=center,
        rng=rng,
        refine_iterations=LIVE_PCA_STEPS if incremental and not polis else 0,
        keep_components=keep_axes,
    )
    timings["pca"] = time.perf_counter() - t0

    # --- who is clustered --------------------------------------------------------------------
    t = time.perf_counter()
    prev_in = None
    if previous is not None or already_in is not None:
        known = previous.in_conversation if previous is not None else frozenset()
        if already_in is not None:
            known = known | frozenset(already_in)
        pids = matrix.participant_ids
        prev_in = np.fromiter(map(known.__contains__, pids), dtype=bool, count=len(pids))
    in_conv = in_conversation(
        np.diff(X.indptr),
        int(voted_cols.sum()),
        previous=prev_in,
        min_votes=settings.min_votes,
        greedy_n=settings.greedy_n,
    )
    timings["in_conv"] = time.perf_counter() - t

    # --- base clusters -----------------------------------------------------------------------
    t = time.perf_counter()
    members = np.flatnonzero(in_conv)
    points = omap.coordinates[members, :2]
    if points.shape[1] < 2:
        points = np.column_stack([points, np.zeros(len(points))])
    live = incremental and not polis and previous is not None and len(previous.base_centers) > 0
    if polis:
        base_lab, base_centers, base_ids = cl.polis_base_clusters(
            points,
            k=settings.base_k,
            max_iter=settings.base_iterations,
            previous_members=_previous_base_members(previous, matrix, members),
        )
    elif live and previous is not None:
        base_lab, base_centers, base_ids = cl.assign_to_base(
            points, previous.base_centers, previous.base_ids
        )
    else:
        base_lab, base_centers, base_ids = cl.base_clusters(
            points,
            k=settings.base_k,
            max_iter=settings.base_iterations,
            previous_centers=previous.base_centers if previous is not None else None,
            previous_ids=previous.base_ids if previous is not None else None,
            random_state=random_state,
        )
    base_sizes = np.bincount(base_lab, minlength=len(base_centers)).astype(np.float64)
    timings["base_clusters"] = time.perf_counter() - t

    # --- groups ------------------------------------------------------------------------------
    t = time.perf_counter()
    n_base = len(base_centers)
    candidates = cl.candidate_ks(n_base, settings.max_groups, settings.base_per_extra_k)
    if settings.force_k is not None:
        candidates = [min(settings.force_k, n_base)] if n_base else []
    prev_by_k = previous.group_centers_by_k if previous is not None else {}
    fits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    scores: dict[int, float] = {}
    k_scored_at = previous.k_scored_at_votes if previous is not None else 0
    keep_k = (
        incremental
        and not polis
        and previous is not None
        and settings.force_k is None
        and previous.smoothed_k in candidates
        and X.nnz < (1.0 + RESCORE_GROWTH) * max(previous.k_scored_at_votes, 1)
    )
    to_fit = [previous.smoothed_k] if keep_k and previous is not None else candidates
    polis_groups: dict[int, np.ndarray] = {}  # Pol.is mode: group id per base cluster, per k

    def fit_groups(k: int, max_iter: int) -> tuple[np.ndarray, np.ndarray]:
        """(labels per base cluster, centres) for k; ``max_iter`` is the default mode's.

        Pol.is mode warm-starts k's groups from the previous update's memberships and always
        runs Pol.is's 20 (+1) steps (``settings.group_iterations``).
        """
        if not polis:
            return cl.group_clusters(
                base_centers,
                base_sizes,
                k,
                max_iter=max_iter,
                init=prev_by_k.get(k),
                random_state=random_state,
            )
        prev_members = None
        if previous is not None and k in previous.group_members_by_k:
            old_base, old_group = previous.group_members_by_k[k]
            lookup = dict(zip(old_base.tolist(), old_group.tolist(), strict=True))
            prev_members = np.array([lookup.get(b, -1) for b in base_ids.tolist()], np.int64)
        labels_k, centers_k, ids_k = cl.polis_group_clusters(
            base_centers, base_sizes, k, max_iter=settings.group_iterations,
            previous_members=prev_members,
        )
        polis_groups[k] = ids_k[labels_k]
        return labels_k, centers_k

    for k in to_fit:
        if k < 2:
            fits[k] = (np.zeros(n_base, dtype=np.int64), base_centers.mean(axis=0, keepdims=True))
            continue
        fits[k] = fit_groups(k, 300)
    this_k = to_fit[0] if fits else 0
    if len(to_fit) > 1 and not keep_k:
        if polis:  # silhouette on base centres; ties go to the larger k (Pol.is)
            scores = {k: cl.silhouette(base_centers, fits[k][0]) for k in to_fit}
            this_k = max(k for k, v in scores.items() if v == max(scores.values()))
        else:
            scores, this_k = _cv_scores(
                X, rows, members, omap, scale_columns, extra, fits, active, settings, rng
            )
        k_scored_at = X.nnz
    first = previous is None or previous.smoothed_k == 0
    if settings.force_k is not None or keep_k or this_k < 2:
        smoothed, last_k, last_count = this_k, this_k, 1
    else:
        smoothed, last_k, last_count = cl.smooth_k(
            this_k,
            previous.last_k if previous else 0,
            previous.last_k_count if previous else 0,
            previous.smoothed_k if previous else 0,
            settings.k_buffer_effective,
            candidates,
            first,
        )
        if smoothed not in fits:
            fits[smoothed] = fit_groups(smoothed, settings.group_iterations)
    k = smoothed
    group_of_base, centers = fits[k] if k else (np.zeros(n_base, np.int64), np.zeros((0, 2)))
    sizes = np.bincount(group_of_base, weights=base_sizes, minlength=len(centers))
    group_ids = (
        cl.match_group_ids(
            centers,
            sizes,
            previous.group_centers if previous is not None else None,
            previous.group_ids if previous is not None else None,
        )
        if k
        else np.zeros(0, np.int64)
    )
    order = np.argsort(group_ids)  # rows of every per-group output follow ascending id
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    row_group = np.full(n_p, -1, dtype=np.int64)
    row_group[members] = rank[group_of_base[base_lab]] if k else -1
    labels = (
        np.where(row_group >= 0, group_ids[order][np.maximum(row_group, 0)], -1) if k else row_group
    )
    base_labels = np.full(n_p, -1, dtype=np.int64)
    base_labels[members] = base_lab
    base_labels_ids = np.full(n_p, -1, dtype=np.int64)
    base_labels_ids[members] = base_ids[base_lab]
    timings["groups"] = time.perf_counter() - t

    # --- repness, consensus, priorities ------------------------------------------------------
    t = time.perf_counter()
    # One pass over the votes: groups 0..k-1, and row k for everyone not in conversation.
    outside = np.where(row_group >= 0, row_group, max(k, 0))
    gv = _group_counts(outside, rows, cells, max(k, 0) + 1, n_s)[:-1]
    A, D, S = (gv[..., i].astype(np.float64) for i in range(3))
    reps = representative_statements(
        A, D, S, ids, active, z=settings.z_threshold, per_group=settings.repness_per_group
    )
    repness = {int(group_ids[order][g]): reps[g] for g in range(len(reps))}
    timings["repness"] = time.perf_counter() - t
    t = time.perf_counter()
    agree, disagree = consensus(
        everyone[:, 0],
        everyone[:, 1],
        everyone[:, 2],
        ids,
        active,
        z=settings.z_threshold,
        count=settings.consensus_count,
    )
    gic = group_informed_consensus(A, S)
    timings["consensus"] = time.perf_counter() - t
    t = time.perf_counter()
    current_votes = gv.sum(axis=0).T.astype(np.float64) if k else np.zeros((3, n_s))
    routing_votes = current_votes
    if polis:  # Pol.is reads the previous tick's group votes (quirk Q2); zeros on the first tick
        routing_votes = np.zeros((3, n_s))
        if previous is not None and previous.statement_votes is not None:
            routing_votes = _align(previous.statement_ids, previous.statement_votes, ids, 0.0)
    prio = priorities(
        routing_votes[0],
        routing_votes[1],
        routing_votes[2],
        omap.extremity,
        matrix.meta,
        meta_priority=settings.meta_priority,
        novelty_boost=settings.novelty_boost,
        novelty_half_life=settings.novelty_half_life,
    )
    timings["priorities"] = time.perf_counter() - t
    t = time.perf_counter()
    bridge, bridging_votes = None, 0
    last_fit = previous.bridging if previous is not None else None
    if not settings.bridging:
        pass
    elif (
        incremental
        and previous is not None
        and last_fit is not None
        and list(last_fit.statement_ids) == list(ids)
        and np.array_equal(last_fit.active, matrix.active)
        and X.nnz < (1.0 + settings.bridging_refit_growth) * max(previous.bridging_votes, 1)
    ):
        bridge, bridging_votes = last_fit, previous.bridging_votes
    else:
        bridge = bridging(
            matrix,
            group_labels=labels,
            attributes=attributes,
            random_state=random_state,
            previous=last_fit,
        )
        bridging_votes = int(X.nnz)
    timings["bridging"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    state = AnalysisState(
        statement_ids=tuple(ids),
        participant_ids=tuple(matrix.participant_ids),
        components=omap.components,
        in_conversation=frozenset(map(matrix.participant_ids.__getitem__, members.tolist())),
        base_ids=base_ids,
        base_centers=base_centers,
        group_centers_by_k={kk: fit[1] for kk, fit in fits.items() if kk >= 2},
        group_ids=group_ids,
        group_centers=centers,
        smoothed_k=k,
        last_k=last_k,
        last_k_count=last_count,
        statement_votes=current_votes,
        k_scored_at_votes=k_scored_at,
        bridging=bridge,
        bridging_votes=bridging_votes,
        axes_votes=axes_votes,
        base_members=base_labels_ids if polis else None,
        group_members_by_k={kk: (base_ids, g) for kk, g in polis_groups.items()},
    )
    clustering = ClusteringResult(
        labels=labels,
        base_labels=base_labels,
        base_centers=base_centers,
        base_sizes=base_sizes,
        base_ids=base_ids,
        group_centers=centers[order] if k else centers,
        group_ids=group_ids[order] if k else group_ids,
        k=k,
        k_raw=this_k,
        k_scores=scores,
    )
    return AnalysisResult(
        participant_ids=list(matrix.participant_ids),
        statement_ids=list(ids),
        n_participants=n_p,
        n_statements=n_s,
        n_votes=int(X.nnz),
        polis_compatible=polis,
        in_conversation=in_conv,
        opinion_map=omap,
        clustering=clustering,
        repness=repness,
        consensus_agree=agree,
        consensus_disagree=disagree,
        group_informed_consensus=gic,
        group_votes=gv,
        priorities=prio,
        timings=timings,
        state=state,
        bridging=bridge,
    )


def _previous_base_members(
    previous: AnalysisState | None, matrix: VoteMatrix, members: np.ndarray
) -> np.ndarray | None:
    """Pol.is mode: each member's base-cluster id in the previous update (-1: none)."""
    if previous is None or previous.base_members is None:
        return None
    pos = {pid: i for i, pid in enumerate(previous.participant_ids)}
    out = np.full(len(members), -1, dtype=np.int64)
    for j, row in enumerate(members.tolist()):
        i = pos.get(matrix.participant_ids[row])
        if i is not None:
            out[j] = previous.base_members[i]
    return out


def _cv_scores(
    X: sp.csr_matrix,
    rows: np.ndarray,
    members: np.ndarray,
    omap: OpinionMap,
    scale_columns: int,
    extra_voted: int,
    fits: dict[int, tuple[np.ndarray, np.ndarray]],
    active: np.ndarray,
    settings: AnalysisSettings,
    rng: np.random.Generator,
) -> tuple[dict[int, float], int]:
    """Default k choice: minus the cross-validated log-loss of each candidate grouping.

    Votes are split into folds. For each fold, every participant is placed on the map using only
    their *other* votes and joins the nearest group centre of the candidate grouping; the held-out
    votes are then predicted by that group's agree rate on the training votes. Placing people
    without their held-out votes keeps the score honest: more groups win only if they predict
    votes nobody used to form them.
    """
    n_p, n_s = X.shape
    in_conv = np.zeros(n_p, dtype=bool)
    in_conv[members] = True
    entries = np.flatnonzero(in_conv[rows] & active[X.indices])
    if len(entries) > cl.CV_MAX_VOTES:  # keep whole participants, so positions stay honest
        chosen = rng.choice(
            members, max(1, int(len(members) * cl.CV_MAX_VOTES / len(entries))), replace=False
        )
        keep = np.zeros(n_p, dtype=bool)
        keep[chosen] = True
        entries = entries[keep[rows[entries]]]
    r, c = rows[entries], X.indices[entries].astype(np.int64)
    xc = X.data[entries].astype(np.float64) - omap.center[c]
    agree = (X.data[entries] > 0).astype(np.float64)
    folds = rng.integers(settings.k_cv_folds, size=len(entries))
    comps = omap.components[:2]
    losses = {k: np.zeros(len(entries)) for k in fits}
    for f in range(settings.k_cv_folds):
        train, test = folds != f, folds == f
        n_voted = np.bincount(r[train], minlength=n_p) + extra_voted
        scale = np.sqrt(scale_columns / np.maximum(n_voted, 1))
        pos = np.column_stack(
            [
                np.bincount(r[train], weights=xc[train] * comps[i, c[train]], minlength=n_p) * scale
                for i in range(comps.shape[0])
            ]
        )
        for k, (_, centers) in fits.items():
            group = pairwise_distances_argmin(pos, centers[:, : pos.shape[1]])
            key = group[r] * n_s + c
            a = np.bincount(key[train], weights=agree[train], minlength=k * n_s)
            s = np.bincount(key[train], minlength=k * n_s)
            p = (a[key[test]] + 1.0) / (s[key[test]] + 2.0)
            y = agree[test]
            losses[k][test] = -(y * np.log(p) + (1.0 - y) * np.log1p(-p))
    scores = {k: -float(loss.mean()) if len(loss) else 0.0 for k, loss in losses.items()}
    return scores, _one_standard_error_k(losses)


def _one_standard_error_k(losses: dict[int, np.ndarray]) -> int:
    """The smallest k whose held-out loss is within one standard error of the best k's.

    The standard error is that of the per-vote difference to the best k (paired, so it is
    small when both groupings predict the same votes equally). More groups must earn their
    place by predicting clearly better, not by noise.
    """
    best = min(losses, key=lambda k: (float(losses[k].mean()) if len(losses[k]) else 0.0, k))
    for k in sorted(losses):
        diff = losses[k] - losses[best]
        if len(diff) < 2:
            return k
        if diff.mean() <= diff.std(ddof=1) / np.sqrt(len(diff)):
            return k
    return best
