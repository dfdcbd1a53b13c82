"""Intent classification with tf-idf n-grams and logistic regression.

Why not DIET for intents: with a few thousand short, varied examples and no word
vectors, DIET's transformer grew overconfident on words it had seen once, and
was weaker in cross-validation than a linear model over sublinear tf-idf word
and character n-grams, which also trains in seconds and gives calibrated
probabilities for the FallbackClassifier. The measured comparison is in the
README (`make bench` writes the current figures).
DIET still extracts the entities (``intent_classification: false`` in config.yml).

The fitted model is stored with skops (no pickle); loading accepts only
scikit-learn's own types plus the one scipy sparse type tf-idf keeps.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_ext import sklearn_io

# What the classifier sees, in training and when asked (lower case, single spaces,
# plain apostrophes); kept importable from here by that name.
from bot.text import normalise

log = logging.getLogger(__name__)

_FILE = "intent_classifier.skops"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 20.0,  # weak regularisation: the data is small and clean
            "char_ngrams": [1, 4],  # within word boundaries: robust to typos
            "word_ngrams": [1, 2],
            "max_iter": 3000,
            "ranking_length": 10,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def _new_model(self):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline, make_union

        features = make_union(
            TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.config["char_ngrams"]), sublinear_tf=True),
            TfidfVectorizer(analyzer="word", ngram_range=tuple(self.config["word_ngrams"]), sublinear_tf=True,
                            token_pattern=r"(?u)\b\w+\b"),
        )
        return make_pipeline(features, LogisticRegression(C=float(self.config["C"]),
                                                          max_iter=int(self.config["max_iter"])))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        labels = {e.get(INTENT) for e in examples}
        if len(labels) < 2:
            log.warning("TfidfIntentClassifier needs examples of at least two intents; it will predict nothing.")
            return self._resource
        model = self._new_model()
        model.fit([normalise(e.get(TEXT)) for e in examples], [e.get(INTENT) for e in examples])
        self.model = model
        self._persist()
        return self._resource

    def _persist(self) -> None:
        sklearn_io.save(self._storage, self._resource, _FILE, self.model)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfIntentClassifier":
        model = sklearn_io.load(model_storage, resource, _FILE, cls.__name__)
        return cls(config, model_storage, resource, model)

    def predict(self, text: str) -> Optional[List[Dict[Text, Any]]]:
        """The intent ranking for ``text``, best first, or None when there is nothing to judge."""
        cleaned = normalise(text)
        if self.model is None or not cleaned:
            return None
        probabilities = self.model.predict_proba([cleaned])[0]
        ranking = sorted(({"name": str(name), "confidence": float(p)}
                          for name, p in zip(self.model.classes_, probabilities)), key=lambda r: -r["confidence"])
        return ranking

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            ranking = self.predict(message.get(TEXT) or "")
            if ranking is None:
                message.set(INTENT, {"name": None, "confidence": 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            length = int(self.config["ranking_length"])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[:length] if length > 0 else ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
