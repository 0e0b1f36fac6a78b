"""Pol.is-mode clustering: the k-means loop and warm start of Pol.is's clusters.clj, by hand."""

import numpy as np

from meedenken.engine import POLIS, VoteMatrix, analyze
from meedenken.engine.clustering import (
    polis_base_clusters,
    polis_clean_start,
    polis_group_clusters,
    polis_kmeans,
)


def test_polis_kmeans_one_step_labels_against_the_old_centres():
    """max_iter=0 is one step: labels from the given centres, centres moved to the means."""
    points = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [10.0, 0.0]])
    labels, centers, ids = polis_kmeans(
        points, np.array([[0.0, 0.0], [10.0, 0.0]]), np.array([4, 9]), max_iter=0
    )
    assert labels.tolist() == [0, 0, 0, 1]
    assert centers.tolist() == [[1.0, 0.0], [10.0, 0.0]]
    assert ids.tolist() == [4, 9]


def test_polis_kmeans_drops_empty_clusters_instead_of_relocating():
    points = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    start = np.array([[0.0, 0.5], [10.0, 0.5], [100.0, 100.0]])
    labels, centers, ids = polis_kmeans(points, start, np.arange(3), max_iter=100)
    assert ids.tolist() == [0, 1]
    assert labels.tolist() == [0, 0, 1, 1]
    assert centers.tolist() == [[0.0, 0.5], [10.0, 0.5]]


def test_polis_kmeans_weighted_means():
    points = np.array([[0.0, 0.0], [3.0, 0.0], [20.0, 0.0]])
    _, centers, _ = polis_kmeans(
        points, np.array([[0.0, 0.0], [20.0, 0.0]]), np.arange(2), max_iter=0,
        weights=np.array([2.0, 1.0, 5.0]),
    )
    assert centers.tolist() == [[1.0, 0.0], [20.0, 0.0]]


def test_clean_start_recentres_on_members_and_splits_the_most_distal_point():
    # Cluster 5's members moved to (0, 0) and (0, 2); cluster 7 has one member; one newcomer.
    points = np.array([[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [50.0, 50.0]])
    members = np.array([5, 5, 7, -1])
    centers, ids = polis_clean_start(points, members, 3)
    assert ids.tolist() == [5, 7, 8]
    assert centers.tolist() == [[0.0, 1.0], [10.0, 0.0], [50.0, 50.0]]
    # With k = 2 nothing is split off: the newcomer joins a cluster only in the k-means steps.
    centers, ids = polis_clean_start(points, members, 2)
    assert ids.tolist() == [5, 7]


def test_clean_start_merges_identical_centres_keeping_the_larger_clusters_id():
    points = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [4.0, 0.0]])
    members = np.array([2, 2, 3, 3])  # cluster 3 is centred at (2.5, 0.5): no merge
    assert polis_clean_start(points, members, 2)[1].tolist() == [2, 3]
    members = np.array([2, 2, 3, 9])
    points = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0], [4.0, 0.0]])
    centers, ids = polis_clean_start(points, members, 2)
    assert ids.tolist() == [2, 9]  # 2 (two members) absorbed 3 (one member), same centre
    assert centers.tolist() == [[1.0, 1.0], [4.0, 0.0]]


def test_polis_base_clusters_cold_start_takes_first_distinct_points():
    points = np.array([[0.0, 0.0], [0.0, 0.0], [5.0, 5.0], [0.1, 0.0], [5.0, 5.1]])
    labels, centers, ids = polis_base_clusters(points, k=2, max_iter=100)
    assert ids.tolist() == [0, 1]
    assert labels.tolist() == [0, 0, 1, 0, 1]
    np.testing.assert_allclose(centers, [[0.1 / 3, 0.0], [5.0, 5.05]])


def test_polis_group_clusters_warm_start_follows_membership_not_old_centres():
    """Two base clusters swap sides of the map: the groups keep their members (Pol.is)."""
    centers = np.array([[0.0, 0.0], [0.0, 1.0], [9.0, 0.0], [9.0, 1.0]])
    sizes = np.array([1.0, 1.0, 1.0, 1.0])
    labels, _, ids = polis_group_clusters(
        centers, sizes, 2, max_iter=20, previous_members=np.array([3, 3, 8, 8])
    )
    assert ids[labels].tolist() == [3, 3, 8, 8]
    labels, _, ids = polis_group_clusters(
        centers, sizes, 2, max_iter=20, previous_members=np.array([8, 8, 3, 3])
    )
    assert ids[labels].tolist() == [8, 8, 3, 3]


def test_polis_update_keeps_base_memberships():
    """Re-analysing the same votes warm-started from the last state changes nothing."""
    rng = np.random.default_rng(3)
    n_p, n_s = 60, 12
    side = np.where(np.arange(n_p) < 30, 1, -1)
    votes = np.where(rng.random((n_p, n_s)) < 0.85, side[:, None], -side[:, None])
    p, s = np.nonzero(np.ones((n_p, n_s)))
    m = VoteMatrix.from_records(p.tolist(), s.tolist(), votes[p, s])
    first = analyze(m, POLIS)
    second = analyze(m, POLIS, previous=first.state)
    assert first.state.base_members is not None and second.state.base_members is not None
    assert np.array_equal(first.state.base_members, second.state.base_members)
    assert np.array_equal(first.clustering.labels, second.clustering.labels)
    assert set(first.clustering.labels[:30].tolist()) != set(first.clustering.labels[30:].tolist())
