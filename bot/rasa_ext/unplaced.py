"""The NLU component that hears an unplaced work message as a situation, not as "didn't follow".

With some thirty intents, a message the coach was not trained on often has no
intent above the fallback threshold ("can you give me some ideas for a team
away day", "we had three overdoses in ED last night"): the FallbackClassifier
then says ``nlu_fallback``, and the person gets "Sorry, I didn't quite follow
that" to an ordinary work message. A reflective coach should ask about it
instead. So, after the safety net has had its say, a fallback becomes
``describe_situation`` when:

- the message is long enough to describe something (``min_words``), and
- the model thought it might be a situation: ``describe_situation`` is among its
  first ``top`` intents with at least ``min_confidence``.

The situation action then names the dimensions, or, when the situation model is
unsure, asks what feels hardest about it. Short or off-topic messages ("I could
murder a bacon sandwich") keep the fallback. Runs after ``DistressDetector``, so
a wellbeing or crisis message is never turned into a situation.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.text import words

FALLBACK = "nlu_fallback"
SITUATION = "describe_situation"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class UnplacedAsSituation(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_words": 6, "top": 3, "min_confidence": 0.15}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.min_words = int(config.get("min_words", 6))
        self.top = int(config.get("top", 3))
        self.min_confidence = float(config.get("min_confidence", 0.15))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "UnplacedAsSituation":
        return cls({**cls.get_default_config(), **config})

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def heard_as_situation(self, text: str, intent: Dict[Text, Any], ranking: List[Dict[Text, Any]]) -> bool:
        if intent.get("name") != FALLBACK or text.lstrip().startswith("/"):
            return False
        if len(words(text).split()) < self.min_words:
            return False
        guesses = [r for r in ranking if r.get("name") != FALLBACK][: self.top]
        return any(r.get("name") == SITUATION and float(r.get("confidence") or 0) >= self.min_confidence
                   for r in guesses)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            ranking = message.get(INTENT_RANKING_KEY) or []
            if self.heard_as_situation(message.get(TEXT) or "", intent, ranking):
                situation = next(r for r in ranking if r.get("name") == SITUATION)
                message.set(INTENT, {"name": SITUATION, "confidence": situation.get("confidence")},
                            add_to_output=True)
                message.set(INTENT_RANKING_KEY, [situation] + [r for r in ranking if r is not situation],
                            add_to_output=True)
        return messages
