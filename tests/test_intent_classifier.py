"""The intent classifier: trained on the project's real NLU data, stored, loaded back and asked."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.rasa_ext.intent_classifier import TfidfIntentClassifier, normalise

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    storage = LocalModelStorage(tmp_path_factory.mktemp("storage"))
    resource = Resource("intent_classifier")
    context = ExecutionContext(GraphSchema({}), node_name="intent_classifier")
    config = TfidfIntentClassifier.get_default_config()
    data = TrainingDataImporter.load_from_dict(domain_path=str(ROOT / "domain.yml"), training_data_paths=[str(ROOT / "data")]).get_nlu_data()
    component = TfidfIntentClassifier.create(config, storage, resource, context)
    component.train(data)
    loaded = TfidfIntentClassifier.load(config, storage, resource, context)
    return component, loaded, storage, resource, context, data


def _ask(component, text: str) -> Message:
    [msg] = component.process([Message(data={TEXT: text})])
    return msg


@pytest.mark.parametrize("text, intent", [
    ("what are the nine dimensions", "list_dimensions"),
    ("I'd like to do the self-assessment please", "start_self_assessment"),
    ("any courses for engaging the team", "ask_recommendation"),
    ("im a student nurse where do i start", "early_career"),
    ("how does 360 feedback work", "ask_360"),
    ("what's the weather doing tomorrow", "out_of_scope"),
    ("cheers", "thank"),
])
def test_stored_model_answers_like_the_trained_one(trained, text, intent):
    component, loaded, *_ = trained
    fresh, reloaded = _ask(component, text), _ask(loaded, text)
    assert fresh.get(INTENT)["name"] == intent
    assert reloaded.get(INTENT) == fresh.get(INTENT)
    ranking = reloaded.get(INTENT_RANKING_KEY)
    assert ranking[0] == reloaded.get(INTENT)
    assert len(ranking) == 10
    assert all(a["confidence"] >= b["confidence"] for a, b in zip(ranking, ranking[1:]))


def test_every_intent_is_known(trained):
    component, _, _, _, _, data = trained
    with_text = {e.get(INTENT) for e in data.intent_examples if e.get(TEXT)}
    assert set(component.model.classes_) == with_text
    import yaml

    domain_intents = set(yaml.safe_load(open(ROOT / "domain.yml"))["intents"])
    assert with_text == domain_intents  # every intent in the domain has examples, and no others


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_gets_no_intent(trained, text):
    _, loaded, *_ = trained
    msg = _ask(loaded, text)
    assert msg.get(INTENT) == {"name": None, "confidence": 0.0}
    assert msg.get(INTENT_RANKING_KEY) == []


def test_normalise():
    assert normalise("  What’s   THE Scale ") == "what's the scale"
    assert normalise(None) == ""  # type: ignore[arg-type]


def test_tampered_file_is_refused(trained, tmp_path):
    import skops.io as sio

    _, _, _, _, context, _ = trained
    storage = LocalModelStorage(tmp_path)
    resource = Resource("tampered")
    with storage.write_to(resource) as directory:
        # Something that is not a scikit-learn model: an arbitrary class skops must not load.
        sio.dump({"model": Path("/etc/passwd")}, directory / "intent_classifier.skops")
    component = TfidfIntentClassifier.load(TfidfIntentClassifier.get_default_config(), storage, resource, context)
    assert component.model is None
    assert _ask(component, "hello").get(INTENT) == {"name": None, "confidence": 0.0}


def test_missing_model_loads_as_untrained(tmp_path, trained):
    *_, context, _ = trained
    component = TfidfIntentClassifier.load(TfidfIntentClassifier.get_default_config(), LocalModelStorage(tmp_path),
                                           Resource("never_trained"), context)
    assert component.model is None


def test_loaded_linear_models_keep_their_weights_in_the_order_scoring_reads_them():
    """bot.rasa_ext.sklearn_io.with_contiguous_weights: same answers, no weight copy per message."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline

    from bot.rasa_ext.sklearn_io import with_contiguous_weights

    texts = ["the team won't listen", "a complaint from a family", "my colleague is always late",
             "how do I give feedback", "nobody speaks at huddles", "what courses are there"]
    labels = ["a", "b", "c", "a", "b", "c"]
    for clf in (LogisticRegression(max_iter=500), OneVsRestClassifier(LogisticRegression(max_iter=500))):
        model = make_pipeline(TfidfVectorizer(), clf).fit(texts, labels)
        before = model.decision_function(texts)
        with_contiguous_weights(model)
        inner = [clf] if hasattr(clf, "coef_") else clf.estimators_
        assert all(e.coef_.T.flags.c_contiguous for e in inner)
        assert np.allclose(model.decision_function(texts), before)
