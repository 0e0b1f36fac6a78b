"""How often the honest labels of issue 15 change what a reader sees, on the shared exports.

For each export (default settings, seed 0): representative rows, how many did not pass the
one-sided 90% test (Pol.is's fallback rows, now ``passes_test: false``), how many best-agree
rows Pol.is's rule would have written out as *disagree* statements, consensus statements whose
95% interval reaches 50% (no longer "most participants"), and the moderation counts.

Run from the repository root: ``python -m benchmarks.honest_labels``. Prints a Markdown table.
"""

from __future__ import annotations

from meedenken.api.present.wording import MAJORITY_NOT_CERTAIN, NO_MAJORITY, majority_wording
from meedenken.engine import analyze
from meedenken.engine.repness import representative_statements
from meedenken.models.polis_export import read_export

from .common import data_dir, export_names


def main() -> None:
    print("| export | groups | rep. rows | not passing | best-agree shown as disagree by "
          "Pol.is's rule | consensus | interval reaches 50% | rejected left out | "
          "unmoderated kept |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in export_names():
        export = read_export(data_dir() / name)
        matrix = export.to_matrix()
        result = analyze(matrix, random_state=0)
        rows = [r for reps in result.repness.values() for r in reps]
        gv = result.group_votes.astype(float)
        polis_rows = representative_statements(gv[..., 0], gv[..., 1], gv[..., 2],
                                               result.statement_ids, matrix.active,
                                               polis_sides=True)
        flipped = sum(r.repful_for == "disagree" for reps in polis_rows for r in reps
                      if r.best_agree)
        consensus = [*result.consensus_agree, *result.consensus_disagree]
        uncertain = sum(majority_wording(c.n_success, c.n_trials) in
                        (MAJORITY_NOT_CERTAIN, NO_MAJORITY) for c in consensus)
        counts = export.moderation_counts()
        print(f"| {name} | {result.k} | {len(rows)} | "
              f"{sum(not r.passes_test for r in rows)} | {flipped} | {len(consensus)} | "
              f"{uncertain} | {counts['moderated_out']} | {counts['unmoderated_kept']} |")


if __name__ == "__main__":
    main()
