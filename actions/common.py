"""Helpers shared by the action modules."""

from __future__ import annotations

import functools
import json
import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Sequence, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.content import Content, get_content
from bot.identity import user_key
from bot.storage import CoachStore, StorageError, get_store

log = logging.getLogger("coach.actions")

STORAGE_ERRORS = (SQLAlchemyError, StorageError, OSError)
STORAGE_TROUBLE = (
    "Sorry, I couldn't reach my records just now, so I haven't been able to save or look anything up. "
    "Nothing you saved before is lost. Please try again in a minute."
)


def content() -> Content:
    return get_content()


def store() -> CoachStore:
    return get_store()


def key(tracker: Tracker) -> str:
    """The stored-user key for this conversation, from the channel's sender id only."""
    return user_key(tracker.sender_id)


def latest_entities(tracker: Tracker, name: str) -> List[str]:
    """Values of entity ``name`` in the latest user message, in order, without repeats."""
    values: List[str] = []
    for ent in tracker.latest_message.get("entities") or []:
        if ent.get("entity") == name and isinstance(ent.get("value"), str) and ent["value"] not in values:
            values.append(ent["value"])
    return values


def latest_text(tracker: Tracker) -> str:
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def resolve_dimensions(tracker: Tracker, descriptions: bool = False) -> List[str]:
    """Dimensions the latest message names (entities first, then the words themselves).

    With ``descriptions`` (only when the person asked about a dimension), a
    description such as "the one about clear expectations" counts too;
    elsewhere only names and aliases do, so everyday words like "learning" or
    "reflection" are not mistaken for a dimension.
    """
    c = content()
    found = [d for d in (c.resolve_dimension(v) for v in latest_entities(tracker, "dimension")) if d]
    if not found:
        guess = c.resolve_dimension(latest_text(tracker), descriptions=descriptions)
        if guess:
            found.append(guess)
    return list(dict.fromkeys(found))


def button(title: str, intent: str, **entities: Any) -> Dict[str, str]:
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, separators=(",", ":"))
    return {"title": title, "payload": payload}


MENU = [
    button("The nine dimensions", "list_dimensions"),
    button("Self-assessment", "start_self_assessment"),
    button("Reflect", "start_reflection"),
    button("Learning for me", "ask_recommendation"),
]


def guarded(run: Callable[..., Awaitable[List[Dict[Text, Any]]]]) -> Callable[..., Awaitable[List[Dict[Text, Any]]]]:
    """Turn a database failure into a kind message instead of a crash."""

    @functools.wraps(run)
    async def wrapper(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        try:
            return await run(self, dispatcher, tracker, domain)
        except STORAGE_ERRORS as exc:
            log.error("event=storage_error action=%s error=%s", self.name(), type(exc).__name__)
            dispatcher.utter_message(text=STORAGE_TROUBLE)
            return []

    return wrapper


def join_names(names: Sequence[str]) -> str:
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def nonempty(lines: Iterable[Optional[str]]) -> str:
    return "\n".join(line for line in lines if line)
