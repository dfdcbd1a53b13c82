"""The NLU component that puts the safety tiers above whatever the model guessed.

It runs after the intent classifier (and the fallback classifier) and screens
every message with the rules in :mod:`bot.safety`:

- **crisis** (risk to life): the intent becomes ``express_distress`` with full
  confidence, whatever the model said, so the crisis reply fires in any state
  of any conversation, including inside a form waiting for free text;
- **wellbeing** (strain without risk to life): a model guess of
  ``express_distress`` is corrected to ``express_wellbeing`` (the rules know
  the boundary better than the model), and so is a message the model could not
  place (out of scope, fallback); a message the model heard as something else
  keeps its intent;
- **none**: the model's intent stands, with one exception: a model guess of
  ``express_distress`` the rules do not recognise is kept only when the model is
  confident (``model_crisis_confidence``): a crisis phrasing the rules do not
  know must still be answered as a crisis, but an unsure guess on an ordinary
  message ("I'm worried about upsetting the senior staff") must not send
  someone to 999. Below it, the model's next intent is used. Nor is it kept when
  the message uses the words the rules are written around and they found no risk
  ("I'm not suicidal, I just want help delegating", "I could kill for a coffee"):
  the rules judged those words; the model is there for phrasings outside them
  (docs/clinical-safety.md, H18).

Every message also carries a ``wellbeing`` entry (tier, topics, whether the
speak-up routes apply) for the actions; never the rules' view of the text.
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

from bot.safety import CRISIS, WELLBEING, rules_have_judged, screen

OUTPUT = "wellbeing"
CRISIS_INTENT = "express_distress"
WELLBEING_INTENT = "express_wellbeing"
FALLBACK_INTENT = "nlu_fallback"
# Intents that mean "the model could not place this": a wellbeing message there is answered as one.
UNPLACED = {None, "out_of_scope", "nlu_fallback", CRISIS_INTENT}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class DistressDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"intent": CRISIS_INTENT, "wellbeing_intent": WELLBEING_INTENT, "model_crisis_confidence": 0.6,
                "demoted_floor": 0.4}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.crisis_intent = config.get("intent", CRISIS_INTENT)
        self.wellbeing_intent = config.get("wellbeing_intent", WELLBEING_INTENT)
        self.model_crisis_confidence = float(config.get("model_crisis_confidence", 0.6))
        # The FallbackClassifier's threshold in config.yml: a demoted guess below it is no better than a fallback.
        self.demoted_floor = float(config.get("demoted_floor", 0.4))

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "DistressDetector":
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    @staticmethod
    def _force(message: Message, name: str) -> None:
        intent = {"name": name, "confidence": 1.0}
        ranking = [intent] + [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != name]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def _demote(self, message: Message) -> None:
        """A model guess of crisis the rules do not back: the model's next intent instead, or the fallback
        when that one is a long shot (after which a work message can still be heard as a situation)."""
        ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != self.crisis_intent]
        if not ranking:
            return
        intent = ranking[0]
        if float(intent.get("confidence") or 0) < self.demoted_floor:
            intent = {"name": FALLBACK_INTENT, "confidence": self.demoted_floor}
            ranking = [intent] + [r for r in ranking if r.get("name") != FALLBACK_INTENT]
        message.set(INTENT, intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            result = screen(text) if text else None
            if result is None:
                continue
            guessed = message.get(INTENT) or {}
            if result.tier is CRISIS:
                self._force(message, self.crisis_intent)
            elif result.tier is WELLBEING and guessed.get("name") in UNPLACED:
                self._force(message, self.wellbeing_intent)
            elif guessed.get("name") == self.crisis_intent and (
                    guessed.get("confidence", 0) < self.model_crisis_confidence or rules_have_judged(text)):
                self._demote(message)
            message.set(OUTPUT, {"tier": result.tier.value, "topics": list(result.topics),
                                 "speak_up": result.speak_up}, add_to_output=True)
        return messages
