"""Common ground: statements that every opinion group and every declared role supports.

Why a rule beside the bridging score: one factor axis cannot see a third group's opposition, so
the matrix-factorisation intercept (:mod:`engine.bridging`) can rank first a statement that two
large groups love and a whole 10% group rejects (issue 16). The rule below gives every group a
veto, however small:

* **Support with evidence.** Per group, the agree rate among those who took a side
  (agree / (agree + disagree); a pass is neither) gets a Wilson score interval. A statement is
  *common ground* only if, in every opinion group and in every declared role (attribute category
  with at least ``min_cell_size`` participants), at least ``min_group_votes`` took a side and the
  interval's lower bound lies above ``threshold`` (0.5: a majority agrees, beyond chance).
* **A veto, with evidence.** A group whose upper bound lies below ``threshold`` rejects it
  (a majority of that group does not agree, beyond chance): status ``rejected_by_a_group`` /
  ``rejected_by_a_role``.
* **Imperfect groups.** Groups can merge a 10% minority into a larger group, and the 2-D map
  blurs it. So the same veto is also asked of *finer* partitions that do not depend on the
  groups: k-means cells of a many-dimensional opinion space (:mod:`engine.opinion_space`; as
  many components as beat shuffled votes), at 2, 3, 4, 5, 6 and 8 cells (``fine_levels``). A
  cell holding at least ``veto_min_share`` of the clustered participants whose upper bound lies
  below the threshold vetoes too (``rejected_within_a_group``). Several levels, because no
  single one fits every room: a minority is one cell at some level, and a coarser cell has more
  votes. Fine cells only veto; they are too small to be asked for proof of support (that would
  make nearly everything "not enough votes"). A cell can also gather the *strict* voters, who
  disagree with most statements: a cell vetoes only a statement it agrees with less than with
  its typical one (:func:`_harsh_cells_discounted`).
* **Mixed cells.** At 15% density a 10% minority is no cell's majority, so every cell's rate
  mixes its rejection with the others' support. The latent classes of :mod:`engine.class_veto`
  undo the mixing: each class's own agree rate, estimated from every voter's (leave-statement-
  out) probability of belonging to it. A class of at least ``veto_min_share`` whose rate lies
  below the threshold by a likelihood-ratio test (Bonferroni over the level's classes) vetoes
  too (``rejected_within_a_group``). Short of that evidence, a class whose own rate lies below
  the threshold at all (it *leans* against the statement), or that has fewer than
  ``min_group_votes`` expected votes on it, holds the statement back as ``not_enough_votes``
  ("not enough votes yet", as for a group), and a leaning class puts it after the others of its
  status (:func:`class_doubts`). A class too small to gather ``min_group_votes`` on half the
  statements does neither. Classes are never asked for proof of support.
* **Order.** Within a status, statements are ranked by the weakest lower bound of the agree
  share among the votes seen, over the groups *and* those fine cells (a bound on few votes is
  low by itself; 0 where a group or cell saw no vote): a statement one coherent set of
  participants is lukewarm on, or has hardly voted on, comes after one every set carries.
* Anything else is ``not_enough_votes``: more votes may still settle it either way.

Everything but the latent classes is computed from per-category agree / disagree counts:
O(categories x statements) after the one counting pass; the classes' rates come with them
(:func:`engine.class_veto.class_rates`, fitted in :mod:`engine.steps` beside the cells).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.special import betainc

from .class_veto import ClassRates, class_veto_z
from .intervals import wilson_interval
from .settings import CommonGroundSettings

__all__ = [
    "COMMON_GROUND",
    "NOT_ENOUGH_VOTES",
    "REJECTED_BY_A_GROUP",
    "REJECTED_BY_A_ROLE",
    "REJECTED_WITHIN_A_GROUP",
    "STATUSES",
    "CommonGround",
    "Verdict",
    "class_doubts",
    "class_vetoes",
    "closeness",
    "common_ground",
    "judge",
]

COMMON_GROUND = "common_ground"
NOT_ENOUGH_VOTES = "not_enough_votes"
REJECTED_BY_A_GROUP = "rejected_by_a_group"
REJECTED_BY_A_ROLE = "rejected_by_a_role"
REJECTED_WITHIN_A_GROUP = "rejected_within_a_group"
#: Every status, in rank order (common ground first, then the undecided, then the vetoed).
STATUSES = (
    COMMON_GROUND,
    NOT_ENOUGH_VOTES,
    REJECTED_WITHIN_A_GROUP,
    REJECTED_BY_A_ROLE,
    REJECTED_BY_A_GROUP,
)


@dataclass(frozen=True)
class Verdict:
    """The rule over one partition (groups, or one role attribute), per statement."""

    #: Category labels, in the row order of the arrays below.
    categories: tuple[Hashable, ...]
    #: (n_categories, n_statements) agree share among those who took a side (NaN: nobody did).
    rate: np.ndarray
    #: (n_categories, n_statements) Wilson bounds of that share.
    low: np.ndarray
    high: np.ndarray
    #: (n_statements,) every category supports it with evidence.
    supported: np.ndarray
    #: (n_statements,) some category with enough votes rejects it with evidence.
    rejected: np.ndarray
    #: (n_statements,) row of the weakest category (lowest lower bound), -1 with no categories.
    weakest: np.ndarray

    def weakest_label(self, s: int) -> Hashable | None:
        w = int(self.weakest[s])
        return None if w < 0 else self.categories[w]


def judge(
    agree: np.ndarray,
    disagree: np.ndarray,
    categories: Sequence[Hashable],
    settings: CommonGroundSettings,
    *,
    counted: np.ndarray | None = None,
) -> Verdict:
    """Support and veto over one partition from (n_categories, n_statements) counts.

    ``counted``: (n_categories,) categories that take part (default all); the others neither
    support nor veto (a fine cell below ``veto_min_share``).

    Examples
    --------
    >>> s = CommonGroundSettings()
    >>> v = judge(np.array([[40, 40], [30, 2]]), np.array([[5, 5], [5, 30]]), ["A", "B"], s)
    >>> v.supported.tolist(), v.rejected.tolist(), v.weakest.tolist()
    ([True, False], [False, True], [1, 1])
    """
    agree = np.asarray(agree, dtype=np.float64)
    decided = agree + np.asarray(disagree, dtype=np.float64)
    k, n_s = agree.shape
    low, high = wilson_interval(agree, decided, settings.z)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(decided > 0, agree / np.maximum(decided, 1.0), np.nan)
    take_part = np.ones(k, dtype=bool) if counted is None else np.asarray(counted, dtype=bool)
    enough = (decided >= settings.min_group_votes) & take_part[:, None]
    thr = settings.threshold
    if k and take_part.any():
        supported = ((low > thr) & enough | ~take_part[:, None]).all(axis=0)
        rejected = ((high < thr) & enough).any(axis=0)
        key = np.where(take_part[:, None], np.where(enough, low, -1.0), np.inf)
        weakest = np.argmin(key, axis=0)
    else:
        supported = np.zeros(n_s, dtype=bool)
        rejected = np.zeros(n_s, dtype=bool)
        weakest = np.full(n_s, -1, dtype=np.int64)
    return Verdict(tuple(categories), rate, low, high, supported, rejected, weakest)


@dataclass(frozen=True)
class CommonGround:
    """The common-ground rule over groups, roles and the fine partition (see the module doc)."""

    settings: CommonGroundSettings
    #: (n_statements,) one of :data:`STATUSES` across opinion groups *and* roles.
    status: np.ndarray
    #: The rule over the opinion groups (None: no groups; everyone counts as one group).
    groups: Verdict
    #: attribute name -> the rule over that attribute's shown categories (roles).
    roles: dict[str, Verdict]
    #: (n_statements,) the rule over the roles alone ("common ground across roles"): one of
    #: ``common_ground`` / ``not_enough_votes`` / ``rejected_by_a_role``; None without roles.
    role_status: np.ndarray | None
    #: The veto of each fine partition (empty: none given).
    fine: list[Verdict]
    #: (n_statements,) how close a statement is to common ground: the log of the probability
    #: that every opinion group, shown role and latent class that may hold a statement back
    #: agrees with it by a majority, each from its own agree / disagree votes (a uniform prior
    #: on its agree rate, the groups taken as independent; :func:`closeness`). The order of
    #: every statement outside common ground (:meth:`rank_key`).
    closeness: np.ndarray
    #: (n_statements,) the lowest, over the opinion groups and the fine cells that may veto,
    #: lower bound of the agree share among the votes *seen* (passes count, as in
    #: ``group_agree``); 0 where one of them saw no vote. The order within a status: a
    #: statement many pass on, or one coherent set is lukewarm on, is weaker common ground.
    seen_low: np.ndarray | None = None
    #: (n_statements,) vetoed by a latent class (:mod:`engine.class_veto`); None: no classes.
    class_rejected: np.ndarray | None = None
    #: (n_statements,) a latent class of at least ``veto_min_share`` leans against it (its own
    #: agree rate below ``threshold``), with or without the evidence to veto it: not common
    #: ground (its leaning also lowers the statement's :attr:`closeness`). None: no classes.
    class_leans: np.ndarray | None = None
    #: (n_statements,) such a class has fewer than ``min_group_votes`` expected votes on it:
    #: "not enough votes yet", not common ground. None: no classes.
    class_short: np.ndarray | None = None
    #: (n_statements,) the status without anything from the latent classes (the benchmarks
    #: compare the two in one run); None: no classes (then it is :attr:`status`).
    status_no_classes: np.ndarray | None = None

    def status_without_classes(self) -> np.ndarray:
        """(n_statements,) the status the rule gives without the latent classes (neither their
        veto nor their doubts; the benchmarks compare the two in one run)."""
        return self.status if self.status_no_classes is None else self.status_no_classes

    @property
    def is_common_ground(self) -> np.ndarray:
        return self.status == COMMON_GROUND

    def rank_key(self) -> np.ndarray:
        """(n_statements,) the order within a status: in common ground :attr:`seen_low` if
        known, else the weakest opinion group's lower bound (-1 where a group has too few
        votes); outside it :attr:`closeness`.

        Why passes count here but not in the status: a group that mostly passes does not reject
        a statement, but it does not carry it either; on the Pol.is exports, ranking by the
        decided share alone put such statements in the top 10 (benchmarks/RESULTS.md,
        "Common ground").

        Outside common ground the order is :attr:`closeness`: a short list is filled
        with the statements most likely to be common ground once everyone has voted, so one a
        group or class has hardly voted on (a probability of about 1/2 per such group or class)
        comes after one every group carries and a class only leans against on its votes, and
        before one a class clearly leans against (benchmarks/RESULTS.md, "Session 10,
        cg16g")."""
        inside = self.status == COMMON_GROUND
        key = self.seen_low if self.seen_low is not None else self._groups_low()
        return np.where(inside, key, self.closeness)

    def _groups_low(self) -> np.ndarray:
        """The weakest opinion group's lower bound (-1 where a group has too few votes)."""
        if not len(self.groups.categories):
            return np.full(self.status.shape, -1.0)
        rows = np.maximum(self.groups.weakest, 0)
        cols = np.arange(self.status.shape[0])
        low = self.groups.low[rows, cols]
        rate_known = ~np.isnan(self.groups.rate[rows, cols])
        return np.where(rate_known, low, -1.0)

    def status_rank(self) -> np.ndarray:
        """(n_statements,) position of each status in :data:`STATUSES` (0 = common ground)."""
        position = {name: i for i, name in enumerate(STATUSES)}
        return np.array([position[s] for s in self.status], dtype=np.int64)


def _status(
    supported: np.ndarray, rejections: Sequence[tuple[np.ndarray, str]]
) -> np.ndarray:
    out = np.where(supported, COMMON_GROUND, NOT_ENOUGH_VOTES).astype(object)
    for rejected, name in reversed(rejections):  # the first listed reason wins
        out[rejected] = name
    return out


def common_ground(
    group_counts: np.ndarray,
    group_ids: Sequence[Hashable],
    *,
    roles: Mapping[str, tuple[Sequence[Hashable], np.ndarray, np.ndarray]] | None = None,
    fine: Sequence[tuple[np.ndarray, np.ndarray]] = (),
    classes: Sequence[ClassRates] = (),
    settings: CommonGroundSettings = CommonGroundSettings(),  # frozen, so safe as a default
) -> CommonGround:
    """Apply the rule from counts.

    Parameters
    ----------
    group_counts : (k, n_statements, 2 or 3) agree, disagree (and pass) counts per opinion
        group; with passes, the order within a status counts them (:attr:`CommonGround.seen_low`).
    group_ids : the k group labels.
    roles : attribute name -> (categories, (n_cat, n_s, >= 2) counts, (n_cat, n_s) visible);
        hidden cells (small cells) count as "too few votes"; an attribute with no category
        to show (nobody declared it, or only groups under ``min_cell_size``) is left out.
    fine : per fine partition (cells of :func:`engine.opinion_space.opinion_cells`), its
        (n_cells, n_statements, >= 2) counts and (n_cells,) participants: the cells of at least
        ``veto_min_share`` can veto and, with passes counted, enter the order.
    classes : latent classes with their own agree rates (:func:`engine.class_veto.class_rates`):
        a class of at least ``veto_min_share`` vetoes (:func:`class_vetoes`); not in the order.

    Examples
    --------
    Three groups; statement 0 all support, statement 1 the third group rejects, statement 2 has
    too few votes in the third group:

    >>> c = np.array([[[40, 5], [45, 2], [40, 5]],
    ...               [[30, 6], [40, 3], [30, 6]],
    ...               [[20, 4], [2, 30], [2, 1]]])
    >>> common_ground(c, ["A", "B", "C"]).status.tolist()
    ['common_ground', 'rejected_by_a_group', 'not_enough_votes']
    """
    counts = np.asarray(group_counts)
    groups = judge(counts[..., 0], counts[..., 1], list(group_ids), settings)
    n_s = counts.shape[1]
    supported = groups.supported.copy()
    rejections = [(groups.rejected, REJECTED_BY_A_GROUP)]

    near = closeness(counts[..., 0], counts[..., 1], settings.threshold)
    role_verdicts: dict[str, Verdict] = {}
    role_supported = np.ones(n_s, dtype=bool)
    role_rejected = np.zeros(n_s, dtype=bool)
    for name, (categories, rcounts, visible) in (roles or {}).items():
        if not len(categories):
            # Nobody declared this attribute, or only cells too small to show: no role to ask
            # (a role needs ``min_cell_size`` participants), so it neither supports nor vetoes.
            continue
        rc = np.where(np.asarray(visible)[..., None], np.asarray(rcounts)[..., :2], 0)
        verdict = judge(rc[..., 0], rc[..., 1], list(categories), settings)
        near = near + closeness(rc[..., 0], rc[..., 1], settings.threshold)
        role_verdicts[name] = verdict
        role_supported &= verdict.supported
        role_rejected |= verdict.rejected
    role_status = None
    if role_verdicts:
        supported &= role_supported
        rejections.append((role_rejected, REJECTED_BY_A_ROLE))
        role_status = _status(role_supported, [(role_rejected, REJECTED_BY_A_ROLE)])

    fine_verdicts = []
    fine_rejected = np.zeros(n_s, dtype=bool)
    ranked_cells = [counts] if len(groups.categories) else []
    for fine_counts, fine_sizes in fine:
        sizes = np.asarray(fine_sizes, dtype=np.float64)
        if not len(sizes):
            continue
        big = sizes >= settings.veto_min_share * sizes.sum()
        fc = np.asarray(fine_counts)
        verdict = judge(fc[..., 0], fc[..., 1], list(range(len(sizes))), settings, counted=big)
        verdict = replace(verdict, rejected=_harsh_cells_discounted(verdict, fc, big, settings))
        fine_verdicts.append(verdict)
        fine_rejected |= verdict.rejected
        ranked_cells.append(fc[big])
    status_no_classes = None
    if classes:
        status_no_classes = _status(supported, [
            *rejections, *([(fine_rejected.copy(), REJECTED_WITHIN_A_GROUP)] if fine_verdicts
                           else [])])
    class_rejected = class_leans = class_short = None
    for rates in classes:
        vetoed = class_vetoes(rates, settings)
        leans, short = class_doubts(rates, settings)
        class_rejected = vetoed if class_rejected is None else class_rejected | vetoed
        class_leans = leans if class_leans is None else class_leans | leans
        class_short = short if class_short is None else class_short | short
        fine_rejected |= vetoed
        near = near + _class_closeness(rates, settings)
    if class_leans is not None and class_short is not None:
        supported &= ~(class_leans | class_short)
    if fine_verdicts or len(classes):
        rejections.append((fine_rejected, REJECTED_WITHIN_A_GROUP))
    seen_low = None
    if counts.shape[-1] >= 3 and len(groups.categories):
        seen_low = np.min([_weakest_seen_low(c, settings) for c in ranked_cells], axis=0)
    return CommonGround(
        settings=settings,
        status=_status(supported, rejections),
        groups=groups,
        roles=role_verdicts,
        role_status=role_status,
        fine=fine_verdicts,
        seen_low=seen_low,
        class_rejected=class_rejected,
        class_leans=class_leans,
        class_short=class_short,
        status_no_classes=status_no_classes,
        closeness=near,
    )


#: A fine cell's typical agree rate is read from its statements with ``min_group_votes`` agree-or-
#: disagree votes only when it has at least this many of them (below: no discount).
TYPICAL_MIN_STATEMENTS = 10


def _harsh_cells_discounted(verdict: Verdict, counts: np.ndarray, counted: np.ndarray,
                            settings: CommonGroundSettings) -> np.ndarray:
    """(n_statements,) the fine cells' veto, a cell vetoing only a statement whose agree rate
    also lies below the cell's *typical* rate (the median over the statements it cast
    ``min_group_votes`` agree-or-disagree votes on, read from at least
    :data:`TYPICAL_MIN_STATEMENTS` of them).

    Why: a k-means cell of the opinion space can gather the *strict* voters (participants who
    disagree with most statements) rather than an opinion minority. Such a cell lies below the
    threshold on most statements, so it vetoed statements every group and class carries: on the
    planted 70/20/10 rooms with leniency sd 1.0 (20 seeds), 143 of the 400 planted bridging
    statements were vetoed by a fine cell whose median agree rate was 0.15-0.38, which left
    lists of 2-8 common-ground statements and their fillers group-rejected top-10 places
    (benchmarks/RESULTS.md, "Session 10, cg16h"). A minority rejecting a statement rejects it
    more than it rejects its typical one; a cell agreeing with half or more of its statements
    is unchanged (a rate below the threshold is below its median). The opinion groups and the
    latent classes keep their veto as it was.

    Examples
    --------
    A cell that agrees 10-26% with everything does not veto statement 0 (5 of 22, above its
    median 4 of 21); the other cell, typically agreeing, vetoes statement 1:

    >>> s = CommonGroundSettings()
    >>> agree = np.array([[5] + [2] * 5 + [4] * 5 + [6], [40, 2] + [40] * 10])
    >>> dis = np.array([[17] * 12, [5, 30] + [5] * 10])
    >>> v = judge(agree, dis, [0, 1], s)
    >>> v.rejected[:2].tolist()
    [True, True]
    >>> c = np.stack([agree, dis], axis=-1)
    >>> _harsh_cells_discounted(v, c, np.array([True, True]), s)[:2].tolist()
    [False, True]
    """
    decided = counts[..., 0] + counts[..., 1]
    enough = (decided >= settings.min_group_votes) & np.asarray(counted, dtype=bool)[:, None]
    rate = np.where(enough, verdict.rate, np.nan)
    typical = np.full(rate.shape[0], np.inf)  # too few statements: no discount
    read = enough.sum(axis=1) >= TYPICAL_MIN_STATEMENTS
    if read.any():
        typical[read] = np.nanmedian(rate[read], axis=1)
    with np.errstate(invalid="ignore"):
        vetoes = enough & (verdict.high < settings.threshold) & (rate < typical[:, None])
    return np.asarray(vetoes.any(axis=0), dtype=bool)


def closeness(agree: np.ndarray, disagree: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """(n_statements,) the sum over the rows of (k, n_statements) agree / disagree counts of
    log P(rate > ``threshold``), the rate's posterior from a uniform prior being Beta(agree + 1,
    disagree + 1): the log of the probability that every row agrees by a majority, were the
    rows independent. A row without votes adds log 1/2; counts may be fractional (a latent
    class's expected votes). No rows: 0.

    Examples
    --------
    >>> np.exp(closeness(np.array([[3, 0], [30, 0]]), np.array([[0, 0], [10, 0]]))).round(3)
    array([0.937, 0.25 ])
    """
    a = np.asarray(agree, dtype=np.float64)
    d = np.asarray(disagree, dtype=np.float64)
    if not a.size:
        return np.zeros(a.shape[-1] if a.ndim else 0)
    p = betainc(d + 1.0, a + 1.0, 1.0 - threshold)  # P(rate > threshold), as 1 - I_t(a+1, d+1)
    return np.asarray(np.log(np.maximum(p, 1e-300)).sum(axis=0))


def _doubting_classes(rates: ClassRates, settings: CommonGroundSettings) -> np.ndarray:
    """(n_classes,) the latent classes that may hold a statement back: at least
    ``veto_min_share`` of the participants, with a median of at least ``min_group_votes``
    expected votes per statement. A class that cannot gather that on half the statements (a
    handful of people in a small room) holds nothing back: its rates are noise, and it would
    empty the list (:func:`class_doubts`)."""
    typical = np.median(rates.votes, axis=1) >= settings.min_group_votes
    return np.asarray((rates.weights >= settings.veto_min_share) & typical, dtype=bool)


def _class_closeness(rates: ClassRates, settings: CommonGroundSettings) -> np.ndarray:
    """:func:`closeness` over the latent classes that may hold a statement back
    (:func:`class_doubts`: at least ``veto_min_share`` of the participants and typically
    ``min_group_votes`` expected votes), from each class's own rate and expected votes; a rate
    not estimated (most voters disagree) counts as 1/2."""
    big = _doubting_classes(rates, settings)
    rate = np.nan_to_num(np.asarray(rates.rate, dtype=np.float64)[big], nan=0.5)
    votes = np.asarray(rates.votes, dtype=np.float64)[big]
    return closeness(rate * votes, (1.0 - rate) * votes, settings.threshold)


def class_vetoes(rates: ClassRates, settings: CommonGroundSettings) -> np.ndarray:
    """(n_statements,) some latent class of at least ``veto_min_share`` of the participants,
    with at least ``min_group_votes`` expected agree-or-disagree votes on the statement, has an
    agree rate below ``threshold`` with evidence (the likelihood-ratio z of
    :mod:`engine.class_veto` above ``z`` made Bonferroni over the classes).

    Examples
    --------
    >>> r = ClassRates(np.array([0.9, 0.1]), np.array([[0.9, 0.9], [0.1, 0.4]]),
    ...                np.array([[0.0, 0.0], [3.0, 1.0]]), np.array([[90, 90], [10, 10]]))
    >>> class_vetoes(r, CommonGroundSettings()).tolist()
    [True, False]
    """
    z = class_veto_z(settings.z, len(rates.weights))
    big = rates.weights >= settings.veto_min_share
    enough = rates.votes >= settings.min_group_votes
    below = rates.rate < settings.threshold
    vetoed = (rates.evidence > z) & below & enough & big[:, None]
    return np.asarray(vetoed.any(axis=0), dtype=bool)


def class_doubts(rates: ClassRates, settings: CommonGroundSettings) -> tuple[np.ndarray,
                                                                               np.ndarray]:
    """Two (n_statements,) reasons short of a veto why a statement is not yet common ground:
    some latent class of at least ``veto_min_share`` of the participants *leans* against it
    (its own agree rate below ``threshold``, on however few votes), or has *too few* votes on
    it (fewer than ``min_group_votes`` expected agree-or-disagree votes): then "not enough
    votes yet", as for a group. A leaning class also lowers the statement within its status
    (its :attr:`CommonGround.closeness`), also on few votes: on planted 75/20/5 rooms
    (10 seeds) two group-rejected top-10 places were such fillers, a 5% class at rate 0 on 1-4
    expected votes (leaning counted only from 5 votes: 3 places; on any: 1). A class whose
    median expected votes per statement lie below ``min_group_votes`` (a handful of people in
    a small room) does neither: with every class counted, the Pol.is exports' common ground
    fell from 302 to 90 (bowling-green), 162 to 41 (austria-climate) and 18 to 0
    (london.youth.policing, 26 participants); with this condition 263, 146 and 17.

    Why: a veto needs evidence, and a 10% minority at 15% density casts 10-25 votes on a
    statement it rejects; with its class's members about 80% minority, the likelihood ratio
    reaches z 1-2, below the 2.24 a veto asks. Every group's and fine cell's bound still
    carries such a statement (the minority is mixed into each), so it was listed as common
    ground: 6 top-10 places on the planted 50/25/15/10 rooms (20 seeds), all of them
    statements whose minority class's own rate lay below 1/2 (0.23-0.41) or that class had
    under 5 votes; 3.5% of the common-ground statements every group supports lean the same
    way by chance (benchmarks/RESULTS.md, "Session 9, cg16e"). A class's evidence is too
    weak to be asked for proof of support, but not too weak to hold a statement back.

    Examples
    --------
    >>> r = ClassRates(np.array([0.9, 0.1]), np.array([[0.9, 0.9, 0.9], [0.4, 0.6, 0.9]]),
    ...                np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]),
    ...                np.array([[90, 90, 90], [10, 10, 3]]))
    >>> [x.tolist() for x in class_doubts(r, CommonGroundSettings())]
    [[True, False, False], [False, False, True]]
    """
    enough = rates.votes >= settings.min_group_votes
    big = _doubting_classes(rates, settings)[:, None]
    with np.errstate(invalid="ignore"):
        below = rates.rate < settings.threshold  # NaN (not estimated): no lean
    leans = (below & big).any(axis=0)
    short = (~enough & big).any(axis=0)
    return np.asarray(leans, dtype=bool), np.asarray(short, dtype=bool)


def _weakest_seen_low(counts: np.ndarray, settings: CommonGroundSettings) -> np.ndarray:
    """(n_statements,) lowest lower bound of agrees / votes seen over the rows of (m, n_s, 3)
    ``counts`` (0 where a row saw no vote).

    A row with few votes is not set to a floor: its bound is already low, and in proportion
    to what it saw. A floor (-1 below ``min_group_votes``) put a statement 109 of 118 agreed
    with below one 83 of 116 agreed with because one fine cell had cast 4 votes on it, and
    left that whole floor to the MF score, the order that fails a hidden minority: on the
    planted 70/20/10 rooms (20 seeds) it left 4 group-rejected top-10 places against 1 with
    the bounds as they are, and the same lowest held-out group agree on the Pol.is exports
    (0.677 and 0.676; benchmarks/RESULTS.md, "Session 8, audit16")."""
    if not len(counts):
        return np.full(counts.shape[1], np.inf)
    seen = counts[..., :3].sum(axis=-1)
    low, _ = wilson_interval(counts[..., 0], seen, settings.z)
    return np.where(seen > 0, low, 0.0).min(axis=0)
