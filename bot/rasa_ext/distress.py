"""An NLU component that makes sure distress is never missed.

It runs after the intent classifier (and the fallback classifier). When the
rule-based detector in :mod:`bot.safety` recognises distress, it sets the
intent to ``express_distress`` with full confidence, whatever the model
guessed, so the signposting rule fires in any state of any conversation,
including inside a form that is waiting for free text.
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

from bot.safety import is_distress


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DistressDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": "express_distress"}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.intent_name = config.get("intent", "express_distress")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "DistressDetector":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            if not text or not is_distress(text):
                continue
            intent = {"name": self.intent_name, "confidence": 1.0}
            ranking = [intent] + [
                r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != self.intent_name
            ]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
