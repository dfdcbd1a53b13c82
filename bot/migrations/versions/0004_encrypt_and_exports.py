"""Free text encrypted at rest; export files; Rasa's own events table moved in and dropped.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

- ``coach_exports``: a person's export, encrypted, until its link expires.
- Every free-text value stored in plain text before this revision (reflections, notes,
  conversation events) is encrypted with the current key (:mod:`bot.crypto`).
- A deployment that once used Rasa's ``SQLTrackerStore`` has an ``events`` table keyed by raw
  sender ids, in plain text. Revision 0002 copied it into ``coach_conversation_events`` and left
  it in place; this revision drops it. A conversation found there that is not in the coach's
  table (the ``events`` table appeared after 0002 ran) is moved first (keyed by the HMAC user
  key, identifiers redacted, encrypted), so nothing is lost and nothing is copied twice.
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ENCRYPTED = {
    "coach_reflections": ("prompt_text", "answer", "situation"),
    "coach_ratings": ("note",),
    "coach_conversation_events": ("data",),
}


def _encrypt_plain(conn, table_name, fields):
    from bot.crypto import PREFIX, encrypt

    table = sa.table(table_name, sa.column("id", sa.Integer), *[sa.column(f, sa.Text) for f in fields])
    rows = conn.execute(sa.select(table.c.id, *[table.c[f] for f in fields])).all()
    for row in rows:
        values = {f: encrypt(row[i + 1]) for i, f in enumerate(fields)
                  if row[i + 1] is not None and not row[i + 1].startswith(PREFIX)}
        if values:
            conn.execute(sa.update(table).where(table.c.id == row[0]).values(**values))


def _move_rasa_events(conn):
    from bot.crypto import encrypt
    from bot.identity import user_key
    from bot.storage.codec import encode_event

    inspector = sa.inspect(conn)
    if "events" not in inspector.get_table_names():
        return
    columns = {c["name"] for c in inspector.get_columns("events")}
    if not {"sender_id", "data", "type_name"} <= columns:
        return  # not Rasa's table: leave it alone
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("sender_id", sa.Text),
                      sa.column("type_name", sa.Text), sa.column("timestamp", sa.Float),
                      sa.column("intent_name", sa.Text), sa.column("action_name", sa.Text),
                      sa.column("data", sa.Text))
    ours = sa.table("coach_conversation_events", sa.column("conversation_key", sa.String),
                    sa.column("seq", sa.Integer), sa.column("type_name", sa.String),
                    sa.column("timestamp", sa.Float), sa.column("action_name", sa.String),
                    sa.column("intent_name", sa.String), sa.column("data", sa.Text))
    next_seq = {}  # conversation key -> next position, for conversations the coach's table lacks
    already = set()  # conversations revision 0002 copied
    for row in conn.execute(sa.select(events).order_by(events.c.id)).all():
        if not row.sender_id:
            continue
        key = user_key(row.sender_id)
        if key in already:
            continue
        if key not in next_seq:
            if conn.execute(sa.select(sa.func.count()).select_from(ours)
                            .where(ours.c.conversation_key == key)).scalar():
                already.add(key)
                continue
            next_seq[key] = 0
        try:
            data = encode_event(json.loads(row.data))
        except (TypeError, ValueError):
            continue  # an unreadable event cannot be moved; it is dropped with the table
        conn.execute(sa.insert(ours).values(conversation_key=key, seq=next_seq[key], type_name=row.type_name,
                                            timestamp=row.timestamp, action_name=row.action_name,
                                            intent_name=None, data=encrypt(data)))
        next_seq[key] += 1
    op.drop_table("events")


def upgrade() -> None:
    op.create_table(
        "coach_exports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_key", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("json_text", sa.Text(), nullable=False),
        sa.Column("html_text", sa.Text(), nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_export_token"),
    )
    op.create_index("ix_coach_exports_user_key", "coach_exports", ["user_key"])
    conn = op.get_bind()
    for table_name, fields in ENCRYPTED.items():
        _encrypt_plain(conn, table_name, fields)
    _move_rasa_events(conn)
    # Intent and action names in plain columns would show who had a distress turn: only the
    # session starts (which the store looks up) keep their name outside the encrypted event.
    ours = sa.table("coach_conversation_events", sa.column("intent_name", sa.String),
                    sa.column("action_name", sa.String))
    conn.execute(sa.update(ours).values(intent_name=None))
    conn.execute(sa.update(ours).where(ours.c.action_name != "action_session_start").values(action_name=None))


def downgrade() -> None:
    # Encrypted values stay encrypted (decrypting them back into plain text is not offered).
    op.drop_index("ix_coach_exports_user_key", table_name="coach_exports")
    op.drop_table("coach_exports")
