"""Alembic environment for the coach's tables (run through bot.storage.migrate)."""

from alembic import context

import bot.storage  # noqa: F401  (registers every table on Base.metadata)
from bot.storage.engine import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _include(obj, name, type_, reflected, compare_to):
    # Rasa's tracker store shares the database: only the coach's tables are ours.
    if type_ == "table":
        return name.startswith("coach_")
    return True


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, include_object=_include,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, include_object=_include,
                          render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
