"""Issue 20: continue a Pol.is conversation from Pol.is's API data and math state.

Field by field against ``math-pca2.json`` (what Pol.is computed), relative tolerance 1e-6 as
red-dwarf's test suite compares (``pytest.approx``). Sign: the fixtures' votes.json hold agree =
+1 (read from the comments' counts), Pol.is's math runs on agree = -1.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from meedenken.engine import POLIS, AnalysisResult, analyze
from meedenken.models.polis_api import read_polis_api
from meedenken.models.polis_export import PolisExport
from meedenken.models.polis_math import (
    PolisMath,
    math_mismatches,
    parse_polis_math,
    polis_state,
    read_polis_math,
)
from tests._polis_math_data import FAULTY, MATH_DATA, SOUND, fixtures, needs_math_data

pytestmark = needs_math_data

RTOL = 1e-6
SETTINGS = replace(POLIS, bridging=False)


@cache
def _load(name: str) -> tuple[PolisExport, PolisMath]:
    return read_polis_api(MATH_DATA / name), read_polis_math(MATH_DATA / name / "math-pca2.json")


@cache
def _continued(name: str) -> AnalysisResult:
    export, math = _load(name)
    state = polis_state(math, k_buffer=SETTINGS.k_buffer)
    return analyze(export.to_matrix(), SETTINGS, previous=state, random_state=0)


def _by_tid(result: AnalysisResult, values: np.ndarray) -> dict[int, float]:
    return {int(s): float(v) for s, v in zip(result.statement_ids, values, strict=True)}


def _approx(value: object) -> object:
    return pytest.approx(value, rel=RTOL, abs=1e-12)


# ------------------------------------------------------------------ continuation, field by field
@pytest.mark.parametrize("name", fixtures())
def test_in_conv_and_base_clusters(name: str) -> None:
    r, (_, math) = _continued(name), _load(name)
    in_conv = {int(p) for p, ok in zip(r.participant_ids, r.in_conversation, strict=True) if ok}
    assert in_conv == set(math.in_conv)
    c = r.clustering
    assert c.base_ids.tolist() == math.base_ids.tolist()
    assert c.base_centers.ravel().tolist() == _approx(math.base_centers.ravel().tolist())
    members: dict[int, set[int]] = {}
    for pid, label in zip(r.participant_ids, c.base_labels, strict=True):
        if label >= 0:
            members.setdefault(int(c.base_ids[label]), set()).add(int(pid))
    assert members == {int(b): set(m) for b, m in zip(math.base_ids, math.base_members,
                                                      strict=True)}


@pytest.mark.parametrize("name", fixtures())
def test_groups_and_group_votes(name: str) -> None:
    r, (_, math) = _continued(name), _load(name)
    assert r.k == math.k
    assert r.groups() == math.groups()
    c = r.clustering
    order = np.argsort(math.group_ids)
    assert c.group_ids.tolist() == math.group_ids[order].tolist()
    assert c.group_centers.ravel().tolist() == _approx(math.group_centers[order].ravel().tolist())
    col = {int(s): j for j, s in enumerate(r.statement_ids)}
    for row, gid in enumerate(c.group_ids.tolist()):
        want = math.group_votes[gid]
        got = r.group_votes[row][[col[t] for t in math.tids]].T
        assert got.tolist() == want.tolist(), f"group {gid}"


@pytest.mark.parametrize("name", fixtures())
def test_pca(name: str) -> None:
    r, (_, math) = _continued(name), _load(name)
    col = [{int(s): j for j, s in enumerate(r.statement_ids)}[t] for t in math.tids]
    omap = r.opinion_map
    # Pol.is's math runs on agree = -1: its components and centre are ours negated.
    for i in range(2):
        assert (-omap.components[i][col]).tolist() == _approx(math.components[i].tolist())
    assert (-omap.center[col]).tolist() == _approx(math.center.tolist())
    assert math.comment_extremity is not None
    assert omap.extremity[col].tolist() == _approx(math.comment_extremity.tolist())


@pytest.mark.parametrize("name", fixtures())
def test_repness(name: str) -> None:
    r, (_, math) = _continued(name), _load(name)
    assert set(r.repness) == set(math.repness)
    for gid, want in math.repness.items():
        got = r.repness[gid]
        assert [s.statement_id for s in got] == [w["tid"] for w in want], f"group {gid}"
        for s, w in zip(got, want, strict=True):
            assert s.repful_for == w["repful-for"]
            assert (s.n_success, s.n_trials) == (w["n-success"], w["n-trials"])
            assert [s.p_success, s.p_test, s.repness, s.repness_test] == _approx(
                [w["p-success"], w["p-test"], w["repness"], w["repness-test"]])
            assert s.best_agree == bool(w.get("best-agree", False))


@pytest.mark.parametrize("name", fixtures())
def test_consensus(name: str) -> None:
    r, (_, math) = _continued(name), _load(name)
    for side, got in (("agree", r.consensus_agree), ("disagree", r.consensus_disagree)):
        want = math.consensus.get(side, [])
        assert [s.statement_id for s in got] == [w["tid"] for w in want], side
        for s, w in zip(got, want, strict=True):
            assert (s.n_success, s.n_trials) == (w["n-success"], w["n-trials"])
            assert [s.p_success, s.p_test] == _approx([w["p-success"], w["p-test"]])


@pytest.mark.parametrize("name", fixtures())
def test_group_aware_consensus_and_priorities(name: str) -> None:
    r, (_, math) = _continued(name), _load(name)
    gac = _by_tid(r, r.group_informed_consensus)
    assert {t: gac[t] for t in math.group_aware_consensus} == _approx(math.group_aware_consensus)
    prio = _by_tid(r, r.priorities)
    assert {t: prio[t] for t in math.comment_priorities} == _approx(math.comment_priorities)


def test_the_faulty_fixture_shows_its_fault() -> None:
    """Why it is skipped: the math counted votes that votes.json lacks."""
    export, math = _load(FAULTY)
    problems = math_mismatches(math, export)
    assert len(problems) == 1 and "4 vote(s)" in problems[0] and "[50]" in problems[0]
    assert set(math.comment_priorities.values()) == {49.0}
    assert all(not math_mismatches(*reversed(_load(n))) for n in SOUND)  # type: ignore[arg-type]


# ------------------------------------------------------------------ cold start (item 4)
@pytest.mark.parametrize("name", fixtures())
def test_cold_start_pca_matches_polis_converged_components(name: str) -> None:
    export, math = _load(name)
    r = analyze(export.to_matrix(), SETTINGS, random_state=0)
    col = [{int(s): j for j, s in enumerate(r.statement_ids)}[t] for t in math.tids]
    for i in range(2):
        ours = r.opinion_map.components[i][col]
        sign = -1.0 if np.abs(ours + math.components[i]).max() < np.abs(
            ours - math.components[i]).max() else 1.0
        assert (sign * ours).tolist() == _approx(math.components[i].tolist())


@pytest.mark.parametrize("name", fixtures())
def test_cold_start_priorities_from_one_run(name: str) -> None:
    """Given who is in conversation (an export records it), one run gives Pol.is's priorities."""
    export, math = _load(name)
    r = analyze(export.to_matrix(), SETTINGS, random_state=0, in_conversation=math.in_conv)
    prio = _by_tid(r, r.priorities)
    assert {t: prio[t] for t in math.comment_priorities} == _approx(math.comment_priorities)


