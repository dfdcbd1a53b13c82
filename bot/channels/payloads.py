"""Hand-typed ``/intent{...}`` payloads: only what the coach's own buttons send gets through.

Rasa's ``RegexMessageHandler`` turns any message that starts with "/" into that intent and those
entities, overriding the NLU pipeline, so anyone could type ``/delete_data`` or put an entity the
coach never offers into a slot. The channels (:mod:`bot.channels.guard`) pass every message
through :func:`screen` first: a payload the buttons could have sent (an intent in
:data:`BUTTON_INTENTS`, with only its entities, each value one the content offers) goes through as
it is; anything else is read as ordinary text (the leading slashes dropped), so the NLU hears it.
``tests/test_channels.py`` checks that every button the actions and messages can show is allowed.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Dict, FrozenSet, Optional, Tuple

from bot.content.model import CAREER_STAGE_IDS, DIMENSION_IDS, LEVEL_IDS, NOT_SURE

# Intent -> the entities its buttons carry. Rasa's own "/restart" is kept: it only restarts the
# sender's own conversation, and the shell and the docs use it.
BUTTON_INTENTS: Dict[str, Tuple[str, ...]] = {
    "affirm": (),
    "deny": (),
    "skip": (),
    "stop": (),
    "restart": (),
    "ask_capabilities": (),
    "list_dimensions": (),
    "show_profile": (),
    "show_reflections": (),
    "find_facilitator": (),
    "ask_dimension": ("dimension",),
    "ask_level": ("level", "dimension"),
    "choose_level": ("level",),
    "change_answer": ("dimension",),
    "start_self_assessment": ("dimension",),
    "start_reflection": ("dimension",),
    "ask_recommendation": ("dimension", "career_stage"),
    "ask_privacy": (),
    "export_data": (),
    "delete_data": (),
    "withdraw_consent": (),
}

ENTITY_VALUES: Dict[str, FrozenSet[str]] = {
    "dimension": frozenset(DIMENSION_IDS),
    "level": frozenset(LEVEL_IDS) | {NOT_SURE},
    "career_stage": frozenset(CAREER_STAGE_IDS),
}

_PAYLOAD = re.compile(r"^/([A-Za-z_][\w\-]*)(\{.*\})?$", re.S)


def parse(text: str) -> Optional[Tuple[str, Dict[str, object]]]:
    """``(intent, entities)`` of a well-formed payload, or None."""
    m = _PAYLOAD.match(text.strip())
    if not m:
        return None
    entities: Dict[str, object] = {}
    if m.group(2):
        try:
            entities = json.loads(m.group(2))
        except ValueError:
            return None
        if not isinstance(entities, dict):
            return None
    return m.group(1), entities


def allowed(intent: str, entities: Dict[str, object]) -> bool:
    names = BUTTON_INTENTS.get(intent)
    if names is None:
        return False
    for name, value in entities.items():
        if name not in names or not isinstance(value, str) or value not in ENTITY_VALUES.get(name, ()):
            return False
    return True


@lru_cache(maxsize=1024)
def screen(text: str) -> str:
    """The message as the coach should read it: an allowed payload as is, anything else as text."""
    if not text or not text.lstrip().startswith("/"):
        return text
    parsed = parse(text)
    if parsed is not None and allowed(*parsed):
        return text.strip()
    return text.lstrip().lstrip("/").strip()
