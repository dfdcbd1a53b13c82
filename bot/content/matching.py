"""Matching people's words to the content: which dimension, level, career stage,
topic or learning offer they mean.

People name things loosely ("the one about setting clear expectations", "stong",
"I'm a matron"), so every comparison is made on :func:`bot.text.words`, the same
cleaned form the rest of the coach uses. These functions only read the content
they are given; the ids they may return are the ones the loaded files define.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Dict, Iterable, List, Optional, Sequence, Tuple

from bot.text import words

if TYPE_CHECKING:  # the model imports this module to delegate to it
    from bot.content.model import Content

# Words that, just before a level, rule it out: "not strong", "hardly exemplary".
NEGATIONS = frozenset({"not", "never", "isnt", "arent", "hardly", "nowhere", "no"})


def stem(word: str) -> str:
    """A crude English stem, enough for "expectations" to meet "expectation"."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def resolve_dimension(content: "Content", text: Optional[str], descriptions: bool = True) -> Optional[str]:
    """The id of the dimension that ``text`` names or describes, or None.

    Accepts an id, a name, an alias, or a description ("the one about
    setting clear expectations"), which is scored against each
    dimension's keywords. Returns None when nothing stands out.
    """
    if not text:
        return None
    norm = words(text)
    if not norm:
        return None
    ids = {d.id for d in content.dimensions}
    compact = norm.replace(" ", "_")
    if compact in ids:
        return compact
    # Whole names and aliases, longest first, so "leading with care" wins over "care".
    names: List[Tuple[str, str]] = []
    for dim in content.dimensions:
        names.append((words(dim.name), dim.id))
        names.extend((words(a), dim.id) for a in dim.aliases)
    padded = f" {norm} "
    for phrase, dim_id in sorted(names, key=lambda p: -len(p[0])):
        if phrase and f" {phrase} " in padded:
            return dim_id
    if not descriptions:
        return None
    # Descriptions: score keyword hits on stemmed words.
    exact = set(norm.split())
    stems = {stem(w) for w in norm.split()}
    stemmed_text = " ".join(stem(w) for w in norm.split())
    scores: Dict[str, float] = {}
    for dim in content.dimensions:
        score = 0.0
        for kw in dim.keywords:
            kw_words = words(kw)
            kw_stems = [stem(w) for w in kw_words.split()]
            if not kw_stems:
                continue
            if len(kw_stems) == 1:
                if kw_words in exact:
                    score += 1.5  # the very word beats a word that only shares its stem
                elif kw_stems[0] in stems:
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


def resolve_level(content: "Content", text: Optional[str]) -> Optional[str]:
    """The level id (or ``not_sure``) that ``text`` names, or None."""
    if not text:
        return None
    not_sure = content.scale.not_sure.id
    levels = content.scale.levels + (content.scale.not_sure,)
    norm = words(text)
    compact = norm.replace(" ", "_")
    if compact in {level.id for level in levels}:
        return compact
    padded = f" {norm} "
    candidates: List[Tuple[str, str]] = []
    for level in levels:
        candidates.append((words(level.name), level.id))
        candidates.append((level.id, level.id))
        candidates.extend((words(s), level.id) for s in level.synonyms)
    found = set()
    for phrase, lid in candidates:
        if not phrase:
            continue
        for m in re.finditer(rf"(?<= ){re.escape(phrase)}(?= )", padded):
            before = padded[: m.start()].split()[-2:]
            if lid != not_sure and any(w in NEGATIONS for w in before):
                continue  # "not strong" rules a level out rather than choosing it
            found.add(lid)
    # "not sure" contains no level word, but "not strong" would be a trap: only
    # accept a single unambiguous level.
    if not_sure in found:
        return not_sure
    if len(found) == 1:
        return found.pop()
    return None


def resolve_stage(content: "Content", text: Optional[str]) -> Optional[str]:
    """The career stage id that ``text`` names, or None; the longest matching phrase wins."""
    if not text:
        return None
    norm = words(text)
    compact = norm.replace(" ", "_")
    if compact in {stage.id for stage in content.career_stages}:
        return compact
    padded = f" {norm} "
    best: Optional[Tuple[int, str]] = None
    for stage in content.career_stages:
        for phrase in (stage.name, *stage.synonyms):
            p = words(phrase)
            if p and f" {p} " in padded and (best is None or len(p) > best[0]):
                best = (len(p), stage.id)
    return best[1] if best else None


