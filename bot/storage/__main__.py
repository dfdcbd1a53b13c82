"""``python -m bot.storage upgrade``: bring the database schema up to date."""

import sys

from sqlalchemy.engine import make_url

from bot.storage.engine import database_url, migrate

if sys.argv[1:] != ["upgrade"]:
    sys.exit("usage: python -m bot.storage upgrade")
migrate(database_url())
print(f"database schema is up to date ({make_url(database_url()).render_as_string(hide_password=True)})")
