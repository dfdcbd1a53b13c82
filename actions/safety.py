"""Signposting when someone is in distress, from any point in any conversation."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import button, content, key, store

log = logging.getLogger("coach.actions")


class ActionSignpost(Action):
    def name(self) -> Text:
        return "action_signpost"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        s = content().signposting
        contacts = "\n".join(
            f"• {c.name}: {c.how} ({c.when})" + (f" {c.link}" if c.link else "") for c in s.contacts
        )
        events: List[Dict[Text, Any]] = []
        loop = (tracker.active_loop or {}).get("name")
        if loop:
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        dispatcher.utter_message(text=f"{s.opening}\n{s.urgent}\n{contacts}\n{s.not_a_crisis_service}")
        # Signposting must never depend on the database: look up progress only as a courtesy.
        has_open = False
        try:
            current = store().open_assessment(key(tracker))
            has_open = bool(current and current.ratings)
        except Exception:  # noqa: BLE001 - any failure here must not stop the signposting above
            log.error("event=storage_error action=action_signpost")
        buttons = [button("Carry on with my self-assessment", "start_self_assessment")] if has_open else []
        buttons.append(button("Back to the coach", "ask_capabilities"))
        dispatcher.utter_message(text=s.return_offer, buttons=buttons)
        log.info("event=distress_signposted in_form=%s", loop or "-")
        return events


class ActionSignpostFollowup(Action):
    """A short "I'm fine" or "no" after signposting gets a gentle reply, not a brush-off."""

    def name(self) -> Text:
        return "action_signpost_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        s = content().signposting
        dispatcher.utter_message(text=s.followup, buttons=[button("Back to the coach", "ask_capabilities")])
        return []
