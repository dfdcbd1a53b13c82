"""Reflection sessions and the person's own record of them."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (button, career_stage, content, guarded, is_skip, key, menu, previous_action,
                            profile_for, resolve_dimensions, say, store)
from actions.consent import ConsentValidation, declined
from actions.forms import CoachFormValidation
from bot.recommend import EARLY_CAREER
from bot.reflection import RECEIVING_END_ID, early_career_plan, find_prompt, plan, suggest_dimension
from bot.safety import clean_free_text, redact

log = logging.getLogger("coach.actions")

REFLECTION_SLOTS = ["reflection_answer", "reflection_queue", "reflection_dimension", "reflection_saved",
                    "situation_text", "situation_dimensions", "pending_text"]
# A reflection started straight after one of these carries the situation the person described.
AFTER_SITUATION = {"action_respond_situation", "action_situation_followup"}
SHOW_LIMIT = 5
EXCERPT = 300
# What someone wrote before they were asked anything (while the consent question was pending) is kept
# under this prompt id, with the prompt worded as reflection.own_words_prompt.
OWN_WORDS_ID = "own_words"


class ActionStartReflection(Action):
    def name(self) -> Text:
        return "action_start_reflection"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        s = store()
        answered = [r.prompt_id for r in s.reflections.recent(user, limit=200)]
        dims = resolve_dimensions(tracker)
        situation = tracker.get_slot("situation_text") if previous_action(tracker) in AFTER_SITUATION else None
        if situation and not dims:
            dims = list(tracker.get_slot("situation_dimensions") or [])[:1]
        stage = career_stage(tracker)
        if not dims and stage == EARLY_CAREER:
            areas, queue = early_career_plan(c, answered)
            dim_id = None
            intro = say("reflection.intro", about=say("reflection.about_areas", first=areas[0].name.lower(),
                                                          second=areas[1].name.lower()))
        else:
            if dims:
                dim_id, why = dims[0], None
            else:
                profile, _, _ = profile_for(user)
                focus = profile.focus if profile else ()
                dim_id = suggest_dimension(focus, s.reflections.counts(user))
                why = say("reflection.why_profile" if focus and dim_id in focus else "reflection.why_fresh")
            queue = [p.id for p in plan(c, dim_id, answered)]
            name = c.dimension(dim_id).name
            if situation:
                about = say("reflection.about_situation", dimension=name)
            elif why:
                about = say("reflection.about_dimension_why", dimension=name, why=why)
            else:
                about = name
            intro = say("reflection.intro", about=about)
        dispatcher.utter_message(text=intro)
        return [SlotSet("reflection_queue", queue), SlotSet("reflection_dimension", dim_id),
                SlotSet("reflection_answer", None), SlotSet("reflection_saved", 0.0), SlotSet("consent_given", None),
                SlotSet("situation_text", situation), SlotSet("pending_text", None)]


class ValidateReflectionForm(ConsentValidation, CoachFormValidation):
    holds_pending = True

    def name(self) -> Text:
        return "validate_reflection_form"

    def keep_pending(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[Text, Any]:
        """What the person wrote before the first question, kept now that they have agreed."""
        store().reflections.add(key(tracker), OWN_WORDS_ID, say("reflection.own_words_prompt"), text,
                                tracker.get_slot("reflection_dimension"), situation=tracker.get_slot("situation_text"))
        log.info("event=reflection_saved prompt=%s", OWN_WORDS_ID)
        dispatcher.utter_message(text=say("reflection.kept_pending"))
        return {"reflection_saved": float(int(tracker.get_slot("reflection_saved") or 0) + 1)}

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot("consent_given") is False:
            return []
        user = key(tracker)
        if not self.remember("consent", lambda: store().people.has_consent(user)):
            return ["consent_given", "reflection_answer"]
        return ["reflection_answer"] if tracker.get_slot("reflection_queue") else []

    async def validate_reflection_answer(self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                         domain: DomainDict) -> Dict[Text, Any]:
        if slot_value is None:  # reset by an action, not typed: nothing to validate
            return {"reflection_answer": None}
        queue = list(tracker.get_slot("reflection_queue") or [])
        saved = int(tracker.get_slot("reflection_saved") or 0)
        text = slot_value if isinstance(slot_value, str) else ""
        if not queue:
            return {"reflection_answer": None}
        if is_skip(tracker, text) or text.startswith("/"):
            return {"reflection_answer": None, "reflection_queue": queue[1:]}
        cleaned = redact(clean_free_text(text))
        if not cleaned.text:
            dispatcher.utter_message(text=say("reflection.no_answer"))
            return {"reflection_answer": None}
        prompt = find_prompt(content(), queue[0])
        if prompt is None:  # content changed under a running session: move on rather than fail
            return {"reflection_answer": None, "reflection_queue": queue[1:]}
        store().reflections.add(key(tracker), prompt.id, prompt.text, cleaned.text, prompt.dimension,
                                situation=tracker.get_slot("situation_text"))
        log.info("event=reflection_saved prompt=%s redactions=%d", prompt.id, len(cleaned.kinds))
        if cleaned.changed:
            dispatcher.utter_message(text=say("redacted"))
        if (tracker.latest_message.get("wellbeing") or {}).get("tier") == "wellbeing":
            dispatcher.utter_message(text=say("wellbeing.in_reflection"))
        return {"reflection_answer": None, "reflection_queue": queue[1:], "reflection_saved": float(saved + 1)}


class ActionAskReflectionAnswer(Action):
    def name(self) -> Text:
        return "action_ask_reflection_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        queue = tracker.get_slot("reflection_queue") or []
        prompt = find_prompt(content(), queue[0]) if queue else None
        if prompt is None:
            dispatcher.utter_message(text=say("reflection.no_more_questions"))
            return []
        dispatcher.utter_message(text=prompt.text, buttons=[button(say("button.skip"), "skip"),
                                                            button(say("button.stop_for_now"), "stop")])
        return []


class ActionFinishReflection(Action):
    def name(self) -> Text:
        return "action_finish_reflection"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        reset = [SlotSet(name, None) for name in REFLECTION_SLOTS] + [SlotSet("consent_given", None)]
        if declined(tracker):
            dispatcher.utter_message(text=say("reflection.declined", question=c.early_career.receiving_end_question),
                                     buttons=menu())
            return reset
        saved = int(tracker.get_slot("reflection_saved") or 0)
        dim_id = tracker.get_slot("reflection_dimension")
        buttons = [button(say("button.show_reflections"), "show_reflections")]
        if dim_id:
            buttons.append(button(say("button.learning_for", dimension=c.dimension(dim_id).name),
                                  "ask_recommendation", dimension=dim_id))
        if saved:
            dispatcher.utter_message(text=say("reflection.saved_one" if saved == 1 else "reflection.saved_many",
                                              count=saved), buttons=buttons)
        else:
            dispatcher.utter_message(text=say("reflection.nothing_saved"), buttons=menu())
        return reset


class ActionShowReflections(Action):
    def name(self) -> Text:
        return "action_show_reflections"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        records = store().reflections.recent(key(tracker), limit=SHOW_LIMIT)
        if not records:
            dispatcher.utter_message(text=say("reflection.none_yet"),
                                     buttons=[button(say("button.reflect_now"), "start_reflection")])
            return []
        lines = []
        for r in records:
            about = c.dimension(r.dimension_id).name if r.dimension_id else say("reflection.about_others")
            answer = r.answer if len(r.answer) <= EXCERPT else r.answer[: EXCERPT - 1].rstrip() + "…"
            date = f"{r.created_at:%d %b %Y}"
            if r.situation:
                situation = r.situation if len(r.situation) <= EXCERPT else r.situation[: EXCERPT - 1].rstrip() + "…"
                lines.append(say("reflection.list_line_situation", date=date, about=about, situation=situation,
                                 answer=answer))
            else:
                lines.append(say("reflection.list_line", date=date, about=about, answer=answer))
        dispatcher.utter_message(text=say("reflection.list", lines="\n".join(lines)),
                                 buttons=[button(say("button.reflect_again"), "start_reflection")])
        return []
