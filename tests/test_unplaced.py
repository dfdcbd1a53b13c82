"""A work message no intent was sure of is heard as a situation; anything else keeps the fallback."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.unplaced import UnplacedAsSituation


def _message(text, ranking, intent="nlu_fallback"):
    msg = Message(data={TEXT: text})
    msg.set(INTENT, {"name": intent, "confidence": 0.4})
    msg.set(INTENT_RANKING_KEY, [{"name": "nlu_fallback", "confidence": 0.4}] + ranking)
    return msg


def _process(msg):
    [out] = UnplacedAsSituation(UnplacedAsSituation.get_default_config()).process([msg])
    return out.get(INTENT)["name"]


def test_a_work_message_the_model_half_placed_as_a_situation_is_one():
    ranking = [{"name": "out_of_scope", "confidence": 0.3}, {"name": "describe_situation", "confidence": 0.27},
               {"name": "ask_capabilities", "confidence": 0.12}]
    msg = _message("can you give me some ideas for a team away day", ranking)
    assert _process(msg) == "describe_situation"
    assert msg.get(INTENT_RANKING_KEY)[0] == {"name": "describe_situation", "confidence": 0.27}


@pytest.mark.parametrize("text,ranking", [
    # too short to describe anything
    ("team away day?", [{"name": "describe_situation", "confidence": 0.3}]),
    # the model did not think of a situation
    ("I could murder a bacon sandwich right now mate", [{"name": "out_of_scope", "confidence": 0.35},
                                                        {"name": "greet", "confidence": 0.2},
                                                        {"name": "thank", "confidence": 0.15},
                                                        {"name": "describe_situation", "confidence": 0.14}]),
    # a situation guess too faint to act on
    ("what is the weather going to be like tomorrow in leeds", [{"name": "out_of_scope", "confidence": 0.35},
                                                                 {"name": "describe_situation", "confidence": 0.1}]),
    # a typed intent is never re-read
    ("/not_an_intent with several words after it", [{"name": "describe_situation", "confidence": 0.3}]),
])
def test_anything_else_keeps_the_fallback(text, ranking):
    assert _process(_message(text, ranking)) == "nlu_fallback"


def test_a_placed_message_is_left_alone():
    msg = _message("show me my reflections from last week please", [{"name": "describe_situation", "confidence": 0.2}],
                   intent="show_reflections")
    assert _process(msg) == "show_reflections"
