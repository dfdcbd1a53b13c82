"""The typed shape of what the coach knows: ids, frozen records and the errors.

Everything here is built once by :mod:`bot.content.loader` and never changed,
so any part of the coach can hold on to it without copying.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from bot.content import matching

LEVEL_IDS: Tuple[str, ...] = ("essential", "proficient", "strong", "exemplary")
NOT_SURE = "not_sure"
CAREER_STAGE_IDS: Tuple[str, ...] = ("early_career", "first_role", "mid_level", "senior")
DIMENSION_IDS: Tuple[str, ...] = (
    "inspiring_shared_purpose",
    "leading_with_care",
    "evaluating_information",
    "connecting_our_service",
    "sharing_the_vision",
    "engaging_the_team",
    "holding_to_account",
    "developing_capability",
    "influencing_for_results",
)
OFFER_KINDS = ("programme", "course", "bitesize", "guide", "tool")


class ContentError(ValueError):
    """A content file is missing, unreadable or does not have the expected shape."""

    def __init__(self, file: str, entry: str, problem: str) -> None:
        self.file, self.entry, self.problem = file, entry, problem
        super().__init__(f"{file}: {entry}: {problem}")


class MessageError(KeyError):
    """A message cannot be said: its key is unknown, or a placeholder has no value.

    A ``KeyError`` so that code asking for a message behaves like a mapping
    lookup, with a readable text instead of a quoted key.
    """

    def __init__(self, key: str, problem: str, placeholder: Optional[str] = None) -> None:
        self.key, self.problem, self.placeholder = key, problem, placeholder
        super().__init__(key)

    def __str__(self) -> str:
        return f"message '{self.key}': {self.problem}"


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str


@dataclass(frozen=True)
class Dimension:
    id: str
    name: str
    short: str
    aliases: Tuple[str, ...]
    keywords: Tuple[str, ...]
    what_it_is: str
    why_it_matters: str
    what_it_is_not: str
    levels: Mapping[str, str]
    prompts: Tuple[Prompt, ...]
    situation_why: str
    situation_question: str
    link: str


@dataclass(frozen=True)
class Level:
    id: str
    name: str
    rank: int
    summary: str
    synonyms: Tuple[str, ...]


@dataclass(frozen=True)
class Scale:
    intro: str
    model_link: str
    levels: Tuple[Level, ...]
    not_sure: Level

    def get(self, level_id: str) -> Optional[Level]:
        for level in self.levels + (self.not_sure,):
            if level.id == level_id:
                return level
        return None


@dataclass(frozen=True)
class Offer:
    id: str
    title: str
    provider: str
    kind: str
    audience: str
    career_stages: Tuple[str, ...]
    format: str
    length: str
    cost: str
    dimensions: Tuple[str, ...]
    why: str
    link: str
    note: str = ""
    # Topic ids from the catalogue's own ``topics`` section (this project's mapping).
    topics: Tuple[str, ...] = ()
    # Where the facts came from, so the next editor can check them.
    source: str = ""
    # Short names people use for it ("seacole"), besides the title; lower case.
    names: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    """Something people ask for learning on ("anything on coaching?")."""

    id: str
    # How the coach names it in a sentence, lower case: "coaching and mentoring".
    name: str
    # Lowercase words and phrases people use for it, misspellings included.
    words: Tuple[str, ...]


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    how: str
    when: str
    link: str = ""
    who: str = ""  # who the service is for, when it is not for everyone (NHS Practitioner Health)


@dataclass(frozen=True)
class WellbeingSignposting:
    """The reply to strain without risk to life (``bot.safety`` tier WELLBEING): never 999.

    ``speak_up`` (Freedom to Speak Up Guardian, HR or a union rep) is added after
    ``speak_up_intro`` only when the message is about bullying or a patient-safety
    concern (``bot.safety.SPEAK_UP_TOPICS``).
    """

    opening: str
    contacts: Tuple[Contact, ...]
    speak_up_intro: str
    speak_up: Tuple[Contact, ...]
    safety_net: str
    return_offer: str


@dataclass(frozen=True)
class Signposting:
    not_a_crisis_service: str
    opening: str
    urgent: str
    contacts: Tuple[Contact, ...]
    return_offer: str
    followup: str
    wellbeing: WellbeingSignposting


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    contact: str
    notes: str


@dataclass(frozen=True)
class Facilitators:
    about_360: str
    how_to_find: str
    regions: Tuple[Region, ...]
    default_contact: str


@dataclass(frozen=True)
class FocusArea:
    id: str
    name: str
    description: str
    prompt: str
    dimensions: Tuple[str, ...]


@dataclass(frozen=True)
class EarlyCareer:
    intro: str
    receiving_end_question: str
    focus_areas: Tuple[FocusArea, ...]
    recommended_offers: Tuple[str, ...]


@dataclass(frozen=True)
class CareerStage:
    id: str
    name: str
    description: str
    synonyms: Tuple[str, ...]


@dataclass(frozen=True)
class Button:
    """A button under a reply: what it says, and the message it sends (``/intent``)."""

    title: str
    payload: str


@dataclass(frozen=True)
class Response:
    """A reply the coach gives as a whole, as Rasa's ``utter_*`` responses are."""

    text: str
    buttons: Tuple[Button, ...] = ()
    # Said instead of ``text`` when ``text`` was the coach's last message: never the same words twice in a row.
    again: Optional[str] = None


