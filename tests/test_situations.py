"""Situations: the labelled data, the model on it, and the Rasa component around it.

Trained on the real data in data/nlu/situations/ (a few seconds); the frozen
held-out set in tests/heldout/ is scored by `make bench`, not here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.content import DIMENSION_IDS, get_content
from bot.situations import (DATA_DIR, SECOND_FLOOR, Example, Ranked, SituationModel, cross_validate, hits,
                            load_examples, load_heldout, named)

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "heldout" / "situations.yml"


@pytest.fixture(scope="module")
def examples():
    return load_examples()


@pytest.fixture(scope="module")
def model(examples):
    return SituationModel().fit(examples)


def test_every_dimension_has_at_least_sixty_situations(examples):
    firsts = Counter(e.dimensions[0] for e in examples)
    assert set(firsts) == set(DIMENSION_IDS)
    assert min(firsts.values()) >= 60, firsts
    assert sum(len(e.dimensions) == 2 for e in examples) >= len(examples) // 5  # many touch two


def test_labels_are_one_or_two_distinct_dimensions(examples):
    for e in examples:
        assert 1 <= len(e.dimensions) <= 2 and len(set(e.dimensions)) == len(e.dimensions), e


def test_no_situation_is_written_twice(examples):
    texts = Counter(e.text.lower() for e in examples)
    assert [t for t, n in texts.items() if n > 1] == []


def test_the_heldout_set_is_apart_from_the_training_data(examples):
    """Never trained on: not one held-out text appears in the training data."""
    trained = {e.text.lower() for e in examples}
    heldout = load_heldout(HELDOUT)
    assert len(heldout) >= 150
    assert [e.text for e in heldout if e.text.lower() in trained] == []


def test_situations_name_no_dimension_outright(examples):
    """The texts are situations, not requests about a named dimension (that is another intent)."""
    names = {d.name.lower() for d in get_content().dimensions}
    assert [e.text for e in examples if any(n in e.text.lower() for n in names)] == []


def test_a_broken_label_names_the_file(tmp_path):
    (tmp_path / "bad.yml").write_text(
        'version: "3.1"\nnlu:\n  - intent: describe_situation\n    examples:\n'
        '      - text: "my team never listen"\n        metadata:\n          dimensions: [listening]\n')
    with pytest.raises(ValueError, match="bad.yml"):
        load_examples(tmp_path)


@pytest.mark.parametrize("text, expected", [
    ("one of the band 5s is late nearly every shift and the others are fed up covering", "holding_to_account"),
    ("nobody in the team says a word at huddles, i just talk at them", "engaging_the_team"),
    ("the discharge team and the care homes never seem to talk to each other", "connecting_our_service"),
    ("need to get the consultants to back my business case for another nurse", "influencing_for_results"),
])
def test_clear_situations_rank_their_dimension_in_the_top_two(model, text, expected):
    ranking = model.rank(text)
    assert [r.dimension for r in ranking[:2]].count(expected) == 1, ranking[:3]
    assert len(ranking) == 9 and abs(sum(r.confidence for r in ranking)) > 0


def test_nothing_to_rank_gives_nothing():
    assert SituationModel().rank("anything") == []  # not trained
    assert SituationModel().fit([Example(f"text {d}", (d,)) for d in DIMENSION_IDS]).rank("   ") == []


def test_training_needs_every_dimension():
    with pytest.raises(ValueError, match="no labelled situations for"):
        SituationModel().fit([Example("a late colleague", ("holding_to_account",))])


def test_the_second_dimension_is_named_only_when_close():
    def r(*pairs):
        return [Ranked(d, p) for d, p in pairs]

    assert named(r(("holding_to_account", 0.8), ("leading_with_care", 0.5))) == ["holding_to_account",
                                                                                 "leading_with_care"]
    assert named(r(("holding_to_account", 0.8), ("leading_with_care", 0.3))) == ["holding_to_account"]
    assert named(r(("holding_to_account", 0.3), ("leading_with_care", SECOND_FLOOR - 0.01))) == [
        "holding_to_account"]
    assert named([]) == []


def test_top_k_hits():
    assert hits(["a", "b", "c"], ["b"], 2) and not hits(["a", "b", "c"], ["b"], 1)
    assert not hits(["a", "b"], ["c", "d"], 2)


def test_cross_validation_on_the_real_data_is_well_above_chance(examples):
    result = cross_validate(examples, folds=3)
    assert result["examples"] == len(examples)
    assert result["top1"] > 0.35 and result["top2"] > 0.55  # chance: 0.11 and 0.22


def test_the_rasa_component_trains_persists_and_answers(tmp_path):
    """Through Rasa's own training data loader and model storage, as `rasa train` runs it."""
    from rasa.engine.graph import ExecutionContext
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.importers.rasa import RasaFileImporter
    from rasa.shared.nlu.training_data.message import Message

    from bot.rasa_ext.situations import OUTPUT, SituationClassifier

    data = RasaFileImporter(training_data_paths=[str(DATA_DIR)]).get_nlu_data()
    storage = LocalModelStorage(tmp_path)
    resource = Resource("situations")
    context = ExecutionContext(graph_schema=None, model_id="test")
    component = SituationClassifier.create({}, storage, resource, context)
    component.train(data)
    loaded = SituationClassifier.load({}, storage, resource, context)
    message = Message.build(text="one of the HCAs keeps turning up late and i need to say something")
    loaded.process([message])
    out = message.get(OUTPUT)
    assert out["dimensions"] and out["dimensions"][0] in DIMENSION_IDS
    assert "holding_to_account" in [r["dimension"] for r in out["ranking"][:2]]
    assert message.as_dict(only_output_properties=True)[OUTPUT] == out  # reaches the parse data