# ------------------------------------------------------------------ bad math files
def _raw(name: str = SOUND[0]) -> dict:
    return json.loads((MATH_DATA / name / "math-pca2.json").read_text())


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("pca"), "missing pca"),
        (lambda d: d["pca"].update(comps=[[1.0, 2.0]]), "pca.comps has 2 entries"),
        (lambda d: d["group-clusters"][0]["members"].append(99999), "every base-cluster id"),
        (lambda d: d["in-conv"].append(99999), "in-conv name different"),
        (lambda d: d["base-clusters"]["x"].pop(), "base-clusters.x"),
        (lambda d: d["pca"]["center"].__setitem__(0, "a"), "pca.center"),
        (lambda d: d.__setitem__("tids", "0,1"), "tids must be a list"),
    ],
)
def test_bad_math_is_refused_by_name(change: object, message: str) -> None:
    from meedenken.models.polis_export import ExportError

    data = _raw()
    change(data)  # type: ignore[operator]
    with pytest.raises(ExportError, match=message):
        parse_polis_math(data)


JUNK = ["x", None, True, -1, 2**70, 1.5, float("nan"), [], {}, [[1, 2]], {"a": 1}, [None]]


def _leaves(data: object, path: tuple = ()) -> list[tuple]:
    """Paths to every value of a small JSON tree (lists cut at 3 entries)."""
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _leaves(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data[:3]):
            out += _leaves(value, (*path, i))
    return out


