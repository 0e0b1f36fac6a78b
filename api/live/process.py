"""What changed across the rounds of a trajectory (issue 21): ``GET /conversations/{id}/process``.

:func:`process_answer` reads each round's participants, the people who came back, the votes on
the carried statements and each round's latest opinion groups, and counts, with numpy:

* per round: participants, returning (took part in an earlier round), new, votes;
* per carried statement and round: agree / disagree / pass overall, per opinion group and per
  declared role (groups and roles with fewer voters than the small-cell minimum left out), and
  between consecutive rounds the paired shift of the people who voted in both
  (:func:`meedenken.engine.shift.paired_shift`);
* retention from each round to the next: overall, by role and by join question, with the
  small-cell rule of the diversity report (:func:`meedenken.engine.diversity.suppress_cells`).

The queries read only what is counted (the votes on carried statements packed per statement,
the participants grouped by role and answers; :mod:`.process_cache`), two rounds at a time on
connections of their own, so five rounds of 20,000 people answer within about a second
(benchmarks/rounds.py).
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from sqlmodel import Session, col, select

from meedenken.api.present.trajectory import (
    CarriedRound,
    CarriedStatementAnswer,
    Counts,
    ProcessAnswer,
    RetentionAnswer,
    RetentionCell,
    RoundSummary,
    ShiftAnswer,
)
from meedenken.engine.diversity import suppress_cells
from meedenken.engine.shift import VOTE_ORDER, paired_shift
from meedenken.models.tables import Conversation, Statement
from meedenken.models.trajectory import (
    CarriedStatement,
    TrajectoryRound,
)

from .process_cache import RoundData, lookup, round_data
from .rounds import round_of, rounds_of

__all__ = ["carried_ids", "process_answer"]

_NAMES = {1: "agree", -1: "disagree", 0: "pass"}
#: Distinct answer combinations whose parse is remembered (age band x area x ... of a region).
ANSWER_TEXTS_CACHED = 20_000
#: Rounds read at once, each on a connection of its own: a round's first reading is about half
#: database work and half parsing here, so two rounds at a time keep two cores busy (the
#: service's machine has two; benchmarks/rounds.py measures it).
READ_THREADS = 2


def carried_ids(session: Session, conversation_ids: Sequence[int]) -> dict[int, dict[int, int]]:
    """origin id -> {conversation id -> statement id} for the carried statements of the rounds
    (the origin statement itself included, in its own round)."""
    rows = session.exec(select(CarriedStatement.origin_id, CarriedStatement.conversation_id,
                               CarriedStatement.statement_id).where(
        col(CarriedStatement.conversation_id).in_(list(conversation_ids)))).all()
    chains: dict[int, dict[int, int]] = defaultdict(dict)
    for origin, conv, sid in rows:
        chains[origin][conv] = sid
    if chains:
        for first, home in session.exec(select(Statement.id, Statement.conversation_id).where(
                col(Statement.id).in_(list(chains)))).all():
            chains[first][home] = first  # type: ignore[index,assignment]
    return dict(chains)


def _counts(values: np.ndarray) -> Counts:
    n = np.bincount(values + 1, minlength=3)
    return Counts(agree=int(n[2]), disagree=int(n[0]), **{"pass": int(n[1])})


def _by(values: np.ndarray, labels: np.ndarray, names: Sequence[str], k: int) -> dict[str, Counts]:
    """Counts per label (index into ``names``; -1 = none), labels of fewer than k voters left
    out."""
    keep = labels >= 0
    cells = np.bincount(labels[keep] * 3 + values[keep] + 1,
                        minlength=3 * len(names)).reshape(-1, 3)
    return {name: Counts(agree=int(c[2]), disagree=int(c[0]), **{"pass": int(c[1])})
            for name, c in zip(names, cells, strict=False) if c.sum() >= k}


def _hide(n: int, k: int) -> int | None:
    return None if 0 < n < k else n


def _split_hidden(returning: int, new: int, k: int) -> bool:
    """Whether a round's returning / new split is hidden: when both are people and either is
    under ``k`` (both go, as their sum, the round's participants, is shown; a split with an
    empty side says no more than the total)."""
    return returning > 0 and new > 0 and min(returning, new) < k


def _shift(before: np.ndarray, after: np.ndarray, rounds: tuple[int, int], k: int) -> ShiftAnswer:
    s = paired_shift(before, after)
    shown = s.n_pairs >= k
    # n_pairs is itself a count of returning people: under k it is hidden too (0 is shown)

    def num(x: float) -> float | None:
        return round(float(x), 4) if shown and np.isfinite(x) else None

    def count(x: int) -> int | None:
        return x if shown else None

    table = ({_NAMES[b]: {_NAMES[a]: int(s.transitions[i, j]) for j, a in enumerate(VOTE_ORDER)}
              for i, b in enumerate(VOTE_ORDER)} if shown else None)
    return ShiftAnswer(
        from_round=rounds[0], to_round=rounds[1], n_pairs=_hide(s.n_pairs, k),
        changed=count(s.changed),
        to_agree=count(s.to_agree), to_disagree=count(s.to_disagree), to_pass=count(s.to_pass),
        transitions=table, agree_before=num(s.agree_before), agree_after=num(s.agree_after),
        agree_change=num(s.agree_change), agree_change_low=num(s.agree_change_low),
        agree_change_high=num(s.agree_change_high), disagree_change=num(s.disagree_change),
        disagree_change_low=num(s.disagree_change_low),
        disagree_change_high=num(s.disagree_change_high),
        agree_p_value=num(s.agree_p_value))


@dataclass
class _Round:
    """One round as the process counts it."""

    conv: Conversation
    number: int
    data: RoundData
    role_codes: np.ndarray  # parallel to data.participant_ids, index into roles, -1 none

    @property
    def participant_ids(self) -> np.ndarray:
        return self.data.people.ids


def _read_rounds(session: Session, wanted: Sequence[tuple[Conversation, list[int]]],
                 ) -> list[RoundData]:
    """Every round's :class:`RoundData` (conversation, carried statement ids), in order; up to
    :data:`READ_THREADS` rounds at once, each on a connection of its own."""
    if len(wanted) < 2 or READ_THREADS < 2:
        return [round_data(session, conv, ids)[0] for conv, ids in wanted]
    bind = session.get_bind()

    def read(item: tuple[Conversation, list[int]]) -> RoundData:
        with Session(bind) as own:
            return round_data(own, *item)[0]

    with ThreadPoolExecutor(max_workers=min(READ_THREADS, len(wanted))) as pool:
        return list(pool.map(read, wanted))


def _read_round(data: RoundData, conv: Conversation, number: int,
                roles: dict[str, int]) -> _Round:
    to_global = np.array([roles.setdefault(n, len(roles)) for n in data.people.role_names]
                         + [-1], dtype=np.int64)
    codes = to_global[data.people.role_index]  # -1 (no role) picks the last entry, -1
    return _Round(conv, number, data, codes)


def _retention(before: _Round, after: _Round, k: int) -> RetentionAnswer:
    """Who of ``before``'s participants came back in ``after`` (their person is linked to a
    participant of ``after``), overall, by role and by join answer: counted from what both
    rounds' readings hold, per (role, answers) combination, so no query and no per-person
    loop."""
    people = before.data.people
    person = lookup(people.ids, before.data.person_pids, before.data.person_codes)
    returned = ((person >= 0) & np.isin(person, after.data.person_codes)).astype(np.int64)
    # one row per answer combination, one column per role (column 0: no role); explicit
    # shape, so a round nobody joined gives a (0, roles + 1) table rather than an error
    shape = (len(people.answer_texts), len(people.role_names) + 1)
    cell = people.answer_index * shape[1] + people.role_index + 1
    n = np.bincount(cell, minlength=shape[0] * shape[1]).reshape(shape)
    back = np.bincount(cell, weights=returned, minlength=shape[0] * shape[1]) \
        .astype(np.int64).reshape(shape)
    by_role: dict[str, list[int]] = {
        name: [int(n[:, i + 1].sum()), int(back[:, i + 1].sum())]
        for i, name in enumerate(people.role_names) if n[:, i + 1].sum()}
    by_answer: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row, text in enumerate(people.answer_texts):
        for question, answer in _answers(text).items():
            cell_count = by_answer[question][answer]
            cell_count[0] += int(n[row].sum())
            cell_count[1] += int(back[row].sum())
    total = (int(n.sum()), int(back.sum()))
    return RetentionAnswer(
        from_round=before.number, to_round=after.number,
        overall=RetentionCell(before=_hide(total[0], k), returned=_hide(total[1], k)),
        by_role=_cells(by_role, k),
        by_question={q: _cells(cells, k) for q, cells in sorted(by_answer.items())})


@functools.lru_cache(maxsize=ANSWER_TEXTS_CACHED)
def _answers(text: str | None) -> dict[str, str]:
    """The join questions' answers of a participant, as text (questions with no answer left
    out). Remembered: the same few answer combinations recur in every round. The caller must
    not change the dict."""
    if not text or text == "null":
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(q): str(a) for q, a in value.items() if a is not None and a != ""}


def _cells(cells: Mapping[str, list[int]], k: int) -> dict[str, RetentionCell]:
    names = sorted(cells)
    before = np.array([cells[n][0] for n in names], dtype=np.int64)
    returned = np.array([cells[n][1] for n in names], dtype=np.int64)
    hide_before = suppress_cells(before, k) if len(names) else np.zeros(0, bool)
    hide_back = suppress_cells(returned, k) | hide_before if len(names) else hide_before
    return {n: RetentionCell(before=None if hide_before[i] else int(before[i]),
                             returned=None if hide_back[i] else int(returned[i]))
            for i, n in enumerate(names)}


def process_answer(session: Session, conversation_id: int, k: int) -> ProcessAnswer:
    """The trajectory of ``conversation_id`` (the conversation alone if it is in none)."""
    place = round_of(session, conversation_id)
    if place is None:
        conv = session.get(Conversation, conversation_id)
        assert conv is not None  # the route found it
        places = [TrajectoryRound(conversation_id=conversation_id, trajectory_id=0, number=1)]
    else:
        places = rounds_of(session, place.trajectory_id)
    convs = {c.id: c for c in session.exec(select(Conversation).where(
        col(Conversation.id).in_([p.conversation_id for p in places]))).all()}
    chains = (carried_ids(session, [p.conversation_id for p in places])
              if place is not None else {})
    roles: dict[str, int] = {}
    wanted = [(convs[p.conversation_id], sorted(ids[p.conversation_id] for ids in chains.values()
                                                if p.conversation_id in ids)) for p in places]
    rounds = [_read_round(data, conv, p.number, roles)  # in round order: the role codes
              for data, (conv, _), p in zip(_read_rounds(session, wanted), wanted, places,
                                            strict=True)]
    role_names = sorted(roles, key=roles.__getitem__)
    summaries = []
    seen = np.zeros(0, dtype=np.int64)
    for r in rounds:
        mine = r.data.person_codes
        returning = int(np.isin(mine, seen).sum())
        seen = np.union1d(seen, mine)
        n = len(r.participant_ids)
        hidden = _split_hidden(returning, n - returning, k)
        summaries.append(RoundSummary(id=r.conv.id, round=r.number, topic=r.conv.topic,  # type: ignore[arg-type]
                                      is_open=r.conv.is_open, participants=n,
                                      returning=None if hidden else returning,
                                      new=None if hidden else n - returning,
                                      votes=r.data.votes))
    carried = _carried(session, rounds, chains, role_names, k)
    retention = [_retention(a, b, k) for a, b in pairwise(rounds)]
    return ProcessAnswer(trajectory_id=place.trajectory_id if place else None, min_cell_size=k,
                         rounds=summaries, carried=carried, retention=retention)


def _carried(session: Session, rounds: list[_Round], chains: Mapping[int, Mapping[int, int]],
             role_names: list[str], k: int) -> list[CarriedStatementAnswer]:
    if not chains:
        return []
    every = [sid for ids in chains.values() for sid in ids.values()]
    texts = dict(session.exec(select(Statement.id, Statement.text).where(
        col(Statement.id).in_(every))).all())
    answers = []
    for origin in sorted(chains):
        ids = chains[origin]
        entries: list[CarriedRound] = []
        shifts: list[ShiftAnswer] = []
        last: tuple[int, np.ndarray, np.ndarray] | None = None
        for r in rounds:
            sid = ids.get(r.conv.id)  # type: ignore[arg-type]
            if sid is None:
                continue
            data = r.data
            keep = data.spans[sid]
            values = data.carried.values[keep]
            entries.append(CarriedRound(
                round=r.number, statement_id=sid, votes=_counts(values),
                by_group=_by(values, data.vote_groups[keep], data.group_names, k),
                by_role=_by(values, r.role_codes[data.vote_rows[keep]], role_names, k)))
            person = data.vote_persons[keep]
            if last is not None:
                prev_person, prev_values = last[1], last[2]
                _, i, j = np.intersect1d(prev_person[prev_person >= 0], person[person >= 0],
                                         assume_unique=True,
                                         return_indices=True)
                before = prev_values[prev_person >= 0][i]
                after = values[person >= 0][j]
                shifts.append(_shift(before, after, (last[0], r.number), k))
            last = (r.number, person, values)
        answers.append(CarriedStatementAnswer(
            origin_id=origin,
            text=next((texts[s] for s in ids.values() if s in texts), ""),
            ids={str(e.round): e.statement_id for e in entries}, rounds=entries, shifts=shifts))
    return answers
