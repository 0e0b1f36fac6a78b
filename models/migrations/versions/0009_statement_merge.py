"""statement.merged_into_id: a merged duplicate points to the statement kept (issue 17)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("statement") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_statement_merged_into_id", "statement", ["merged_into_id"],
                                 ["id"], ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("statement") as batch:
        batch.drop_constraint("fk_statement_merged_into_id", type_="foreignkey")
        batch.drop_column("merged_into_id")
