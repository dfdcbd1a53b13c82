"""Reflections remember the situation they started from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

When someone describes a situation and then reflects on it, the situation
(redacted, as everything stored is) is kept with each answer of that
reflection, so that looking back shows what the thinking was about.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coach_reflections") as batch:
        batch.add_column(sa.Column("situation", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coach_reflections") as batch:
        batch.drop_column("situation")
