"""Consent to store: asked once, only when a form is about to keep something, and recorded."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import active_form, button, key, repeats, say, store
from actions.forms import CoachFormValidation
from bot.safety import clean_free_text, redact
from bot.text import words

log = logging.getLogger("coach.actions")

# Which question each form asks before it keeps anything.
ASK_KEY = {"reflection_form": "consent_ask_reflection", "assessment_form": "consent_ask_assessment"}
# Text typed while the question is pending is held (and kept if the person agrees) from this many words:
# shorter is a reply to the question ("hmm", "why?"), not something to keep.
PENDING_MIN_WORDS = 4


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
        form = active_form(tracker) or ""
        text = say(ASK_KEY.get(form, "consent_ask_assessment"))
        if tracker.get_slot("pending_text"):
            text = say("consent_ask_pending")
        if repeats(tracker, text):  # never the same question twice in a row
            text = say("consent_explain")
        dispatcher.utter_message(text=text, buttons=consent_buttons())
        return []


class ConsentValidation:
    """Mixed into a form's validation action: ``consent_given`` is validated the same way in every form.

    What the form has read about consent this run (``remember("consent", ...)``) is updated too.
    Something typed while the question is pending (someone who starts writing their reflection
    straight away) is held in ``pending_text``; a form that keeps free text overrides
    :meth:`keep_pending` to store it once the person agrees.
    """

    holds_pending = False

    def keep_pending(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """Store what was typed while consent was pending; the slots to set."""
        return {}

    async def validate_consent_given(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset when the form started, not an answer
            return {"consent_given": None}
        if slot_value is True:
            store().people.record_consent(key(tracker), True)
            CoachFormValidation.update("consent", True)
            dispatcher.utter_message(text=say("consent_thanks"))
            pending = tracker.get_slot("pending_text")
            if not pending:
                return {"consent_given": True}
            return {"consent_given": True, "pending_text": None, **self.keep_pending(pending, dispatcher, tracker)}
        if slot_value is False:
            return {"consent_given": False, **({"pending_text": None} if tracker.get_slot("pending_text") else {})}
        text = slot_value if isinstance(slot_value, str) else ""
        if self.holds_pending and len(words(text).split()) >= PENDING_MIN_WORDS:
            held = redact(clean_free_text(text)).text
            if held:
                # A second message before the answer adds to the first rather than replacing it:
                # nothing the person typed is lost (the same message sent again is not added twice).
                earlier = tracker.get_slot("pending_text")
                if earlier and held != earlier and not earlier.endswith("\n\n" + held):
                    held = f"{earlier}\n\n{held}"
                elif earlier:
                    held = earlier
                return {"consent_given": None, "pending_text": held}
        # The question is asked again by action_ask_consent_given, in other words.
        return {"consent_given": None}
