"""The shared queries of api/store.py, against SQLite and PostgreSQL."""

from __future__ import annotations

import time

import numpy as np
import pytest
from sqlmodel import Session

from meedenken.api import store
from meedenken.models.tables import AnalysisSnapshot, Conversation, Moderation, Statement

from .helpers import make_dialogue


def _snapshot(session: Session, cid: int, version: int) -> None:
    session.add(AnalysisSnapshot(conversation_id=cid, version=version,
                                 priorities={"1": float(version)},
                                 result={"version": version}))


def test_the_latest_snapshot_is_the_highest_version_of_that_conversation(client):
    engine = client.app.state.service.engine
    d, other = make_dialogue(client, participants=0), make_dialogue(client, participants=0)
    with Session(engine) as session:
        assert store.latest_snapshot(session, d.id) is None
        assert store.latest_version(session, d.id) == 0
        assert store.latest_priorities(session, d.id) == {}
        assert store.latest_result(session, d.id) is None
        for version in (1, 3, 2):  # stored out of order
            _snapshot(session, d.id, version)
        _snapshot(session, other.id, 9)
        session.commit()
    with Session(engine) as session:
        latest = store.latest_snapshot(session, d.id)
        assert latest is not None and latest.version == 3
        assert store.latest_version(session, d.id) == 3
        assert store.latest_priorities(session, d.id) == {"1": 3.0}
        assert store.latest_result(session, d.id) == {"version": 3}
        assert store.latest_version(session, other.id) == 9


@pytest.mark.parametrize("strict", [False, True])
def test_visible_statements_leave_out_what_participants_do_not_see(client, strict):
    engine = client.app.state.service.engine
    d = make_dialogue(client, participants=0, strict_moderation=strict)
    other = make_dialogue(client, participants=0)
    with Session(engine) as session:
        rejected = session.get(Statement, d.statements[1])
        assert rejected is not None
        rejected.moderation = Moderation.rejected
        pending = Statement(conversation_id=d.id, text="Nog niet gemodereerd",
                            moderation=Moderation.pending)
        session.add_all([rejected, pending])
        session.commit()
        session.refresh(pending)
        conv = session.get(Conversation, d.id)
        assert conv is not None
        shown = store.visible_statements(session, conv)
        every = store.conversation_statements(session, d.id)
    expected = [d.statements[0], *d.statements[2:]] + ([] if strict else [pending.id])
    assert [sid for sid, _ in shown] == expected
    assert all(isinstance(text, str) and text for _, text in shown)
    assert [s.id for s in every] == [*d.statements, pending.id]  # every state, id order
    assert not set(other.statements) & {s.id for s in every}
    # One rule: what participants do not see is what the analysis leaves out.
    hidden = store.hidden_states(strict)
    assert [s.id for s in every if s.moderation not in hidden] == expected


def test_vote_history_is_every_vote_cast_in_commit_order(client):
    engine = client.app.state.service.engine
    d = make_dialogue(client, participants=2)
    other = make_dialogue(client, participants=1)
    before = time.time()
    s = d.statements
    for statement, value, who in [(s[0], 1, 0), (s[1], -1, 0), (s[0], 0, 0), (s[2], 1, 1)]:
        assert d.vote(statement, value, i=who).status_code == 201
    assert other.vote(other.statements[0], 1).status_code == 201
    with Session(engine) as session:
        votes = store.vote_history(session, d.id, with_times=True)
        plain = store.vote_history(session, d.id)
        later = store.vote_history(session, d.id, after_id=int(votes.ids[1]))
        none = store.vote_history(session, d.id + 1000)
    assert len(votes) == 4 and np.all(np.diff(votes.ids) > 0)
    assert votes.statement_ids.tolist() == [s[0], s[1], s[0], s[2]]
    assert votes.values.tolist() == [1, -1, 0, 1] and votes.values.dtype == np.int8
    pids = votes.participant_ids.tolist()
    assert pids[0] == pids[1] == pids[2] != pids[3]
    assert np.all(votes.cast_at >= before - 1) and np.all(np.diff(votes.cast_at) >= 0)
    # Without times: the same votes, and no times to be had.
    assert plain.ids.tolist() == votes.ids.tolist() and plain.times is None
    with pytest.raises(ValueError, match="without their times"):
        _ = plain.cast_at
    assert later.ids.tolist() == votes.ids[2:].tolist()
    assert len(none) == 0 and none.values.dtype == np.int8
    kept = votes.where(votes.values != 0)
    assert kept.statement_ids.tolist() == [s[0], s[1], s[2]] and len(kept.cast_at) == 3
