"""Issue 15, session 10: can a latent class be published as its *core*, or by its *profile*,
where the clusterwise bootstrap refuses its full membership? (diagnostic only; nothing in the
engine reads it)

Wherever :func:`engine.grouping.class_groups` asks the bootstrap about k classes, the same
resamples as the engine's (:func:`engine.grouping._class_bootstrap`: the same seed, the same two
EM starts, the likelier kept) are redrawn and, per class, recorded:

- ``jac``: Hennig's mean Jaccard of the full membership (what the engine decides on);
- ``core c``: the same Jaccard of the **cores** (members whose class probability is >= c, in the
  fit and in each resample's fit alike: Hennig's method applied to what would be published, the
  rest counted as "not clearly in one group" on both sides);
- ``profile r``: the mean over resamples of the vote-weighted correlation between the class's
  agree probabilities per statement and those of the resample's class matched to it (largest
  Jaccard);
- ``cross-fitted core``: the cores by **out-of-fold** class probabilities (5 folds of
  participants, each placed by classes refitted without them: a member's own votes no longer
  shape the profile they are judged by) and their Jaccard on the **out-of-bag** participants of
  each resample, placed by the resample's fit (people that fit never saw), with the count of
  participants in no cross-fitted core ("not clearly in one group");

and, on planted rooms at the largest k the held-out rule reached, for the class with the smallest
Jaccard: its size, the model's average posterior of its members (AvePP, Nagin's adequacy measure),
the share of its members from its majority planted group (purity), and the same for its core at
0.8 and for its out-of-fold membership and cross-fitted core.

Rooms: part (b) of :mod:`benchmarks.groups` with three or more planted groups below 30% density
and the 90/10 rooms at 5% (the runs where the right k is lost), and every room of
:mod:`benchmarks.seed_audit` (the shared exports, where the published classes must not change).

Run: ``python -m benchmarks.class_cores [planted] [rooms]`` (about 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from meedenken import engine
from meedenken.engine import grouping
from meedenken.engine import latent_class as lc
from meedenken.engine.settings import GroupingSettings
from meedenken.engine.synthetic import synthetic_conversation

from .groups import N_PARTICIPANTS, N_STATEMENTS, PLANTED, PLANTED_SEEDS, PLANTED_SETTINGS

CORES = (0.8, 0.9)
#: Folds of participants for the out-of-fold class probabilities, and their EM steps at most.
FOLDS = 5
FOLD_STEPS = 200


def cross_fitted(v: lc.Votes, model: lc.LatentClasses) -> np.ndarray:
    """(n, k) class probabilities of each participant from the classes refitted (warm-started
    at ``model``) on the other folds."""
    fold = np.random.default_rng(0).integers(FOLDS, size=v.n)
    out = np.zeros_like(model.resp)
    for f in range(FOLDS):
        train, test = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        refit = lc.em(v.participants(train), model.resp[train], max_iterations=FOLD_STEPS,
                      lean=model.lean[train], logit=model.logit, tau=model.tau)
        out[test] = lc.assign(v.participants(test), refit)[0]
    return out


def _best_jaccard(
    a: np.ndarray, b: np.ndarray, w: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per class of ``a`` (-1: in no class): the best Jaccard with a class of ``b`` and which."""
    inter = np.zeros((k, k))
    both = (a >= 0) & (b >= 0)
    np.add.at(inter, (a[both], b[both]), w[both])
    size_a = np.bincount(a[a >= 0], weights=w[a >= 0], minlength=k)
    size_b = np.bincount(b[b >= 0], weights=w[b >= 0], minlength=k)
    jac = inter / np.maximum(size_a[:, None] + size_b[None, :] - inter, 1e-300)
    return jac.max(axis=1), jac.argmax(axis=1)


def _profile_r(p: np.ndarray, q: np.ndarray, sw: np.ndarray) -> float:
    mp, mq = float(sw @ p), float(sw @ q)
    cov = float(sw @ ((p - mp) * (q - mq)))
    return cov / max(float(np.sqrt((sw @ (p - mp) ** 2) * (sw @ (q - mq) ** 2))), 1e-300)


