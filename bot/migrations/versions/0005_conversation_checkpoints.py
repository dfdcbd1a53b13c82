"""Checkpoints of long conversations, so a message costs the same in the 300th turn as in the 3rd.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

Every 20 events or so the tracker store writes where a conversation's session stood at the end of a
turn (its slots and active form, as the events that would set them, redacted and encrypted like
every event). Loading a long session then starts from the newest checkpoint at least 40 events
back instead of replaying everything (``bot/rasa_ext/tracker_store.py``). A checkpoint is derived
from the conversation's events: erasing a conversation removes its checkpoints, and so does the
retention purge with the events they follow.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coach_conversation_checkpoints",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_key", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("timestamp", sa.Float, nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("conversation_key", "seq", name="uq_conversation_checkpoint_seq"),
    )


def downgrade() -> None:
    op.drop_table("coach_conversation_checkpoints")
