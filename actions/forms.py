"""The base every form's validation action shares.

Two jobs, done once here rather than in each validator:
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
from abc import abstractmethod
from typing import Any, Callable, Dict, List, Optional, Text, TypeVar

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import STORAGE_ERRORS, say

log = logging.getLogger("coach.actions")

T = TypeVar("T")

# What one run of a validation action has read; each request runs in its own task, so each has its own.
_run_cache: contextvars.ContextVar[Optional[Dict[str, Any]]] = contextvars.ContextVar("coach_form_run", default=None)


class CoachFormValidation(FormValidationAction):
    @abstractmethod
    def name(self) -> Text:
        """``validate_<form name>``; abstract so that rasa-sdk does not register this base as an action."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        extracted = list(tracker.slots_to_validate())
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
