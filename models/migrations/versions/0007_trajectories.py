"""trajectories: rounds of a process, carried statements, people across rounds (issue 21)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trajectory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "trajectory_round",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conversation_id"),
        sa.UniqueConstraint("trajectory_id", "number", name="uq_trajectory_round"),
    )
    op.create_index("ix_trajectory_round_trajectory_id", "trajectory_round", ["trajectory_id"])
    op.create_table(
        "carried_statement",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=False),
        sa.Column("origin_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["statement_id"], ["statement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("statement_id"),
    )
    op.create_index("ix_carried_statement_conversation", "carried_statement",
                    ["conversation_id"])
    op.create_table(
        "round_person",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["conversation_id"], ["conversation.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["trajectory_id"], ["trajectory.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("participant_id"),
        sa.UniqueConstraint("conversation_id", "person", name="uq_round_person"),
    )
    op.create_index("ix_round_person_trajectory", "round_person", ["trajectory_id"])


def downgrade() -> None:
    op.drop_index("ix_round_person_trajectory", table_name="round_person")
    op.drop_table("round_person")
    op.drop_index("ix_carried_statement_conversation", table_name="carried_statement")
    op.drop_table("carried_statement")
    op.drop_index("ix_trajectory_round_trajectory_id", table_name="trajectory_round")
    op.drop_table("trajectory_round")
    op.drop_table("trajectory")
