"""The base every form's validation action shares.

Three jobs, done once here rather than in each validator:
- a question or command typed where a free-text answer is expected ("show my
  reflections", "what does proficient mean", "stop") is not an answer: the
  form steps aside (rejects), the coach answers it by the rules in
  ``data/digressions.yml``, and the form asks its question again. Only a short
  message, or one that asks the coach something, digresses: a long reflective
  answer that happens to mention "stop" or "my profile" is an answer;
- storage trouble is answered the same way everywhere: a kind message, and
  whatever Rasa extracted this turn is set back to empty so the form asks
  again instead of moving on without having saved the answer;
- reads of the database are shared across one run. rasa-sdk calls
  ``required_slots`` up to three times per run (extraction, validation, the
  next slot); :meth:`CoachFormValidation.remember` keeps what one run has
  already read, so a turn costs one read plus the writes it makes.
"""

from __future__ import annotations

import contextvars
import logging
import re
from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text, TypeVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import STORAGE_ERRORS, latest_intent, say
from bot.text import words

log = logging.getLogger("coach.actions")

T = TypeVar("T")

# Intents the coach answers in the middle of a form before asking its question again (or, for
# stop/goodbye/switching, that end the form). Each has a rule per form in data/digressions.yml.
DIGRESSIONS = frozenset({
    "stop", "goodbye", "greet", "thank", "ask_capabilities", "bot_challenge", "ask_about", "list_dimensions",
    "ask_dimension", "explain_scale", "ask_level", "show_profile", "show_reflections", "ask_recommendation",
    "ask_offer", "early_career", "ask_360", "find_facilitator", "start_self_assessment", "start_reflection",
    "change_answer", "ask_privacy", "export_data", "delete_data", "withdraw_consent",
})
# Slots that take whatever the person types; anything else is matched to an entity or intent by Rasa.
FREE_TEXT_SLOTS = ("reflection_answer", "assessment_note", "consent_given")
# A message this short is a command when its intent is one; a longer one only when it asks the coach something.
SHORT_COMMAND_WORDS = 8
# How a message addressed to the coach begins (after folding case and punctuation).
_ASKS = ("what ", "whats ", "how ", "can you ", "could you ", "would you ", "will you ", "can i ", "could i ",
         "can we ", "could we ", "shall we ",
         "show ", "tell me", "give me", "where ", "who ", "which ", "is there", "are there", "do you ", "explain ",
         "help", "list ", "remind me", "let me ", "i want to see", "id like to see", "take me")
# Words a question to the coach may open with before it gets going ("sorry, what does ... mean").
_OPENERS = re.compile(r"^(?:(?:eh|er|erm|um|umm|uh|hmm|ok|okay|so|sorry|wait|hang on|hold on|but|and|actually|"
                      r"quick question|just|oh|right|hey|hi|please)\s+)+")
# Below this confidence the intent is a guess, and the text is kept as an answer.
DIGRESSION_CONFIDENCE = 0.5
# Intents that start a flow. An answer can name the thing ("my private reflection about a colleague
# who..."), so over a few words they are a command only with a word that asks to start something.
STARTERS = frozenset({"start_reflection", "start_self_assessment"})
STARTER_BARE_WORDS = 3
_START_CUES = re.compile(r"\b(?:start|begin|another|new|different|again|reflect|restart|switch|instead|do|"
                         r"lets|let us|can we|could we|can i|could i|i want|i wanna|id like|i would like|"
                         r"rate|take me|go to|try)\b")


def is_digression(tracker: Tracker) -> bool:
    """The latest message is a question or command for the coach rather than an answer to the form's question."""
    intent = tracker.latest_message.get("intent") or {}
    if intent.get("name") not in DIGRESSIONS:
        return False
    text = tracker.latest_message.get("text") or ""
    if text.startswith("/"):  # a button or a typed intent: always a command
        return True
    if float(intent.get("confidence") or 0.0) < DIGRESSION_CONFIDENCE:
        return False
    folded = words(text)
    if intent.get("name") in STARTERS and len(folded.split()) > STARTER_BARE_WORDS \
            and not _START_CUES.search(folded):
        return False
    if len(folded.split()) <= SHORT_COMMAND_WORDS:
        return True
    opening = _OPENERS.sub("", folded)
    return text.rstrip().endswith("?") or opening.startswith(_ASKS)


# What one run of a validation action has read; each request runs in its own task, so each has its own.
_run_cache: contextvars.ContextVar[Optional[Dict[str, Any]]] = contextvars.ContextVar("coach_form_run", default=None)


class CoachFormValidation(FormValidationAction):
    @abstractmethod
    def name(self) -> Text:
        """``validate_<form name>``; abstract so that rasa-sdk does not register this base as an action."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        candidates = tracker.slots_to_validate()
        extracted = list(candidates)
        typed = [slot for slot in FREE_TEXT_SLOTS if candidates.get(slot) not in (None, True, False)]
        if typed and is_digression(tracker):
            log.info("event=form_digression form=%s intent=%s", self.form_name(), latest_intent(tracker))
            return [SlotSet(slot, None) for slot in extracted] + [ActionExecutionRejected(self.form_name())]
        token = _run_cache.set({})
        try:
            return await super().run(dispatcher, tracker, domain)
        except STORAGE_ERRORS as exc:
            log.error("event=storage_error action=%s error=%s", self.name(), type(exc).__name__)
            dispatcher.utter_message(text=say("storage_trouble"))
            return [SlotSet(slot, None) for slot in extracted]
        finally:
            _run_cache.reset(token)

    @staticmethod
    def remember(name: str, load: Callable[[], T]) -> T:
        """``load()`` once per run; later calls in the same run get the same value."""
        cache = _run_cache.get()
        if cache is None:  # called outside run() (a unit test calling a method directly)
            return load()
        if name not in cache:
            cache[name] = load()
        return cache[name]

    @staticmethod
    def update(name: str, value: Any) -> None:
        """Replace what this run remembers under ``name`` (after a write that changed it)."""
        cache = _run_cache.get()
        if cache is not None:
            cache[name] = value
