"""The NLU safety net: distress overrides whatever intent the model guessed."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.distress import DistressDetector


def _message(text: str, intent: str = "choose_level", confidence: float = 0.7) -> Message:
    msg = Message(data={TEXT: text})
    msg.set(INTENT, {"name": intent, "confidence": confidence})
    msg.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence},
                                 {"name": "express_distress", "confidence": 0.2},
                                 {"name": "skip", "confidence": 0.1}])
    return msg


def test_distress_overrides_the_model():
    detector = DistressDetector(DistressDetector.get_default_config())
    [msg] = detector.process([_message("honestly I can't cope any more")])
    assert msg.get(INTENT) == {"name": "express_distress", "confidence": 1.0}
    ranking = msg.get(INTENT_RANKING_KEY)
    assert ranking[0] == {"name": "express_distress", "confidence": 1.0}
    assert [r["name"] for r in ranking] == ["express_distress", "choose_level", "skip"]


def test_ordinary_messages_keep_their_intent():
    detector = DistressDetector(DistressDetector.get_default_config())
    messages = detector.process([_message("strong"), _message("/stop", "stop", 1.0), Message(data={TEXT: ""})])
    assert messages[0].get(INTENT) == {"name": "choose_level", "confidence": 0.7}
    assert messages[1].get(INTENT) == {"name": "stop", "confidence": 1.0}
    assert messages[2].get(INTENT) is None


def test_intent_name_is_configurable():
    detector = DistressDetector({"intent": "crisis"})
    [msg] = detector.process([_message("I want to end it all")])
    assert msg.get(INTENT)["name"] == "crisis"


def _tier_of(msg):
    return msg.get("wellbeing")["tier"]


def test_a_model_crisis_guess_on_a_wellbeing_message_becomes_wellbeing():
    detector = DistressDetector(DistressDetector.get_default_config())
    [msg] = detector.process([_message("being bullied by my manager every shift", "express_distress", 0.8)])
    assert msg.get(INTENT)["name"] == "express_wellbeing"
    assert _tier_of(msg) == "wellbeing" and msg.get("wellbeing")["speak_up"] is True


def test_a_wellbeing_message_the_model_could_not_place_is_answered_as_wellbeing():
    detector = DistressDetector(DistressDetector.get_default_config())
    [msg] = detector.process([_message("so burnt out after these nights", "nlu_fallback", 0.3)])
    assert msg.get(INTENT)["name"] == "express_wellbeing"


def test_a_wellbeing_flavoured_situation_keeps_its_intent_and_carries_the_tier():
    detector = DistressDetector(DistressDetector.get_default_config())
    [msg] = detector.process([_message("i'm exhausted and i snapped at a student today", "describe_situation")])
    assert msg.get(INTENT)["name"] == "describe_situation"
    assert _tier_of(msg) == "wellbeing"


def test_a_model_crisis_guess_the_rules_do_not_know_is_kept():
    """Safety first: a crisis phrasing the rules miss must still get the crisis reply."""
    detector = DistressDetector(DistressDetector.get_default_config())
    [msg] = detector.process([_message("i've sorted my affairs and written to everyone", "express_distress", 0.9)])
    assert msg.get(INTENT)["name"] == "express_distress"


def test_ordinary_figurative_speech_is_left_alone():
    detector = DistressDetector(DistressDetector.get_default_config())
    [msg] = detector.process([_message("this rota is killing me, can you help me plan it", "describe_situation")])
    assert msg.get(INTENT)["name"] == "describe_situation" and _tier_of(msg) == "none"


def test_an_unsure_model_crisis_guess_on_an_ordinary_message_is_not_a_crisis():
    detector = DistressDetector(DistressDetector.get_default_config())
    msg = _message("I'm worried about upsetting the senior staff", "express_distress", 0.45)
    msg.set(INTENT_RANKING_KEY, [{"name": "express_distress", "confidence": 0.45},
                                 {"name": "describe_situation", "confidence": 0.3}])
    [msg] = detector.process([msg])
    # The next guess (0.3) is below the fallback threshold: a fallback, which UnplacedAsSituation
    # may still hear as a situation (tests/test_unplaced.py).
    assert msg.get(INTENT)["name"] == "nlu_fallback"
    assert [r["name"] for r in msg.get(INTENT_RANKING_KEY)] == ["nlu_fallback", "describe_situation"]


def test_a_demoted_crisis_guess_takes_a_likely_next_intent():
    detector = DistressDetector(DistressDetector.get_default_config())
    msg = _message("I'm not suicidal, I just want help delegating", "express_distress", 0.5)
    msg.set(INTENT_RANKING_KEY, [{"name": "express_distress", "confidence": 0.5},
                                 {"name": "describe_situation", "confidence": 0.45}])
    [msg] = detector.process([msg])
    assert msg.get(INTENT) == {"name": "describe_situation", "confidence": 0.45}


@pytest.mark.parametrize("text", [
    "I'm not suicidal, I just want help delegating",
    "I could kill for a coffee",
    "I'm dying of boredom in these meetings",
    "i wish i could disappear for a week to the beach",
])
def test_a_confident_model_crisis_guess_does_not_overrule_the_rules_on_their_own_words(text):
    """The rules were written around these words and found no risk to life: their verdict stands."""
    detector = DistressDetector(DistressDetector.get_default_config())
    msg = _message(text, "express_distress", 0.9)
    msg.set(INTENT_RANKING_KEY, [{"name": "express_distress", "confidence": 0.9},
                                 {"name": "describe_situation", "confidence": 0.05}])
    [msg] = detector.process([msg])
    assert msg.get(INTENT)["name"] == "nlu_fallback"  # the next guess is a long shot


def test_a_confident_model_crisis_guess_outside_the_rules_words_is_kept():
    detector = DistressDetector(DistressDetector.get_default_config())
    [msg] = detector.process([_message("im not going to make it to my next shift, i dont want to", "express_distress",
                                       0.8)])
    assert msg.get(INTENT)["name"] == "express_distress"
