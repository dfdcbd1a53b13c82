"""Explaining the model: the dimensions, the scale, 360 feedback and facilitators."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import MENU, button, content, latest_entities, latest_text, resolve_dimensions
from bot.content import LEVEL_IDS


def dimension_buttons() -> List[Dict[str, str]]:
    return [button(d.name, "ask_dimension", dimension=d.id) for d in content().dimensions]


class ActionListDimensions(Action):
    def name(self) -> Text:
        return "action_list_dimensions"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        lines = [f"{n}. {d.name}: {d.short}" for n, d in enumerate(c.dimensions, start=1)]
        dispatcher.utter_message(
            text="The Healthcare Leadership Model has nine dimensions:\n" + "\n".join(lines)
            + f"\nEach one runs from essential to exemplary. The official descriptions are at {c.scale.model_link}"
            + "\nWhich would you like to look at?",
            buttons=dimension_buttons(),
        )
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
            dispatcher.utter_message(
                text="I'm not sure which dimension you mean. Here are the nine: pick one and I'll tell you about it.",
                buttons=dimension_buttons(),
            )
            return []
        dim = c.dimension(found[0])
        dispatcher.utter_message(
            text=f"{dim.name}\n"
            f"What it is: {dim.what_it_is}\n"
            f"Why it matters: {dim.why_it_matters}\n"
            f"What it is not: {dim.what_it_is_not}\n"
            f"The official page: {dim.link}\n"
            "Would you like to reflect on it, or see where you'd place yourself?",
            buttons=[
                button("Reflect on this", "start_reflection", dimension=dim.id),
                button("Assess myself", "start_self_assessment", dimension=dim.id),
                button("What the levels look like", "ask_level", dimension=dim.id),
                button("Learning for this", "ask_recommendation", dimension=dim.id),
            ],
        )
        return [SlotSet("dimension", dim.id)]


def _refers_back(text: str) -> bool:
    words = set(text.lower().replace("?", " ").split())
    return bool(words & {"it", "this", "that", "one"})


class ActionExplainScale(Action):
    def name(self) -> Text:
        return "action_explain_scale"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        scale = content().scale
        lines = [f"{lv.name}: {lv.summary}" for lv in scale.levels]
        dispatcher.utter_message(
            text=f"{scale.intro}\n" + "\n".join(lines) + f"\n{scale.not_sure.name}: {scale.not_sure.summary}",
            buttons=[button(lv.name, "ask_level", level=lv.id) for lv in scale.levels]
            + [button("Start the self-assessment", "start_self_assessment")],
        )
        return []


class ActionExplainLevel(Action):
    """A level in general, a level within one dimension, or all levels of one dimension."""

    def name(self) -> Text:
        return "action_explain_level"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        levels = [lv for lv in (c.resolve_level(v) for v in latest_entities(tracker, "level")) if lv]
        if not levels:
            guess = c.resolve_level(latest_text(tracker))
            levels = [guess] if guess else []
        dims = resolve_dimensions(tracker)
        level = levels[0] if levels else None
        if level and level not in LEVEL_IDS:  # "not sure yet"
            dispatcher.utter_message(text=f"{c.scale.not_sure.name}: {c.scale.not_sure.summary}")
            return []
        if level and dims:
            dim = c.dimension(dims[0])
            lv = c.scale.get(level)
            dispatcher.utter_message(
                text=f"{lv.name} in {dim.name}: {dim.levels[level]}\nMore on the official page: {dim.link}",
                buttons=[button("Reflect on this", "start_reflection", dimension=dim.id)],
            )
            return [SlotSet("dimension", dim.id)]
        if dims:
            dim = c.dimension(dims[0])
            lines = [f"{c.scale.get(lv).name}: {dim.levels[lv]}" for lv in LEVEL_IDS]
            dispatcher.utter_message(
                text=f"How {dim.name} grows across the scale:\n" + "\n".join(lines),
                buttons=[button("Assess myself", "start_self_assessment", dimension=dim.id),
                         button("Reflect on this", "start_reflection", dimension=dim.id)],
            )
            return [SlotSet("dimension", dim.id)]
        if level:
            lv = c.scale.get(level)
            dispatcher.utter_message(
                text=f"{lv.name}: {lv.summary}\nIt looks different in each dimension: name one and I'll show you.",
                buttons=[button(d.name, "ask_level", level=level, dimension=d.id) for d in c.dimensions],
            )
            return []
        return await ActionExplainScale().run(dispatcher, tracker, domain)


class ActionExplain360(Action):
    def name(self) -> Text:
        return "action_explain_360"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        c = content()
        tools = [o for o in c.offers if o.kind == "tool"]
        links = " ".join(f"{o.title}: {o.link}" for o in tools)
        dispatcher.utter_message(
            text=f"{c.facilitators.about_360}\n{links}".strip(),
            buttons=[button("Find a facilitator", "find_facilitator"),
                     button("Try the self-assessment here first", "start_self_assessment")],
        )
        return []


class ActionFindFacilitator(Action):
    def name(self) -> Text:
        return "action_find_facilitator"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]):
        f = content().facilitators
        regions = "\n".join(f"{r.name}: {r.contact}" + (f" ({r.notes})" if r.notes else "") for r in f.regions)
        dispatcher.utter_message(text=f"{f.how_to_find}\n{regions}\n{f.default_contact}", buttons=MENU)
        return []
