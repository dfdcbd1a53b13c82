"""Rasa's replies by name (``utter_*``), worded from ``bot/content/messages.yml``.

Responses written in ``domain.yml`` are baked into the trained model, so
changing a word there means retraining. ``endpoints.yml`` names this class as
the NLG instead: Rasa asks it for each ``utter_*`` reply and it answers from
the content files, loaded (and checked) once when the server starts. The
domain keeps only the response names, which Rasa needs to validate the rules
and stories.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from rasa.core.nlg.generator import NaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.content import get_content

log = logging.getLogger(__name__)


def _last_said(tracker: DialogueStateTracker) -> Optional[str]:
    for event in reversed(tracker.events):
        if isinstance(event, BotUttered):
            return event.text
    return None


class ContentNLG(NaturalLanguageGenerator):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, domain: Optional[Domain] = None) -> None:
        self.content = get_content()  # a broken content file stops the server here, naming file and entry
        if domain is not None:
            missing = sorted(set(domain.responses) - set(self.content.responses))
            if missing:
                raise ValueError(f"messages.yml: responses: missing {', '.join(missing)} (named in domain.yml)")

    async def generate(self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text,
                       **kwargs: Any) -> Optional[Dict[Text, Any]]:
        response = self.content.responses.get(utter_action)
        if response is None:
            log.error("event=unknown_response name=%s", utter_action)
            return None
        text = response.text
        if response.again and _last_said(tracker) == text:  # never the same words twice in a row
            text = response.again
        message: Dict[Text, Any] = {"text": text}
        if response.buttons:
            message["buttons"] = [{"title": b.title, "payload": b.payload} for b in response.buttons]
        return message
