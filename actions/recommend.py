"""Learning recommendations and the early-career path."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (button, career_stage, content, dimension_names, guarded, join_names, key, latest_entities,
                            latest_text, profile_for, resolve_dimensions, say, store)
from bot.recommend import (EARLY_CAREER, describe_offer, early_career_path, format_recommendation, recommend,
                           recommend_for_topics)

log = logging.getLogger("coach.actions")

# (message key of the button's title, career stage id)
STAGE_BUTTONS = [
    ("button.stage_early_career", "early_career"),
    ("button.stage_first_role", "first_role"),
    ("button.stage_mid_level", "mid_level"),
    ("button.stage_senior", "senior"),
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
    if store().people.has_consent(user):
        store().people.set_career_stage(user, stage)
    return [SlotSet("career_stage", stage)]


def send_early_career_path(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """The enhance First Principles path: what matters early on, the guide, and a gentle start."""
    c = content()
    ec = c.early_career
    areas = "\n".join(say("early_career.area_line", name=a.name, description=a.description) for a in ec.focus_areas)
    dispatcher.utter_message(text=say("early_career.intro", intro=ec.intro, areas=areas,
                                      question=ec.receiving_end_question))
    recs = early_career_path(c)
    dispatcher.utter_message(
        text=say("early_career.path", offers="\n".join(format_recommendation(c, r) for r in recs)),
        buttons=[button(say("button.reflect_with_me"), "start_reflection"),
                 button(say("button.dimensions"), "list_dimensions")],
    )
    return remember_stage(tracker, EARLY_CAREER)


def send_offer(dispatcher: CollectingDispatcher, offer_id: str) -> None:
    """One learning offer in full, with a way to find more like it."""
    dispatcher.utter_message(text=describe_offer(content(), offer_id),
                             buttons=[button(say("button.more_learning"), "ask_recommendation")])


class ActionRecommend(Action):
    def name(self) -> Text:
        return "action_recommend"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        user = key(tracker)
        events: List[Dict[Text, Any]] = []
        text = latest_text(tracker)
        named_offer = c.resolve_offer(text)
        if named_offer:  # "is the Mary Seacole programme right for me?"
            send_offer(dispatcher, named_offer)
            return events
        dims = resolve_dimensions(tracker)
        topics = [] if dims else c.resolve_topics(text)
        if topics:
            stage = career_stage(tracker)
            recs = recommend_for_topics(c, topics, stage, limit=3)
            names = [c.topic(t).name for t in topics]
            dispatcher.utter_message(
                text=say("recommend.for_topics", topics=join_names(names),
                         offers="\n".join(format_recommendation(c, r) for r in recs)),
                buttons=[button(say("button.take_assessment"), "start_self_assessment")],
            )
            log.info("event=recommended topics=%s offers=%d", ",".join(topics), len(recs))
            return events
        said_stage, recognised = stage_from_message(tracker)
        if said_stage and recognised:
            events += remember_stage(tracker, said_stage)
        stage = said_stage or career_stage(tracker)
        basis = ""
        if dims:
            basis = say("recommend.basis_dimensions", dimensions=dimension_names(dims))
        elif not said_stage:
            profile, _, _ = profile_for(user)
            if profile and profile.focus:
                dims = list(profile.focus)
                basis = say("recommend.basis_profile", dimensions=dimension_names(dims[:3]))
        if stage == EARLY_CAREER and not dims:
            return events + send_early_career_path(dispatcher, tracker)
        recs = recommend(c, dims, stage, limit=3)
        if stage:
            stage_name = c.stage(stage).name.lower()
            basis = (say("recommend.basis_and_stage", basis=basis, stage=stage_name) if basis
                     else say("recommend.basis_stage", stage=stage_name))
        offers = "\n".join(format_recommendation(c, r) for r in recs)
        if not basis:
            text = say("recommend.general", offers=offers)
            buttons = [button(say(title), "ask_recommendation", career_stage=sid) for title, sid in STAGE_BUTTONS]
        else:
            text = say("recommend.for_basis", basis=basis, offers=offers)
            buttons = [] if dims else [button(say("button.take_assessment"), "start_self_assessment")]
            if dims:
                buttons.append(button(say("button.reflect_on", dimension=c.dimension(dims[0]).name),
                                      "start_reflection", dimension=dims[0]))
        dispatcher.utter_message(text=text, buttons=buttons)
        log.info("event=recommended dimensions=%d stage=%s offers=%d", len(dims), stage or "-", len(recs))
        return events


class ActionEarlyCareer(Action):
    """The enhance First Principles path for people early in their careers."""

    def name(self) -> Text:
        return "action_early_career"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        return send_early_career_path(dispatcher, tracker)


class ActionDescribeOffer(Action):
    """ "What is the Mary Seacole programme?": that offer, in full."""

    def name(self) -> Text:
        return "action_describe_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        offer_id = content().resolve_offer(latest_text(tracker))
        if offer_id is None:
            dispatcher.utter_message(text=say("recommend.which_offer"),
                                     buttons=[button(say("button.more_learning"), "ask_recommendation")])
            return []
        send_offer(dispatcher, offer_id)
        return []
