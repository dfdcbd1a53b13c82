"""The one text cleaner: what the safety net, the intent classifier and content matching see."""

from __future__ import annotations

import pytest

from bot.text import fold, normalise, words

# --------------------------------------------------------------------------- fold


@pytest.mark.parametrize("empty", [None, "", "   ", "\t\n", "\u00a0"])
def test_fold_of_nothing_is_empty(empty):
    assert fold(empty) == ""
    assert normalise(empty) == ""
    assert words(empty) == ""


@pytest.mark.parametrize(
    "typed, plain",
    [
        ("I can\u2019t cope", "I can't cope"),  # the usual phone apostrophe
        ("\u2018not sure\u2019", "'not sure'"),
        ("can\u201bt", "can't"),
        ("can\u02bct", "can't"),  # modifier letter apostrophe
        ("can\uff07t", "can't"),  # full-width apostrophe
        ("the \u201cdata\u201d one", 'the "data" one'),
    ],
)
def test_fold_makes_typographic_quotes_plain(typed, plain):
    assert fold(typed) == plain


def test_fold_collapses_every_kind_of_whitespace_and_keeps_case():
    assert fold("  Not\u00a0coping\t at\n\n all \u2003 ") == "Not coping at all"
    assert fold("Line one\r\nLine two") == "Line one Line two"


def test_fold_uses_compatibility_forms():
    """Ligatures and full-width letters (pasted from documents, typed on some keyboards) become plain."""
    assert fold("\ufb01rst line manager") == "first line manager"
    assert fold("\uff33\uff54\uff52\uff4f\uff4e\uff47") == "Strong"


@pytest.mark.parametrize("ascii_text", ["What's the scale?", "I'd say proficient", "R&D lead", "band 5, ward-based"])
def test_fold_leaves_tidy_ascii_text_alone(ascii_text):
    """On ordinary text the classifier sees exactly what it was trained on."""
    assert fold(ascii_text) == ascii_text


# --------------------------------------------------------------------------- normalise


def test_normalise_is_fold_in_lower_case():
    assert normalise("  What\u2019s   THE Scale ") == "what's the scale"
    assert normalise("I\u2019M\u00a0NOT\tSURE") == "i'm not sure"


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Holding To Account", "holding to account"),
        ("I'd say proficient", "id say proficient"),
        ("I\u2019d say proficient", "id say proficient"),  # curly and plain agree
        ("It isn\u2019t strong", "it isnt strong"),  # so the negation is still one word
        ("what's the one about setting clear expectations?", "whats the one about setting clear expectations"),
        ("holding_to_account", "holding to account"),
        ("R&D, audit & data!", "r&d audit & data"),
        ("level\u00a03", "level 3"),
        ("caf\u00e9 culture", "caf culture"),  # only a-z, 0-9 and & make words
        ("?!", ""),
    ],
)
def test_words(text, expected):
    assert words(text) == expected


# --------------------------------------------------------------------------- the layers agree


@pytest.mark.parametrize(
    "text",
    [
        "I can\u2019t cope",
        "  Not\u00a0Sure\tyet\n",
        "\u201cLeading with care\u201d please",
        "\ufb01rst line manager",
        "what's the one about values?",
        "",
        None,
    ],
)
def test_each_layer_builds_on_the_one_before(text):
    assert normalise(text) == fold(text).lower()
    assert words(text) == words(fold(text)) == words(normalise(text))
    for layer in (fold, normalise, words):
        assert layer(layer(text)) == layer(text)  # cleaning twice changes nothing


def test_matching_classifier_and_safety_share_the_cleaner(content):
    """The three readers of people's text use these functions, so a curly apostrophe
    reaches each of them as a plain one."""
    from bot.rasa_ext import intent_classifier
    from bot.safety import is_distress

    assert intent_classifier.normalise is normalise
    assert is_distress("I can\u02bct cope any more") is is_distress("I can't cope any more") is True
    assert content.resolve_level("It isn\u2019t strong") is None  # negated, as with a plain apostrophe
    assert content.resolve_level("I\u2019d say\u00a0strong") == "strong"
