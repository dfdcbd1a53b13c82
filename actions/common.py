"""Helpers every capability module shares: content, the store, the person's key, reading the message.

Nothing here says anything in its own words: every sentence comes from
``bot/content/messages.yml`` through :func:`say`.
"""

from __future__ import annotations

import functools
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.assessment import Change, Profile, latest_profile
from bot.content import Contact, Content, get_content
from bot.crypto import CryptoKeyError
from bot.identity import user_key
from bot.storage import CoachStore, StorageError, get_store
from bot.text import words

log = logging.getLogger("coach.actions")

STORAGE_ERRORS = (SQLAlchemyError, StorageError, OSError, CryptoKeyError)

# Short answers that mean "skip this question" inside a form.
SKIP_WORDS = {"skip", "pass", "next", "no", "nope", "nothing", "none", "n a", "na", "no thanks", "not really",
              "rather not", "skip it", "skip this", "skip this one", "move on", "no comment"}


def content() -> Content:
    return get_content()


def say(key: str, **values: Any) -> str:
    """A sentence from the message catalogue (``bot/content/messages.yml``)."""
    return get_content().say(key, **values)


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


def previous_action(tracker: Tracker) -> Optional[str]:
    """The coach's last action before the person's latest message (``action_listen`` aside)."""
    seen_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_user = True
        elif seen_user and event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def last_said(tracker: Tracker) -> Optional[str]:
    """The text of the coach's most recent message in this conversation."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return event.get("text")
    return None


def repeats(tracker: Tracker, text: str) -> bool:
    """Saying ``text`` now would send the same message twice in a row."""
    return last_said(tracker) == text


def answered_since_reply(tracker: Tracker) -> bool:
    """Since the person's latest message the coach has run something besides the form (a question
    answered in the middle of it), rather than only checked the reply and found it wanting."""
    quiet = {"action_listen", "action_extract_slots", active_form(tracker)}
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "action" and event.get("name") not in quiet:
            return True
    return False


def active_form(tracker: Tracker) -> Optional[str]:
    return (tracker.active_loop or {}).get("name")


def is_skip(tracker: Tracker, text: Optional[str]) -> bool:
    return latest_intent(tracker) == "skip" or words(text or "") in SKIP_WORDS


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


def career_stage(tracker: Tracker) -> Optional[str]:
    """The person's career stage id: the one given in this conversation, else the one stored.

    The slot is filled straight from the entity the NLU found ("new team leader"), so it is read
    through the content's stage matching; a value that names no stage is ignored.
    """
    said = get_content().resolve_stage(tracker.get_slot("career_stage"))
    return said or store().people.career_stage(key(tracker))


def profile_for(user: str) -> Tuple[Optional[Profile], List[Change], bool]:
    """The person's latest profile, what changed since the one before, and whether there was one."""
    return latest_profile(store().assessments.completed(user, limit=2))


def button(title: str, intent: str, **entities: Any) -> Dict[str, str]:
    """A button whose payload is ``/intent{"entity": "value"}``; ``title`` is already worded."""
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, separators=(",", ":"))
    return {"title": title, "payload": payload}


def menu(*which: str) -> List[Dict[str, str]]:
    """The main menu's buttons (or some of them): dimensions, assessment, reflect, learning."""
    items = {
        "dimensions": ("button.dimensions", "list_dimensions"),
        "assessment": ("button.assessment", "start_self_assessment"),
        "reflect": ("button.reflect", "start_reflection"),
        "learning": ("button.learning", "ask_recommendation"),
    }
    return [button(say(items[name][0]), items[name][1]) for name in (which or tuple(items))]


def contact_line(c: Contact) -> str:
    """One support contact as a bullet: who, how, when, and who it is for when it is not for everyone."""
    if c.who:
        return say("wellbeing.contact_for", name=c.name, how=c.how, who=c.who, when=c.when, link=c.link)
    return say("wellbeing.contact_with_link" if c.link else "wellbeing.contact", name=c.name, how=c.how,
               when=c.when, link=c.link)


def join_names(names: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    return get_content().join_names(names)


def dimension_names(ids: Sequence[str]) -> str:
    c = content()
    return join_names([c.dimension(d).name for d in ids])


def guarded(run: Callable[..., Awaitable[List[Dict[Text, Any]]]]) -> Callable[..., Awaitable[List[Dict[Text, Any]]]]:
    """Turn a database failure into a kind message instead of a crash."""

    @functools.wraps(run)
    async def wrapper(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        try:
            return await run(self, dispatcher, tracker, domain)
        except STORAGE_ERRORS as exc:
            log.error("event=storage_error action=%s error=%s", self.name(), type(exc).__name__)
            dispatcher.utter_message(text=say("storage_trouble"))
            return []

    return wrapper
