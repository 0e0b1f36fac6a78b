"""conversation settings kept in the conversation, organiser and privacy block, recovery code

Issue 19: the join questions live in the conversation (every link and QR code asks the same
ones); the participant page shows an organiser and privacy block; a facilitator recovery code
is stored as its SHA-256 hash only.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 00:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALL_QUESTIONS = '\'["role", "age", "area"]\''


def upgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        batch.add_column(sa.Column("join_questions", sa.JSON(), nullable=False,
                                   server_default=sa.text(ALL_QUESTIONS)))
        for name, length in (("organiser", 200), ("contact", 200),
                             ("privacy_purpose", 2000), ("privacy_retention", 2000)):
            batch.add_column(sa.Column(name, sa.String(length=length), nullable=False,
                                       server_default=""))
        batch.add_column(sa.Column("facilitator_recovery_hash", sa.String(length=64),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation") as batch:
        for name in ("facilitator_recovery_hash", "privacy_retention", "privacy_purpose",
                     "contact", "organiser", "join_questions"):
            batch.drop_column(name)
