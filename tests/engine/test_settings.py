"""The settings tree: nested settings reach the steps that read them; constraints; presets."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine import (
    POLIS,
    AnalysisSettings,
    BridgingSettings,
    InvalidSettingError,
    analyze,
    bridging,
    update,
)
from meedenken.engine.clustering import polis_kmeans
from meedenken.engine.settings import (
    DIVERSITY,
    POLIS_MAX_GROUPS,
    POLIS_MIN_VOTES,
    DiversitySettings,
    LiveSettings,
)

from .conftest import planted


def test_analyze_takes_the_bridging_settings_through_the_tree():
    _, m, _ = planted(seed=1)
    fit = BridgingSettings(min_side_agrees=1, intercept_reg=1.0)
    r = analyze(m, AnalysisSettings(bridging_fit=fit))
    assert r.bridging is not None and r.bridging.settings == fit
    alone = bridging(m, group_labels=r.clustering.labels, settings=fit, random_state=0)
    assert np.array_equal(r.bridging.score, alone.score, equal_nan=True)
    default = analyze(m)
    assert default.bridging is not None
    assert not np.allclose(default.bridging.score, r.bridging.score, equal_nan=True)


def test_one_tree_holds_every_settings_object_with_the_documented_defaults():
    s = AnalysisSettings()
    assert s.bridging_fit == BridgingSettings() and s.diversity == DIVERSITY
    assert s.live == LiveSettings() and POLIS.polis_compatible
    # Pol.is's "min 7 votes" has one home, read by the clustering and the participation funnel.
    # (issue 14 leftover: DiversitySettings had a second copy, in_conversation_votes).
    assert s.min_votes == POLIS_MIN_VOTES == 7
    assert not hasattr(s.diversity, "in_conversation_votes")
    assert (s.z_threshold, s.kmeans_tolerance, s.group_max_iterations) == (1.2816, 0.01, 300)
    # Issue 15 (session 12): six groups by default; the Pol.is preset keeps Pol.is's five.
    assert (s.max_groups, POLIS.max_groups, POLIS_MAX_GROUPS) == (6, 5, 5)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: AnalysisSettings(max_groups=11), "max_groups must be in 2..10, got 11"),
        (lambda: AnalysisSettings(force_k=0), "force_k must be in 1..10 or None"),
        (lambda: AnalysisSettings(base_k=2.5), "base_k must be a positive integer"),
        (lambda: AnalysisSettings(kmeans_tolerance=0.0), "kmeans_tolerance must be > 0"),
        (lambda: AnalysisSettings(live=LiveSettings(rescore_growth=-1)), "rescore_growth"),
        (lambda: AnalysisSettings(bridging_fit=DIVERSITY), "bridging_fit must be a Bridging"),
        (lambda: AnalysisSettings().with_(diversity=None), "diversity must be a Diversity"),
        (lambda: DiversitySettings(min_cell_size=2), "min_cell_size must be an integer >= 3"),
        (lambda: DiversitySettings(share_tolerance=0.5), r"share_tolerance must be in \(0, 0.5\)"),
        (lambda: BridgingSettings(pass_weight=1.5), r"pass_weight must be in \[0, 1\]"),
        (lambda: BridgingSettings(min_side_agrees=-1), "min_side_agrees must be an integer >= 0"),
    ],
)
def test_constraints_name_the_setting_and_the_value(make, message):
    with pytest.raises(InvalidSettingError, match=message):
        make()


def test_kmeans_tolerance_is_read_by_the_polis_kmeans():
    """A tolerance larger than any move stops Pol.is's loop after its first step."""
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(6, 1, (30, 2))])
    start, ids = points[[0, 1]], np.arange(2)
    one_step = polis_kmeans(points, start, ids, max_iter=0)
    loose = polis_kmeans(points, start, ids, max_iter=100, tolerance=1e9)
    converged = polis_kmeans(points, start, ids, max_iter=100)
    assert all(np.array_equal(a, b) for a, b in zip(one_step, loose, strict=True))
    assert not np.array_equal(loose[1], converged[1])


def test_kmeans_tolerance_reaches_the_analysis():
    _, m, _ = planted(sizes=(50, 30, 20), n_statements=30, consistency=0.7, seed=3)
    tight = analyze(m, POLIS.with_(bridging=False))
    loose = analyze(m, POLIS.with_(bridging=False, kmeans_tolerance=1e9))
    # 100 participants: each base cluster is one point; the groups' k-means stops early.
    assert tight.clustering.k_scores != loose.clustering.k_scores


def test_live_settings_decide_when_update_rescores_k():
    _, m, _ = planted(seed=2)
    first = analyze(m)
    m2 = m.copy()
    m2.append([0, 1], [1, 2], [1, -1])  # far below 10% growth
    kept = update(m2, first)
    assert kept.clustering.k_scores == {}  # k kept, not rescored
    eager = AnalysisSettings(live=LiveSettings(rescore_growth=0.0))
    rescored = update(m2, first, eager)
    assert rescored.clustering.k_scores  # every update rescores


def test_a_new_conversation_allows_as_many_groups_as_the_engine_by_default() -> None:
    """The service's default for a conversation (models.tables) and the set-up page's field
    are the engine's default, so a live dialogue can publish the groups ``analyze`` does."""
    from pathlib import Path

    from meedenken.engine import AnalysisSettings
    from meedenken.models.tables import ConversationBase

    default = AnalysisSettings().max_groups
    assert ConversationBase.model_fields["max_groups"].default == default
    setup = (Path(__file__).resolve().parents[2] / "api" / "static" / "setup.html").read_text(
        encoding="utf-8")
    assert f'id="max-groups" type="number" min="2" max="10" value="{default}"' in setup
