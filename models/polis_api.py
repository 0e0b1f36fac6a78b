"""Read a conversation as the Pol.is API serves it: ``votes.json``, ``comments.json`` and
``conversation.json`` in a folder (or a ``.zip``).

The Pol.is API names its fields two ways (``pid``/``tid``/``mod`` on older servers,
``participant_id``/``statement_id``/``moderated`` on newer ones and in red-dwarf's fixtures);
both are read. Its votes use the Pol.is database's sign, **agree = -1, disagree = +1**; this
reader flips them, so the :class:`~models.polis_export.PolisExport` it returns has agree = +1
like everything else in this project. Pol.is's participant and statement ids are kept.

Files saved by other tools may already be flipped: red-dwarf's loader negates the API's votes
before it writes ``votes.json`` (its ``fix_participant_vote_sign``), so the five fixtures in
``../shared/data/polis-math/`` hold agree = +1 (on every one of them the comments'
``agree_count`` equals the number of +1 votes), although Pol.is's math in ``math-pca2.json``
beside them runs on agree = -1. The reader therefore decides from the comments' own agree and
disagree counts which sign a file uses (:func:`detect_agree_sign`), falls back to the API's
-1 when they do not tell, and takes an explicit ``agree_sign`` when the caller knows.

Examples
--------
>>> export = polis_api_export(
...     votes=[{"pid": 3, "tid": 0, "vote": -1, "modified": "1714782753431"}],
...     comments=[{"tid": 0, "txt": "Meer zorg thuis", "mod": 1, "is_meta": False}])
>>> export.votes.tolist(), export.participant_ids.tolist()  # the API's agree (-1) is +1 here
([1], [3])
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from ._csv import MS_PER_SECOND, UNKNOWN_AUTHOR, ExportError, Source
from ._polis_read import COMMENTS_FILE as CSV_COMMENTS_FILE
from ._polis_read import MODERATION_VALUES, VOTE_VALUES
from .polis_export import Comment, PolisExport, read_export

__all__ = [
    "AGREE_SIGN_FROM_KEY",
    "AGREE_SIGN_KEY",
    "API_COMMENTS_FILE",
    "API_CONVERSATION_FILE",
    "API_VOTES_FILE",
    "SIGN_DEFAULT",
    "detect_agree_sign",
    "is_polis_api",
    "load_json",
    "polis_api_export",
    "read_conversation",
    "read_polis_api",
]

API_VOTES_FILE = "votes.json"
API_COMMENTS_FILE = "comments.json"
API_CONVERSATION_FILE = "conversation.json"

#: The Pol.is API's field names, newest first: (name in this reader, accepted spellings).
VOTE_FIELDS = {"participant": ("participant_id", "pid"), "statement": ("statement_id", "tid")}
COMMENT_FIELDS = {
    "statement": ("statement_id", "tid"),
    "author": ("participant_id", "pid"),
    "moderated": ("moderated", "mod"),
}
#: Pol.is API votes: agree = -1, disagree = +1 (the database's sign); this project's agree is +1.
API_AGREE_SIGN = -1
#: Ids and counts are stored as int64.
ID_LIMIT = 2**63
#: Summary keys saying which vote value meant agree in the file, and how that was decided.
AGREE_SIGN_KEY = "api-agree-sign"
AGREE_SIGN_FROM_KEY = "api-agree-sign-from"
SIGN_GIVEN, SIGN_FROM_COUNTS, SIGN_DEFAULT = "caller", "comment counts", "API default"
#: The two signs an agree may have in a votes.json.
AGREE_SIGNS = (-1, 1)
#: conversation.json fields copied into the export's summary (key there, key in the file).
SUMMARY_FIELDS = (("topic", "topic"), ("conversation-description", "description"),
                  ("conversation-id", "conversation_id"),
                  ("strict-moderation", "strict_moderation"))


def load_json(source: Source, name: str) -> Any:
    """One JSON file of ``source``, parsed; an :class:`ExportError` naming it otherwise."""
    label = source.label(name)
    with source.open(name) as raw:
        data = raw.read()
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ExportError(label, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ExportError(label, f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc


def _field(row: Mapping[str, Any], names: Sequence[str], label: str, number: int) -> Any:
    for name in names:
        if name in row:
            return row[name]
    raise ExportError(label, f"entry {number} has no {' or '.join(names)} field")


def _integer(value: Any, label: str, what: str, number: int) -> int:
    """A whole number (JSON int, integral float or digit string), never a bool."""
    if isinstance(value, bool) or value is None:
        raise ExportError(label, f"entry {number}: {what} {value!r} is not a whole number")
    if isinstance(value, int) and abs(value) < ID_LIMIT:
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < ID_LIMIT:
        return int(value)
    if (isinstance(value, str) and value.strip().lstrip("-").isdigit()
            and abs(int(value)) < ID_LIMIT):
        return int(value)
    raise ExportError(label, f"entry {number}: {what} {value!r} is not a whole number")


def _seconds(value: Any, label: str, what: str, number: int) -> float:
    """Pol.is time stamps: epoch milliseconds (number or string) or ISO text; 0 when absent."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        raise ExportError(label, f"entry {number}: {what} {value!r} is not a time")
    if isinstance(value, int | float):
        seconds = float(value) / MS_PER_SECOND
    else:
        text = str(value).strip()
        try:
            seconds = float(text) / MS_PER_SECOND
        except ValueError:
            try:
                seconds = datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
            except ValueError as exc:
                raise ExportError(label, f"entry {number}: {what} {value!r} is not a time") from exc
    if not math.isfinite(seconds):
        raise ExportError(label, f"entry {number}: {what} {value!r} is not a time")
    return seconds


