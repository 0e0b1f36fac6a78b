"""Participation funnel, votes per voter, Gini, density and time series, by hand."""

from __future__ import annotations

import numpy as np
import pytest

from meedenken.engine.diversity_settings import DiversitySettings
from meedenken.engine.errors import EngineError
from meedenken.engine.participation import DAY, HOUR, gini, participation


def _example():
    # 4 participants joined at 0 s, 100 s, 3700 s (hour 1) and 90000 s (day 1, hour 25).
    # p0 votes s0 at 10, s1 at 20 and changes s0 at 30; p1 votes s0 at 200; p2 votes s1 at 4000.
    # Statements: s0 seed at 0 (accepted), s1 by p0 at 50 (accepted), s2 by p2 at 3800 (rejected).
    return participation(
        join_times=np.array([0.0, 100, 3700, 90000]),
        vote_participants=np.array([0, 0, 0, 1, 2]),
        vote_statements=np.array([0, 1, 0, 0, 1]),
        vote_times=np.array([10.0, 20, 30, 200, 4000]),
        statement_times=np.array([0.0, 50, 3800]),
        statement_states=np.array(["accepted", "accepted", "rejected"]),
        statement_authors=np.array([-1, 0, 2]),
    )


def test_funnel_and_density_by_hand():
    r = _example()
    # joined 4, voted 3 (p3 never voted), wrote 2 (p0, p2)
    assert (r.n_joined, r.n_voted, r.n_wrote) == (4, 3, 2)
    # distinct cells (0,0), (0,1), (1,0), (2,1) = 4; density 4 / (3 voters x 3 statements)
    assert r.n_votes == 4 and r.density == pytest.approx(4 / 9)
    assert r.statements_by_state == {"accepted": 2, "rejected": 1}
    # in conversation needs min(7, 3) = 3 distinct votes: nobody
    assert r.n_in_conversation == 0 and r.in_conversation_votes == 3


def test_in_conversation_follows_the_analysis_min_votes():
    """The analysis's AnalysisSettings.min_votes is the one home of the rule: given 2, p0 (two
    distinct statements) is in conversation."""
    base = _example()
    r = participation(np.array([0.0, 100, 3700, 90000]), np.array([0, 0, 0, 1, 2]),
                      np.array([0, 1, 0, 0, 1]), np.array([10.0, 20, 30, 200, 4000]),
                      np.array([0.0, 50, 3800]), np.array(["accepted", "accepted", "rejected"]),
                      np.array([-1, 0, 2]), min_votes=2)
    assert (r.n_in_conversation, r.in_conversation_votes) == (1, 2)
    assert base.n_in_conversation == 0


def test_votes_per_voter_by_hand():
    d = _example().votes_per_voter
    # votes per voter [2, 1, 1]: mean 4/3, median 1, max 2
    assert (d.n_voters, d.mean, d.median, d.max) == (3, pytest.approx(4 / 3), 1.0, 2)
    # Gini: sum over ordered pairs |xi - xj| = 4 (four pairs of 1 and 2); 2 n^2 mean = 2*9*4/3 = 24
    assert d.gini == pytest.approx(4 / 24)
    # top 10 % = ceil(0.3) = 1 voter with 2 of the 4 votes
    assert d.top10_share == pytest.approx(0.5)
    # edges from linspace(1, 3, 21) rounded: [1, 2, 3]; voters with 1 vote: 2, with 2: 1
    assert d.edges.tolist() == [1, 2, 3] and d.counts.tolist() == [2, 1]


def test_hourly_and_daily_series_by_hand():
    r = _example()
    h = r.hourly
    # first event at 0 s, last at 90000 s = hour 25 -> 26 hourly bins
    assert h.bin_seconds == HOUR and len(h.start) == 26 and h.start[1] == 3600
    assert h.joined[:2].tolist() == [2, 1] and h.joined[25] == 1 and h.joined.sum() == 4
    # first votes: p0 at 10, p1 at 200 (hour 0), p2 at 4000 (hour 1)
    assert h.new_voters[:2].tolist() == [2, 1]
    # vote records (a changed vote counts): 10, 20, 30, 200 in hour 0; 4000 in hour 1
    assert h.votes[:2].tolist() == [4, 1] and h.votes.sum() == 5
    assert h.new_writers[:2].tolist() == [1, 1]
    assert h.statements["accepted"][0] == 2 and h.statements["rejected"][1] == 1
    d = r.daily
    assert d.bin_seconds == DAY and d.start.tolist() == [0, 86400]
    assert d.joined.tolist() == [3, 1] and d.votes.tolist() == [5, 0]


