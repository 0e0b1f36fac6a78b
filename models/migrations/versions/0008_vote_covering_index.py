"""the vote table's index by conversation covers statement, participant and value (issue 21)

``GET /process`` reads every round's votes on its carried statements; with the index on
``conversation_id`` alone each of those votes was a visit to the table (SQLite: about 0.3 s per
round of 240,000 votes). The covering index replaces it (the vote table keeps one index beside
the unique pair), so the read is index only. Building it on a large table takes a write lock
for seconds: run the upgrade outside a live dialogue.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["conversation_id", "statement_id", "participant_id", "value"]


def upgrade() -> None:
    with op.batch_alter_table("vote") as batch:
        batch.drop_index("ix_vote_conversation")
        batch.create_index("ix_vote_conversation_statement", COLUMNS, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("vote") as batch:
        batch.drop_index("ix_vote_conversation_statement")
        batch.create_index("ix_vote_conversation", ["conversation_id"], unique=False)
