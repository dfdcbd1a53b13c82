"""Reflection sessions and the person's own record of them."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.assessment import ConsentMixin, is_skip, profile_for
from actions.common import MENU, STORAGE_ERRORS, STORAGE_TROUBLE, button, content, guarded, key, latest_intent, resolve_dimensions, store
from bot.recommend import EARLY_CAREER
from bot.reflection import RECEIVING_END_ID, find_prompt, plan, suggest_dimension
from bot.safety import clean_free_text, redact

log = logging.getLogger("coach.actions")

REFLECTION_SLOTS = ["reflection_answer", "reflection_queue", "reflection_dimension", "reflection_saved"]
SHOW_LIMIT = 5
EXCERPT = 300


class ActionStartReflection(Action):
    def name(self) -> Text:
        return "action_start_reflection"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        s = store()
        earlier = s.reflections(user, limit=200)
        answered = [r.prompt_id for r in earlier]
        dims = resolve_dimensions(tracker)
        stage = tracker.get_slot("career_stage") or s.career_stage(user)
        if not dims and stage == EARLY_CAREER:
            used = {pid: answered.count(pid) for pid in set(answered)}
            areas = sorted(c.early_career.focus_areas, key=lambda a: used.get(f"ec_{a.id}", 0))[:2]
            queue = [RECEIVING_END_ID] + [f"ec_{a.id}" for a in areas]
            dim_id = None
            intro = ("Let's reflect. I'll ask you three questions: one about how others experience you, then two on "
                     f"{areas[0].name.lower()} and {areas[1].name.lower()}.")
        else:
            if dims:
                dim_id, why = dims[0], ""
            else:
                profile, _, _ = profile_for(user)
                focus = profile.focus if profile else ()
                dim_id = suggest_dimension(focus, s.reflection_counts(user))
                why = (" (it came up as an area to develop in your profile)" if focus and dim_id in focus
                       else " (one you haven't spent much time on yet)")
            queue = [p.id for p in plan(c, dim_id, answered)]
            intro = ("Let's reflect. I'll ask you three questions: one about how others experience you, then two on "
                     f"{c.dimension(dim_id).name}{why}.")
        dispatcher.utter_message(
            text=intro + " Write as much or as little as you like; say skip or stop at any time. "
            "Please leave out anything that could identify a patient."
        )
        return [SlotSet("reflection_queue", queue), SlotSet("reflection_dimension", dim_id),
                SlotSet("reflection_answer", None), SlotSet("reflection_saved", 0.0), SlotSet("consent_given", None)]


class ValidateReflectionForm(ConsentMixin, FormValidationAction):
    def name(self) -> Text:
        return "validate_reflection_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot("consent_given") is False:
            return []
        try:
            consent = store().has_consent(key(tracker))
        except STORAGE_ERRORS:
            log.error("event=storage_error action=validate_reflection_form")
            dispatcher.utter_message(text=STORAGE_TROUBLE)
            return []
        if not consent:
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
        if latest_intent(tracker) == "stop" and len(text.split()) <= 6:
            dispatcher.utter_message(text="OK, we'll stop there.")
            return {"reflection_answer": None, "reflection_queue": []}
        if is_skip(tracker, text) or text.startswith("/"):
            return {"reflection_answer": None, "reflection_queue": queue[1:]}
        cleaned = redact(clean_free_text(text))
        if not cleaned.text:
            dispatcher.utter_message(text="I didn't catch an answer there. Have another go, or say skip.")
            return {"reflection_answer": None}
        prompt = find_prompt(content(), queue[0])
        if prompt is None:  # content changed under a running session: move on rather than fail
            return {"reflection_answer": None, "reflection_queue": queue[1:]}
        try:
            store().add_reflection(key(tracker), prompt.id, prompt.text, cleaned.text, prompt.dimension)
        except STORAGE_ERRORS:
            log.error("event=storage_error action=validate_reflection_answer")
            dispatcher.utter_message(text=STORAGE_TROUBLE)
            return {"reflection_answer": None}
        log.info("event=reflection_saved prompt=%s redactions=%d", prompt.id, len(cleaned.kinds))
        if cleaned.changed:
            dispatcher.utter_message(text=content().messages["redacted"])
        return {"reflection_answer": None, "reflection_queue": queue[1:], "reflection_saved": float(saved + 1)}


class ActionAskReflectionAnswer(Action):
    def name(self) -> Text:
        return "action_ask_reflection_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        queue = tracker.get_slot("reflection_queue") or []
        prompt = find_prompt(content(), queue[0]) if queue else None
        if prompt is None:
            dispatcher.utter_message(text="That's all the questions I had.")
            return []
        dispatcher.utter_message(text=prompt.text, buttons=[button("Skip", "skip"), button("Stop for now", "stop")])
        return []


class ActionFinishReflection(Action):
    def name(self) -> Text:
        return "action_finish_reflection"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        reset = [SlotSet(name, None) for name in REFLECTION_SLOTS] + [SlotSet("consent_given", None)]
        if tracker.get_slot("consent_given") is False and not store().has_consent(key(tracker)):
            dispatcher.utter_message(
                text="No problem: nothing has been saved. If you'd like something to think about on your own, "
                f"try this: {c.early_career.receiving_end_question}",
                buttons=MENU,
            )
            return reset
        saved = int(tracker.get_slot("reflection_saved") or 0)
        dim_id = tracker.get_slot("reflection_dimension")
        buttons = [button("Show my reflections", "show_reflections")]
        if dim_id:
            buttons.append(button(f"Learning for {c.dimension(dim_id).name}", "ask_recommendation", dimension=dim_id))
        if saved:
            dispatcher.utter_message(
                text=f"Thank you. I've saved {saved} answer{'s' if saved != 1 else ''}, and only you can see them. "
                "Coming back to them in a few weeks can show you how your thinking has moved.",
                buttons=buttons,
            )
        else:
            dispatcher.utter_message(text="Nothing saved this time, and that's fine.", buttons=MENU)
        return reset


class ActionShowReflections(Action):
    def name(self) -> Text:
        return "action_show_reflections"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        records = store().reflections(key(tracker), limit=SHOW_LIMIT)
        if not records:
            dispatcher.utter_message(text="You haven't saved any reflections yet.",
                                     buttons=[button("Reflect now", "start_reflection")])
            return []
        lines = []
        for r in records:
            about = c.dimension(r.dimension_id).name if r.dimension_id else "How others experience you"
            answer = r.answer if len(r.answer) <= EXCERPT else r.answer[: EXCERPT - 1].rstrip() + "…"
            lines.append(f"{r.created_at:%d %b %Y}, {about}: \"{answer}\"")
        dispatcher.utter_message(
            text=f"Your most recent reflections (newest first):\n" + "\n".join(lines),
            buttons=[button("Reflect again", "start_reflection")],
        )
        return []
