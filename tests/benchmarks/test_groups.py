"""benchmarks.groups: where the planted k is lost is read off the recorded steps."""

from __future__ import annotations

from types import SimpleNamespace

from benchmarks.groups import _held_out_k, _totals
from meedenken.engine.result import KStep


def _result(*steps: KStep) -> SimpleNamespace:
    return SimpleNamespace(clustering=SimpleNamespace(stability=SimpleNamespace(steps=steps)))


def test_held_out_k_names_the_bootstrap_refusal() -> None:
    class_step = KStep(2, 3, None, "another latent class predicts held-out votes better", "class")
    refused = KStep(3, 2, None, "not reproducible (bootstrap Jaccard): smallest group mean 0.42 "
                    "< 0.75", "unstable")
    assert _held_out_k(_result(KStep(1, 2, None, "", "class"), class_step, refused)) == "3(0.42)"
    assert _held_out_k(_result(KStep(1, 2, None, "", "class"))) == "2"
    # The map's own refusal before the classes were sought is not the classes'.
    map_refused = KStep(2, 1, None, "not reproducible (bootstrap Jaccard): smallest group mean "
                        "0.39 < 0.75", "unstable")
    assert _held_out_k(_result(map_refused, KStep(1, 2, None, "", "class"))) == "2"
    assert _held_out_k(_result(KStep(1, 1, None, "", "classes_continuum"))) == "-"


def test_totals_split_the_lost_runs() -> None:
    # (planted k, sizes, density, map k's, right, ARI, default k's, right, ARI, oracle, z, lost)
    rows = [
        (2, "50/50", "0.10", "2 2", 2, 0.9, "2 2", 2, 0.9, 0.9, "- -", "2 2"),
        (3, "60/30/10", "0.10", "2 1", 0, 0.5, "2 1", 0, 0.5, 0.7, "- 0.5", "3(0.42) -"),
        (4, "40/30/20/10", "0.15", "2 2", 0, 0.5, "4 3", 1, 0.7, 0.8, "- -", "4 3"),
        (4, "40/30/20/10", "0.30", "3 3", 0, 0.6, "4 4", 2, 0.8, 0.9, "- -", "4 4"),
    ]
    text = _totals(rows)
    assert "default 5 of 8; three or more groups: map only 0 of 6, default 3 of 6" in text
    assert ("three or more below 30% density: default 1 of 4, classes sought in 3, the held-out "
            "rule reached the planted k in 2, the bootstrap Jaccard took it down in 1.") in text
