"""benchmarks/startup.py: the export it times and the analysis seconds it compares (no timings)."""

from __future__ import annotations

import pytest

from benchmarks.startup import ANALYSIS_STEPS, analysis_seconds, make_export
from meedenken.models.polis_export import read_export
from tests._polis_data import needs_data


def test_analysis_seconds_are_the_matrix_and_the_steps_red_dwarf_also_computes():
    seconds = {"read": 10.0, "matrix": 1.0, "bridging": 20.0, "total": 30.0, "diversity": 5.0,
               **{step: 0.5 for step in ANALYSIS_STEPS}}
    assert analysis_seconds(seconds) == pytest.approx(1.0 + 0.5 * len(ANALYSIS_STEPS))


@needs_data
def test_make_export_writes_a_readable_export_with_revotes(tmp_path):
    export = read_export(make_export(tmp_path / "export", 300))
    assert export.n_participants <= 300
    assert export.n_records > export.n_votes > 0  # some cells were voted twice
    matrix = export.to_matrix()
    assert matrix.n_votes == export.n_votes
