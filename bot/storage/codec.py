"""How a conversation event is stored: identifiers redacted, as JSON (encrypted by its column).

Shared by the tracker store (every event it writes) and migration 0004 (events moved from Rasa's
own ``events`` table). No Rasa imports: an event here is ``Event.as_dict()``'s plain dict.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Text

from bot.safety import redact


def _redact_value(value: Any) -> Any:
    if isinstance(value, str) and not value.startswith("/"):
        return redact(value).text
    return value


def redact_event(data: Dict[Text, Any]) -> Dict[Text, Any]:
    """A copy of a serialised event with identifiers removed from what the person typed.

    User text, the parse data's text and entity values, and string slot values; a ``/`` payload
    (a button) is left as it is, and so are the coach's own words.
    """
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


def encode_event(data: Dict[Text, Any]) -> str:
    """A serialised event (``Event.as_dict()``) as it is stored: redacted, as JSON.

    The ``data`` column encrypts it (:class:`bot.crypto.EncryptedText`).
    """
    return json.dumps(redact_event(data))


def decode_event(stored: str) -> Dict[Text, Any]:
    """A stored event back as ``Event.as_dict()`` gave it (less what :func:`encode_event` removed)."""
    return json.loads(stored)