def _rows(data: Any, label: str) -> list[Mapping[str, Any]]:
    if not isinstance(data, list) or not all(isinstance(row, Mapping) for row in data):
        raise ExportError(label, "expected a JSON list of objects")
    return data


def detect_agree_sign(
    statements: Sequence[int], values: Sequence[int], comments: Sequence[Comment]
) -> int | None:
    """The vote value that means agree in ``values`` (-1 or +1), read from the comments' own
    ``agree_count`` / ``disagree_count``; None when they do not tell (no counts, or a tie).

    The Pol.is API serves agree as -1, but tools that save its data (red-dwarf's loader among
    them) flip the votes to agree = +1 before writing ``votes.json`` and keep the comments'
    counts as Pol.is gave them; the counts decide which of the two a file holds.
    """
    agrees = {c.comment_id: c.agrees for c in comments}
    disagrees = {c.comment_id: c.disagrees for c in comments}
    if not any(agrees.values()) and not any(disagrees.values()):
        return None
    plus: dict[int, int] = {}
    minus: dict[int, int] = {}
    for sid, value in zip(statements, values, strict=True):
        if value == 1:
            plus[sid] = plus.get(sid, 0) + 1
        elif value == -1:
            minus[sid] = minus.get(sid, 0) + 1
    miss = {
        sign: sum(abs((plus if sign == 1 else minus).get(c, 0) - agrees[c])
                  + abs((minus if sign == 1 else plus).get(c, 0) - disagrees[c])
                  for c in agrees)
        for sign in AGREE_SIGNS
    }
    if miss[1] == miss[-1]:
        return None
    return 1 if miss[1] < miss[-1] else -1


