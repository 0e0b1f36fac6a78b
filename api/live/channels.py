"""Names of the PostgreSQL notification channels the workers share (issue 9).

* ``meedenken_dirty``, payload ``"<conversation id>:<highest vote id>"``: votes (or moderation,
  or settings) changed a conversation; sent inside the transaction that changed it.
* ``meedenken_snapshot``, payload ``"<conversation id>:<version>:<last vote id>"``: a snapshot
  was stored; sent inside the transaction that stored it.

PostgreSQL delivers a notification at commit, to every listening connection, and never for a
transaction that rolled back.
"""

from __future__ import annotations

__all__ = ["DIRTY_CHANNEL", "SNAPSHOT_CHANNEL"]

DIRTY_CHANNEL = "meedenken_dirty"
SNAPSHOT_CHANNEL = "meedenken_snapshot"
