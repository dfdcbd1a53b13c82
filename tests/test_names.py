"""Bare personal names: bot.names.find_names and its use in bot.safety.redact.

The corpus (tests/names_corpus.yml) holds what staff type and the text that must be stored.
Precision and recall of "[name]" placeholders are measured over it by aligning the stored text
with the expected one word by word: a name left in (or a surname left after "[name]") is a
miss, a word taken out that should have stayed is a false alarm.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
import yaml

from bot import names as names_module
from bot.names import NAMES_FILE, find_names, first_names, is_wordlike
from bot.safety import Redaction, redact

CORPUS = Path(__file__).parent / "names_corpus.yml"
PLACEHOLDER = "[name]"
_TOKEN = re.compile(r"\[[^\]]+\]|[^\W_]+|[^\w\s]")


def _corpus():
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["sentences"]


def _score(expected: str, actual: str):
    """(true positives, false positives, false negatives) of name placeholders in ``actual``."""
    exp, act = _TOKEN.findall(expected), _TOKEN.findall(actual)
    tp = fp = fn = 0
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=exp, b=act, autojunk=False).get_opcodes():
        want, got = exp[a1:a2], act[b1:b2]
        if op == "equal":
            tp += want.count(PLACEHOLDER)
            continue
        fn += want.count(PLACEHOLDER)
        fp += got.count(PLACEHOLDER)
        if PLACEHOLDER not in want and PLACEHOLDER not in got:
            if op == "insert":
                fn += 1  # words kept that the expected text had inside a "[name]": a surname left behind
            elif op == "delete":
                fp += 1  # words taken out next to a "[name]" that should have stayed
    return tp, fp, fn


def measure():
    tp = fp = fn = 0
    wrong = []
    for item in _corpus():
        text = item["text"]
        expected = item.get("redacted", text)
        actual = redact(text).text
        t, p, n = _score(expected, actual)
        tp, fp, fn = tp + t, fp + p, fn + n
        if actual != expected:
            wrong.append((text, expected, actual))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn, wrong


# --------------------------------------------------------------------------- the corpus


def test_corpus_is_big_and_varied():
    items = _corpus()
    assert len(items) >= 150
    with_names = [i for i in items if PLACEHOLDER in i.get("redacted", "")]
    without = [i for i in items if "redacted" not in i]
    assert len(with_names) >= 60 and len(without) >= 60
    assert all(set(i) <= {"text", "redacted"} for i in items)


def test_corpus_precision_and_recall():
    precision, recall, tp, fp, fn, wrong = measure()
    report = f"precision={precision:.3f} recall={recall:.3f} (tp={tp} fp={fp} fn={fn})\n" + "\n".join(
        f"  {t!r}\n    want {e!r}\n    got  {a!r}" for t, e, a in wrong
    )
    print(report)
    assert recall >= 0.9, report
    assert precision >= 0.95, report


def test_scoring_counts_a_surname_left_behind_and_an_extra_word():
    assert _score("told [name] today", "told [name] today") == (1, 0, 0)
    assert _score("told [name] today", "told Priya today") == (0, 0, 1)
    assert _score("told [name] today", "told [name] Patel today") == (1, 0, 1)
    assert _score("Rose ward is short", "[name] ward is short") == (0, 1, 0)
    assert _score("[name] Great job", "[name] job") == (1, 1, 0)


# --------------------------------------------------------------------------- must and must not


@pytest.mark.parametrize(
    "text, stored",
    [
        ("jo in bay 3 was kicking off", "[name] in bay 3 was kicking off"),
        ("told Priya she was doing great", "told [name] she was doing great"),
        ("Sam keeps turning up late and Priya covers for him",
         "[name] keeps turning up late and [name] covers for him"),
        ("priya patel needs to redo her competencies", "[name] needs to redo her competencies"),
        ("I spoke to Will about the rota", "I spoke to [name] about the rota"),
        ("Will said he would cover", "[name] said he would cover"),
        ("My manager Sue never listens", "My manager [name] never listens"),
        ("Grace Mensah joined us from Ghana", "[name] joined us from Ghana"),
        ("Priya, Pat and I stayed late", "[name], [name] and I stayed late"),
        ("Sarah's rota request was turned down", "[name]'s rota request was turned down"),
        ("Seán and Siân were on nights", "[name] and [name] were on nights"),
        ("Łukasz covered for me", "[name] covered for me"),
        ("Anne-Marie told me off", "[name] told me off"),
        ("Maria dela Cruz is our longest serving HCA", "[name] is our longest serving HCA"),
        ("Sam P. is the one I worry about", "[name]. is the one I worry about"),
        ("Jo 943 476 5919 in bay 2", "[name] [NHS number] in bay 2"),
        ("“Priya” said it wasn’t her job", "“[name]” said it wasn’t her job"),
        ("Chioma’s confidence has grown", "[name]’s confidence has grown"),
        ("ok so then Dawn told me I was overreacting", "ok so then [name] told me I was overreacting"),
        ("JO IN BAY 3 WAS KICKING OFF AGAIN", "[name] IN BAY 3 WAS KICKING OFF AGAIN"),
        ("Sam/Priya covering tonight", "[name]/[name] covering tonight"),
        ("Grace, Hope and Priya are on the late", "[name], [name] and [name] are on the late"),
    ],
)
def test_must_redact(text, stored):
    result = redact(text)
    assert result.text == stored
    assert "name" in result.kinds


@pytest.mark.parametrize(
    "text",
    [
        "will ask the matron tomorrow",
        "may need to speak to HR",
        "Will you be around at handover?",
        "May I ask a question about delegation?",
        "Rose ward is short again",
        "We borrowed an HCA from Oak ward",
        "Jubilee unit is closing",
        "Jasmine ward have a new sister",
        "Bay 3 was a nightmare",
        "bay three had two falls",
        "Ward 7 lost three nurses",
        "grace under pressure is not my strong point",
        "Grace under pressure is not my strong point",
        "Hope is all we have some days",
        "the rota for May is out",
        "In June we start the new model",
        "My appraisal is on 3 April",
        "Next August I go on maternity leave",
        "Every Monday we have a huddle",
        "Holding to account",
        "Leading with care is my strongest",
        "Inspiring shared purpose, Evaluating information and Connecting our service",
        "Sharing the vision, Engaging the team, Developing capability, Influencing for results",
        "The matron and the ward manager disagree",
        "Sister was off so I was in charge",
        "The RAG rating went from Amber to Red",
        "I worked at St Mary's and then the Queen Elizabeth Hospital",
        "I'm doing the Mary Seacole programme",
        "I trained at Guy's and St Thomas'",
        "Don gloves and apron first",
        "Chance would be a fine thing",
        "ED was rammed",
        "I will be frank with her",
        "Frank conversations are hard",
        "I WILL CALL HR ABOUT THE ROTA TOMORROW",
        "is mary seacole still running",
        "what does mary secole involve",
        "tell me about the edward jenner programme",
        "Is Mary Seacole right for a band 6?",
        "mary_seacole",
        "/start_reflection",
        "dom care worker, the office wants us to log out at the door",
        "skill mix on nights is really junior at the mo",
        "TIA clinic was moved to the Tuesday",
    ],
)
def test_must_not_redact(text):
    assert find_names(text) == []
    result = redact(text)
    assert result.text == text
    assert "name" not in result.kinds


def test_spans_are_ordered_apart_and_leave_the_possessive_out():
    text = "Priya's mentor Tom Hughes told Will and jo smith"
    spans = find_names(text)
    assert [text[s:e] for s, e in spans] == ["Priya", "Tom Hughes", "Will", "jo smith"]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_empty_and_nameless_text():
    assert find_names("") == []
    assert find_names("   ") == []
    assert find_names("The team met at 9.30 for the huddle") == []


def test_each_bare_name_is_one_name_kind():
    result = redact("Dr Okafor said Priya and Tom were late")
    assert isinstance(result, Redaction)
    assert result.text == "[name] said [name] and [name] were late"
    assert result.kinds == ("name", "name", "name")


# --------------------------------------------------------------------------- the name list


def _list_lines():
    return NAMES_FILE.read_text(encoding="utf-8").splitlines()


def test_name_list_file_shape():
    lines = _list_lines()
    assert lines[0].startswith("#")
    entries = [line for line in lines if line and not line.startswith("#")]
    assert len(entries) >= 1500
    assert len(entries) == len(set(entries)), "duplicates in names_first.txt"
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*", e) for e in entries)


def test_name_list_covers_backgrounds_and_short_forms():
    names = first_names()
    for name in ("priya", "sam", "jo", "liz", "tom", "dave", "bex", "mo", "raj", "siobhan", "rhys", "hamish",
                 "agnieszka", "ngozi", "kwame", "wanjiru", "maricel", "wei", "fatima", "delroy", "jose", "tendai"):
        assert name in names, name


@pytest.mark.parametrize(
    "word",
    "will may june april grace hope faith joy mark bill sue rose ruby amber jack frank pat rob sky summer "
    "dawn holly ivy iris jade art ray bob chance sunny don guy victor wade chase drew miles page lane".split(),
)
def test_word_like_names_are_listed_and_treated_as_words(word):
    assert word in first_names()
    assert is_wordlike(word)
    assert find_names(f"we talked about {word} today") == []


@pytest.mark.parametrize("word", ["sister", "matron", "ward", "bay", "nurse", "nan", "mum", "monday", "reg"])
def test_never_names(word):
    assert word not in first_names()


def test_list_is_found_from_any_working_directory(tmp_path):
    here = os.getcwd()
    first_names.cache_clear()
    try:
        os.chdir(tmp_path)
        assert "priya" in names_module.first_names()
        assert find_names("told Priya") == [(5, 10)]
    finally:
        os.chdir(here)
    assert first_names() is first_names()  # read once


# --------------------------------------------------------------------------- what other tests rely on


@pytest.mark.parametrize(
    "text, stored",
    [
        ("Mrs Jones 9434765919", "[name] [NHS number]"),
        ("Dr Who emailed me at who@tardis.org", "[name] emailed me at [email]"),
        ("I spoke up for a patient (NHS 943 476 5919) when Dr Jones ignored his pain",
         "I spoke up for a patient (NHS [NHS number]) when [name] ignored his pain"),
        ("Honestly, tense. Mrs Green's daughter rang me on 07700 900123 to complain.",
         "Honestly, tense. [name] daughter rang me on [phone number] to complain."),
        ("Colleagues say I listen well, but Mr Jones on ward 7 said I rush handovers",
         "Colleagues say I listen well, but [name] on ward 7 said I rush handovers"),
        ("patient NHS number 9434765919, call 07700 900123", "patient NHS number [NHS number], call [phone number]"),
        ("I chair the huddle every morning", "I chair the huddle every morning"),
        ("I ask the HCAs for ideas at the start of a shift", "I ask the HCAs for ideas at the start of a shift"),
        ("I set clearer goals", "I set clearer goals"),
        ("leading with care", "leading with care"),
        ("/choose_level{\"level\":\"strong\"}", "/choose_level{\"level\":\"strong\"}"),
        ("I think I hesitate because I'm worried about upsetting the senior staff",
         "I think I hesitate because I'm worried about upsetting the senior staff"),
    ],
)
def test_existing_redaction_still_holds(text, stored):
    assert redact(text).text == stored


def test_existing_situation_redaction_still_holds():
    situation = ("our new HCA Mr Patel keeps getting ignored at handover and i dont know how to bring it up, "
                 "07700 900123")
    kept = redact(situation).text
    assert "keeps getting ignored at handover" in kept
    assert "Patel" not in kept and "07700 900123" not in kept
