"""Every threshold and constant of the analysis, named once, with where it comes from.

Two presets exist. :data:`POLIS` reproduces what Pol.is computes, its quirks included (see
``shared/research/polis-math.md``). The default, :class:`AnalysisSettings()`, keeps the Pol.is
pipeline shape but differs where Pol.is is knowingly weak:

* PCA is solved to convergence by ARPACK (``scipy.sparse.linalg.svds``) instead of a fixed 100
  power iterations, and signs are aligned with the previous components, so maps do not flip.
* Base clusters use k-means++ (seeded) instead of "the first k distinct points in matrix order".
* The number of groups is chosen by cross-validated predictive log-loss of the votes (how well the
  groups predict held-back votes) instead of the silhouette of base-cluster centres, which favours
  two groups regardless of the data.
* Excluded (moderated-out, meta) statements are dropped, not zero-filled, so they neither count as
  "voted" in the projection scaling nor shrink it.
* The k smoother needs 2 consecutive updates instead of 4.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import InvalidSettingError

__all__ = ["POLIS", "AnalysisSettings"]


@dataclass(frozen=True)
class AnalysisSettings:
    """Settings of :func:`engine.analyze`; frozen, validated on construction."""

    #: Reproduce Pol.is exactly (power iteration, first-k init, silhouette k, zero-filled columns).
    polis_compatible: bool = False
    #: Largest number of opinion groups considered. Pol.is uses 5; we allow up to 10.
    max_groups: int = 5
    #: Force the number of groups (``None``: choose it).
    force_k: int | None = None
    #: Number of PCA components; Pol.is uses 2.
    n_components: int = 2
    #: Pol.is ``pca-iters``: power iterations per component (polis_compatible only).
    pca_iterations: int = 100
    #: Minimum votes to be clustered: min(7, n_statements) (Pol.is ``min-votes`` 7).
    min_votes: int = 7
    #: Pol.is "greedy-n": top voters added until this many participants are in conversation.
    greedy_n: int = 15
    #: Pol.is ``base-k``: number of base clusters.
    base_k: int = 100
    #: Pol.is ``base-iters``: Lloyd iterations for base clusters.
    base_iterations: int = 100
    #: Pol.is k-means convergence: every centre moved less than this.
    kmeans_tolerance: float = 0.01
    #: Pol.is group k-means iterations (the intended 100 is misspelled; 20 is what runs).
    group_iterations: int = 20
    #: Pol.is ``group-k-buffer``: a new k must win this many updates in a row.
    k_buffer: int = 4
    #: Pol.is max-k = min(5, 2 + n_base // 12): one more candidate k per this many base clusters.
    base_per_extra_k: int = 12
    #: One-sided 90% z threshold used for repness and consensus (Pol.is ``z-90``).
    z_threshold: float = 1.2816
    #: Representative statements kept per group (Pol.is takes 5).
    repness_per_group: int = 5
    #: Consensus statements kept per direction (Pol.is takes 5).
    consensus_count: int = 5
    #: Routing: priority of meta statements (Pol.is: 7**2).
    meta_priority: float = 49.0
    #: Routing novelty boost: 1 + novelty_boost * 2**(-S / novelty_half_life) (Pol.is: 8 and 5).
    novelty_boost: float = 8.0
    novelty_half_life: float = 5.0
    #: Default-mode folds for choosing k by predictive log-loss.
    k_cv_folds: int = 3
    #: Fit matrix-factorisation bridging (engine.bridging) as part of the analysis.
    bridging: bool = True
    #: Live updates refit bridging once the votes grew this much (or a statement is new);
    #: in between they carry the last fit, which costs far more than the rest of an update.
    bridging_refit_growth: float = 0.10

    def __post_init__(self) -> None:
        if not 2 <= self.max_groups <= 10:
            raise InvalidSettingError(f"max_groups must be in 2..10, got {self.max_groups!r}")
        if self.force_k is not None and not 1 <= self.force_k <= 10:
            raise InvalidSettingError(f"force_k must be in 1..10 or None, got {self.force_k!r}")
        if self.n_components < 1:
            raise InvalidSettingError(f"n_components must be >= 1, got {self.n_components!r}")
        for name in (
            "pca_iterations",
            "min_votes",
            "greedy_n",
            "base_k",
            "base_iterations",
            "group_iterations",
            "k_buffer",
            "base_per_extra_k",
            "repness_per_group",
            "consensus_count",
            "k_cv_folds",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise InvalidSettingError(f"{name} must be a positive integer, got {value!r}")

    @property
    def k_buffer_effective(self) -> int:
        """Updates in a row a new k must win: Pol.is 4, default 2."""
        return self.k_buffer if self.polis_compatible else min(self.k_buffer, 2)

    def with_(self, **changes: object) -> AnalysisSettings:
        """A copy with some settings changed (validated again)."""
        return replace(self, **changes)  # type: ignore[arg-type]


#: The Pol.is-compatible preset.
POLIS = AnalysisSettings(polis_compatible=True)
