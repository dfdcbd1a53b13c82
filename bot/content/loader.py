"""Loading the content files into the typed model, checking each one on the way.

The files are read once into frozen dataclasses. A broken file raises
:class:`ContentError` naming the file, the entry and what is wrong, so a
deployment fails at start-up rather than in the middle of a conversation.

A deploying organisation can point ``COACH_CONTENT_DIR`` at its own copy of the
folder (for example with licensed official wording).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from types import MappingProxyType
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from bot.content import messages as catalogue
from bot.content.model import (
    CAREER_STAGE_IDS,
    DIMENSION_IDS,
    LEVEL_IDS,
    NOT_SURE,
    OFFER_KINDS,
    CareerStage,
    Contact,
    Content,
    ContentError,
    Dimension,
    EarlyCareer,
    Facilitators,
    FocusArea,
    Level,
    Offer,
    Prompt,
    Region,
    Response,
    Scale,
    Signposting,
    WellbeingSignposting,
    Topic,
)
from bot.text import words

# The YAML files live beside this package's modules; the bundled copy is also the
# reference a deployment's own messages.yml is checked against.
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent

# Ids the content files define for themselves (topics): lower case, digits, underscores.
_ID = re.compile(r"[a-z][a-z0-9_]*\Z")


class _Reader:
    """Reads one YAML file and reports problems with its name and the entry."""

    def __init__(self, directory: Path, name: str) -> None:
        self.file = name
        path = directory / name
        try:
            with open(path, encoding="utf-8") as fh:
                self.data = yaml.safe_load(fh)
        except FileNotFoundError:
            raise ContentError(name, "(file)", f"not found in {directory}") from None
        except yaml.YAMLError as exc:
            raise ContentError(name, "(file)", f"is not valid YAML: {exc}") from None
        if not isinstance(self.data, dict):
            raise ContentError(name, "(file)", "should be a mapping at the top level")

    def fail(self, entry: str, problem: str) -> ContentError:
        return ContentError(self.file, entry, problem)

    def text(self, obj: Mapping[str, Any], key: str, entry: str, optional: bool = False) -> str:
        value = obj.get(key)
        if value is None and optional:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(entry, f"'{key}' must be a non-empty text")
        return " ".join(value.split())

    def texts(self, obj: Mapping[str, Any], key: str, entry: str, minimum: int = 1) -> Tuple[str, ...]:
        value = obj.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(entry, f"'{key}' must be a list of texts")
        if len(value) < minimum:
            raise self.fail(entry, f"'{key}' needs at least {minimum} item(s), has {len(value)}")
        return tuple(" ".join(v.split()) for v in value)

    def items(self, obj: Mapping[str, Any], key: str, entry: str) -> List[Mapping[str, Any]]:
        value = obj.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(entry, f"'{key}' must be a non-empty list")
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{entry}[{i}]", "must be a mapping")
        return value


def _load_dimensions(directory: Path) -> Tuple[Dimension, ...]:
    r = _Reader(directory, "dimensions.yml")
    dims: List[Dimension] = []
    for i, item in enumerate(r.items(r.data, "dimensions", "dimensions")):
        entry = f"dimensions[{i}] ({item.get('id', '?')})"
        dim_id = r.text(item, "id", entry)
        if dim_id not in DIMENSION_IDS:
            raise r.fail(entry, f"unknown id '{dim_id}'; expected one of {', '.join(DIMENSION_IDS)}")
        levels = item.get("levels")
        if not isinstance(levels, dict) or set(levels) != set(LEVEL_IDS):
            raise r.fail(entry, f"'levels' must have exactly the keys {', '.join(LEVEL_IDS)}")
        prompts = []
        for j, p in enumerate(r.items(item, "prompts", entry)):
            pentry = f"{entry}.prompts[{j}]"
            prompts.append(Prompt(id=r.text(p, "id", pentry), text=r.text(p, "text", pentry)))
        situation = item.get("situation")
        if not isinstance(situation, dict):
            raise r.fail(entry, "'situation' must be a mapping with 'why' and 'question'")
        if len(prompts) < 3:
            raise r.fail(entry, f"needs at least 3 prompts, has {len(prompts)}")
        link = r.text(item, "link", entry)
        if not link.startswith("https://"):
            raise r.fail(entry, "'link' must be an https:// address")
        dims.append(
            Dimension(
                id=dim_id,
                name=r.text(item, "name", entry),
                short=r.text(item, "short", entry),
                aliases=tuple(a.lower() for a in r.texts(item, "aliases", entry)),
                keywords=tuple(k.lower() for k in r.texts(item, "keywords", entry, minimum=3)),
                what_it_is=r.text(item, "what_it_is", entry),
                why_it_matters=r.text(item, "why_it_matters", entry),
                what_it_is_not=r.text(item, "what_it_is_not", entry),
                levels={lid: r.text(levels, lid, f"{entry}.levels") for lid in LEVEL_IDS},
                prompts=tuple(prompts),
                situation_why=r.text(situation, "why", f"{entry}.situation"),
                situation_question=r.text(situation, "question", f"{entry}.situation"),
                link=link,
            )
        )
    ids = [d.id for d in dims]
    if sorted(ids) != sorted(DIMENSION_IDS):
        missing = set(DIMENSION_IDS) - set(ids)
        dupes = {x for x in ids if ids.count(x) > 1}
        raise r.fail("dimensions", f"must list each of the nine dimensions once (missing: {sorted(missing)}, repeated: {sorted(dupes)})")
    prompt_ids = [p.id for d in dims for p in d.prompts]
    if len(prompt_ids) != len(set(prompt_ids)):
        raise r.fail("dimensions", "prompt ids must be unique")
    order = {d: n for n, d in enumerate(DIMENSION_IDS)}
    return tuple(sorted(dims, key=lambda d: order[d.id]))


def _load_scale(directory: Path) -> Scale:
    r = _Reader(directory, "scale.yml")
    levels = []
    for i, item in enumerate(r.items(r.data, "levels", "levels")):
        entry = f"levels[{i}] ({item.get('id', '?')})"
        rank = item.get("rank")
        if not isinstance(rank, int):
            raise r.fail(entry, "'rank' must be a whole number")
        levels.append(
            Level(
                id=r.text(item, "id", entry),
                name=r.text(item, "name", entry),
                rank=rank,
                summary=r.text(item, "summary", entry),
                synonyms=tuple(s.lower() for s in r.texts(item, "synonyms", entry)),
            )
        )
    levels.sort(key=lambda lv: lv.rank)
    if tuple(lv.id for lv in levels) != LEVEL_IDS:
        raise r.fail("levels", f"must be exactly {', '.join(LEVEL_IDS)} in rank order")
    ns = r.data.get("not_sure")
    if not isinstance(ns, dict):
        raise r.fail("not_sure", "must be a mapping")
    not_sure = Level(
        id=NOT_SURE,
        name=r.text(ns, "name", "not_sure"),
        rank=0,
        summary=r.text(ns, "summary", "not_sure"),
        synonyms=tuple(s.lower() for s in r.texts(ns, "synonyms", "not_sure")),
    )
    return Scale(
        intro=r.text(r.data, "intro", "intro"),
        model_link=r.text(r.data, "model_link", "model_link"),
        levels=tuple(levels),
        not_sure=not_sure,
    )


def _load_topics(r: _Reader) -> Tuple[Topic, ...]:
    topics = []
    for i, item in enumerate(r.items(r.data, "topics", "topics")):
        entry = f"topics[{i}] ({item.get('id', '?')})"
        topic_id = r.text(item, "id", entry)
        if not _ID.match(topic_id):
            raise r.fail(entry, "'id' must be lower case letters, digits and underscores")
        name = r.text(item, "name", entry)
        found = r.texts(item, "words", entry)
        empty = [w for w in found if not words(w)]
        if empty:
            raise r.fail(entry, f"'words' has entries with no letters or digits in them: {empty}")
        topics.append(Topic(id=topic_id, name=name, words=tuple(w.lower() for w in found)))
    ids = [t.id for t in topics]
    dupes = sorted({x for x in ids if ids.count(x) > 1})
    if dupes:
        raise r.fail("topics", f"topic ids must be unique; repeated: {dupes}")
    return tuple(topics)


def _load_offers(directory: Path) -> Tuple[Tuple[Offer, ...], Tuple[Topic, ...]]:
    """The offers and the topics they are tagged with, both from catalogue.yml."""
    r = _Reader(directory, "catalogue.yml")
    topics = _load_topics(r)
    topic_ids = [t.id for t in topics]
    offers = []
    for i, item in enumerate(r.items(r.data, "offers", "offers")):
        entry = f"offers[{i}] ({item.get('id', '?')})"
        stages = r.texts(item, "career_stages", entry)
        bad = [s for s in stages if s not in CAREER_STAGE_IDS]
        if bad:
            raise r.fail(entry, f"unknown career stage(s) {bad}; use {', '.join(CAREER_STAGE_IDS)}")
        dims = r.texts(item, "dimensions", entry)
        bad = [d for d in dims if d not in DIMENSION_IDS]
        if bad:
            raise r.fail(entry, f"unknown dimension id(s) {bad}")
        offer_topics = r.texts(item, "topics", entry)
        bad = [t for t in offer_topics if t not in topic_ids]
        if bad:
            raise r.fail(entry, f"unknown topic id(s) {bad}; define them under 'topics' ({', '.join(topic_ids)})")
        kind = r.text(item, "kind", entry)
        if kind not in OFFER_KINDS:
            raise r.fail(entry, f"'kind' must be one of {', '.join(OFFER_KINDS)}")
        link = r.text(item, "link", entry)
        if not link.startswith("https://"):
            raise r.fail(entry, "'link' must be an https:// address")
        names: Tuple[str, ...] = ()
        if item.get("names") is not None:
            names = tuple(n.lower() for n in r.texts(item, "names", entry))
            empty = [n for n in names if not words(n)]
            if empty:
                raise r.fail(entry, f"'names' has entries with no letters or digits in them: {empty}")
        offers.append(
            Offer(
                id=r.text(item, "id", entry),
                title=r.text(item, "title", entry),
                provider=r.text(item, "provider", entry),
                kind=kind,
                audience=r.text(item, "audience", entry),
                career_stages=stages,
                format=r.text(item, "format", entry),
                length=r.text(item, "length", entry),
                cost=r.text(item, "cost", entry),
                dimensions=dims,
                why=r.text(item, "why", entry),
                link=link,
                note=r.text(item, "note", entry, optional=True),
                topics=offer_topics,
                source=r.text(item, "source", entry),
                names=names,
            )
        )
    ids = [o.id for o in offers]
    if len(ids) != len(set(ids)):
        raise r.fail("offers", "offer ids must be unique")
    # A short name, title or id must point at one offer only, or "what is X?" would be a guess.
    named: Dict[str, str] = {}
    for i, offer in enumerate(offers):
        for phrase in {words(offer.id.replace("_", " ")), words(offer.title), *(words(n) for n in offer.names)}:
            other = named.setdefault(phrase, offer.id)
            if other != offer.id:
                raise r.fail(f"offers[{i}] ({offer.id})", f"the name '{phrase}' is already used by {other}")
    return tuple(offers), topics


def _check_topics_against_dimensions(topics: Iterable[Topic], dimensions: Iterable[Dimension]) -> None:
    """A topic word that is a dimension's name or alias would never be read as the topic: say so."""
    dimension_names = {}
    for dim in dimensions:
        for phrase in (dim.id.replace("_", " "), dim.name, *dim.aliases):
            dimension_names[words(phrase)] = dim.id
    for i, topic in enumerate(topics):
        for word in (topic.name, *topic.words):
            if words(word) in dimension_names:
                raise ContentError("catalogue.yml", f"topics[{i}] ({topic.id})",
                                   f"'{word}' names the dimension {dimension_names[words(word)]} "
                                   "(dimensions.yml), so it is never read as a topic; remove it")


