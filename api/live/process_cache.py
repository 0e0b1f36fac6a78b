"""What ``GET /process`` reads of one round, and a small cache of it (issue 21).

A round's votes on its carried statements, its opinion groups and its returning people are
hundreds of thousands of rows at 20,000 participants. A closed round does not change (no votes,
no joins, no answers; only a new round's returners add links to it, and the retention purge),
and an open one changes only with new votes, joins or a new snapshot: :func:`round_data` keeps
the last reading per round in a small in-process LRU, keyed by a fingerprint of all of those
(one cheap indexed query), so a dashboard that polls re-reads only what changed. Participants'
roles and join answers of an open round are always read afresh (an answer can change without
any count moving).

The reads are shaped so a round of 20,000 people crosses from the database as a few hundred
rows: votes and participant ids come packed into comma-joined integers
(:func:`joined_ids`, parsed by :func:`integers`), one row per statement or per (role,
answers) combination, and the vote table's covering index answers the vote read alone. One
pass over the round's votes gives both its vote count and the carried statements' votes
(:func:`counted_round_votes`), so the first answer after a restart, or straight after a bulk
load when PostgreSQL has no statistics yet, reads each round's votes once
(benchmarks/rounds.py).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import numpy as np
from sqlalchemy import BigInteger, Text, cast, false, func, literal_column
from sqlmodel import Session, col, select

from meedenken.api.store import latest_result
from meedenken.models.tables import (
    AnalysisSnapshot,
    Conversation,
    ConversationPolicy,
    Participant,
    Vote,
    VoteHistory,
)
from meedenken.models.trajectory import RoundPerson

__all__ = ["CACHE_SIZE", "VOTE_CODES", "People", "RoundData", "RoundVotes", "cached", "clear",
           "counted_round_votes", "fingerprint", "integers", "joined_ids", "lookup", "raw_rows",
           "round_data", "round_votes", "snapshot_groups"]

#: Rounds kept in the cache (per process): a few trajectories of a few rounds each; one round of
#: 20,000 people with 8 carried statements is about 5 MB of arrays.
CACHE_SIZE = 32

T = TypeVar("T")
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = threading.Lock()


def clear() -> None:
    """Forget every remembered round (benchmarks: the first answer of a fresh server)."""
    with _lock:
        _cache.clear()


def cached(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """``compute()``, remembered under ``key`` (least recently used entries go first)."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def raw_rows(session: Session, statement: Any) -> list[tuple[Any, ...]]:
    """The rows of a select as plain tuples, read with the driver's own cursor on the session's
    connection: SQLAlchemy's row objects cost about 1 us each, which at a million votes is a
    second (benchmarks/rounds.py)."""
    conn = session.connection()
    compiled = statement.compile(dialect=conn.dialect,
                                 compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    args: Any = (tuple(params[name] for name in compiled.positiontup)
                 if compiled.positional else params)
    cursor = conn.connection.cursor()
    try:
        cursor.execute(compiled.string, args)
        return list(cursor.fetchall())
    finally:
        cursor.close()


@dataclass(frozen=True)
class RoundVotes:
    """Current votes of one round on some statements, as arrays (one entry per vote), sorted by
    statement, then participant."""

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    values: np.ndarray


#: A vote packed into one integer in SQL: participant id x VOTE_CODES + (value + 1), so a
#: value of -1, 0 or +1 takes the last two bits.
VOTE_CODES = 4


def integers(text: str | None) -> np.ndarray:
    """The integers of a comma-separated list an aggregate wrote (None or "": none); parsed
    in C, not one Python object per number."""
    if not text:
        return np.zeros(0, dtype=np.int64)
    return np.fromstring(text, dtype=np.int64, sep=",")


def joined_ids(column: Any) -> Any:
    """SQL: the ``column``'s integers of a group joined by commas (``group_concat`` on
    SQLite, ``string_agg`` on PostgreSQL), read back with :func:`integers`."""
    return func.aggregate_strings(cast(column, Text), ",")


def _sorted(codes: np.ndarray) -> np.ndarray:
    """Packed votes in participant order (the code grows with the participant id). SQLite
    aggregates in the index's order already; PostgreSQL may not."""
    if len(codes) > 1 and bool(np.any(codes[1:] < codes[:-1])):
        return np.sort(codes)
    return codes


def _packed_votes(rows: Sequence[tuple[Any, ...]]) -> RoundVotes:
    """Rows of (statement id, its votes packed and joined) read back as arrays; rows without
    votes asked for (null) are skipped."""
    rows = [(sid, text) for sid, text in rows if text]
    codes = [_sorted(integers(text)) for _, text in rows]
    every = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    sids = np.repeat(np.array([sid for sid, _ in rows], dtype=np.int64),
                     [len(c) for c in codes])
    return RoundVotes(every // VOTE_CODES, sids, every % VOTE_CODES - 1)


def _packed() -> Any:
    """SQL: a vote packed into one integer (see :data:`VOTE_CODES`)."""
    return cast(Vote.participant_id, BigInteger) * VOTE_CODES + Vote.value + 1


def round_votes(session: Session, conversation_id: int,
                statement_ids: Sequence[int]) -> RoundVotes:
    """The current votes of a conversation on ``statement_ids``.

    One row per statement, its votes packed into integers joined by commas in SQL: a round
    of 20,000 people is then eight rows, not 160,000 (each a Python tuple), and the database
    reads them from the vote table's covering index alone."""
    if not statement_ids:
        empty = np.zeros(0, dtype=np.int64)
        return RoundVotes(empty, empty, empty)
    rows = session.exec(select(Vote.statement_id, joined_ids(_packed()))  # type: ignore[call-overload]
                        .where(Vote.conversation_id == conversation_id,
                               col(Vote.statement_id).in_(list(statement_ids)))
                        .group_by(col(Vote.statement_id))
                        .order_by(col(Vote.statement_id))).all()
    return _packed_votes(rows)


def counted_round_votes(session: Session, conversation_id: int,
                        statement_ids: Sequence[int]) -> tuple[RoundVotes, int]:
    """:func:`round_votes` and the conversation's number of current votes on every statement,
    in one pass over its votes: one row per statement with its count, and its votes packed
    only for ``statement_ids`` (an aggregate ``FILTER``). Counting in a separate query read
    every vote of the round twice; straight after a bulk load, when PostgreSQL has no
    statistics and no visibility map, each of those passes visits the table's pages."""
    wanted = (col(Vote.statement_id).in_(list(statement_ids)) if statement_ids
              else false())
    rows = session.exec(select(  # type: ignore[call-overload]
        Vote.statement_id, func.count(), joined_ids(_packed()).filter(wanted))
        .where(Vote.conversation_id == conversation_id)
        .group_by(col(Vote.statement_id))
        .order_by(col(Vote.statement_id))).all()
    total = sum(int(n) for _, n, _ in rows)
    return _packed_votes([(sid, text) for sid, _, text in rows]), total


@dataclass(frozen=True)
class RoundData:
    """What the process counts of one round."""

    #: Participants, sorted by id, their role and their join answers.
    people: People
    #: Participants with an opinion group in the latest snapshot, sorted, and the group ids.
    grouped_ids: np.ndarray
    groups: np.ndarray
    #: Current votes in the round.
    votes: int
    #: Votes on the statements asked for, sorted by statement then participant; ``spans``
    #: gives each statement's slice. Per vote: the row of its participant in people.ids,
    #: its opinion group (index into group_names, -1 none) and its person (-1 none).
    carried: RoundVotes
    spans: dict[int, slice]
    vote_rows: np.ndarray
    group_names: tuple[str, ...]
    vote_groups: np.ndarray
    vote_persons: np.ndarray
    #: Participants who are a linked person, sorted, and their person as a number (the last 60
    #: bits of the random person id: a clash between two people has odds of about 1 in 10^9
    #: at 60,000 returning people).
    person_pids: np.ndarray
    person_codes: np.ndarray


def fingerprint(session: Session, conv: Conversation) -> tuple[Any, ...]:
    """What changes whenever anything :class:`RoundData` holds may have changed."""
    cid = conv.id

    def newest(column: Any, where: Any) -> Any:
        return select(func.max(column)).where(where).scalar_subquery()

    row = session.exec(select(  # type: ignore[call-overload]
        newest(VoteHistory.id, VoteHistory.conversation_id == cid),
        newest(AnalysisSnapshot.version, AnalysisSnapshot.conversation_id == cid),
        newest(Participant.id, Participant.conversation_id == cid),
        select(func.count()).select_from(RoundPerson)
        .where(RoundPerson.conversation_id == cid).scalar_subquery(),
        select(ConversationPolicy.purged_at)
        .where(ConversationPolicy.conversation_id == cid).scalar_subquery(),
    )).one()
    # The database too: tests and benchmarks run several in one process with the same ids.
    database = session.get_bind().engine.url.render_as_string(hide_password=True)
    return (database, cid, conv.is_open, *row)


#: Hex digits of a person id that make its number (60 bits, within an int64).
PERSON_CODE_DIGITS = 15


@dataclass(frozen=True)
class People:
    """A round's participants, sorted by id, with their role and their join answers, read as
    one row per (role, answers) combination: a few hundred rows, not one per person."""

    ids: np.ndarray
    #: Role of each participant: index into ``role_names``, -1 none given.
    role_names: tuple[str, ...]
    role_index: np.ndarray
    #: Join answers of each participant: index into ``answer_texts`` (the JSON text as
    #: stored; None when none were given).
    answer_texts: tuple[str | None, ...]
    answer_index: np.ndarray


def _people(session: Session, cid: int) -> People:
    answers: Any = literal_column("CAST(participant.demographics AS TEXT)")
    rows = session.exec(select(Participant.role, answers,  # type: ignore[call-overload]
                               joined_ids(Participant.id))
                        .where(Participant.conversation_id == cid)
                        .group_by(Participant.role, answers)).all()
    ids = [integers(text) for _, _, text in rows]
    role_names = tuple(sorted({str(r) for r, _, _ in rows if r is not None}))
    role_code = {name: i for i, name in enumerate(role_names)}
    every = np.concatenate(ids or [np.zeros(0, dtype=np.int64)])
    sizes = [len(i) for i in ids]
    roles = np.repeat(np.array([-1 if r is None else role_code[str(r)] for r, _, _ in rows],
                               dtype=np.int64), sizes)
    order = np.argsort(every, kind="stable")
    return People(ids=every[order], role_names=role_names, role_index=roles[order],
                  answer_texts=tuple(a for _, a, _ in rows),
                  answer_index=np.repeat(np.arange(len(rows), dtype=np.int64), sizes)[order])


def snapshot_groups(session: Session, cid: int) -> tuple[np.ndarray, np.ndarray]:
    """The participants with an opinion group in the conversation's newest snapshot, sorted,
    and their groups (points without a whole-number id and group left out).

    Read here from the snapshot's JSON: PostgreSQL's ``json_array_elements`` picking the pairs
    out took more CPU in the server (0.19-0.22 s for five rounds of 20,000) than parsing them
    here (0.11-0.18 s; session 7, benchmarks/RESULTS.md)."""
    result = latest_result(session, cid) or {}
    pairs = np.array([v for p in result.get("coordinates", [])
                      if isinstance(p.get("id"), int) and isinstance(p.get("group"), int)
                      for v in (p["id"], p["group"])], dtype=np.int64).reshape(-1, 2)
    order = np.argsort(pairs[:, 0], kind="stable")
    return pairs[order, 0], pairs[order, 1]


def _read(session: Session, cid: int, statement_ids: Sequence[int]) -> RoundData:
    people = _people(session, cid)
    grouped, groups = snapshot_groups(session, cid)
    linked = raw_rows(session, select(RoundPerson.participant_id, RoundPerson.person).where(
        RoundPerson.conversation_id == cid).order_by(col(RoundPerson.participant_id)))
    person_pids = np.fromiter((r[0] for r in linked), dtype=np.int64, count=len(linked))
    person_codes = np.fromiter((int(r[1][-PERSON_CODE_DIGITS:], 16) for r in linked),
                               dtype=np.int64, count=len(linked))
    v, votes = counted_round_votes(session, cid, statement_ids)
    starts = np.searchsorted(v.statement_ids, statement_ids, side="left")
    ends = np.searchsorted(v.statement_ids, statement_ids, side="right")
    names = np.unique(groups)
    ids = people.ids
    return RoundData(
        people=people, grouped_ids=grouped,
        groups=groups, votes=int(votes), carried=v,
        spans={int(sid): slice(int(a), int(b))
               for sid, a, b in zip(statement_ids, starts, ends, strict=True)},
        vote_rows=np.searchsorted(ids, v.participant_ids),
        group_names=tuple(str(g) for g in names.tolist()),
        vote_groups=lookup(v.participant_ids, grouped, np.searchsorted(names, groups)),
        vote_persons=lookup(v.participant_ids, person_pids, person_codes),
        person_pids=person_pids, person_codes=person_codes)


def lookup(ids: np.ndarray, keys: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Code of each id in ``ids`` by the sorted ``keys`` (-1 where absent)."""
    if not len(keys):
        return np.full(len(ids), -1, dtype=np.int64)
    pos = np.clip(np.searchsorted(keys, ids), 0, len(keys) - 1)
    return np.where(keys[pos] == ids, codes[pos], -1)


def round_data(session: Session, conv: Conversation, statement_ids: Sequence[int],
               ) -> tuple[RoundData, tuple[Any, ...]]:
    """One round's :class:`RoundData` (from the cache when nothing changed) and its
    fingerprint."""
    key = fingerprint(session, conv)
    fresh: list[RoundData] = []

    def read() -> RoundData:
        fresh.append(_read(session, conv.id, statement_ids))  # type: ignore[arg-type]
        return fresh[0]

    data = cached((*key, tuple(statement_ids)), read)
    if conv.is_open and not fresh:  # answers may change without any count moving
        people = _people(session, conv.id)  # type: ignore[arg-type]
        if np.array_equal(people.ids, data.people.ids):  # the key holds the newest id, so it is
            data = replace(data, people=people)
    return data, key
