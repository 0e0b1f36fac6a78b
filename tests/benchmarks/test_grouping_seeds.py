"""benchmarks.grouping_seeds: a room at two grouping seeds, every run's k recorded."""

import numpy as np

from benchmarks.grouping_seeds import analyse_room, room_row
from meedenken.engine.synthetic import continuous_conversation


def test_a_cloud_at_two_grouping_seeds_has_no_groups_and_records_every_run() -> None:
    matrix = continuous_conversation(150, 30, density=0.3, random_state=0)
    records, labels = analyse_room("cloud", matrix, range(2))
    assert [r["seed"] for r in records] == [0, 1]
    assert all(r["k"] == 1 and r["runs"] == [1, 1] and r["cpu_s"] > 0 for r in records)
    assert all(isinstance(x, np.ndarray) for x in labels)
    name, ks, aris, _, runs, every = room_row("cloud", records, labels)
    assert (name, ks, aris, runs, every) == ("cloud", "1 1", "1.00 / 1.00", "2-2", "1 x4")