def test_gini_by_hand():
    # [1, 1, 1, 5]: pairs |1-5| = 4, three such unordered pairs -> 6 ordered x 4 = 24;
    # 2 n^2 mean = 2 * 16 * 2 = 64 -> 0.375
    assert gini(np.array([1, 1, 1, 5])) == pytest.approx(0.375)
    assert gini(np.array([3, 3, 3])) == 0.0
    assert gini(np.array([])) == 0.0
    # one person does everything among n = 4: 1 - 1/n = 0.75
    assert gini(np.array([0, 0, 0, 8])) == pytest.approx(0.75)
    with pytest.raises(EngineError):
        gini(np.array([-1, 2]))


def test_empty_conversation_and_bad_input():
    r = participation(
        np.zeros(0),
        np.zeros(0, int),
        np.zeros(0, int),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0, str),
        np.zeros(0, int),
    )
    assert (r.n_joined, r.n_voted, r.density, len(r.hourly.start)) == (0, 0, 0.0, 0)
    with pytest.raises(EngineError, match="differ in length"):
        participation(
            np.zeros(2),
            np.zeros(1, int),
            np.zeros(2, int),
            np.zeros(1),
            np.zeros(0),
            np.zeros(0, str),
            np.zeros(0, int),
        )
    with pytest.raises(EngineError, match="vote_participants"):
        participation(
            np.zeros(1),
            np.array([3]),
            np.array([0]),
            np.zeros(1),
            np.zeros(1),
            np.array(["accepted"]),
            np.array([-1]),
        )
    # a timestamp in ms where seconds are expected spans far too many hours
    with pytest.raises(EngineError, match="max_time_bins"):
        participation(
            np.array([0.0, 1.7e12]),
            np.zeros(0, int),
            np.zeros(0, int),
            np.zeros(0),
            np.zeros(0),
            np.zeros(0, str),
            np.zeros(0, int),
            DiversitySettings(),
        )


def test_long_dialogue_has_daily_but_no_hourly_series():
    # three years between the first and the last join: 1096 days, ~26,000 hours > 2 years' worth
    three_years = 3 * 365.25 * 86400
    r = participation(
        np.array([0.0, three_years]),
        np.zeros(0, int),
        np.zeros(0, int),
        np.zeros(0),
        np.zeros(0),
        np.zeros(0, str),
        np.zeros(0, int),
    )
    assert r.hourly is None
    assert len(r.daily.start) == 1096 and r.daily.joined.sum() == 2


def test_golden_polis_export_seattle():
    """15-per-hour-seattle (Pol.is export, CC BY 4.0, see shared/data/polis/README.md):
    the funnel must match the export's own summary.csv: 339 voters, 33 commenters, 54 comments."""
    pd = pytest.importorskip("pandas")
    base = "/work/shared/data/polis/15-per-hour-seattle/"
    try:
        votes, comments = pd.read_csv(base + "votes.csv"), pd.read_csv(base + "comments.csv")
    except FileNotFoundError:
        pytest.skip("shared Pol.is data not available")
    people = np.union1d(votes["voter-id"].unique(), comments["author-id"].unique())
    p_index = {p: i for i, p in enumerate(people)}
    comments = comments.sort_values("comment-id")
    s_index = {s: j for j, s in enumerate(comments["comment-id"])}
    vote_times = votes["timestamp"].to_numpy() / 1000  # the export gives milliseconds
    vp = votes["voter-id"].map(p_index).to_numpy()
    join = np.full(len(people), np.nan)  # exports have no join time: first vote stands in
    np.fmin.at(join, vp, vote_times)
    r = participation(
        join,
        vp,
        votes["comment-id"].map(s_index).to_numpy(),
        vote_times,
        comments["timestamp"].to_numpy() / 1000,
        comments["moderated"].map({1: "accepted", 0: "unmoderated", -1: "rejected"}).to_numpy(),
        comments["author-id"].map(p_index).to_numpy(),
    )
    assert (r.n_voted, r.n_wrote, r.n_statements) == (339, 33, 54)
    assert r.statements_by_state == {"accepted": 30, "rejected": 23, "unmoderated": 1}
    assert r.votes_per_voter.n_voters == 339 and 0 < r.votes_per_voter.gini < 1
    # the dialogue ran from 2014 to 2019: daily series only
    assert r.hourly is None and r.daily.votes.sum() == len(votes)


def test_unknown_times_are_left_out_of_the_series(recwarn):
    # votes rebuilt without timestamps (NaN): counted in the funnel, absent from the series
    r = participation(
        np.array([np.nan, 100.0]),
        np.array([0, 1]),
        np.array([0, 0]),
        np.array([np.nan, 200.0]),
        np.array([50.0]),
        np.array(["accepted"]),
        np.array([-1]),
    )
    assert (r.n_voted, r.n_votes) == (2, 2)
    assert r.daily.votes.tolist() == [1] and r.daily.new_voters.tolist() == [1]
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]
