"""The NLU safety net: distress overrides whatever intent the model guessed."""

from __future__ import annotations

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
