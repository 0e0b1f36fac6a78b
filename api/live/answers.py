"""The newest snapshot of each conversation, read back and rendered once per version.

``GET /analysis`` read the snapshot's JSON, checked it against :class:`AnalysisAnswer` and wrote
it out on every request: about 40 ms on a 20,000-participant map (issue 14). A snapshot never
changes once stored (a new analysis is a new version), so this process keeps, per conversation,
the newest version read back (:func:`~meedenken.api.present.analysis.stored_analysis`) and its
texts: the facilitator's full answer and the public one
(:func:`~meedenken.api.present.analysis.public_analysis`). A participant's public answer differs
from the anonymous one only by their own point, which is put in per request. The SSE stream
renders its events here too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from meedenken.api.present.analysis import public_analysis, stored_analysis
from meedenken.api.present.schemas import AnalysisAnswer, ParticipantPoint

__all__ = ["CONVERSATIONS_KEPT", "AnswerCache"]

#: Conversations whose rendered answer this process keeps (least recently asked dropped first).
#: One large map's answer is a few MB; a region runs a handful of conversations at once.
CONVERSATIONS_KEPT = 16

#: Loads the newest snapshot: (its stamp, its version, its stored JSON); the stamp is what
#: :func:`meedenken.api.store.latest_stamp` gives for it, (0, None) before the first snapshot.
Loader = Callable[[], tuple[Hashable, int, Mapping[str, Any] | None]]


@dataclass
class _Rendered:
    """One snapshot version read back, with the texts made of it so far."""

    stamp: Hashable
    version: int
    answer: AnalysisAnswer
    texts: dict[tuple[bool, int], str] = field(default_factory=dict)
    public: dict[int, AnalysisAnswer] = field(default_factory=dict)
    points: dict[int | str, ParticipantPoint] | None = None


class AnswerCache:
    """Rendered answers of the newest snapshot per conversation, safe to use from any thread.

    Parameters
    ----------
    size : conversations kept.
    """

    def __init__(self, size: int = CONVERSATIONS_KEPT) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[int, _Rendered] = OrderedDict()
        self.loads = 0  # snapshots read back (for tests)

    def text(self, conversation_id: int, stamp: Hashable, load: Loader, *, public: bool,
             own: int | None = None, k: int) -> tuple[int, str]:
        """(version, JSON text) of the conversation's newest answer.

        ``stamp`` identifies the newest snapshot the caller saw (a cheap query: version and
        creation time, so a snapshot of a deleted conversation whose id was given again never
        passes for the new one's); ``load`` reads the snapshot, called only when this process
        has not rendered that stamp yet. ``public``: the answer everyone but the facilitator
        gets, with ``own`` (a participant's id) their own point; ``k``: the smallest published
        cell.
        """
        entry = self._entry(conversation_id, stamp, load)
        if not public:
            return entry.version, self._memo(entry, (False, k), entry.answer.model_dump_json)
        base = self._public(entry, k)
        mine = self._own_point(entry, own)
        if mine is None:
            return entry.version, self._memo(entry, (True, k), base.model_dump_json)
        return entry.version, base.model_copy(update={"coordinates": [mine]}).model_dump_json()

    def _entry(self, conversation_id: int, stamp: Hashable, load: Loader) -> _Rendered:
        with self._lock:
            entry = self._entries.get(conversation_id)
            if entry is not None and entry.stamp == stamp:
                self._entries.move_to_end(conversation_id)
                return entry
        loaded, version, payload = load()  # outside the lock: reading and checking take a while
        fresh = _Rendered(loaded, version, stored_analysis(payload))
        with self._lock:
            self.loads += 1
            self._entries[conversation_id] = fresh
            self._entries.move_to_end(conversation_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return fresh

    def _memo(self, entry: _Rendered, key: tuple[bool, int], make: Callable[[], str]) -> str:
        text = entry.texts.get(key)
        if text is None:
            text = entry.texts[key] = make()  # a race makes the same text twice, harmlessly
        return text

    def _public(self, entry: _Rendered, k: int) -> AnalysisAnswer:
        answer = entry.public.get(k)
        if answer is None:
            answer = entry.public[k] = public_analysis(entry.answer, None, k)
        return answer

    def _own_point(self, entry: _Rendered, own: int | None) -> ParticipantPoint | None:
        if own is None:
            return None
        if entry.points is None:
            entry.points = {p.id: p for p in entry.answer.coordinates}
        return entry.points.get(own)
