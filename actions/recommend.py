"""Learning recommendations and the early-career path."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.assessment import profile_for
from actions.common import button, content, guarded, join_names, key, latest_entities, latest_text, resolve_dimensions, store
from bot.recommend import EARLY_CAREER, early_career_path, format_recommendation, recommend

log = logging.getLogger("coach.actions")

STAGE_BUTTONS = [
    ("I'm early in my career", "early_career"),
    ("First leadership role", "first_role"),
    ("Leading managers or a service", "mid_level"),
    ("Senior or board level", "senior"),
]


def stage_from_message(tracker: Tracker) -> Tuple[Optional[str], bool]:
    """The career stage the latest message gives, and whether it was recognised as an entity.

    A stage guessed from a stray word ("junior doctors") guides this answer only;
    one the NLU recognised as the person's stage is remembered.
    """
    c = content()
    for value in latest_entities(tracker, "career_stage"):
        stage = c.resolve_stage(value)
        if stage:
            return stage, True
    return c.resolve_stage(latest_text(tracker)), False


def remember_stage(tracker: Tracker, stage: str) -> List[Dict[Text, Any]]:
    """Keep the stage in the conversation; store it only if the person has agreed to storage."""
    user = key(tracker)
    if store().has_consent(user):
        store().set_career_stage(user, stage)
    return [SlotSet("career_stage", stage)]


class ActionRecommend(Action):
    def name(self) -> Text:
        return "action_recommend"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        events: List[Dict[Text, Any]] = []
        dims = resolve_dimensions(tracker)
        said_stage, recognised = stage_from_message(tracker)
        if said_stage and recognised:
            events += remember_stage(tracker, said_stage)
        stage = said_stage or tracker.get_slot("career_stage") or store().career_stage(user)
        basis = ""
        if dims:
            basis = f"for {join_names([c.dimension(d).name for d in dims])}"
        elif not said_stage:
            profile, _, _ = profile_for(user)
            if profile and profile.focus:
                dims = list(profile.focus)
                basis = f"from your last profile, for {join_names([c.dimension(d).name for d in dims[:3]])}"
        if stage == EARLY_CAREER and not dims:
            return events + await ActionEarlyCareer().run(dispatcher, tracker, domain)
        recs = recommend(c, dims, stage, limit=3)
        if stage:
            basis = (basis + " " if basis else "for ") + f"someone at your stage ({c.stage(stage).name.lower()})"
        if not basis:
            intro = ("Here are three good places to start. For a closer fit, tell me which dimension you want to "
                     "grow in or where you are in your career, or take the self-assessment.")
            buttons = [button(title, "ask_recommendation", career_stage=sid) for title, sid in STAGE_BUTTONS]
        else:
            intro = f"Learning {basis}:"
            buttons = [button("Take the self-assessment", "start_self_assessment")] if not dims else []
            if dims:
                buttons.append(button(f"Reflect on {c.dimension(dims[0]).name}", "start_reflection", dimension=dims[0]))
        dispatcher.utter_message(text=intro + "\n" + "\n".join(format_recommendation(r) for r in recs),
                                 buttons=buttons)
        log.info("event=recommended dimensions=%d stage=%s offers=%d", len(dims), stage or "-", len(recs))
        return events


class ActionEarlyCareer(Action):
    """The enhance First Principles path for people early in their careers."""

    def name(self) -> Text:
        return "action_early_career"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        ec = content().early_career
        areas = "\n".join(f"• {a.name}: {a.description}" for a in ec.focus_areas)
        dispatcher.utter_message(
            text=f"{ec.intro}\nFive things that matter most early on:\n{areas}\n"
            f"A good question to carry with you: \"{ec.receiving_end_question}\""
        )
        recs = early_career_path(content())
        dispatcher.utter_message(
            text="A gentle path to start on:\n" + "\n".join(format_recommendation(r) for r in recs),
            buttons=[button("Reflect with me now", "start_reflection"),
                     button("The nine dimensions", "list_dimensions")],
        )
        return remember_stage(tracker, EARLY_CAREER)
