"""Consent to store: asked once, only when a form is about to keep something, and recorded."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import active_form, button, key, say, store
from actions.forms import CoachFormValidation

log = logging.getLogger("coach.actions")

# Which question each form asks before it keeps anything.
ASK_KEY = {"reflection_form": "consent_ask_reflection", "assessment_form": "consent_ask_assessment"}


def consent_buttons() -> List[Dict[str, str]]:
    return [button(say("button.consent_yes"), "affirm"), button(say("button.consent_no"), "deny")]


def has_consent(tracker: Tracker) -> bool:
    return store().people.has_consent(key(tracker))


def declined(tracker: Tracker) -> bool:
    """The person said no to storage in this form and has not agreed before."""
    return tracker.get_slot("consent_given") is False and not has_consent(tracker)


class ActionAskConsentGiven(Action):
    """Asks the storage question for whichever form is running."""

    def name(self) -> Text:
        return "action_ask_consent_given"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        which = ASK_KEY.get(active_form(tracker) or "", "consent_ask_assessment")
        dispatcher.utter_message(text=say(which), buttons=consent_buttons())
        return []


class ConsentValidation:
    """Mixed into a form's validation action: ``consent_given`` is validated the same way in every form.

    What the form has read about consent this run (``remember("consent", ...)``) is updated too.
    """

    async def validate_consent_given(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset when the form started, not an answer
            return {"consent_given": None}
        if slot_value is True:
            store().people.record_consent(key(tracker), True)
            CoachFormValidation.update("consent", True)
            dispatcher.utter_message(text=say("consent_thanks"))
            return {"consent_given": True}
        if slot_value is False:
            return {"consent_given": False}
        dispatcher.utter_message(text=say("consent_explain"), buttons=consent_buttons())
        return {"consent_given": None}
