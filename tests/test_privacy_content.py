"""The privacy answers (bot/content/privacy.yml, bot/privacy.py) and their NLU data.

Checks that the answers load and fill in, that topic_for() sends each kind of question to the
right answer, that no answer repeats the seed documents, and that the privacy training data
(data/nlu/privacy.yml) neither contradicts another intent nor leaks into its held-out set
(tests/heldout/privacy.yml).
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
import yaml

from bot import privacy
from bot.content.model import ContentError
from bot.text import words

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "bot" / "content" / "privacy.yml"
TRAINING = ROOT / "data" / "nlu" / "privacy.yml"
HELDOUT = ROOT / "tests" / "heldout" / "privacy.yml"
SEEDS = ROOT.parent / "shared" / "seeds"

INTENTS = ("ask_privacy", "export_data", "delete_data", "withdraw_consent")
MINIMUM = {"ask_privacy": 60, "export_data": 35, "delete_data": 35, "withdraw_consent": 30}
TOPICS = ("kept", "how_long", "who_sees", "where", "copy", "erase", "withdraw",
          "encrypted", "anonymous", "training", "lawful_basis", "overview")
VALUES = {"retention_days": 365, "conversation_days": 30, "export_hours": 24, "contact": "the data protection officer"}


# ------------------------------------------------------------------ the answers

def test_the_file_loads_with_every_topic():
    data = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    assert set(data["topics"]) == set(TOPICS)
    assert privacy.topics() == tuple(data["topics"])


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_has_words_and_an_answer_with_known_placeholders(topic):
    entry = privacy.load()[topic]
    if topic != "overview":
        assert entry.words, topic
    assert entry.answer.strip()
    names = {name for _, name, _, _ in string.Formatter().parse(entry.answer) if name is not None}
    assert names <= privacy.PLACEHOLDERS, names - privacy.PLACEHOLDERS
    said = privacy.answer(topic, **VALUES)
    assert "{" not in said and "}" not in said
    # A short answer, then one line on what to ask next.
    body, next_line = said.split("\n")
    assert len(re.findall(r"[.!?](?:\s|$)", body)) <= 4, body
    assert '"' in next_line, next_line


def test_the_placeholders_are_filled():
    assert "365 days" in privacy.answer("how_long", **VALUES)
    assert "24 hours" in privacy.answer("copy", **VALUES)
    assert "the data protection officer" in privacy.answer("lawful_basis", **VALUES)
    assert "365" in privacy.answer("overview", **VALUES)


def test_a_missing_value_or_unknown_topic_is_an_error():
    with pytest.raises(ValueError, match="retention_days"):
        privacy.answer("how_long", export_hours=24, contact="x")
    with pytest.raises(KeyError):
        privacy.answer("no_such_topic", **VALUES)


def test_no_word_points_to_two_topics():
    seen: Dict[str, str] = {}
    for topic in privacy.load().values():
        for phrase in topic.words:
            assert seen.setdefault(phrase, topic.id) == topic.id, (phrase, seen[phrase], topic.id)


def _copy_with(tmp_path, monkeypatch, change) -> None:
    data = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    change(data)
    (tmp_path / "privacy.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("COACH_CONTENT_DIR", str(tmp_path))


def test_an_unknown_placeholder_is_refused(tmp_path, monkeypatch):
    _copy_with(tmp_path, monkeypatch, lambda d: d["topics"]["kept"].update(answer="Hello {name}."))
    with pytest.raises(ContentError, match="unknown placeholder"):
        privacy.load()


def test_a_phrase_in_two_topics_is_refused(tmp_path, monkeypatch):
    _copy_with(tmp_path, monkeypatch, lambda d: d["topics"]["where"]["words"].append("keep"))
    with pytest.raises(ContentError, match="one topic only"):
        privacy.load()


def test_a_deployment_copy_is_read_from_coach_content_dir(tmp_path, monkeypatch):
    _copy_with(tmp_path, monkeypatch, lambda d: d["topics"]["training"].update(answer="Never.\nAsk \"what do you keep?\""))
    assert privacy.answer("training").startswith("Never.")


# ------------------------------------------------------------------ matching

TOPIC_CASES = [
    # the phrasings from the issue
    ("can my manager see this?", "who_sees"),
    ("can my employer see what I write?", "who_sees"),
    ("how long do you keep it", "how_long"),
    ("where is it stored", "where"),
    ("what do you keep about me?", "kept"),
    ("can I get a copy of everything?", "copy"),
    ("forget everything about me", "erase"),
    ("I want to withdraw my consent", "withdraw"),
    # kept
    ("what do you actually save about me", "kept"),
    ("do you record everything we say", "kept"),
    ("whats stored on me", "kept"),
    # how_long
    ("how long do you hold on to my reflections", "how_long"),
    ("is my stuff deleted automatically at some point", "how_long"),
    ("HOW LONG is it kept for??", "how_long"),
    # who_sees
    ("will my ward manager see any of this", "who_sees"),
    ("does HR get a copy", "who_sees"),
    ("can the admins read my notes", "who_sees"),
    ("is this going on my record", "who_sees"),
    # where
    ("where does it all go", "where"),
    ("is it on a server in the uk", "where"),
    ("do you pass my info to third parties", "where"),
    # copy
    ("how do i export my data", "copy"),
    ("can i download my reflections", "copy"),
    ("how long does the download link last", "copy"),
    # erase
    ("is deleting permanent", "erase"),
    ("what happens to my data if I delete it", "erase"),
    ("can you wipe my history", "erase"),
    # withdraw
    ("if i withdraw consent do you still keep the old stuff", "withdraw"),
    ("can I opt out", "withdraw"),
    ("I’ve changed my mind about you saving things", "withdraw"),
    # encrypted
    ("is it encrypted", "encrypted"),
    ("r my msgs encrypted", "encrypted"),
    ("how secure is this", "encrypted"),
    # anonymous
    ("r my answers anonymous", "anonymous"),
    ("do you know my real name", "anonymous"),
    ("what if i type a patient's NHS number", "anonymous"),
    ("if i name a colleague does that get stored", "anonymous"),
    # training
    ("is my data used to train ai", "training"),
    ("do you feed my chats into chatgpt", "training"),
    ("are my reflections used for training a model", "training"),
    # lawful_basis
    ("what is the lawful basis", "lawful_basis"),
    ("under gdpr what's your legal basis", "lawful_basis"),
    ("who is the data controller", "lawful_basis"),
    ("privacy?", "who_sees"),
    # overview
    ("tell me about that", "overview"),
    ("", "overview"),
    ("???", "overview"),
]


@pytest.mark.parametrize("text,expected", TOPIC_CASES)
def test_topic_for(text, expected):
    assert privacy.topic_for(text) == expected


def test_every_topic_is_reached_by_at_least_three_cases():
    reached = defaultdict(int)
    for _text, topic in TOPIC_CASES:
        reached[topic] += 1
    assert all(reached[t] >= 3 for t in TOPICS), dict(reached)


def test_longer_phrase_wins_a_tie():
    # "how long" (how_long) and "keep" (kept) are one match each; the longer phrase decides.
    assert privacy.topic_for("how long do you keep stuff") == "how_long"
    # "where is" beats "stored".
    assert privacy.topic_for("where is my stuff stored") == "where"


# ------------------------------------------------------------------ our own words

# Distinctive wording from the seed documents (../shared/seeds) and the official pages they quote.
SEED_PHRASES = (
    "personal, confidential report",
    "receiving end of me",
    "in your own time, at your own pace",
    "discover their full leadership potential",
    "your email address will not be published",
    "required fields are marked",
    "things you can see leaders doing at work",
    "become a better leader in your day-to-day role",
    "wickedly complex challenges",
)


@pytest.mark.parametrize("topic", TOPICS)
def test_answers_do_not_copy_the_seeds(topic):
    said = privacy.answer(topic, **VALUES).lower()
    for phrase in SEED_PHRASES:
        assert phrase not in said, (topic, phrase)


def _shingles(text: str, n: int = 7) -> Set[Tuple[str, ...]]:
    tokens = words(text).split()
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside the project")
def test_no_seven_word_run_is_shared_with_a_seed():
    seed = set()
    for path in sorted(SEEDS.glob("*.txt")):
        seed |= _shingles(path.read_text(encoding="utf-8", errors="replace"))
    for topic in TOPICS:
        shared = _shingles(privacy.answer(topic, **VALUES)) & seed
        assert not shared, (topic, sorted(" ".join(s) for s in shared))


# ------------------------------------------------------------------ the NLU data

_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def _plain(example: str) -> str:
    """An example as the classifier effectively sees it: entity marks removed, plain words."""
    return words(_ANNOTATION.sub(r"\1", example))


def _examples(block) -> List[str]:
    if isinstance(block, str):
        return [line.strip()[2:] for line in block.splitlines() if line.strip().startswith("- ")]
    if isinstance(block, list):
        return [item["text"] if isinstance(item, dict) else str(item) for item in block]
    return []


def _nlu_files() -> List[Path]:
    return [ROOT / "data" / "nlu.yml", *sorted((ROOT / "data" / "nlu").rglob("*.yml"))]


def _intents(path: Path) -> Dict[str, List[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: Dict[str, List[str]] = defaultdict(list)
    for item in data.get("nlu") or []:
        if isinstance(item, dict) and "intent" in item:
            found[item["intent"]].extend(_examples(item.get("examples")))
    return found


@pytest.fixture(scope="module")
def training() -> Dict[str, List[str]]:
    return _intents(TRAINING)


@pytest.fixture(scope="module")
def heldout() -> Dict[str, List[str]]:
    return yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))


def test_training_file_has_enough_examples(training):
    assert set(training) == set(INTENTS)
    for intent, minimum in MINIMUM.items():
        assert len(training[intent]) >= minimum, (intent, len(training[intent]))


def test_heldout_has_at_least_25_per_intent(heldout):
    assert set(heldout) == set(INTENTS)
    for intent in INTENTS:
        assert len(heldout[intent]) >= 25, intent
        assert all(isinstance(t, str) and t.strip() for t in heldout[intent])


def test_no_privacy_example_is_written_twice(training):
    seen: Dict[str, str] = {}
    for intent, examples in training.items():
        for example in examples:
            plain = _plain(example)
            assert plain not in seen, f"{example!r} in {intent} is already in {seen.get(plain)}"
            seen[plain] = intent


def test_no_privacy_example_is_an_example_of_another_intent(training):
    others: Dict[str, Set[str]] = defaultdict(set)
    for path in _nlu_files():
        if path.resolve() == TRAINING.resolve():
            continue
        for intent, examples in _intents(path).items():
            for example in examples:
                others[_plain(example)].add(f"{intent} ({path.relative_to(ROOT)})")
    clashes = [(intent, example, sorted(others[_plain(example)]))
               for intent, examples in training.items() for example in examples
               if _plain(example) in others]
    assert clashes == []


def test_heldout_is_not_in_any_training_data(heldout):
    trained = {_plain(e) for path in _nlu_files() for examples in _intents(path).values() for e in examples}
    leaked = [(intent, text) for intent, texts in heldout.items() for text in texts if _plain(text) in trained]
    assert leaked == []
