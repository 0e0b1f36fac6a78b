"""benchmarks.first_axis_skew: a 10% minority makes the first axis lopsided, a cloud does not."""

from benchmarks.first_axis_skew import room_skew, summary
from benchmarks.independent_groups import SCENARIOS, planted_groups


def test_a_ten_percent_minority_skews_the_first_axis_and_a_cloud_does_not() -> None:
    minority = room_skew(planted_groups(SCENARIOS["G2 90/10"], 10).matrix, shuffles=10)
    cloud = room_skew(planted_groups(SCENARIOS["cloud2d"], 10).matrix, shuffles=10)
    assert minority["skew"][0] > 1.0 and minority["z"][0] > 4.0
    assert cloud["skew"][0] < 0.3 and cloud["z"][0] < 2.0
    # The shuffled null is itself skewed a little (finite rooms): read z, not the raw figure.
    assert 0.0 < cloud["null_mean"][0] < 0.6
    table = summary([{"kind": "planted", "name": "G2 90/10", **minority},
                     {"kind": "continuum", "name": "cloud2d", **cloud}])
    assert "| planted | G2 90/10 | 1 |" in table
