"""The conversational self-assessment, the profile, and consent to store.

The assessment is a form that loops: it asks for a level, then an optional
note, once per dimension, until all nine are answered or skipped. Progress is
written to the database after every answer, so stopping, a server restart or a
new conversation all resume where the person left off.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (MENU, button, content, guarded, key, latest_entities, latest_intent, latest_text,
                            store, STORAGE_ERRORS, STORAGE_TROUBLE)
from bot.assessment import build_profile, compare, describe_profile, next_dimension, progress
from bot.content import LEVEL_IDS, NOT_SURE
from bot.recommend import format_recommendation, recommend
from bot.safety import clean_free_text, redact

log = logging.getLogger("coach.actions")

SKIP_WORDS = {"skip", "pass", "next", "no", "nope", "nothing", "none", "n a", "na", "no thanks", "not really",
              "rather not", "skip it", "skip this", "skip this one", "move on", "no comment"}
RESTART_WORDS = ("start over", "start again", "from scratch", "restart", "begin again", "fresh start")

ASSESSMENT_SLOTS_RESET = ["assessment_level", "assessment_note", "assessment_dimension"]


_RESTART = re.compile(r"\b(start|do|take|begin|redo)\b.*\bagain\b|" + "|".join(RESTART_WORDS))


def wants_restart(text: str) -> bool:
    return bool(_RESTART.search(text.lower()))


def _norm(text: str) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def is_skip(tracker: Tracker, text: Optional[str]) -> bool:
    return latest_intent(tracker) == "skip" or _norm(text or "") in SKIP_WORDS


def profile_for(user: str):
    """The latest profile, changes since the one before, and whether there was one before."""
    done = store().completed_assessments(user, limit=2)
    if not done:
        return None, [], False
    latest = done[0]
    skipped = [r.dimension_id for r in latest.ratings if r.skipped]
    profile = build_profile(latest.levels, skipped)
    if len(done) > 1:
        return profile, compare(done[1].levels, latest.levels), True
    return profile, [], False


CONSENT_BUTTONS = [button("Yes, keep them", "affirm"), button("No thanks", "deny")]


class ActionAskConsentGiven(Action):
    """Asks the storage question for whichever form is running."""

    def name(self) -> Text:
        return "action_ask_consent_given"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        loop = (tracker.active_loop or {}).get("name")
        which = "consent_ask_reflection" if loop == "reflection_form" else "consent_ask_assessment"
        dispatcher.utter_message(text=content().messages[which], buttons=CONSENT_BUTTONS)
        return []


class ConsentMixin:
    """``consent_given`` is asked only when the person has not agreed before."""

    async def validate_consent_given(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                     domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset when the form started, not an answer
            return {"consent_given": None}
        if slot_value is True:
            try:
                store().record_consent(key(tracker), True)
            except STORAGE_ERRORS:
                log.error("event=storage_error action=record_consent")
                dispatcher.utter_message(text=STORAGE_TROUBLE)
                return {"consent_given": False}
            dispatcher.utter_message(text=content().messages["consent_thanks"])
            return {"consent_given": True}
        if slot_value is False:
            return {"consent_given": False}
        dispatcher.utter_message(text=content().messages["consent_explain"], buttons=CONSENT_BUTTONS)
        return {"consent_given": None}


class ActionStartAssessment(Action):
    def name(self) -> Text:
        return "action_start_assessment"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        user = key(tracker)
        s = store()
        events: List[Dict[Text, Any]] = [SlotSet(name, None) for name in ASSESSMENT_SLOTS_RESET]
        events.append(SlotSet("consent_given", None))
        consent = s.has_consent(user)
        current = s.open_assessment(user) if consent else None
        text = latest_text(tracker).lower()
        if current and current.ratings and wants_restart(text):
            s.restart_assessment(user)
            dispatcher.utter_message(text="Starting afresh. Your earlier completed assessments are still kept.")
            current = None
        if current and current.ratings:
            done, total = progress(current.answered)
            nxt = next_dimension(current.answered)
            where = f" with {content().dimension(nxt).name}" if nxt else ""
            dispatcher.utter_message(
                text=f"Welcome back. You've answered {done} of {total}, so let's carry on{where}. "
                "(To begin again instead, say \"start the assessment again\".)"
            )
        else:
            dispatcher.utter_message(text=content().messages["assessment_intro"])
        return events


class ValidateAssessmentForm(ConsentMixin, FormValidationAction):
    def name(self) -> Text:
        return "validate_assessment_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot("consent_given") is False:
            return []
        try:
            user = key(tracker)
            if not store().has_consent(user):
                return ["consent_given", "assessment_level", "assessment_note"]
            current = store().open_assessment(user)
        except STORAGE_ERRORS:
            log.error("event=storage_error action=validate_assessment_form")
            dispatcher.utter_message(text=STORAGE_TROUBLE)
            return []
        answered = current.answered if current else ()
        if next_dimension(answered) is None and answered:
            rated_last = tracker.get_slot("assessment_level") is not None
            if rated_last and tracker.get_slot("assessment_note") != "done":
                return ["assessment_level", "assessment_note"]
            return []
        return ["assessment_level", "assessment_note"]

    async def validate_assessment_level(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset by an action, not typed: nothing to validate
            return {"assessment_level": None}
        c = content()
        user = key(tracker)
        dim = tracker.get_slot("assessment_dimension")
        try:
            if dim is None:
                current = store().start_assessment(user)
                dim = next_dimension(current.answered, tracker.get_slot("dimension"))
            if dim is None:
                return {"assessment_level": None}
            text = slot_value if isinstance(slot_value, str) else ""
            if is_skip(tracker, text):
                store().save_rating(user, dim, None, skipped=True)
                log.info("event=assessment_skipped dimension=%s", dim)
                return {"assessment_level": None, "assessment_note": None, "assessment_dimension": None}
            level = next((lv for lv in (c.resolve_level(v) for v in latest_entities(tracker, "level")) if lv), None)
            level = level or c.resolve_level(text)
            if level is None:
                dispatcher.utter_message(
                    text="I didn't catch a level there. Please pick one of the buttons: essential, proficient, "
                    "strong, exemplary or not sure yet. You can also say skip, or stop to finish later."
                )
                return {"assessment_level": None}
            store().save_rating(user, dim, level)
        except STORAGE_ERRORS:
            log.error("event=storage_error action=validate_assessment_level")
            dispatcher.utter_message(text=STORAGE_TROUBLE)
            return {"assessment_level": None}
        log.info("event=assessment_rated dimension=%s", dim)
        return {"assessment_level": level}

    async def validate_assessment_note(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset by an action, not typed: nothing to validate
            return {"assessment_note": None}
        user = key(tracker)
        dim = tracker.get_slot("assessment_dimension")
        text = slot_value if isinstance(slot_value, str) else ""
        try:
            if dim and text and not text.startswith("/") and not is_skip(tracker, text):
                cleaned = redact(clean_free_text(text, limit=2000))
                if cleaned.text:
                    store().save_note(user, dim, cleaned.text)
                    if cleaned.changed:
                        dispatcher.utter_message(text=content().messages["redacted"])
                    log.info("event=assessment_note_saved dimension=%s redactions=%d", dim, len(cleaned.kinds))
            current = store().open_assessment(user)
        except STORAGE_ERRORS:
            log.error("event=storage_error action=validate_assessment_note")
            dispatcher.utter_message(text=STORAGE_TROUBLE)
            return {"assessment_note": None}
        if current and next_dimension(current.answered) is not None:
            return {"assessment_level": None, "assessment_note": None, "assessment_dimension": None}
        return {"assessment_note": "done"}


class ActionAskAssessmentLevel(Action):
    def name(self) -> Text:
        return "action_ask_assessment_level"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        current = store().start_assessment(key(tracker))
        dim_id = tracker.get_slot("assessment_dimension") or next_dimension(current.answered,
                                                                            tracker.get_slot("dimension"))
        if dim_id is None or dim_id in current.answered:
            dim_id = next_dimension(current.answered, tracker.get_slot("dimension"))
        if dim_id is None:
            dispatcher.utter_message(text="You've answered all nine dimensions.")
            return []
        dim = c.dimension(dim_id)
        done, total = progress(current.answered)
        lines = [f"{c.scale.get(lv).name}: {dim.levels[lv]}" for lv in LEVEL_IDS]
        dispatcher.utter_message(
            text=f"{done + 1} of {total}: {dim.name} ({dim.short})\n" + "\n".join(lines)
            + "\nWhere would you place yourself at the moment?",
            buttons=[button(c.scale.get(lv).name, "choose_level", level=lv) for lv in LEVEL_IDS]
            + [button(c.scale.not_sure.name, "choose_level", level=NOT_SURE),
               button("Skip this one", "skip"), button("Stop for now", "stop")],
        )
        return [SlotSet("assessment_dimension", dim_id)]


class ActionAskAssessmentNote(Action):
    def name(self) -> Text:
        return "action_ask_assessment_note"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        level = tracker.get_slot("assessment_level")
        lead = "Thanks." if level != NOT_SURE else "That's fine: not being sure is useful to know."
        dispatcher.utter_message(
            text=f"{lead} What makes you say that? A sentence is plenty, or tap Skip. "
            "Please leave out anything that could identify a patient.",
            buttons=[button("Skip", "skip")],
        )
        return []


class ActionPause(Action):
    """Stop whichever form is running; everything answered so far is already saved."""

    def name(self) -> Text:
        return "action_pause"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        loop = (tracker.active_loop or {}).get("name")
        events: List[Dict[Text, Any]] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += [SlotSet(name, None) for name in ASSESSMENT_SLOTS_RESET]
        if loop == "assessment_form":
            current = store().open_assessment(key(tracker))
            answered = current.answered if current else ()
            done, total = progress(answered)
            nxt = next_dimension(answered)
            where = f" from {content().dimension(nxt).name}" if nxt else ""
            if not done:
                dispatcher.utter_message(text="No problem, we'll leave it there. Nothing was answered yet, so "
                                         "there's nothing to save.", buttons=MENU)
                return events
            dispatcher.utter_message(
                text=f"No problem, we'll stop here. Your answers so far are saved ({done} of {total}). "
                f"Whenever you're ready, say \"carry on with my self-assessment\" and we'll pick up{where}.",
                buttons=[button("Carry on now", "start_self_assessment")] + MENU[:1],
            )
        elif loop == "reflection_form":
            dispatcher.utter_message(text="Stopping there. Anything you answered is saved.", buttons=MENU)
        else:
            dispatcher.utter_message(text="OK. There's nothing running just now. What would you like to do?",
                                     buttons=MENU)
        return events


class ActionFinishAssessment(Action):
    def name(self) -> Text:
        return "action_finish_assessment"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        s = store()
        reset = [SlotSet(name, None) for name in ASSESSMENT_SLOTS_RESET] + [SlotSet("consent_given", None)]
        if tracker.get_slot("consent_given") is False and not s.has_consent(user):
            dispatcher.utter_message(text=content().messages["consent_declined"], buttons=MENU)
            return reset
        finished = s.complete_assessment(user)
        if finished is None:
            dispatcher.utter_message(text="There's no self-assessment in progress to finish.", buttons=MENU)
            return reset
        log.info("event=assessment_completed rated=%d", len(finished.levels))
        profile, changes, had_previous = profile_for(user)
        dispatcher.utter_message(text="That's all nine. Thank you for taking the time.")
        dispatcher.utter_message(text=describe_profile(c, profile, changes, had_previous))
        stage = tracker.get_slot("career_stage") or s.career_stage(user)
        recs = recommend(c, profile.focus, stage, limit=3)
        buttons = [button("Show my profile again", "show_profile")]
        if profile.focus:
            dim = c.dimension(profile.focus[0])
            buttons.insert(0, button(f"Reflect on {dim.name}", "start_reflection", dimension=dim.id))
        if recs:
            dispatcher.utter_message(
                text="Some learning that fits:\n" + "\n".join(format_recommendation(r) for r in recs),
                buttons=buttons,
            )
        return reset


class ActionShowProfile(Action):
    def name(self) -> Text:
        return "action_show_profile"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        profile, changes, had_previous = profile_for(user)
        current = store().open_assessment(user)
        in_progress = ""
        if current and current.ratings:
            done, total = progress(current.answered)
            in_progress = f"You also have a self-assessment in progress ({done} of {total} answered)."
        if profile is None:
            dispatcher.utter_message(
                text=" ".join(x for x in ("You haven't completed a self-assessment yet.", in_progress) if x)
                + " It takes about ten minutes and you can stop at any point.",
                buttons=[button("Start the self-assessment", "start_self_assessment")],
            )
            return []
        dispatcher.utter_message(text=describe_profile(c, profile, changes, had_previous))
        buttons = [button("Learning for me", "ask_recommendation")]
        if profile.focus:
            dim = c.dimension(profile.focus[0])
            buttons.insert(0, button(f"Reflect on {dim.name}", "start_reflection", dimension=dim.id))
        if in_progress:
            buttons.append(button("Carry on with my self-assessment", "start_self_assessment"))
        dispatcher.utter_message(text=in_progress or "What would you like to do next?", buttons=buttons)
        return []