def _read_contacts(r: _Reader, obj: Mapping[str, Any], key: str, entry: str) -> Tuple[Contact, ...]:
    contacts = []
    for i, item in enumerate(r.items(obj, key, entry)):
        centry = f"{entry}[{i}] ({item.get('id', '?')})"
        link = r.text(item, "link", centry, optional=True)
        if link and not link.startswith("https://"):
            raise r.fail(centry, "'link' must be an https:// address")
        contacts.append(
            Contact(
                id=r.text(item, "id", centry),
                name=r.text(item, "name", centry),
                how=r.text(item, "how", centry),
                when=r.text(item, "when", centry),
                link=link,
                who=r.text(item, "who", centry, optional=True),
            )
        )
    ids = [c.id for c in contacts]
    if len(ids) != len(set(ids)):
        raise r.fail(entry, "contact ids must be unique")
    return tuple(contacts)


# The wellbeing reply must carry these, so the coach can always offer them (docs/clinical-safety.md).
WELLBEING_CONTACT_IDS = ("occupational_health", "practitioner_health")
SPEAK_UP_CONTACT_IDS = ("freedom_to_speak_up", "hr_or_union")


def _load_wellbeing(r: _Reader) -> WellbeingSignposting:
    w = r.data.get("wellbeing")
    if not isinstance(w, dict):
        raise r.fail("wellbeing", "must be a mapping with opening, contacts, speak_up_intro, speak_up, safety_net and return_offer")
    contacts = _read_contacts(r, w, "contacts", "wellbeing.contacts")
    speak_up = _read_contacts(r, w, "speak_up", "wellbeing.speak_up")
    for ids, found, entry in ((WELLBEING_CONTACT_IDS, contacts, "wellbeing.contacts"),
                              (SPEAK_UP_CONTACT_IDS, speak_up, "wellbeing.speak_up")):
        missing = [x for x in ids if x not in {c.id for c in found}]
        if missing:
            raise r.fail(entry, f"must include {', '.join(missing)}")
    for c in contacts:
        if c.id == "practitioner_health" and not c.who:
            raise r.fail(f"wellbeing.contacts ({c.id})", "'who' must say who the service is for")
    wellbeing = WellbeingSignposting(
        opening=r.text(w, "opening", "wellbeing.opening"),
        contacts=contacts,
        speak_up_intro=r.text(w, "speak_up_intro", "wellbeing.speak_up_intro"),
        speak_up=speak_up,
        safety_net=r.text(w, "safety_net", "wellbeing.safety_net"),
        return_offer=r.text(w, "return_offer", "wellbeing.return_offer"),
    )
    # Staff told to ring 999 for a hard week stop trusting the coach: 999 belongs to the crisis reply only.
    texts = [wellbeing.opening, wellbeing.speak_up_intro, wellbeing.safety_net, wellbeing.return_offer]
    texts += [t for c in contacts + speak_up for t in (c.name, c.how, c.when, c.who)]
    if any("999" in t for t in texts):
        raise r.fail("wellbeing", "must not mention 999 (that belongs to the crisis reply)")
    return wellbeing


