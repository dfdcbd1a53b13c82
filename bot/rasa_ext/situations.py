"""The NLU component that names the dimensions a situation touches.

It trains :class:`bot.situations.SituationModel` on the training examples of
the ``describe_situation`` intent (each labelled with ``metadata:
dimensions``, see ``data/nlu/situations/``) and adds to every parsed message
a ``situation`` entry: the nine dimensions ranked, and the one or two the
coach would name. Actions read it from the message's parse data.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, METADATA, METADATA_EXAMPLE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext import sklearn_io
from bot.situations import INTENT as SITUATION_INTENT
from bot.situations import Example, SituationModel, named

log = logging.getLogger(__name__)

OUTPUT = "situation"
_FILE = "situation_model.skops"
# How many ranked dimensions travel with each message.
RANKED = 3


def labelled_examples(training_data: TrainingData) -> List[Example]:
    examples = []
    for message in training_data.intent_examples:
        if message.get(INTENT) != SITUATION_INTENT or not message.get(TEXT):
            continue
        meta = (message.get(METADATA) or {}).get(METADATA_EXAMPLE) or {}
        dims = tuple(meta.get("dimensions") or ())
        if dims:
            examples.append(Example(message.get(TEXT), dims))
    return examples


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SituationClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 10.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: SituationModel) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SituationClassifier":
        return cls(config, model_storage, resource, SituationModel(C=float(config.get("C", 10.0))))

    def train(self, training_data: TrainingData) -> Resource:
        examples = labelled_examples(training_data)
        if not examples:
            log.warning("SituationClassifier found no labelled %s examples; it will name nothing.",
                        SITUATION_INTENT)
            return self._resource
        self.model.fit(examples)
        sklearn_io.save(self._storage, self._resource, _FILE, self.model.pipeline)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SituationClassifier":
        pipeline = sklearn_io.load(model_storage, resource, _FILE, cls.__name__)
        return cls(config, model_storage, resource, SituationModel(pipeline=pipeline))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = self.model.rank(message.get(TEXT) or "")
            message.set(OUTPUT, {
                "dimensions": named(ranking),
                "ranking": [{"dimension": r.dimension, "confidence": round(r.confidence, 4)}
                            for r in ranking[:RANKED]],
            }, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
