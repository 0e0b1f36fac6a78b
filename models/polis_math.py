"""Read Pol.is's math state (the math server's ``math-pca2.json``) and turn it into the engine's
warm-start state, so that a conversation continues from where Pol.is left it.

``math-pca2.json`` holds what one Pol.is math tick computed: the PCA (components, centre,
comment projection and extremity), the base clusters and their members, the group clusters
(members are base-cluster ids), the in-conversation participants, group votes, repness,
consensus, group-aware consensus and comment priorities. It is computed on the Pol.is
database's sign (agree = -1). :func:`polis_state` builds an :class:`engine.AnalysisState`
from it on this project's sign (agree = +1): the components are negated, so that every
participant's position, every base-cluster centre and every group centre is exactly Pol.is's.

Examples
--------
>>> math = read_polis_math("../shared/data/polis-math/below-100-ptpts/math-pca2.json")
... # doctest: +SKIP
>>> state = polis_state(math, k_buffer=4)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from meedenken.engine.result import AnalysisState

from ._csv import ExportError, Source
from .polis_api import AGREE_SIGN_FROM_KEY, AGREE_SIGN_KEY, SIGN_DEFAULT, load_json
from .polis_export import PolisExport

__all__ = [
    "MATH_FILE",
    "PolisMath",
    "math_mismatches",
    "parse_polis_math",
    "polis_state",
    "read_polis_math",
    "votes_flipped",
    "with_math_sign",
]

MATH_FILE = "math-pca2.json"
#: Keys of math-pca2.json this reader needs.
REQUIRED = ("tids", "in-conv", "pca", "base-clusters", "group-clusters", "group-votes")
#: Ids are stored as int64.
ID_LIMIT = 2**63
#: Pol.is's math runs on agree = -1; this project's agree is +1.
POLIS_AGREE_SIGN = -1.0


@dataclass(frozen=True, eq=False)
class PolisMath:
    """One Pol.is math tick, as Pol.is computed it (Pol.is sign: agree = -1 in ``components``
    and ``center``; "A" in group votes and repness counts agrees).

    Arrays are indexed like ``tids`` (statements), ``base_ids`` or ``group_ids``.
    """

    tids: tuple[int, ...]
    in_conv: frozenset[int]
    #: (2, n_tids) principal components; (n_tids,) centre; (n_tids,) comment extremity.
    components: np.ndarray
    center: np.ndarray
    comment_extremity: np.ndarray | None
    base_ids: np.ndarray
    base_members: tuple[tuple[int, ...], ...]
    #: (n_base, 2) base-cluster centres (x, y).
    base_centers: np.ndarray
    group_ids: np.ndarray
    #: Per group: the base-cluster ids it holds.
    group_members: tuple[tuple[int, ...], ...]
    group_centers: np.ndarray
    #: group id -> (3, n_tids) agree, disagree, all votes of its members.
    group_votes: dict[int, np.ndarray]
    #: Pol.is's own outputs, as in the file (for comparisons).
    repness: dict[int, list[dict[str, Any]]]
    consensus: dict[str, list[dict[str, Any]]]
    group_aware_consensus: dict[int, float]
    comment_priorities: dict[int, float]
    user_vote_counts: dict[int, int]
    mod_out: frozenset[int]
    meta_tids: frozenset[int]
    math_tick: int

    @property
    def k(self) -> int:
        return len(self.group_ids)

    def groups(self) -> dict[int, int]:
        """participant id -> Pol.is group id."""
        group_of_base = {b: int(g) for g, bases in zip(self.group_ids, self.group_members,
                                                       strict=True) for b in bases}
        return {p: group_of_base[int(b)] for b, members in zip(self.base_ids, self.base_members,
                                                               strict=True) for p in members}


def _ints(value: Any, label: str, what: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and abs(v) < ID_LIMIT for v in value
    ):
        raise ExportError(label, f"{what} must be a list of whole numbers (below 2**63)")
    return tuple(value)


def _floats(value: Any, label: str, what: str, n: int | None = None,
            ndim: int = 1) -> np.ndarray:
    """Finite numbers in an array of ``ndim`` dimensions (the last of length ``n``)."""
    if isinstance(value, str | bytes | Mapping):
        raise ExportError(label, f"{what} must be a list of numbers")
    try:
        out = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ExportError(label, f"{what} must hold numbers") from exc
    if out.ndim != ndim:
        raise ExportError(label, f"{what} must be a {'list' if ndim == 1 else 'list of lists'} "
                          "of numbers")
    if not np.isfinite(out).all():
        raise ExportError(label, f"{what} holds a value that is not a finite number")
    if n is not None and out.shape[-1:] != (n,):
        raise ExportError(label, f"{what} has {out.shape[-1] if out.ndim else 0} entries, "
                          f"expected {n}")
    return out


def _entries(value: Any) -> list[dict[str, Any]]:
    """A list of objects (repness of one group)."""
    if not isinstance(value, list) or not all(isinstance(e, Mapping) for e in value):
        raise ValueError("expected a list of objects")
    return [dict(e) for e in value]


def _keyed(value: Any, label: str, what: str, convert: Callable[[Any], Any]) -> dict[int, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ExportError(label, f"{what} must be an object")
    try:
        return {int(k): convert(v) for k, v in value.items()}
    except (TypeError, ValueError) as exc:
        raise ExportError(label, f"{what}: {exc}") from exc


def _group_votes(value: Any, tids: tuple[int, ...], label: str) -> dict[int, np.ndarray]:
    if not isinstance(value, Mapping):
        raise ExportError(label, "group-votes must be an object")
    col = {t: j for j, t in enumerate(tids)}
    out: dict[int, np.ndarray] = {}
    for gid, entry in value.items():
        votes = entry.get("votes") if isinstance(entry, Mapping) else None
        if not isinstance(votes, Mapping):
            raise ExportError(label, f"group-votes[{gid}] has no votes object")
        counts = np.zeros((3, len(tids)))
        for tid, cell in votes.items():
            j = col.get(int(tid)) if str(tid).lstrip("-").isdigit() else None
            if j is None or not isinstance(cell, Mapping):
                raise ExportError(label, f"group-votes[{gid}]: statement {tid!r} is not a tid")
            counts[:, j] = _floats([cell.get("A", 0), cell.get("D", 0), cell.get("S", 0)],
                                   label, f"group-votes[{gid}] counts", 3)
        if not str(gid).lstrip("-").isdigit():
            raise ExportError(label, f"group-votes: group id {gid!r} is not a whole number")
        out[int(gid)] = counts
    return out


def parse_polis_math(data: Any, label: str = MATH_FILE) -> PolisMath:
    """Check and parse a ``math-pca2.json`` object.

    Raises
    ------
    ExportError
        A missing key, a list of the wrong length, a group member that is no base cluster, a
        base cluster that is in no group, or a non-numeric value; the message names the key.
    """
    if not isinstance(data, Mapping):
        raise ExportError(label, "expected a JSON object")
    missing = [key for key in REQUIRED if key not in data]
    if missing:
        raise ExportError(label, f"missing {', '.join(missing)} (not a Pol.is math-pca2 file?)")
    tids = _ints(data["tids"], label, "tids")
    n = len(tids)
    pca = data["pca"]
    if not isinstance(pca, Mapping) or "comps" not in pca or "center" not in pca:
        raise ExportError(label, "pca must hold comps and center")
    comps = _floats(pca["comps"], label, "pca.comps", n, ndim=2)
    if comps.shape[0] < 1:
        raise ExportError(label, "pca.comps must be a list of components")
    extremity = pca.get("comment-extremity")
    base = data["base-clusters"]
    if not isinstance(base, Mapping) or not {"id", "members", "x", "y"} <= base.keys():
        raise ExportError(label, "base-clusters must hold id, members, x and y")
    base_ids = np.array(_ints(base["id"], label, "base-clusters.id"), dtype=np.int64)
    n_base = len(base_ids)
    members = base["members"]
    if not isinstance(members, list) or len(members) != n_base:
        raise ExportError(label, "base-clusters.members must have one list per id")
    base_members = tuple(_ints(m, label, "base-clusters.members") for m in members)
    xy = np.column_stack([_floats(base["x"], label, "base-clusters.x", n_base),
                          _floats(base["y"], label, "base-clusters.y", n_base)])
    groups = data["group-clusters"]
    if not isinstance(groups, list) or not all(
        isinstance(g, Mapping) and {"id", "members", "center"} <= g.keys() for g in groups
    ):
        raise ExportError(label, "group-clusters must be a list of {id, members, center}")
    group_members = tuple(_ints(g["members"], label, "group-clusters.members") for g in groups)
    group_ids = _ints([g["id"] for g in groups], label, "group-clusters.id")
    if len(set(group_ids)) != len(group_ids):
        raise ExportError(label, "group-clusters.id repeats a group id")
    group_centers = _floats([g["center"] for g in groups], label, "group-clusters.center", 2,
                            ndim=2) if groups else np.zeros((0, 2))
    known = set(base_ids.tolist())
    grouped = [b for m in group_members for b in m]
    if not set(grouped) <= known or len(grouped) != len(set(grouped)) or set(grouped) != known:
        raise ExportError(label, "group-clusters.members must name every base-cluster id once")
    flat = [p for m in base_members for p in m]
    if len(flat) != len(set(flat)):
        raise ExportError(label, "a participant is a member of two base clusters")
    in_conv = frozenset(_ints(data["in-conv"], label, "in-conv"))
    consensus = data.get("consensus") or {}
    if not isinstance(consensus, Mapping) or not all(
        isinstance(v, list) and all(isinstance(e, Mapping) for e in v) for v in consensus.values()
    ):
        raise ExportError(label, "consensus must map agree / disagree to lists of objects")
    tick = data.get("math_tick") or 0
    if not isinstance(tick, int) or isinstance(tick, bool):
        raise ExportError(label, "math_tick must be a whole number")
    if set(flat) != in_conv:
        raise ExportError(label, "base-clusters.members and in-conv name different participants")
    return PolisMath(
        tids=tids,
        in_conv=in_conv,
        components=comps,
        center=_floats(pca["center"], label, "pca.center", n),
        comment_extremity=None if extremity is None
        else _floats(extremity, label, "pca.comment-extremity", n),
        base_ids=base_ids,
        base_members=base_members,
        base_centers=xy,
        group_ids=np.array(group_ids, dtype=np.int64),
        group_members=group_members,
        group_centers=group_centers,
        group_votes=_group_votes(data["group-votes"], tids, label),
        repness=_keyed(data.get("repness"), label, "repness", _entries),
        consensus=dict(consensus),
        group_aware_consensus=_keyed(data.get("group-aware-consensus"), label,
                                     "group-aware-consensus", float),
        comment_priorities=_keyed(data.get("comment-priorities"), label, "comment-priorities",
                                  float),
        user_vote_counts=_keyed(data.get("user-vote-counts"), label, "user-vote-counts", int),
        mod_out=frozenset(_ints(data.get("mod-out") or [], label, "mod-out")),
        meta_tids=frozenset(_ints(data.get("meta-tids") or [], label, "meta-tids")),
        math_tick=tick,
    )


def read_polis_math(path: str | Path) -> PolisMath:
    """Read a ``math-pca2.json`` file (or the one in a folder or zip)."""
    path = Path(path)
    if path.is_file() and path.suffix.lower() == ".json":
        with Source(path.parent) as source:
            return parse_polis_math(load_json(source, path.name), source.label(path.name))
    with Source(path) as source:
        if not source.has(MATH_FILE):
            raise ExportError(path, f"{MATH_FILE} not found")
        return parse_polis_math(load_json(source, MATH_FILE), source.label(MATH_FILE))


def votes_flipped(math: PolisMath, export: PolisExport) -> bool | None:
    """Whether ``export``'s votes have the opposite sign of what ``math`` was computed on.

    Pol.is's centre is the mean vote per statement on its agree = -1 scale, so with agree = +1
    votes it correlates negatively with the votes' own means. True: positively (the votes were
    read with the wrong sign); None: no statement to tell by.
    """
    _, comments, values = export.final_votes()
    ids, where = np.unique(comments, return_inverse=True)
    means = np.bincount(where, weights=values.astype(np.float64)) / np.bincount(where)
    mean_of = dict(zip(ids.tolist(), means.tolist(), strict=True))
    agreement = sum(mean_of.get(t, 0.0) * c for t, c in zip(math.tids, math.center.tolist(),
                                                            strict=True))
    if agreement == 0:
        return None
    return agreement > 0


def with_math_sign(math: PolisMath, export: PolisExport) -> tuple[PolisExport, bool]:
    """``export`` with its votes negated if its sign was a guess (Pol.is API JSON whose
    comments carry no counts: :data:`models.polis_api.SIGN_DEFAULT`) and :func:`votes_flipped`
    says the guess was wrong; and whether they were negated. A sign that was given or read from
    the counts is kept (a disagreement is then reported by :func:`math_mismatches`).
    """
    if export.summary.get(AGREE_SIGN_FROM_KEY) != SIGN_DEFAULT or not votes_flipped(math, export):
        return export, False
    summary = {**export.summary, AGREE_SIGN_KEY: export.summary[AGREE_SIGN_KEY].translate(
        str.maketrans("+-", "-+")), AGREE_SIGN_FROM_KEY: "math state"}
    return replace(export, votes=-export.votes, summary=summary), True


def math_mismatches(math: PolisMath, export: PolisExport) -> list[str]:
    """Where the votes and Pol.is's math state disagree (each a readable line; empty: none).

    Compares the participants in conversation with the voters, Pol.is's ``user-vote-counts``
    with the votes per participant, and the math's statements with the comments. The faulty
    fixture ``50ptpt-3gp-strict-no-meta`` shows up here: its votes.json lacks participant 50's
    four votes that the math counted.
    """
    voters, comments, _ = export.final_votes()
    ids, counts = np.unique(voters, return_counts=True)
    have = dict(zip(ids.tolist(), counts.tolist(), strict=True))
    problems = []
    if votes_flipped(math, export):
        problems.append("the votes' sign is the opposite of the math's (agree read as disagree?)")
    absent = sorted(math.in_conv - have.keys())
    if absent:
        problems.append(f"{len(absent)} participant(s) in conversation have no votes, e.g. "
                        f"{absent[:5]}")
    short = sorted(p for p, n in math.user_vote_counts.items() if have.get(p, 0) < n)
    if short:
        missing = sum(math.user_vote_counts[p] - have.get(p, 0) for p in short)
        problems.append(f"the votes lack {missing} vote(s) of {len(short)} participant(s) that "
                        f"Pol.is counted, e.g. participant(s) {short[:5]}")
    known = {c.comment_id for c in export.comments} | set(np.unique(comments).tolist())
    unknown = sorted(set(math.tids) - known)
    if unknown:
        problems.append(f"{len(unknown)} statement(s) of the math are not in the comments, e.g. "
                        f"{unknown[:5]}")
    return problems


def polis_state(
    math: PolisMath,
    *,
    k_buffer: int,
    participant_ids: Mapping[int, Hashable] | None = None,
    statement_ids: Mapping[int, Hashable] | None = None,
) -> AnalysisState:
    """The engine's previous-analysis state that continues Pol.is's tick ``math``.

    Parameters
    ----------
    math : PolisMath
    k_buffer : the k smoother's buffer (``AnalysisSettings.k_buffer``): Pol.is's k counts as
        having won that many ticks, so one update keeps it unless a new k keeps winning.
    participant_ids, statement_ids : Pol.is id -> the id the vote matrix uses (the live
        service's database ids); default: Pol.is's ids.

    Notes
    -----
    Sign: Pol.is runs on agree = -1, this project on agree = +1, so the centred matrix is
    negated; negating the components too leaves every position ``Xc @ components`` exactly as
    Pol.is had it (base and group centres are copied as they are). Pol.is keeps a k's group
    memberships only for the k it published here; other candidate ks start cold.
    """
    pid = (lambda p: p) if participant_ids is None else participant_ids.__getitem__
    sid = (lambda t: t) if statement_ids is None else statement_ids.__getitem__
    members = [(pid(p), int(b)) for b, ms in zip(math.base_ids.tolist(), math.base_members,
                                                  strict=True) for p in ms]
    k = math.k
    group_of_base = {b: int(g) for g, bases in zip(math.group_ids, math.group_members,
                                                   strict=True) for b in bases}
    votes = sum(math.group_votes.values(), np.zeros((3, len(math.tids))))
    return AnalysisState(
        statement_ids=tuple(sid(t) for t in math.tids),
        participant_ids=tuple(p for p, _ in members),
        components=POLIS_AGREE_SIGN * math.components,
        in_conversation=frozenset(pid(p) for p in math.in_conv),
        base_ids=math.base_ids.copy(),
        base_centers=math.base_centers.copy(),
        group_centers_by_k={k: math.group_centers.copy()} if k >= 2 else {},
        group_ids=math.group_ids.copy(),
        group_centers=math.group_centers.copy(),
        smoothed_k=k,
        last_k=k,
        last_k_count=k_buffer,
        statement_votes=votes,
        base_members=np.array([b for _, b in members], dtype=np.int64),
        group_members_by_k={k: (math.base_ids.copy(), np.array(
            [group_of_base[int(b)] for b in math.base_ids], dtype=np.int64))} if k >= 2 else {},
    )