def _load_signposting(directory: Path) -> Signposting:
    r = _Reader(directory, "signposting.yml")
    d = r.data
    return Signposting(
        not_a_crisis_service=r.text(d, "not_a_crisis_service", "not_a_crisis_service"),
        opening=r.text(d, "opening", "opening"),
        urgent=r.text(d, "urgent", "urgent"),
        contacts=_read_contacts(r, d, "contacts", "contacts"),
        return_offer=r.text(d, "return_offer", "return_offer"),
        followup=r.text(d, "followup", "followup"),
        wellbeing=_load_wellbeing(r),
    )


def _load_facilitators(directory: Path) -> Facilitators:
    r = _Reader(directory, "facilitators.yml")
    regions = []
    for i, item in enumerate(r.items(r.data, "regions", "regions")):
        entry = f"regions[{i}] ({item.get('id', '?')})"
        regions.append(
            Region(
                id=r.text(item, "id", entry),
                name=r.text(item, "name", entry),
                contact=r.text(item, "contact", entry),
                notes=r.text(item, "notes", entry, optional=True),
            )
        )
    d = r.data
    return Facilitators(
        about_360=r.text(d, "about_360", "about_360"),
        how_to_find=r.text(d, "how_to_find", "how_to_find"),
        regions=tuple(regions),
        default_contact=r.text(d, "default_contact", "default_contact"),
    )


