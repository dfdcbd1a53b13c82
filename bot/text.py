"""Cleaning people's text, in one place, so every reader sees the same words.

Three readers look at what a person types: the safety net (``bot.safety``), the
intent classifier (``bot.rasa_ext.intent_classifier``) and content matching
(``bot.content.matching``). When each cleaned text its own way, a phone's curly
apostrophe ("I can’t cope") or a pasted non-breaking space could reach one of
them in a form its patterns never expected. The layers below build on each
other, so they cannot drift apart:

    fold       the shared cleaning step; case kept (the safety net's patterns
               ignore case themselves)
    normalise  ``fold`` in lower case: what the intent classifier sees
    words      ``normalise`` reduced to plain words: what content matching compares

On ordinary ASCII text ``fold`` only collapses whitespace, so the classifier sees
exactly what it was trained on.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

__all__ = ["fold", "normalise", "words"]

# Phones and word processors type these for ' and ". NFKC already folds the
# full-width apostrophe; it is listed so the table says what we mean.
_PLAIN_QUOTES = str.maketrans(
    {
        "\u2019": "'",  # right single quotation mark, the usual smart apostrophe
        "\u2018": "'",  # left single quotation mark
        "\u201b": "'",  # single high-reversed-9 quotation mark
        "\u02bc": "'",  # modifier letter apostrophe
        "\uff07": "'",  # full-width apostrophe
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',  # right double quotation mark
    }
)

# The words content matching compares: "&" is kept so "R&D" stays one word.
_WORD = re.compile(r"[a-z0-9&]+")


def fold(text: Optional[str]) -> str:
    """``text`` with its typing accidents removed, case kept.

    None becomes "". Unicode is put in NFKC form (ligatures and full-width letters
    become plain ones), typographic apostrophes and double quotes become ' and ",
    and every run of whitespace (tabs, newlines, non-breaking spaces) becomes one
    space, with none at either end.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).translate(_PLAIN_QUOTES)
    return " ".join(text.split())


def normalise(text: Optional[str]) -> str:
    """``fold(text)`` in lower case: the form the intent classifier is trained and asked on."""
    return fold(text).lower()


def words(text: Optional[str]) -> str:
    """The plain words of ``text``, lower case, joined by single spaces.

    Apostrophes are dropped rather than split on, so "isn't" is the one word
    "isnt" (the negation "not strong" is looked for that way); anything else that
    is not a letter, digit or "&" separates words.
    """
    return " ".join(_WORD.findall(normalise(text).replace("'", "")))
