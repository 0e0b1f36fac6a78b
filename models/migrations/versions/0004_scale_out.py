"""scale-out: who made each snapshot and when its analysis began; stored engine state

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("analysis_snapshot") as batch:
        batch.add_column(sa.Column("analysed_by", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("started_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "analysis_state",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id"),
    )


def downgrade() -> None:
    op.drop_table("analysis_state")
    with op.batch_alter_table("analysis_snapshot") as batch:
        batch.drop_column("started_at")
        batch.drop_column("analysed_by")