def _load_early_career(directory: Path, offer_ids: Iterable[str]) -> EarlyCareer:
    r = _Reader(directory, "early_career.yml")
    areas = []
    for i, item in enumerate(r.items(r.data, "focus_areas", "focus_areas")):
        entry = f"focus_areas[{i}] ({item.get('id', '?')})"
        dims = r.texts(item, "dimensions", entry)
        bad = [x for x in dims if x not in DIMENSION_IDS]
        if bad:
            raise r.fail(entry, f"unknown dimension id(s) {bad}")
        areas.append(
            FocusArea(
                id=r.text(item, "id", entry),
                name=r.text(item, "name", entry),
                description=r.text(item, "description", entry),
                prompt=r.text(item, "prompt", entry),
                dimensions=dims,
            )
        )
    recommended = r.texts(r.data, "recommended_offers", "recommended_offers")
    known = set(offer_ids)
    bad = [o for o in recommended if o not in known]
    if bad:
        raise r.fail("recommended_offers", f"not in catalogue.yml: {bad}")
    return EarlyCareer(
        intro=r.text(r.data, "intro", "intro"),
        receiving_end_question=r.text(r.data, "receiving_end_question", "receiving_end_question"),
        focus_areas=tuple(areas),
        recommended_offers=recommended,
    )