def test_any_corruption_is_an_export_error_or_parses() -> None:
    """Replace one value anywhere by junk: the parser and the state builder never fail with
    anything but ExportError (a clean 4xx in the API, one line in the CLI)."""
    from meedenken.models.polis_export import ExportError

    original = _raw()
    paths = [p for p in _leaves(original) if p]
    rng = np.random.default_rng(0)
    for i in rng.choice(len(paths), size=min(200, len(paths)), replace=False):
        data = json.loads(json.dumps(original))
        *parent, key = paths[int(i)]
        node = data
        for step in parent:
            node = node[step]
        node[key] = JUNK[int(rng.integers(len(JUNK)))]
        try:
            math = parse_polis_math(data)
        except ExportError:
            continue
        polis_state(math, k_buffer=4)


def test_a_guessed_sign_is_settled_by_the_math() -> None:
    """Comments without counts: the reader guesses the API's agree = -1; these files hold +1,
    and the math state beside them says so."""
    from meedenken.models.polis_api import polis_api_export
    from meedenken.models.polis_math import votes_flipped, with_math_sign

    folder = MATH_DATA / SOUND[1]
    comments = [{k: v for k, v in c.items() if k not in ("agree_count", "disagree_count")}
                for c in json.loads((folder / "comments.json").read_text())]
    guessed = polis_api_export(json.loads((folder / "votes.json").read_text()), comments)
    export, math = _load(SOUND[1])
    assert guessed.votes.tolist() == (-export.votes).tolist()
    assert votes_flipped(math, guessed) is True and votes_flipped(math, export) is False
    assert any("sign" in p for p in math_mismatches(math, guessed))
    settled, flipped = with_math_sign(math, guessed)
    assert flipped and settled.votes.tolist() == export.votes.tolist()
    # A sign read from the counts is never overridden.
    assert with_math_sign(math, export) == (export, False)


@pytest.mark.parametrize("name", fixtures())
def test_new_votes_after_the_state_keep_polis_groups(name: str) -> None:
    """Carrying on: three newcomers vote; the next update keeps everyone in Pol.is's group."""
    from meedenken.engine import update

    export, math = _load(name)
    matrix = export.to_matrix()
    first = analyze(matrix, SETTINGS, previous=polis_state(math, k_buffer=SETTINGS.k_buffer),
                    random_state=0)
    rng = np.random.default_rng(0)
    newcomers = [(10**6 + p, sid, int(rng.choice([-1, 0, 1])))
                 for p in range(3) for sid in rng.choice(matrix.statement_ids, 12, replace=False)]
    matrix.append(*map(list, zip(*newcomers, strict=True)))
    second = update(matrix, first, SETTINGS, random_state=0)
    assert second.k == math.k
    groups = second.groups()
    assert {p: groups.get(p) for p in math.groups()} == math.groups()
