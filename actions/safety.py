"""Signposting when someone is in distress, from any point in any conversation."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import active_form, button, contact_line, content, key, say, store

log = logging.getLogger("coach.actions")


class ActionSignpost(Action):
    def name(self) -> Text:
        return "action_signpost"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        s = c.signposting
        events: List[Dict[Text, Any]] = []
        loop = active_form(tracker)
        if loop:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        dispatcher.utter_message(text=c.crisis_message())
        # Signposting must never depend on the database: look up progress only as a courtesy.
        has_open = False
        try:
            current = store().assessments.open(key(tracker))
            has_open = bool(current and current.ratings)
        except Exception:  # noqa: BLE001 - any failure here must not stop the signposting above
            log.error("event=storage_error action=action_signpost")
        buttons = [button(say("button.carry_on_assessment"), "start_self_assessment")] if has_open else []
        buttons.append(button(say("button.back_to_coach"), "ask_capabilities"))
        dispatcher.utter_message(text=s.return_offer, buttons=buttons)
        log.info("event=distress_signposted in_form=%s", loop or "-")
        return events


class ActionSignpostFollowup(Action):
    """A short "I'm fine" or "no" after signposting gets a gentle reply, not a brush-off."""

    def name(self) -> Text:
        return "action_signpost_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        dispatcher.utter_message(text=content().signposting.followup,
                                 buttons=[button(say("button.back_to_coach"), "ask_capabilities")])
        return []


class ActionSupportWellbeing(Action):
    """Stress, exhaustion, bullying...: acknowledged warmly, staff support offered, no 999; then carry on."""

    def name(self) -> Text:
        return "action_support_wellbeing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        w = content().signposting.wellbeing
        seen = tracker.latest_message.get("wellbeing") or {}
        dispatcher.utter_message(text=say("wellbeing.message", opening=w.opening,
                                          contacts="\n".join(contact_line(c) for c in w.contacts)))
        if seen.get("speak_up"):
            dispatcher.utter_message(text=say("wellbeing.speak_up", intro=w.speak_up_intro,
                                              contacts="\n".join(contact_line(c) for c in w.speak_up)))
        dispatcher.utter_message(text=w.safety_net)
        buttons = [] if active_form(tracker) else [button(say("button.reflect_now"), "start_reflection"),
                                                   button(say("button.back_to_coach"), "ask_capabilities")]
        dispatcher.utter_message(text=w.return_offer, buttons=buttons)
        log.info("event=wellbeing_supported topics=%s in_form=%s", ",".join(seen.get("topics") or []) or "-",
                 active_form(tracker) or "-")
        return []
