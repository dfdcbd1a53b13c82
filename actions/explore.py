"""Explaining the model: the dimensions, the scale, 360 feedback and facilitators."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (active_form, button, content, guarded, key, latest_entities, latest_text, menu,
                            previous_action, resolve_dimensions, say, store)
from bot.assessment import question_dimension
from bot.content import LEVEL_IDS
from bot.text import words

# "Explain the model in a sentence": the short version rather than the list of nine.
IN_BRIEF = re.compile(r"\b(?:in (?:a|one) (?:single )?(?:sentence|line)|one[- ]liner|nutshell|tl ?;? ?dr|briefly|"
                      r"in brief|short version|quick summary|sum (?:it |the model |up)|summar(?:y|ise|ize)|"
                      r"elevator pitch|in a few words)\b", re.I)

# A follow-up as short as "and what about engaging the team?" continues a comparison of two levels.
FOLLOW_UP_WORDS = 8

# Words that point back at the dimension just discussed ("tell me more about it").
REFERS_BACK = {"it", "this", "that", "one"}


def dimension_buttons() -> List[Dict[str, str]]:
    return [button(d.name, "ask_dimension", dimension=d.id) for d in content().dimensions]


def send_scale(dispatcher: CollectingDispatcher) -> None:
    """The four levels and "not sure yet", with a button for each level."""
    scale = content().scale
    lines = "\n".join(say("scale.line", level=lv.name, summary=lv.summary) for lv in scale.levels)
    dispatcher.utter_message(
        text=say("scale.explain", intro=scale.intro, lines=lines, not_sure=scale.not_sure.name,
                 not_sure_summary=scale.not_sure.summary),
        buttons=[button(lv.name, "ask_level", level=lv.id) for lv in scale.levels]
        + [button(say("button.start_assessment"), "start_self_assessment")],
    )


def _refers_back(text: str) -> bool:
    return bool(set(text.lower().replace("?", " ").split()) & REFERS_BACK)


def compare_levels(dispatcher: CollectingDispatcher, lower: str, higher: str, dim_id: Optional[str]) -> None:
    """Two levels side by side: within one dimension when one is named or being assessed."""
    c = content()
    first, second = c.scale.get(lower), c.scale.get(higher)
    if dim_id:
        dim = c.dimension(dim_id)
        dispatcher.utter_message(
            text=say("scale.compare_in_dimension", first=first.name, second=second.name, dimension=dim.name,
                     first_description=dim.levels[lower], second_description=dim.levels[higher], link=dim.link),
            buttons=[button(say("button.assess_myself"), "start_self_assessment", dimension=dim.id),
                     button(say("button.reflect_on_this"), "start_reflection", dimension=dim.id)],
        )
        return
    dispatcher.utter_message(
        text=say("scale.compare", first=first.name, second=second.name, first_summary=first.summary,
                 second_summary=second.summary),
    )


def follow_up_pair(tracker: Tracker) -> List[str]:
    """The two levels just compared, when the person now names a dimension ("and in engaging the team?")."""
    pair = tracker.get_slot("compared_levels") or []
    if previous_action(tracker) != "action_explain_level" or len(pair) != 2:
        return []
    if len(words(latest_text(tracker)).split()) > FOLLOW_UP_WORDS:
        return []
    return list(pair)


class ActionListDimensions(Action):
    def name(self) -> Text:
        return "action_list_dimensions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        if IN_BRIEF.search(latest_text(tracker)):
            dispatcher.utter_message(text=say("dimensions.in_a_sentence", link=c.scale.model_link),
                                     buttons=[button(say("button.dimensions"), "list_dimensions"),
                                              button(say("button.start_assessment"), "start_self_assessment")])
            return []
        lines = "\n".join(say("dimensions.line", number=n, name=d.name, short=d.short)
                          for n, d in enumerate(c.dimensions, start=1))
        dispatcher.utter_message(text=say("dimensions.list", lines=lines, link=c.scale.model_link),
                                 buttons=dimension_buttons())
        return []


class ActionExplainDimension(Action):
    def name(self) -> Text:
        return "action_explain_dimension"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        found = resolve_dimensions(tracker)
        if not found and tracker.get_slot("dimension") and _refers_back(latest_text(tracker)):
            found = [tracker.get_slot("dimension")]
        if not found:
            found = resolve_dimensions(tracker, descriptions=True)
        if not found:
            dispatcher.utter_message(text=say("dimensions.which"), buttons=dimension_buttons())
            return []
        pair = follow_up_pair(tracker)
        if pair:
            compare_levels(dispatcher, pair[0], pair[1], found[0])
            return [SlotSet("dimension", found[0])]
        dim = c.dimension(found[0])
        dispatcher.utter_message(
            text=say("dimensions.explain", name=dim.name, what=dim.what_it_is, why=dim.why_it_matters,
                     what_not=dim.what_it_is_not, link=dim.link),
            buttons=[
                button(say("button.reflect_on_this"), "start_reflection", dimension=dim.id),
                button(say("button.assess_myself"), "start_self_assessment", dimension=dim.id),
                button(say("button.levels_look_like"), "ask_level", dimension=dim.id),
                button(say("button.learning_for_this"), "ask_recommendation", dimension=dim.id),
            ],
        )
        return [SlotSet("dimension", dim.id)]


class ActionExplainScale(Action):
    def name(self) -> Text:
        return "action_explain_scale"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        send_scale(dispatcher)
        return []


class ActionExplainLevel(Action):
    """A level in general, a level within one dimension, or all levels of one dimension."""

    def name(self) -> Text:
        return "action_explain_level"

    @guarded
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        levels = [lv for lv in (c.resolve_level(v) for v in latest_entities(tracker, "level")) if lv]
        if not levels:
            guess = c.resolve_level(latest_text(tracker))
            levels = [guess] if guess else []
        dims = resolve_dimensions(tracker) or self._being_assessed(tracker)
        said = words(latest_text(tracker)).split()
        pair = [lv for lv in LEVEL_IDS if lv in levels or lv in said]
        if len(pair) < 2 and not levels and dims:  # "and in engaging the team?" straight after a comparison
            pair = follow_up_pair(tracker)
        if len(pair) >= 2:  # "what's the difference between essential and strong"
            compare_levels(dispatcher, pair[0], pair[-1], dims[0] if dims else None)
            return [SlotSet("compared_levels", [pair[0], pair[-1]])] + (
                [SlotSet("dimension", dims[0])] if dims else [])
        level = levels[0] if levels else None
        if level and level not in LEVEL_IDS:  # "not sure yet"
            dispatcher.utter_message(text=say("scale.level", level=c.scale.not_sure.name,
                                              summary=c.scale.not_sure.summary))
            return []
        if level and dims:
            dim = c.dimension(dims[0])
            dispatcher.utter_message(
                text=say("scale.level_in_dimension", level=c.scale.get(level).name, dimension=dim.name,
                         description=dim.levels[level], link=dim.link),
                buttons=[button(say("button.reflect_on_this"), "start_reflection", dimension=dim.id)],
            )
            return [SlotSet("dimension", dim.id)]
        if dims:
            dim = c.dimension(dims[0])
            lines = "\n".join(say("scale.line", level=c.scale.get(lv).name, summary=dim.levels[lv])
                              for lv in LEVEL_IDS)
            dispatcher.utter_message(
                text=say("scale.dimension_levels", dimension=dim.name, lines=lines),
                buttons=[button(say("button.assess_myself"), "start_self_assessment", dimension=dim.id),
                         button(say("button.reflect_on_this"), "start_reflection", dimension=dim.id)],
            )
            return [SlotSet("dimension", dim.id)]
        if level:
            dispatcher.utter_message(
                text=say("scale.level_general", level=c.scale.get(level).name, summary=c.scale.get(level).summary),
                buttons=[button(d.name, "ask_level", level=level, dimension=d.id) for d in c.dimensions],
            )
            return []
        send_scale(dispatcher)
        return []

    @staticmethod
    def _being_assessed(tracker: Tracker) -> List[str]:
        """In the middle of the self-assessment, "what does proficient mean here?" is about the dimension
        being asked (derived from the stored answers, like the question itself)."""
        if active_form(tracker) != "assessment_form":
            return []
        record = store().assessments.open(key(tracker))
        dim = question_dimension(record.answered if record else (), tracker.get_slot("assessment_first"),
                                 tracker.get_slot("assessment_revisit"))
        return [dim] if dim else []


class ActionExplain360(Action):
    def name(self) -> Text:
        return "action_explain_360"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        links = " ".join(say("about_360.tool_link", title=o.title, link=o.link) for o in c.offers if o.kind == "tool")
        dispatcher.utter_message(
            text=say("about_360.explain", about=c.facilitators.about_360, links=links).strip(),
            buttons=[button(say("button.find_facilitator"), "find_facilitator"),
                     button(say("button.assessment_here_first"), "start_self_assessment")],
        )
        return []


class ActionFindFacilitator(Action):
    def name(self) -> Text:
        return "action_find_facilitator"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        f = content().facilitators
        regions = "\n".join(say("facilitators.region_with_notes" if r.notes else "facilitators.region",
                                name=r.name, contact=r.contact, notes=r.notes) for r in f.regions)
        dispatcher.utter_message(text=say("facilitators.find", how=f.how_to_find, regions=regions,
                                          default=f.default_contact), buttons=menu())
        return []