def _load_stages(directory: Path) -> Tuple[CareerStage, ...]:
    r = _Reader(directory, "career_stages.yml")
    stages = []
    for i, item in enumerate(r.items(r.data, "stages", "stages")):
        entry = f"stages[{i}] ({item.get('id', '?')})"
        stage_id = r.text(item, "id", entry)
        if stage_id not in CAREER_STAGE_IDS:
            raise r.fail(entry, f"unknown stage '{stage_id}'; use {', '.join(CAREER_STAGE_IDS)}")
        stages.append(
            CareerStage(
                id=stage_id,
                name=r.text(item, "name", entry),
                description=r.text(item, "description", entry),
                synonyms=tuple(s.lower() for s in r.texts(item, "synonyms", entry)),
            )
        )
    if sorted(s.id for s in stages) != sorted(CAREER_STAGE_IDS):
        raise r.fail("stages", f"must list each of {', '.join(CAREER_STAGE_IDS)} once")
    return tuple(stages)


def _read_catalogue(directory: Path) -> Tuple[Mapping[str, str], Mapping[str, Response]]:
    r = _Reader(directory, catalogue.FILE)
    unknown = sorted(set(r.data) - {"messages", "responses"})
    if unknown:
        raise r.fail("(file)", f"unknown section(s) {unknown}; expected 'messages' and 'responses'")
    return catalogue.read_messages(r.data.get("messages")), catalogue.read_responses(r.data.get("responses"))


def _load_catalogue(directory: Path) -> Tuple[Mapping[str, str], Mapping[str, Response]]:
    """Messages and responses, read-only; a deployment's own copy is checked against the bundled one,
    because the code asks for the bundled keys with the bundled placeholders."""
    messages, responses = _read_catalogue(directory)
    if directory.resolve() != DEFAULT_CONTENT_DIR:
        catalogue.check_against(messages, responses, *_read_catalogue(DEFAULT_CONTENT_DIR))
    return MappingProxyType(messages), MappingProxyType(responses)


def load_content(directory: Optional[os.PathLike] = None) -> Content:
    """Load and validate every content file in ``directory``."""
    path = Path(directory) if directory else DEFAULT_CONTENT_DIR
    offers, topics = _load_offers(path)
    dimensions = _load_dimensions(path)
    _check_topics_against_dimensions(topics, dimensions)
    scale = _load_scale(path)
    signposting = _load_signposting(path)
    facilitators = _load_facilitators(path)
    early_career = _load_early_career(path, (o.id for o in offers))
    career_stages = _load_stages(path)
    messages, responses = _load_catalogue(path)
    return Content(
        dimensions=dimensions,
        scale=scale,
        offers=offers,
        signposting=signposting,
        facilitators=facilitators,
        early_career=early_career,
        career_stages=career_stages,
        messages=messages,
        responses=responses,
        topics=topics,
    )


@lru_cache(maxsize=4)
def _cached(directory: str) -> Content:
    return load_content(directory)


def get_content() -> Content:
    """The content for this process, loaded once (``COACH_CONTENT_DIR`` or the bundled files)."""
    return _cached(os.environ.get("COACH_CONTENT_DIR") or str(DEFAULT_CONTENT_DIR))