# --------------------------------------------------------------------------- topics and offers
#
# Topics and offers are named by phrases compared word by word on bot.text.words,
# so "anything on E.D.I.?" and "edi" meet. A word of the text may carry a plural
# "s" or "es" that the phrase does not ("budgets", "disagreements").


def _same_word(said: str, listed: str) -> bool:
    return said == listed or said == listed + "s" or said == listed + "es"


def _find(tokens: Sequence[str], taken: Sequence[bool], phrase: Sequence[str], start: int = 0) -> Optional[int]:
    """Where ``phrase`` first occurs in ``tokens`` at or after ``start``, on words not yet taken."""
    n = len(phrase)
    for i in range(start, len(tokens) - n + 1):
        if all(not taken[i + k] and _same_word(tokens[i + k], phrase[k]) for k in range(n)):
            return i
    return None


def _longest_first(phrases: Iterable[Tuple[Tuple[str, ...], str]]) -> List[Tuple[Tuple[str, ...], str]]:
    """``(words, id)`` pairs, most words first, then most letters; empty phrases dropped."""
    kept = [(p, i) for p, i in phrases if p]
    return sorted(kept, key=lambda pair: (-len(pair[0]), -len(" ".join(pair[0]))))


def _split(text: str) -> Tuple[str, ...]:
    return tuple(words(text).split())


def dimension_phrases(content: "Content") -> List[Tuple[Tuple[str, ...], str]]:
    """Every way of naming a dimension outright (id, name, alias), longest first."""
    phrases = []
    for dim in content.dimensions:
        phrases.append((_split(dim.id), dim.id))
        phrases.append((_split(dim.name), dim.id))
        phrases.extend((_split(a), dim.id) for a in dim.aliases)
    return _longest_first(phrases)


def topic_phrases(content: "Content") -> List[Tuple[Tuple[str, ...], str]]:
    """Every phrase that names a topic (id, name, words), longest first."""
    phrases = []
    for topic in content.topics:
        phrases.append((_split(topic.id), topic.id))
        phrases.append((_split(topic.name), topic.id))
        phrases.extend((_split(w), topic.id) for w in topic.words)
    return _longest_first(phrases)


def offer_phrases(content: "Content") -> List[Tuple[Tuple[str, ...], str]]:
    """Every phrase that names an offer (id, title, short names), longest first."""
    phrases = []
    for offer in content.offers:
        phrases.append((_split(offer.id), offer.id))
        phrases.append((_split(offer.title), offer.id))
        phrases.extend((_split(n), offer.id) for n in offer.names)
    return _longest_first(phrases)


def resolve_topics(content: "Content", text: Optional[str]) -> List[str]:
    """The ids of the topics ``text`` names, each once, in the order their longest phrases were found.

    Phrases are tried longest first and each word of the text serves one phrase
    only, so "digital transformation" is digital, not also change. Words that
    name a dimension outright ("developing capability", "the data one") are set
    aside first: a dimension is not a topic.
    """
    tokens = words(text).split()
    if not tokens:
        return []
    taken = [False] * len(tokens)

    def claim(phrase: Sequence[str]) -> bool:
        found = False
        at = _find(tokens, taken, phrase)
        while at is not None:
            for k in range(len(phrase)):
                taken[at + k] = True
            found = True
            at = _find(tokens, taken, phrase, at + len(phrase))
        return found

    for phrase, _dim_id in dimension_phrases(content):
        claim(phrase)
    topics: List[str] = []
    for phrase, topic_id in topic_phrases(content):
        if claim(phrase) and topic_id not in topics:
            topics.append(topic_id)
    return topics


def resolve_offer(content: "Content", text: Optional[str]) -> Optional[str]:
    """The id of the learning offer ``text`` names (its title, id or a short name), or None.

    The longest phrase found wins; between phrases of the same length, the one
    said first.
    """
    tokens = words(text).split()
    if not tokens:
        return None
    free = [False] * len(tokens)
    best: Optional[Tuple[int, int, str]] = None
    for phrase, offer_id in offer_phrases(content):
        if best is not None and len(phrase) < -best[0]:
            break  # longest first: nothing shorter can win
        at = _find(tokens, free, phrase)
        if at is not None and (best is None or (-len(phrase), at) < best[:2]):
            best = (-len(phrase), at, offer_id)
    return best[2] if best else None
