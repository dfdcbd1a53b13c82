"""Situations people bring in their own words: name the dimensions, ask before advising.

The NLU's situation classifier (bot/rasa_ext/situations.py) ranks the nine
dimensions for the message; this names the one or two it touches with a
sentence on why, asks one reflective question, and offers next steps. The
situation is held (redacted) in the conversation so that a reflection started
straight after it is stored with it; it is not kept anywhere else.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, contact_line, content, latest_text, say
from bot.content import DIMENSION_IDS
from bot.safety import clean_free_text, redact
from bot.storage import SITUATION_MAX_CHARS

log = logging.getLogger("coach.actions")


def situation_dimensions(tracker: Tracker) -> List[str]:
    """The one or two dimensions the NLU named for the latest message."""
    named = (tracker.latest_message.get("situation") or {}).get("dimensions") or []
    return [d for d in named if d in DIMENSION_IDS][:2]


class ActionRespondSituation(Action):
    def name(self) -> Text:
        return "action_respond_situation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        dims = situation_dimensions(tracker)
        text = redact(clean_free_text(latest_text(tracker), limit=SITUATION_MAX_CHARS)).text
        if not dims:
            dispatcher.utter_message(text=say("situation.unsure"))
            return [SlotSet("situation_text", text or None), SlotSet("situation_dimensions", None)]
        first = c.dimension(dims[0])
        if len(dims) == 1:
            dispatcher.utter_message(text=say("situation.one", name=first.name, why=first.situation_why))
        else:
            second = c.dimension(dims[1])
            dispatcher.utter_message(text=say("situation.two", first=first.name, first_why=first.situation_why,
                                              second=second.name, second_why=second.situation_why))
        dispatcher.utter_message(text=say("situation.question", question=first.situation_question))
        dispatcher.utter_message(
            text=say("situation.offer", name=first.name),
            buttons=[button(say("button.reflect_on_situation"), "start_reflection", dimension=first.id),
                     button(say("button.levels_look_like"), "ask_level", dimension=first.id),
                     button(say("button.learning_for", dimension=first.name), "ask_recommendation",
                            dimension=first.id)],
        )
        flags = tracker.latest_message.get("wellbeing") or {}
        if flags.get("tier") == "wellbeing":  # strain or bullying inside the situation: support, never 999
            w = c.signposting.wellbeing
            dispatcher.utter_message(text=say("wellbeing.in_situation"))
            if flags.get("speak_up"):
                dispatcher.utter_message(text=say("wellbeing.speak_up", intro=w.speak_up_intro,
                                                  contacts="\n".join(contact_line(x) for x in w.speak_up)))
        log.info("event=situation dimensions=%s", ",".join(dims))
        return [SlotSet("situation_text", text or None), SlotSet("situation_dimensions", dims),
                SlotSet("dimension", first.id)]


class ActionSituationFollowup(Action):
    """The person's answer to the situation's question: acknowledged, offered a reflection to keep it."""

    def name(self) -> Text:
        return "action_situation_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        dims = tracker.get_slot("situation_dimensions") or []
        buttons = [button(say("button.reflect_on_situation"), "start_reflection",
                          **({"dimension": dims[0]} if dims else {}))]
        dispatcher.utter_message(text=say("situation.followup"), buttons=buttons)
        return []
