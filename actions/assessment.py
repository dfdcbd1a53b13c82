"""The conversational self-assessment and the profile.

The assessment is a form that loops: it asks for a level, then an optional
note, once per dimension, until all nine are answered or skipped. Every
answer is written to the database as it is given, and the database is the
only record of where the person is: the next question is the next dimension
not yet answered (the one they asked to start with, if any), and a note
belongs to the latest answer. So stopping, a server restart or a new
conversation all resume where the person left off.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (answered_since_reply, button, career_stage, content, guarded, is_skip, key,
                            latest_entities, latest_text, menu, profile_for, repeats, resolve_dimensions, say, store)
from actions.consent import ConsentValidation, declined
from actions.forms import CoachFormValidation
from bot.assessment import (describe_partial, describe_profile, next_dimension, profile_chart, progress,
                            question_dimension)
from bot.content import DIMENSION_IDS, LEVEL_IDS, NOT_SURE
from bot.recommend import format_recommendation, recommend
from bot.safety import clean_free_text, redact
from bot.storage import AssessmentRecord

log = logging.getLogger("coach.actions")

# Slots the assessment uses for one question; the answers themselves live in the database.
ASSESSMENT_SLOTS_RESET = ["assessment_level", "assessment_note", "assessment_dimension"]
NOTE_DONE = "done"

_RESTART = re.compile(r"\b(start|do|take|begin|redo)\b.*\bagain\b|start over|from scratch|restart|begin again|"
                      r"fresh start")


def wants_restart(text: str) -> bool:
    return bool(_RESTART.search(text.lower()))


def current_dimension(record: Optional[AssessmentRecord], tracker: Tracker) -> Optional[str]:
    """The dimension the level question is about: one the person asked to change, else derived from
    what is stored (the ``assessment_dimension`` slot only echoes the question)."""
    return question_dimension(record.answered if record else (), tracker.get_slot("assessment_first"),
                              tracker.get_slot("assessment_revisit"))


class ActionStartAssessment(Action):
    def name(self) -> Text:
        return "action_start_assessment"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        user = key(tracker)
        s = store()
        named = resolve_dimensions(tracker) or [d for d in [tracker.get_slot("dimension")] if d]
        events: List[Dict[Text, Any]] = [SlotSet(name, None) for name in ASSESSMENT_SLOTS_RESET]
        events += [SlotSet("consent_given", None), SlotSet("assessment_first", named[0] if named else None),
                   SlotSet("assessment_revisit", None)]
        current = s.assessments.open(user) if s.people.has_consent(user) else None
        if current and current.ratings and wants_restart(latest_text(tracker)):
            s.assessments.restart(user)
            dispatcher.utter_message(text=say("assessment.restarted"))
            current = None
        if current and current.ratings:
            done, total = progress(current.answered)
            nxt = next_dimension(current.answered, named[0] if named else None)
            if nxt:
                text = say("assessment.welcome_back_at", done=done, total=total, dimension=content().dimension(nxt).name)
            else:
                text = say("assessment.welcome_back", done=done, total=total)
            dispatcher.utter_message(text=text)
        else:
            dispatcher.utter_message(text=say("assessment_intro"))
        return events


class ValidateAssessmentForm(ConsentValidation, CoachFormValidation):
    def name(self) -> Text:
        return "validate_assessment_form"

    def _state(self, tracker: Tracker):
        """(consent, open assessment), read once per run."""
        user = key(tracker)
        consent = self.remember("consent", lambda: store().people.has_consent(user))
        record = self.remember("assessment", lambda: store().assessments.open(user)) if consent else None
        return consent, record

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot("consent_given") is False:
            return []
        consent, record = self._state(tracker)
        if not consent:
            return ["consent_given", "assessment_level", "assessment_note"]
        if record and record.ratings and current_dimension(record, tracker) is None:
            # All nine answered. If the ninth was rated in this form (not skipped, not resumed),
            # its note is still to come; otherwise the form is done.
            rated_last = tracker.get_slot("assessment_level") is not None
            if rated_last and tracker.get_slot("assessment_note") != NOTE_DONE:
                return ["assessment_level", "assessment_note"]
            return []
        return ["assessment_level", "assessment_note"]

    async def validate_assessment_level(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset by an action, not typed: nothing to validate
            return {"assessment_level": None}
        _, record = self._state(tracker)
        dim = current_dimension(record, tracker)
        if dim is None:
            return {"assessment_level": None}
        user = key(tracker)
        text = slot_value if isinstance(slot_value, str) else ""
        if is_skip(tracker, text):
            if tracker.get_slot("assessment_revisit"):  # "skip" when changing an answer keeps the old one
                return {"assessment_level": None, "assessment_note": None, "assessment_dimension": None,
                        "assessment_revisit": None}
            self.update("assessment", store().assessments.save_rating(user, dim, None, skipped=True))
            log.info("event=assessment_skipped dimension=%s", dim)
            return {"assessment_level": None, "assessment_note": None, "assessment_dimension": None}
        c = content()
        level = next((lv for lv in (c.resolve_level(v) for v in latest_entities(tracker, "level")) if lv), None)
        level = level or c.resolve_level(text)
        if level is None:
            dispatcher.utter_message(text=say("assessment.no_level"))
            return {"assessment_level": None}
        self.update("assessment", store().assessments.save_rating(user, dim, level))
        log.info("event=assessment_rated dimension=%s", dim)
        if tracker.get_slot("assessment_revisit"):
            return {"assessment_level": level, "assessment_revisit": None}
        return {"assessment_level": level}

    async def validate_assessment_note(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                       domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset by an action, not typed: nothing to validate
            return {"assessment_note": None}
        _, record = self._state(tracker)
        last = record.last if record else None
        text = slot_value if isinstance(slot_value, str) else ""
        if last and text and not text.startswith("/") and not is_skip(tracker, text):
            cleaned = redact(clean_free_text(text, limit=2000))
            if cleaned.text:
                store().assessments.save_note(key(tracker), last.dimension_id, cleaned.text)
                if cleaned.changed:
                    dispatcher.utter_message(text=say("redacted"))
                log.info("event=assessment_note_saved dimension=%s redactions=%d", last.dimension_id,
                         len(cleaned.kinds))
        if current_dimension(record, tracker) is not None:
            return {"assessment_level": None, "assessment_note": None, "assessment_dimension": None}
        return {"assessment_note": NOTE_DONE}


class ActionAskAssessmentLevel(Action):
    def name(self) -> Text:
        return "action_ask_assessment_level"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        record = store().assessments.start(key(tracker))
        dim_id = current_dimension(record, tracker)
        if dim_id is None:
            dispatcher.utter_message(text=say("assessment.all_answered"))
            return []
        dim = c.dimension(dim_id)
        done, total = progress(record.answered)
        lines = "\n".join(say("assessment.level_line", level=c.scale.get(lv).name, description=dim.levels[lv])
                          for lv in LEVEL_IDS)
        if tracker.get_slot("assessment_revisit"):
            text = say("assessment.ask_level_change", dimension=dim.name, short=dim.short, levels=lines)
        else:
            text = say("assessment.ask_level", number=done + 1, total=total, dimension=dim.name, short=dim.short,
                       levels=lines)
        # Asked again because the reply was not a level: the short form, not the whole question twice.
        again = tracker.get_slot("assessment_dimension") == dim_id and not answered_since_reply(tracker)
        if again or repeats(tracker, text):
            text = say("assessment.ask_level_again", dimension=dim.name)
        dispatcher.utter_message(
            text=text,
            buttons=[button(c.scale.get(lv).name, "choose_level", level=lv) for lv in LEVEL_IDS]
            + [button(c.scale.not_sure.name, "choose_level", level=NOT_SURE),
               button(say("button.skip_dimension"), "skip"), button(say("button.stop_for_now"), "stop")],
        )
        # The slot only echoes the question just asked (for channels and tests); the database decides.
        return [SlotSet("assessment_dimension", dim_id)]


class ActionAskAssessmentNote(Action):
    def name(self) -> Text:
        return "action_ask_assessment_note"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        lead = say("assessment.note_lead_not_sure" if tracker.get_slot("assessment_level") == NOT_SURE
                   else "assessment.note_lead")
        dispatcher.utter_message(text=say("assessment.ask_note", lead=lead),
                                 buttons=[button(say("button.skip"), "skip")])
        return []


class ActionPause(Action):
    """Stop whichever form is running; everything answered so far is already saved."""

    def name(self) -> Text:
        return "action_pause"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        loop = (tracker.active_loop or {}).get("name")
        events: List[Dict[Text, Any]] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        events += [SlotSet(name, None) for name in ASSESSMENT_SLOTS_RESET] + [SlotSet("assessment_revisit", None)]
        if loop == "assessment_form":
            current = store().assessments.open(key(tracker))
            done, total = progress(current.answered if current else ())
            nxt = current_dimension(current, tracker)
            if not done:
                dispatcher.utter_message(text=say("pause.assessment_nothing_yet"), buttons=menu())
                return events
            text = (say("pause.assessment_at", done=done, total=total, dimension=content().dimension(nxt).name)
                    if nxt else say("pause.assessment", done=done, total=total))
            dispatcher.utter_message(
                text=text,
                buttons=[button(say("button.carry_on_now"), "start_self_assessment")] + menu("dimensions"),
            )
        elif loop == "reflection_form":
            dispatcher.utter_message(text=say("pause.reflection"), buttons=menu())
        else:
            dispatcher.utter_message(text=say("pause.nothing_running"), buttons=menu())
        return events


class ActionFinishAssessment(Action):
    def name(self) -> Text:
        return "action_finish_assessment"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        s = store()
        reset = [SlotSet(name, None) for name in ASSESSMENT_SLOTS_RESET] + [SlotSet("consent_given", None),
                                                                            SlotSet("assessment_revisit", None)]
        if declined(tracker):
            dispatcher.utter_message(text=say("consent_declined"), buttons=menu())
            return reset
        finished = s.assessments.complete(user)
        if finished is None:
            dispatcher.utter_message(text=say("assessment.nothing_to_finish"), buttons=menu())
            return reset
        log.info("event=assessment_completed rated=%d", len(finished.levels))
        profile, changes, had_previous = profile_for(user)
        dispatcher.utter_message(text=say("assessment.finished"))
        dispatcher.utter_message(text=describe_profile(c, profile, changes, had_previous))
        send_chart(dispatcher, tracker, c, user)
        stage = career_stage(tracker)
        recs = recommend(c, profile.focus, stage, limit=3)
        buttons = [button(say("button.show_profile_again"), "show_profile")]
        if profile.focus:
            dim = c.dimension(profile.focus[0])
            buttons.insert(0, button(say("button.reflect_on", dimension=dim.name), "start_reflection",
                                     dimension=dim.id))
        if recs:
            dispatcher.utter_message(
                text=say("assessment.learning_that_fits",
                         offers="\n".join(format_recommendation(c, r) for r in recs)),
                buttons=buttons,
            )
        return reset


def send_chart(dispatcher: CollectingDispatcher, tracker: Tracker, c: Any, user: str) -> None:
    """The profile as a chart for the web page: custom JSON under ``data`` (docs/web-protocol.md).

    Only the web page draws charts; other channels (REST, Teams, the terminal) have the words.
    """
    if tracker.get_latest_input_channel() != "web":
        return
    chart = profile_chart(c, store().assessments.completed(user, limit=2))
    if chart:
        dispatcher.utter_message(json_message={"data": {"chart": chart}})


class ActionShowProfile(Action):
    def name(self) -> Text:
        return "action_show_profile"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        profile, changes, had_previous = profile_for(user)
        current = store().assessments.open(user)
        in_progress = ""
        if current and current.ratings:
            done, total = progress(current.answered)
            in_progress = say("profile.in_progress", done=done, total=total,
                              answers=describe_partial(c, current.ratings))
        if profile is None:
            dispatcher.utter_message(
                text=say("profile.none_yet_in_progress", in_progress=in_progress) if in_progress
                else say("profile.none_yet"),
                buttons=[button(say("button.start_assessment"), "start_self_assessment")],
            )
            return []
        dispatcher.utter_message(text=describe_profile(c, profile, changes, had_previous))
        send_chart(dispatcher, tracker, c, user)
        buttons = [button(say("button.learning"), "ask_recommendation")]
        if profile.focus:
            dim = c.dimension(profile.focus[0])
            buttons.insert(0, button(say("button.reflect_on", dimension=dim.name), "start_reflection",
                                     dimension=dim.id))
        if in_progress:
            buttons.append(button(say("button.carry_on_assessment"), "start_self_assessment"))
        dispatcher.utter_message(text=in_progress or say("profile.what_next"), buttons=buttons)
        return []


_NUMBER = re.compile(r"\b(?:number|no\.?|question|#)\s*([1-9])\b")
_PREVIOUS = re.compile(r"\b(?:go back|last one|previous|the one before|that one|my last answer)\b")


def _pointed_at(text: str, current: Optional[AssessmentRecord]) -> List[str]:
    """A dimension named by its place ("redo number 3") or as the one just answered ("go back one")."""
    folded = text.lower()
    number = _NUMBER.search(folded)
    if number:
        return [DIMENSION_IDS[int(number.group(1)) - 1]]
    if current and current.last and _PREVIOUS.search(folded):
        return [current.last.dimension_id]
    return []


class ActionChangeAnswer(Action):
    """"Change my answer for sharing the vision": ask that one dimension again.

    Inside an assessment in progress the answer is replaced there; after a finished one, a new
    assessment starts from its answers, so finishing records the change like any other.
    """

    def name(self) -> Text:
        return "action_change_answer"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        s = store()
        # Any form in progress steps aside (its answers are already saved); the rules expect this always.
        events: List[Dict[Text, Any]] = [ActiveLoop(None), SlotSet("requested_slot", None)]
        current = s.assessments.open(user) if s.people.has_consent(user) else None
        latest = s.assessments.completed(user, limit=1) if s.people.has_consent(user) else []
        if not (current and current.ratings) and not latest:
            dispatcher.utter_message(text=say("assessment.change_nothing"),
                                     buttons=[button(say("button.start_assessment"), "start_self_assessment")])
            return events
        named = resolve_dimensions(tracker) or _pointed_at(latest_text(tracker), current)
        if not named:
            dispatcher.utter_message(text=say("assessment.change_which"),
                                     buttons=[button(d.name, "change_answer", dimension=d.id) for d in c.dimensions])
            return events
        dim = c.dimension(named[0])
        record = s.assessments.revise(user)
        before = record.rating(dim.id)
        if before is None:
            was = say("assessment.change_was_none")
        elif before.skipped or not before.level:
            was = say("assessment.change_was_skipped")
        else:
            was = say("assessment.change_was", level=(c.scale.get(before.level).name if before.level in LEVEL_IDS
                                                      else c.scale.not_sure.name).lower())
        dispatcher.utter_message(text=say("assessment.change_intro", dimension=dim.name, was=was))
        log.info("event=assessment_change dimension=%s", dim.id)
        return events + [SlotSet(name, None) for name in ASSESSMENT_SLOTS_RESET] + [
            SlotSet("consent_given", None), SlotSet("assessment_revisit", dim.id), SlotSet("dimension", dim.id),
            FollowupAction("assessment_form")]
