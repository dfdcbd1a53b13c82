"""Everything the coach knows, loaded from the YAML files in ``bot/content``.

The files are read once into frozen dataclasses. A broken file raises
:class:`ContentError` naming the file, the entry and what is wrong, so a
deployment fails at start-up rather than in the middle of a conversation.

A deploying organisation can point ``COACH_CONTENT_DIR`` at its own copy of the
folder (for example with licensed official wording).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import yaml

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent / "content"

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


# --------------------------------------------------------------------------- types


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


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    how: str
    when: str
    link: str = ""


@dataclass(frozen=True)
class Signposting:
    not_a_crisis_service: str
    opening: str
    urgent: str
    contacts: Tuple[Contact, ...]
    return_offer: str
    followup: str


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
class Content:
    dimensions: Tuple[Dimension, ...]
    scale: Scale
    offers: Tuple[Offer, ...]
    signposting: Signposting
    facilitators: Facilitators
    early_career: EarlyCareer
    career_stages: Tuple[CareerStage, ...]
    messages: Mapping[str, str]
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

    # ------------------------------------------------------------ understanding

    def resolve_dimension(self, text: Optional[str], descriptions: bool = True) -> Optional[str]:
        """The id of the dimension that ``text`` names or describes, or None.

        Accepts an id, a name, an alias, or a description ("the one about
        setting clear expectations"), which is scored against each
        dimension's keywords. Returns None when nothing stands out.
        """
        if not text:
            return None
        norm = _normalise(text)
        if not norm:
            return None
        compact = norm.replace(" ", "_")
        if compact in self._by_id:
            return compact
        # Whole names and aliases, longest first, so "leading with care" wins over "care".
        names: List[Tuple[str, str]] = []
        for dim in self.dimensions:
            names.append((_normalise(dim.name), dim.id))
            names.extend((_normalise(a), dim.id) for a in dim.aliases)
        padded = f" {norm} "
        for phrase, dim_id in sorted(names, key=lambda p: -len(p[0])):
            if phrase and f" {phrase} " in padded:
                return dim_id
        if not descriptions:
            return None
        # Descriptions: score keyword hits on stemmed words.
        exact = set(norm.split())
        words = {_stem(w) for w in norm.split()}
        stemmed_text = " ".join(_stem(w) for w in norm.split())
        scores: Dict[str, float] = {}
        for dim in self.dimensions:
            score = 0.0
            for kw in dim.keywords:
                kw_stems = [_stem(w) for w in _normalise(kw).split()]
                if not kw_stems:
                    continue
                if len(kw_stems) == 1:
                    if _normalise(kw) in exact:
                        score += 1.5  # the very word beats a word that only shares its stem
                    elif kw_stems[0] in words:
                        score += 1.0
                elif f" {' '.join(kw_stems)} " in f" {stemmed_text} ":
                    score += 2.0
            if score:
                scores[dim.id] = score
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
            return None  # a tie is a guess; better to ask
        return ranked[0][0]

    def resolve_level(self, text: Optional[str]) -> Optional[str]:
        """The level id (or ``not_sure``) that ``text`` names, or None."""
        if not text:
            return None
        norm = _normalise(text)
        compact = norm.replace(" ", "_")
        if compact in LEVEL_IDS or compact == NOT_SURE:
            return compact
        padded = f" {norm} "
        candidates: List[Tuple[str, str]] = []
        for level in self.scale.levels + (self.scale.not_sure,):
            candidates.append((_normalise(level.name), level.id))
            candidates.append((level.id, level.id))
            candidates.extend((_normalise(s), level.id) for s in level.synonyms)
        found = set()
        for phrase, lid in candidates:
            if not phrase:
                continue
            for m in re.finditer(rf"(?<= ){re.escape(phrase)}(?= )", padded):
                before = padded[: m.start()].split()[-2:]
                if lid != NOT_SURE and any(w in _NEGATIONS for w in before):
                    continue  # "not strong" rules a level out rather than choosing it
                found.add(lid)
        # "not sure" contains no level word, but "not strong" would be a trap: only
        # accept a single unambiguous level.
        if NOT_SURE in found:
            return NOT_SURE
        if len(found) == 1:
            return found.pop()
        return None

    def resolve_stage(self, text: Optional[str]) -> Optional[str]:
        if not text:
            return None
        norm = _normalise(text)
        compact = norm.replace(" ", "_")
        if compact in CAREER_STAGE_IDS:
            return compact
        padded = f" {norm} "
        best: Optional[Tuple[int, str]] = None
        for stage in self.career_stages:
            for phrase in (stage.name, *stage.synonyms):
                p = _normalise(phrase)
                if p and f" {p} " in padded and (best is None or len(p) > best[0]):
                    best = (len(p), stage.id)
        return best[1] if best else None


_NEGATIONS = {"not", "never", "isnt", "arent", "hardly", "nowhere", "no"}
_WORD = re.compile(r"[a-z0-9&]+")


def _normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("'", "")))


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# --------------------------------------------------------------------------- loading


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


def _load_offers(directory: Path) -> Tuple[Offer, ...]:
    r = _Reader(directory, "catalogue.yml")
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
        kind = r.text(item, "kind", entry)
        if kind not in OFFER_KINDS:
            raise r.fail(entry, f"'kind' must be one of {', '.join(OFFER_KINDS)}")
        link = r.text(item, "link", entry)
        if not link.startswith("https://"):
            raise r.fail(entry, "'link' must be an https:// address")
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
            )
        )
    ids = [o.id for o in offers]
    if len(ids) != len(set(ids)):
        raise r.fail("offers", "offer ids must be unique")
    return tuple(offers)


def _load_signposting(directory: Path) -> Signposting:
    r = _Reader(directory, "signposting.yml")
    contacts = []
    for i, item in enumerate(r.items(r.data, "contacts", "contacts")):
        entry = f"contacts[{i}] ({item.get('id', '?')})"
        contacts.append(
            Contact(
                id=r.text(item, "id", entry),
                name=r.text(item, "name", entry),
                how=r.text(item, "how", entry),
                when=r.text(item, "when", entry),
                link=r.text(item, "link", entry, optional=True),
            )
        )
    d = r.data
    return Signposting(
        not_a_crisis_service=r.text(d, "not_a_crisis_service", "not_a_crisis_service"),
        opening=r.text(d, "opening", "opening"),
        urgent=r.text(d, "urgent", "urgent"),
        contacts=tuple(contacts),
        return_offer=r.text(d, "return_offer", "return_offer"),
        followup=r.text(d, "followup", "followup"),
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


MESSAGE_KEYS = ("assessment_intro", "consent_ask_assessment", "consent_ask_reflection", "consent_explain",
                "consent_thanks", "consent_declined", "redacted")


def _load_messages(directory: Path) -> Dict[str, str]:
    r = _Reader(directory, "messages.yml")
    block = r.data.get("messages")
    if not isinstance(block, dict):
        raise r.fail("messages", "must be a mapping of message keys to texts")
    missing = [k for k in MESSAGE_KEYS if k not in block]
    if missing:
        raise r.fail("messages", f"missing key(s) {missing}")
    return {k: r.text(block, k, f"messages.{k}") for k in MESSAGE_KEYS}


def load_content(directory: Optional[os.PathLike] = None) -> Content:
    """Load and validate every content file in ``directory``."""
    path = Path(directory) if directory else DEFAULT_CONTENT_DIR
    offers = _load_offers(path)
    return Content(
        dimensions=_load_dimensions(path),
        scale=_load_scale(path),
        offers=offers,
        signposting=_load_signposting(path),
        facilitators=_load_facilitators(path),
        early_career=_load_early_career(path, (o.id for o in offers)),
        career_stages=_load_stages(path),
        messages=_load_messages(path),
    )


@lru_cache(maxsize=4)
def _cached(directory: str) -> Content:
    return load_content(directory)


def get_content() -> Content:
    """The content for this process, loaded once (``COACH_CONTENT_DIR`` or the bundled files)."""
    return _cached(os.environ.get("COACH_CONTENT_DIR") or str(DEFAULT_CONTENT_DIR))


def dimension_choices(content: Content, ids: Optional[Sequence[str]] = None) -> List[Dimension]:
    """Dimensions in model order, optionally restricted to ``ids``."""
    wanted = set(ids) if ids is not None else None
    return [d for d in content.dimensions if wanted is None or d.id in wanted]
