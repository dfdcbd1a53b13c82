"""Rasa's SQL tracker store on the coach's database, with identifiers redacted.

``endpoints.yml`` names this class. It reads ``COACH_DATABASE_URL`` (the same
database as the coach's own tables, a SQLite file under ``var/`` by default),
so conversations survive a restart of the Rasa server. Before events are
written, user text and text slot values pass through :func:`bot.safety.redact`
so patient identifiers typed into the chat never reach the disk.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Dict, Optional, Text

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.safety import redact
from bot.storage import database_url, make_engine

log = logging.getLogger(__name__)


def _redact_value(value: Any) -> Any:
    if isinstance(value, str) and not value.startswith("/"):
        return redact(value).text
    return value


def redact_event(data: Dict[Text, Any]) -> Dict[Text, Any]:
    """A copy of a serialised event with identifiers removed from what the person typed."""
    event = data.get("event")
    if event == "user":
        data = dict(data)
        data["text"] = _redact_value(data.get("text"))
        parse = data.get("parse_data")
        if isinstance(parse, dict):
            parse = dict(parse)
            parse["text"] = _redact_value(parse.get("text"))
            if isinstance(parse.get("entities"), list):
                parse["entities"] = [
                    {**e, "value": _redact_value(e.get("value"))} if isinstance(e, dict) else e
                    for e in parse["entities"]
                ]
            data["parse_data"] = parse
    elif event == "slot":
        data = dict(data)
        data["value"] = _redact_value(data.get("value"))
    return data


class CoachTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Optional[Domain] = None, event_broker: Optional[EventBroker] = None,
                 url: Optional[Text] = None, **kwargs: Any) -> None:
        # The endpoint config may carry Rasa's own connection keys; the URL decides.
        for unused in ("host", "dialect", "port", "db", "username", "password", "login_db", "query"):
            kwargs.pop(unused, None)
        url = url or database_url()
        backend = make_url(url).get_backend_name()
        if backend == "sqlite" and make_url(url).database:
            Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
        # Rasa accepts a complete database URL in ``host``.
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        if backend == "sqlite":
            # Share the coach's SQLite settings (WAL, a generous busy timeout) so the
            # Rasa server and the action server can write to the same file.
            self.engine.dispose()
            self.engine = make_engine(url)
            self.Base.metadata.create_all(self.engine)
            self.sessionmaker = sessionmaker(bind=self.engine)
        log.info("tracker store on %s", backend)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """As SQLTrackerStore.save, with :func:`redact_event` applied to each new event."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = redact_event(event.as_dict())
                session.add(
                    self.SQLEvent(
                        sender_id=tracker.sender_id,
                        type_name=event.type_name,
                        timestamp=data.get("timestamp"),
                        intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                        action_name=data.get("name"),
                        data=json.dumps(data),
                    )
                )
            session.commit()
