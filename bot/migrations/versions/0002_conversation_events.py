"""Conversation events in the coach's own table, keyed by the user key; Rasa's old events copied in.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

Until now Rasa's ``SQLTrackerStore`` kept conversations in a table called ``events``, keyed by
the channel's raw sender id. The coach's tracker store now writes ``coach_conversation_events``,
keyed by ``bot.identity.user_key(sender_id)``. So that an existing deployment loses no
conversation, this revision copies every row of ``events`` (if that table exists) into the new
table, in ``id`` order, numbering each conversation's events 0, 1, 2, ... The ``data`` column is
copied as it is: the previous tracker store already redacted it on write.

Run it with the servers' ``COACH_USER_KEY_SECRET`` (or secret file), or the copied conversations
will not be found under their senders' keys.

The old ``events`` table is LEFT IN PLACE (it still holds raw sender ids): a later revision
erases it once this copy has been checked on the live database.
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

BATCH = 2000


def upgrade() -> None:
    op.create_table(
        "coach_conversation_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("conversation_key", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("type_name", sa.String(255), nullable=False),
        sa.Column("timestamp", sa.Float, nullable=True),
        sa.Column("action_name", sa.String(255), nullable=True),
        sa.Column("intent_name", sa.String(255), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("conversation_key", "seq", name="uq_conversation_event_seq"),
    )
    _copy_rasa_events()


def _copy_rasa_events() -> None:
    bind = op.get_bind()
    if not sa.inspect(bind).has_table("events"):
        return
    from bot.identity import user_key  # the HMAC every other table is keyed by

    old = sa.table("events", sa.column("id", sa.Integer), sa.column("sender_id", sa.String),
                   sa.column("type_name", sa.String), sa.column("timestamp", sa.Float),
                   sa.column("intent_name", sa.String), sa.column("action_name", sa.String),
                   sa.column("data", sa.Text))
    new = sa.table("coach_conversation_events", sa.column("conversation_key", sa.String),
                   sa.column("seq", sa.Integer), sa.column("type_name", sa.String),
                   sa.column("timestamp", sa.Float), sa.column("action_name", sa.String),
                   sa.column("intent_name", sa.String), sa.column("data", sa.Text))
    next_seq = {}  # conversation key -> the next position in that conversation
    last_id, copied, skipped = None, 0, 0
    while True:
        query = sa.select(old.c.id, old.c.sender_id, old.c.type_name, old.c.timestamp, old.c.intent_name,
                          old.c.action_name, old.c.data).order_by(old.c.id).limit(BATCH)
        if last_id is not None:
            query = query.where(old.c.id > last_id)
        rows = bind.execute(query).all()
        if not rows:
            break
        out = []
        for row in rows:
            last_id = row.id
            if not row.sender_id:  # Rasa never writes one; nothing could key it
                skipped += 1
                continue
            key = user_key(row.sender_id)
            seq = next_seq.get(key, 0)
            next_seq[key] = seq + 1
            out.append({"conversation_key": key, "seq": seq, "type_name": row.type_name or "",
                        "timestamp": row.timestamp, "action_name": row.action_name,
                        "intent_name": row.intent_name, "data": row.data or "{}"})
        if out:
            bind.execute(new.insert(), out)
            copied += len(out)
    log.info("copied %d events of %d conversations from Rasa's events table (%d skipped); "
             "the events table is left in place", copied, len(next_seq), skipped)


def downgrade() -> None:
    op.drop_table("coach_conversation_events")