@dataclass(frozen=True)
class Content:
    dimensions: Tuple[Dimension, ...]
    scale: Scale
    offers: Tuple[Offer, ...]
    signposting: Signposting
    facilitators: Facilitators
    early_career: EarlyCareer
    career_stages: Tuple[CareerStage, ...]
    # Message templates by key; a group in the file gives dotted keys ("assessment.welcome_back").
    messages: Mapping[str, str]
    responses: Mapping[str, Response]
    topics: Tuple[Topic, ...] = ()
    _by_id: Dict[str, Dimension] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({d.id: d for d in self.dimensions})

    def dimension(self, dimension_id: str) -> Dimension:
        return self._by_id[dimension_id]

    def offer(self, offer_id: str) -> Offer:
        for offer in self.offers:
            if offer.id == offer_id:
                return offer
        raise KeyError(offer_id)

    def stage(self, stage_id: str) -> CareerStage:
        for stage in self.career_stages:
            if stage.id == stage_id:
                return stage
        raise KeyError(stage_id)

    def topic(self, topic_id: str) -> Topic:
        for topic in self.topics:
            if topic.id == topic_id:
                return topic
        raise KeyError(topic_id)

    # ------------------------------------------------------------ saying

    def join_names(self, names: Sequence[str]) -> str:
        """"A", "A and B", "A, B and C", in the catalogue's wording (``list.join``)."""
        names = list(names)
        if len(names) <= 1:
            return "".join(names)
        return self.say("list.join", items=", ".join(names[:-1]), last=names[-1])

    def say(self, key: str, **values: Any) -> str:
        """The message ``key`` with its ``{placeholders}`` filled from ``values``.

        Values the template does not use are ignored: a deployment's own wording
        may leave out a detail the bundled wording mentions.
        """
        try:
            template = self.messages[key]
        except KeyError:
            raise MessageError(key, "no such message in messages.yml") from None
        try:
            return template.format_map(values)
        except KeyError as missing:
            # Loading allows only plain named placeholders, so a KeyError is a missing value.
            name = str(missing.args[0])
            raise MessageError(key, f"needs a value for {{{name}}}", placeholder=name) from None

    def crisis_message(self) -> str:
        """The crisis signposting (999 / A&E, NHS 111, Samaritans, Shout...), as every channel sends it."""
        s = self.signposting
        contacts = "\n".join(self.say("signpost.contact_with_link" if c.link else "signpost.contact",
                                       name=c.name, how=c.how, when=c.when, link=c.link) for c in s.contacts)
        return self.say("signpost.message", opening=s.opening, urgent=s.urgent, contacts=contacts,
                        not_a_crisis_service=s.not_a_crisis_service)

    # ------------------------------------------------------------ understanding

    def resolve_dimension(self, text: Optional[str], descriptions: bool = True) -> Optional[str]:
        """The id of the dimension that ``text`` names or describes, or None (see :mod:`.matching`)."""
        return matching.resolve_dimension(self, text, descriptions=descriptions)

    def resolve_level(self, text: Optional[str]) -> Optional[str]:
        """The level id (or ``not_sure``) that ``text`` names, or None (see :mod:`.matching`)."""
        return matching.resolve_level(self, text)

    def resolve_stage(self, text: Optional[str]) -> Optional[str]:
        """The career stage id that ``text`` names, or None (see :mod:`.matching`)."""
        return matching.resolve_stage(self, text)

    def resolve_topics(self, text: Optional[str]) -> List[str]:
        """The ids of the topics that ``text`` names, longest phrase first (see :mod:`.matching`)."""
        return matching.resolve_topics(self, text)

    def resolve_offer(self, text: Optional[str]) -> Optional[str]:
        """The id of the learning offer that ``text`` names, or None (see :mod:`.matching`)."""
        return matching.resolve_offer(self, text)


def dimension_choices(content: Content, ids: Optional[Sequence[str]] = None) -> List[Dimension]:
    """Dimensions in model order, optionally restricted to ``ids``."""
    wanted = set(ids) if ids is not None else None
    return [d for d in content.dimensions if wanted is None or d.id in wanted]