def polis_api_export(
    votes: Any,
    comments: Any,
    conversation: Mapping[str, Any] | None = None,
    *,
    agree_sign: int | None = None,
    labels: tuple[str, str, str] = (API_VOTES_FILE, API_COMMENTS_FILE, API_CONVERSATION_FILE),
) -> PolisExport:
    """A :class:`PolisExport` from the Pol.is API's parsed JSON (agree flipped to +1).

    Parameters
    ----------
    votes : list of dict
        ``votes.json``: ``pid``/``participant_id``, ``tid``/``statement_id``, ``vote`` and
        optionally ``modified`` (epoch ms).
    comments : list of dict
        ``comments.json``: ``tid``/``statement_id``, ``txt``, optionally ``pid``/
        ``participant_id`` (author), ``mod``/``moderated``, ``is_meta``, ``is_seed``,
        ``created``, ``agree_count``, ``disagree_count``.
    conversation : dict, optional
        ``conversation.json``; its topic, description, id and strict moderation go to the
        summary.
    agree_sign : -1, +1 or None
        The vote value that means agree in ``votes``. None: read it from the comments' counts
        (:func:`detect_agree_sign`), else the API's own sign, -1.
    labels : names used in error messages for the three inputs.

    Raises
    ------
    ExportError
        A missing field, a vote other than -1/0/1, an id that is not a whole number, a repeated
        statement id; the message names the input and the entry.
    """
    v_label, c_label, s_label = labels
    voters, statements, values, times = [], [], [], []
    for number, row in enumerate(_rows(votes, v_label)):
        voters.append(_integer(_field(row, VOTE_FIELDS["participant"], v_label, number),
                               v_label, "participant id", number))
        statements.append(_integer(_field(row, VOTE_FIELDS["statement"], v_label, number),
                                   v_label, "statement id", number))
        vote = _integer(_field(row, ("vote",), v_label, number), v_label, "vote", number)
        if vote not in VOTE_VALUES:
            raise ExportError(v_label, f"entry {number}: vote {vote} is not -1, 0 or 1")
        values.append(vote)
        times.append(_seconds(row.get("modified"), v_label, "modified", number))
    rows = []
    for number, row in enumerate(_rows(comments, c_label)):
        sid = _integer(_field(row, COMMENT_FIELDS["statement"], c_label, number),
                       c_label, "statement id", number)
        author = next((row[n] for n in COMMENT_FIELDS["author"] if n in row), None)
        mod = next((row[n] for n in COMMENT_FIELDS["moderated"] if n in row), 0)
        moderated = _integer(mod, c_label, "moderation", number)
        if moderated not in MODERATION_VALUES:
            raise ExportError(c_label, f"entry {number}: moderation {moderated} is not -1, 0 or 1")
        text = row.get("txt", "")
        if not isinstance(text, str):
            raise ExportError(c_label, f"entry {number}: txt is not text")
        rows.append(Comment(
            comment_id=sid,
            text=text,
            author_id=UNKNOWN_AUTHOR if author is None
            else _integer(author, c_label, "author id", number),
            agrees=_integer(row.get("agree_count", 0), c_label, "agree_count", number),
            disagrees=_integer(row.get("disagree_count", 0), c_label, "disagree_count", number),
            moderated=moderated,
            is_meta=bool(row.get("is_meta", False)),
            is_seed=bool(row.get("is_seed", False)),
            timestamp=_seconds(row.get("created"), c_label, "created", number),
        ))
    if len({c.comment_id for c in rows}) != len(rows):
        raise ExportError(c_label, "a statement id appears in more than one entry")
    source = SIGN_GIVEN
    if agree_sign is None:
        agree_sign, source = detect_agree_sign(statements, values, rows), SIGN_FROM_COUNTS
        if agree_sign is None:
            agree_sign, source = API_AGREE_SIGN, SIGN_DEFAULT
    elif agree_sign not in AGREE_SIGNS:
        raise ValueError(f"agree_sign must be -1 or +1, not {agree_sign!r}")
    values = [agree_sign * v for v in values]
    if conversation is not None and not isinstance(conversation, Mapping):
        raise ExportError(s_label, "expected a JSON object")
    summary = {
        key: str(conversation[name]) for key, name in SUMMARY_FIELDS
        if conversation is not None and conversation.get(name) is not None
    }
    summary[AGREE_SIGN_KEY] = f"{agree_sign:+d}"
    summary[AGREE_SIGN_FROM_KEY] = source
    return PolisExport(np.array(voters, dtype=np.int64), np.array(statements, dtype=np.int64),
                       np.array(values, dtype=np.int8), np.array(times, dtype=np.float64),
                       tuple(rows), summary)


def is_polis_api(path: str | Path) -> bool:
    """Whether ``path`` (folder or zip) holds Pol.is API JSON rather than a CSV export."""
    with Source(path) as source:
        return source.has(API_VOTES_FILE) and not source.has(CSV_COMMENTS_FILE)


def read_polis_api(path: str | Path, *, agree_sign: int | None = None) -> PolisExport:
    """Read ``votes.json``, ``comments.json`` and (if present) ``conversation.json``
    (``agree_sign``: see :func:`polis_api_export`).

    Raises
    ------
    ExportError
        A missing file, invalid JSON, or any problem :func:`polis_api_export` finds.
    """
    with Source(path) as source:
        for name in (API_VOTES_FILE, API_COMMENTS_FILE):
            if not source.has(name):
                raise ExportError(source.path, f"{name} not found")
        conversation = (load_json(source, API_CONVERSATION_FILE)
                        if source.has(API_CONVERSATION_FILE) else None)
        return polis_api_export(
            load_json(source, API_VOTES_FILE),
            load_json(source, API_COMMENTS_FILE),
            conversation,
            agree_sign=agree_sign,
            labels=(source.label(API_VOTES_FILE), source.label(API_COMMENTS_FILE),
                    source.label(API_CONVERSATION_FILE)),
        )


def read_conversation(
    path: str | Path, *, progress: bool = False, agree_sign: int | None = None
) -> PolisExport:
    """A Pol.is export (CSV) or Pol.is API JSON, whichever ``path`` holds (``agree_sign``: the
    API JSON's, see :func:`polis_api_export`; CSV exports always use agree = +1)."""
    if is_polis_api(path):
        return read_polis_api(path, agree_sign=agree_sign)
    return read_export(path, progress=progress)