def diagnose(
    v: lc.Votes,
    model: lc.LatentClasses,
    map_labels: Callable[[int], np.ndarray],
    s: GroupingSettings,
) -> dict[str, Any]:
    """The engine's bootstrap redrawn, with the cores' Jaccard and the profiles' correlation."""
    k = model.k
    labels = np.argmax(model.resp, axis=1)
    conf = model.resp.max(axis=1)
    rng = np.random.default_rng([s.random_state, k, 1])  # as in grouping._class_bootstrap
    from_map = grouping._hard_labels(map_labels(k), k)
    per_statement = np.bincount(v.col, minlength=v.n_statements).astype(np.float64)
    sw = per_statement / per_statement.sum()
    agree = 1.0 / (1.0 + np.exp(-model.logit))
    full, prof = np.zeros(k), np.zeros(k)
    cores = {c: np.zeros(k) for c in CORES}
    oof = cross_fitted(v, model)
    xcore = np.where(oof.max(axis=1) >= 0.8, oof.argmax(axis=1), -1)
    oob, oob_n = np.zeros(k), np.zeros(k)
    for _ in range(s.class_boot):
        w = rng.multinomial(v.n, np.full(v.n, 1.0 / v.n)).astype(np.float64)
        vw = v.weighted(w)
        kept = lc.em(vw, model.resp, max_iterations=grouping.CLASS_BOOT_STEPS, lean=model.lean,
                     logit=model.logit, tau=model.tau)
        other = lc.em(vw, from_map, max_iterations=grouping.CLASS_BOOT_STEPS)
        boot = other if other.loglik > kept.loglik else kept
        seen = w > 0
        b_labels, b_conf = np.argmax(boot.resp, axis=1), boot.resp.max(axis=1)
        jac, match = _best_jaccard(labels[seen], b_labels[seen], w[seen], k)
        full += jac
        b_agree = 1.0 / (1.0 + np.exp(-boot.logit))
        prof += [_profile_r(agree[j], b_agree[match[j]], sw) for j in range(k)]
        for c in CORES:
            a = np.where(conf[seen] >= c, labels[seen], -1)
            b = np.where(b_conf[seen] >= c, b_labels[seen], -1)
            cores[c] += _best_jaccard(a, b, w[seen], k)[0]
        bag = ~seen  # out of bag: the resample's fit never saw them
        p_out = lc.assign(v.participants(np.flatnonzero(bag)), boot)[0]
        b_core = np.where(p_out.max(axis=1) >= 0.8, p_out.argmax(axis=1), -1)
        present = np.bincount(xcore[bag][xcore[bag] >= 0], minlength=k) > 0
        oob[present] += _best_jaccard(xcore[bag], b_core, np.ones(int(bag.sum())), k)[0][present]
        oob_n += present
    n_boot = s.class_boot
    return {
        "k": k,
        "sizes": np.bincount(labels, minlength=k).tolist(),
        "jac": (full / n_boot).round(3).tolist(),
        **{f"core {c}": (cores[c] / n_boot).round(3).tolist() for c in CORES},
        **{f"core {c} sizes": np.bincount(labels[conf >= c], minlength=k).tolist() for c in CORES},
        "profile r": (prof / n_boot).round(3).tolist(),
        "cross-fitted core": (oob / np.maximum(oob_n, 1)).round(3).tolist(),
        "cross-fitted core sizes": np.bincount(xcore[xcore >= 0], minlength=k).tolist(),
        "not clearly in one group": int((xcore < 0).sum()),
        "_oof": oof,
    }


class _Recorder:
    """Wraps the engine's class bootstrap (its answer unchanged) and records :func:`diagnose`
    and the model of every k it is asked about."""

    def __init__(self) -> None:
        self.asked: list[dict[str, Any]] = []
        self.models: list[tuple[lc.Votes, lc.LatentClasses, np.ndarray, np.ndarray]] = []
        self._engine = grouping._class_bootstrap

    def __enter__(self) -> _Recorder:
        def wrapped(v: lc.Votes, model: lc.LatentClasses,
                    map_labels: Callable[[int], np.ndarray], s: GroupingSettings) -> np.ndarray:
            jac = self._engine(v, model, map_labels, s)
            found = diagnose(v, model, map_labels, s)
            self.models.append((v, model, jac, found.pop("_oof")))
            self.asked.append(found)
            return jac

        grouping._class_bootstrap = wrapped  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        grouping._class_bootstrap = self._engine  # type: ignore[assignment]


def _calibration(
    truth: np.ndarray, model: lc.LatentClasses, jac: np.ndarray, oof: np.ndarray
) -> dict[str, Any]:
    """The weakest class (smallest Jaccard) against the planted groups."""
    labels, j = np.argmax(model.resp, axis=1), int(np.argmin(jac))
    members = labels == j
    planted = int(np.bincount(truth[members]).argmax())
    core = members & (model.resp.max(axis=1) >= 0.8)
    out_members = oof.argmax(axis=1) == j
    xcore = out_members & (oof.max(axis=1) >= 0.8)
    return {
        "planted members": int((truth == planted).sum()),
        "out-of-fold size": int(out_members.sum()),
        "out-of-fold purity": round(float((truth[out_members] == planted).mean()), 3),
        "cross-fitted core": int(xcore.sum()),
        "cross-fitted core purity": (
            round(float((truth[xcore] == planted).mean()), 3) if xcore.any() else None
        ),
        "size": int(members.sum()),
        "AvePP": round(float(model.resp[members, j].mean()), 3),
        "purity": round(float((truth[members] == planted).mean()), 3),
        "core 0.8": int(core.sum()),
        "core purity": round(float((truth[core] == planted).mean()), 3) if core.any() else None,
    }


def planted_runs() -> Iterator[dict[str, Any]]:
    specs = [(sh, d) for sh in PLANTED if len(sh) >= 3 for d in (0.05, 0.1, 0.15)]
    specs += [(sh, 0.05) for sh in PLANTED if sh == (0.9, 0.1)]
    for shares, density in specs:
        for seed in PLANTED_SEEDS:
            conv = synthetic_conversation(N_PARTICIPANTS, N_STATEMENTS, density=density,
                                          group_shares=shares, random_state=seed)
            with _Recorder() as rec:
                r = engine.analyze(conv.matrix, PLANTED_SETTINGS)
            out: dict[str, Any] = {"room": f"{'/'.join(str(round(100 * x)) for x in shares)} "
                                           f"at {density:.2f}, seed {seed}",
                                   "planted k": len(shares), "k": r.k, "asked": rec.asked}
            if rec.models:  # the largest k the held-out rule reached is asked first
                v, model, jac, oof = rec.models[0]
                truth = conv.group_labels[r.in_conversation]
                if len(truth) == v.n:  # fitted on everyone in conversation (n <= 1,000)
                    out["weakest class"] = _calibration(truth, model, jac, oof)
            yield out


def room_runs() -> Iterator[dict[str, Any]]:
    from .seed_audit import rooms

    for name, matrix in rooms():
        with _Recorder() as rec:
            r = engine.analyze(matrix, engine.AnalysisSettings(), random_state=0)
        yield {"room": name, "k": r.k, "asked": rec.asked}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", default=["planted", "rooms"])
    for part in parser.parse_args().parts:
        for row in planted_runs() if part == "planted" else room_runs():
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
