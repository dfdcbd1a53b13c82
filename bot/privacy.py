"""What the coach says when someone asks about their data, from ``bot/content/privacy.yml``.

    topic_for(text)        the topic a privacy question is about ("who_sees", "how_long", ...),
                           or "overview" when no topic word is in it
    answer(topic, **values) that topic's answer with {retention_days}, {conversation_days},
                           {export_hours} and {contact} filled in

The file is found the way :mod:`bot.content.loader` finds its files: in ``COACH_CONTENT_DIR``
when that is set (a deployment's own copy), otherwise beside the content package. It is read
once per folder and checked on the way, so a broken file fails with a :class:`ContentError`
naming the entry rather than giving a half answer.

Matching: the question is reduced to plain lower-case words (:func:`bot.text.words`). Every
topic phrase found in it claims its words, longest phrases first, so a word belongs to one
phrase only ("how long do you keep it": "how long" claims two words for how_long before
"keep" claims one for kept). The topic with the most claimed words wins; on a tie the topic
with the longest phrase, then the one listed first in the file. Pure Python: no Rasa here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Tuple

import yaml

from bot.content.loader import DEFAULT_CONTENT_DIR
from bot.content.messages import placeholders
from bot.content.model import ContentError
from bot.text import words

__all__ = ["FILE", "OVERVIEW", "PLACEHOLDERS", "PrivacyTopic", "answer", "load", "topic_for", "topics"]

FILE = "privacy.yml"
OVERVIEW = "overview"
# The only values an answer may name; the actions pass all three.
PLACEHOLDERS: FrozenSet[str] = frozenset({"retention_days", "conversation_days", "export_hours", "contact"})


@dataclass(frozen=True)
class PrivacyTopic:
    id: str
    words: Tuple[str, ...]  # plain lower-case words/phrases, as bot.text.words gives them
    answer: str
    placeholders: FrozenSet[str]


def _tidy(text: str) -> str:
    """Spaces collapsed within each line; the line breaks written in the YAML kept."""
    return "\n".join(" ".join(line.split()) for line in text.splitlines()).strip("\n")


def _read(path: Path) -> Dict[str, PrivacyTopic]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except FileNotFoundError:
        raise ContentError(FILE, "(file)", f"not found in {path.parent}") from None
    except yaml.YAMLError as exc:
        raise ContentError(FILE, "(file)", f"is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("topics"), dict) or not data["topics"]:
        raise ContentError(FILE, "(file)", "should be a mapping with a non-empty 'topics' mapping")

    found: Dict[str, PrivacyTopic] = {}
    owner: Dict[str, str] = {}  # phrase -> topic, so no phrase points two ways
    for topic_id, item in data["topics"].items():
        entry = f"topics.{topic_id}"
        if not isinstance(topic_id, str) or not topic_id.isidentifier() or topic_id != topic_id.lower():
            raise ContentError(FILE, entry, "topic ids are lower-case letters, digits and underscores")
        if not isinstance(item, dict):
            raise ContentError(FILE, entry, "must be a mapping with 'words' and 'answer'")
        text = item.get("answer")
        if not isinstance(text, str) or not text.strip():
            raise ContentError(FILE, entry, "'answer' must be a non-empty text")
        text = _tidy(text)
        raw = item.get("words")
        if topic_id == OVERVIEW and raw is None:
            raw = []
        if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
            raise ContentError(FILE, entry, "'words' must be a list of texts")
        if not raw and topic_id != OVERVIEW:
            raise ContentError(FILE, entry, "'words' needs at least one word or phrase")
        phrases: List[str] = []
        for w in raw:
            phrase = words(w)
            if not phrase:
                raise ContentError(FILE, entry, f"'words' entry {w!r} has no letters or digits in it")
            other = owner.setdefault(phrase, topic_id)
            if other != topic_id:
                raise ContentError(FILE, entry, f"'{phrase}' is already a word of {other}; a phrase may point to one topic only")
            if phrase not in phrases:
                phrases.append(phrase)
        found[topic_id] = PrivacyTopic(topic_id, tuple(phrases), text, placeholders(text, entry, FILE, frozenset(PLACEHOLDERS)))
    if OVERVIEW not in found:
        raise ContentError(FILE, "topics", f"must have an '{OVERVIEW}' topic, said when no other topic matches")
    return found


@lru_cache(maxsize=4)
def _load(directory: str) -> Mapping[str, PrivacyTopic]:
    return _read(Path(directory) / FILE)


def load() -> Mapping[str, PrivacyTopic]:
    """The topics for this process, read once (``COACH_CONTENT_DIR`` or the bundled file), in file order."""
    return _load(os.environ.get("COACH_CONTENT_DIR") or str(DEFAULT_CONTENT_DIR))


def topics() -> Tuple[str, ...]:
    """The topic ids, in file order (``overview`` included)."""
    return tuple(load())


@lru_cache(maxsize=4)
def _phrase_order(directory: str) -> Tuple[Tuple[Tuple[str, ...], str, int], ...]:
    """(phrase words, topic, file position) for every phrase, longest first (words, then letters)."""
    order = []
    for position, topic in enumerate(_load(directory).values()):
        for phrase in topic.words:
            order.append((tuple(phrase.split()), topic.id, position))
    order.sort(key=lambda item: (-len(item[0]), -len(" ".join(item[0])), item[2]))
    return tuple(order)


def topic_for(text: str) -> str:
    """The topic ``text`` asks about, or ``overview`` when none of the topic words is in it."""
    tokens = words(text).split()
    if not tokens:
        return OVERVIEW
    directory = os.environ.get("COACH_CONTENT_DIR") or str(DEFAULT_CONTENT_DIR)
    claimed = [False] * len(tokens)
    score: Dict[str, int] = {}
    longest: Dict[str, Tuple[int, int]] = {}
    first: Dict[str, int] = {}
    for phrase, topic, position in _phrase_order(directory):
        n = len(phrase)
        for start in range(len(tokens) - n + 1):
            if tuple(tokens[start:start + n]) != phrase or any(claimed[start:start + n]):
                continue
            for i in range(start, start + n):
                claimed[i] = True
            score[topic] = score.get(topic, 0) + n
            longest[topic] = max(longest.get(topic, (0, 0)), (n, len(" ".join(phrase))))
            first[topic] = position
    if not score:
        return OVERVIEW
    return max(score, key=lambda t: (score[t], longest[t], -first[t]))


def answer(topic: str, **values: Any) -> str:
    """The answer for ``topic`` with its placeholders filled in from ``values``.

    An unknown topic is a KeyError; a placeholder the answer names but ``values`` lacks is a
    ValueError naming it. Values the answer does not use are ignored.
    """
    found = load()
    if topic not in found:
        raise KeyError(f"unknown privacy topic {topic!r}; known: {', '.join(found)}")
    entry = found[topic]
    missing = sorted(entry.placeholders - set(values))
    if missing:
        raise ValueError(f"privacy answer '{topic}' needs a value for {', '.join(missing)}")
    return entry.answer.format_map({name: values[name] for name in entry.placeholders})
