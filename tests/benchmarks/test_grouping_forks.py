"""benchmarks.grouping_forks: the runs' evidence pooled where they part ways, by hand."""

import doctest

import pytest

import benchmarks.grouping_forks as forks
import benchmarks.grouping_seeds as seeds
from benchmarks.grouping_forks import current_k, pooled_k, record_room
from meedenken.engine.synthetic import continuous_conversation


def _map_then_classes(k: int, split_p: float, jaccard: float | None,
                      class3_z: float | None = None) -> dict:
    """A run whose map splits the room in two (p), whose map groups' bootstrap gives
    ``jaccard`` (below 0.75: undone, no classes sought), then classes 2 and maybe 3."""
    steps = [["split", 1, 2, None, split_p], ["continuum", 2, 2, None, 0.3]]
    jac = [["map", 2, jaccard]]
    if jaccard < 0.75:
        return {"k": 1, "jac": jac, "steps": [*steps, ["unstable", 2, 1, None, None],
                                               ["classes_continuum", 1, 1, 1.0, None],
                                               ["no_third_axis", 1, 1, None, None]]}
    steps.append(["class", 1, 2, 5.8, None])
    if class3_z >= 1.6449:
        steps += [["class", 2, 3, class3_z, None], ["held_out", 3, 3, -1.0, None]]
    else:
        steps.append(["held_out", 2, 2, class3_z, None])
    jac.append(["class", k, 0.9])
    return {"k": k, "jac": jac, "steps": [*steps, ["classes_not_trait", k, k, 0.1, None]]}


def _class_test(k: int, z: float) -> dict:
    """A run whose map sees one continuum and whose class test gives z."""
    found = z >= 3
    steps = [["continuum", 1, 1, None, 0.2],
             ["classes" if found else "classes_continuum", 1, 1, z, None]]
    if found:
        steps += [["class", 1, 2, 4.3, None], ["class_too_small", 2, 2, None, None],
                  ["classes_not_trait", 2, 2, 1.0, None]]
    return {"k": k, "jac": [["class", 2, 0.95]] if found else [], "steps": steps}


@pytest.mark.parametrize(
    ("runs", "counted", "pooled"),
    [
        # Four of nine runs pass the class test at z 3.5, five fail it at 2.9: too few to count
        # (6 of 9 needed), but the mean z (3.17) is above the line of 3.
        ([_class_test(1, 2.9), _class_test(2, 3.5)] * 4 + [_class_test(1, 2.9)], 1, 2),
        # Six of nine pass at 3.1, three fail at 0.5: counted, but the mean z is 2.23.
        ([_class_test(2, 3.1)] * 6 + [_class_test(1, 0.5)] * 3, 2, 1),
        # The map's groups reproduce in 5 of 9 bootstraps (0.78) and fail in 4 (0.74): mean
        # 0.762 >= 0.75; then a third class in 2 of the 5 at z 1.8, not in 3 at z 0.9: mean
        # 1.26 < 1.645, so k = 2.
        ([_map_then_classes(3, 0.001, 0.78, 1.8), _map_then_classes(2, 0.001, 0.78, 0.9),
          _map_then_classes(1, 0.001, 0.74)] * 2
         + [_map_then_classes(2, 0.001, 0.78, 0.9)] + [_map_then_classes(1, 0.001, 0.74)] * 2,
         1, 2),
        # All nine pass the map and its bootstrap; a third class in 5 of them at z 1.7, not in 4
        # at 1.5: mean 1.61 < 1.645, so 2 where the counts give 3.
        ([_map_then_classes(3, 0.001, 0.8, 1.7), _map_then_classes(2, 0.001, 0.8, 1.5)] * 4
         + [_map_then_classes(3, 0.001, 0.8, 1.7)], 3, 2),
    ],
)
def test_pooled_rule_by_hand(runs: list, counted: int, pooled: int) -> None:
    assert current_k([r["k"] for r in runs])[0] == counted
    assert pooled_k(runs)[0] == pooled


def test_the_modules_examples_run() -> None:
    for module in (forks, seeds):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0


def test_a_cloud_is_recorded_with_all_nine_runs() -> None:
    matrix = continuous_conversation(150, 30, density=0.3, random_state=0)
    (record,) = record_room("cloud", matrix, [0])
    assert len(record["runs"]) == 9
    assert all(r["k"] == 1 and r["steps"] for r in record["runs"])
    assert pooled_k(record["runs"])[0] == 1
