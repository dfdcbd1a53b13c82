"""Matching learning offers to a person's career stage, the dimensions they want to grow and the
topics they ask about; describing one offer in full."""

from __future__ import annotations

import pytest

from bot.content import CAREER_STAGE_IDS, DIMENSION_IDS, OFFER_KINDS, get_content
from bot.recommend import (describe_offer, early_career_path, format_recommendation, offers_for_topic, recommend,
                            recommend_for_topics)


@pytest.mark.parametrize("stage", CAREER_STAGE_IDS)
def test_recommendations_respect_career_stage(content, stage):
    recs = recommend(content, stage=stage)
    assert len(recs) == 3
    for rec in recs:
        assert stage in rec.offer.career_stages, rec.offer.id
        stage_name = content.stage(stage).name.lower()
        assert f"It suits people at your stage ({stage_name})." in rec.reason


@pytest.mark.parametrize("dim", DIMENSION_IDS)
def test_recommendations_serve_the_dimension(content, dim):
    recs = recommend(content, [dim])
    assert recs, dim
    for rec in recs:
        assert dim in rec.offer.dimensions, (dim, rec.offer.id)
        assert rec.dimension == dim
    # the reason names the dimension in the coach's words when the offer's sentence has a slot for it
    name = content.dimension(dim).name.lower()
    assert any(name in rec.reason for rec in recs)


@pytest.mark.parametrize("dim", DIMENSION_IDS)
@pytest.mark.parametrize("stage", CAREER_STAGE_IDS)
def test_stage_is_never_broken_for_a_dimension(content, dim, stage):
    recs = recommend(content, [dim], stage)
    assert recs
    assert all(stage in r.offer.career_stages for r in recs)
    assert dim in recs[0].offer.dimensions


def test_holding_to_account_for_a_senior_leader(content):
    recs = recommend(content, ["holding_to_account"], "senior")
    assert recs[0].offer.id == "elizabeth_garrett_anderson"
    assert all("senior" in r.offer.career_stages and "holding_to_account" in r.offer.dimensions for r in recs)


def test_first_dimension_weighs_most(content):
    recs = recommend(content, ["evaluating_information", "leading_with_care"], "first_role")
    assert recs[0].dimension == "evaluating_information"
    assert "evaluating_information" in recs[0].offer.dimensions


def test_tools_are_not_offered_as_learning_by_default(content):
    for stage in (None, *CAREER_STAGE_IDS):
        assert all(r.offer.kind != "tool" for r in recommend(content, stage=stage)), stage


def test_limit(content):
    assert len(recommend(content, ["engaging_the_team"], limit=5)) == 5
    assert len(recommend(content, limit=1)) == 1


def test_early_career_prefers_free_offers(content):
    recs = recommend(content, stage="early_career")
    assert all(r.offer.cost.lower().startswith("free") for r in recs)


def test_early_career_path_starts_with_the_enhance_guide(content):
    path = early_career_path(content)
    assert path[0].offer.id == "enhance_first_principles"
    assert "First Principles" in path[0].offer.title
    assert [r.offer.id for r in path] == list(content.early_career.recommended_offers)
    assert "It suits people at your stage (early career or no formal leadership role)." in path[0].reason


def test_format_recommendation(content):
    rec = early_career_path(content)[0]
    text = format_recommendation(content, rec)
    assert text.startswith("• enhance Leadership Resource Guide: First Principles (NHS England (enhance), ")
    assert "Free" in text
    assert "https://learninghub.nhs.uk/" in text
    assert "Note: You need a free Learning Hub account" in text
    assert "{dimension}" not in text


def test_no_placeholder_leaks_without_a_dimension(content):
    for rec in recommend(content):
        assert "{dimension}" not in rec.reason
        assert "your leadership" in rec.reason or "{" not in rec.offer.why


# --------------------------------------------------------------------------- topics


def _topic_ids():
    return [t.id for t in get_content().topics]


def _offer_ids():
    return [o.id for o in get_content().offers]


@pytest.mark.parametrize("topic", _topic_ids())
def test_every_topic_has_an_offer(content, topic):
    assert offers_for_topic(content, topic), topic
    recs = recommend_for_topics(content, [topic])
    assert recs[0].topic == topic and topic in recs[0].offer.topics


@pytest.mark.parametrize("topic", _topic_ids())
@pytest.mark.parametrize("stage", (None, *CAREER_STAGE_IDS))
def test_recommend_for_topics_keeps_to_the_topic_when_there_are_enough(content, topic, stage):
    tagged = [o for o in offers_for_topic(content, topic) if stage is None or stage in o.career_stages]
    recs = recommend_for_topics(content, [topic], stage)
    assert len(recs) == 3
    assert all(stage is None or stage in r.offer.career_stages for r in recs)
    on_topic = [r for r in recs if r.topic == topic]
    assert len(on_topic) == min(3, len(tagged))
    assert recs[: len(on_topic)] == on_topic  # the offers for the topic come first
    name = content.topic(topic).name
    for rec in recs:
        if rec.topic:
            assert topic in rec.offer.topics
            assert rec.reason.startswith(f"We list it under {name}. ")
        else:
            assert topic not in rec.offer.topics and name not in rec.reason
        assert "{" not in rec.reason


@pytest.mark.parametrize("text", ["anything on compassionate leadership?", "courses on digital?",
                                  "what about inclusion?", "anything on coaching?"])
def test_topic_questions_no_longer_get_the_same_generic_three(content, text):
    general = [r.offer.id for r in recommend(content)]
    topics = content.resolve_topics(text)
    recs = recommend_for_topics(content, topics)
    assert [r.offer.id for r in recs] != general
    assert recs[0].topic == topics[0]


def test_topic_reasons_speak_of_the_nearest_dimension(content):
    rec = next(r for r in recommend_for_topics(content, ["coaching"]) if r.offer.id == "bitesize_coaching_conversations")
    assert rec.dimension == "developing_capability"
    assert rec.reason == ("We list it under coaching and mentoring. A coaching approach is one of the simplest ways "
                          "to grow your developing capability in everyday conversations.")


def test_first_topic_weighs_most_and_limit(content):
    recs = recommend_for_topics(content, ["quality_improvement", "change"], limit=5)
    assert len(recs) == 5
    assert recs[0].topic == "quality_improvement"
    assert recs[0].offer.id == "improvement_academy_silver"  # listed under both
    assert {r.topic for r in recs} == {"quality_improvement", "change"}
    assert len(recommend_for_topics(content, ["change"], limit=1)) == 1


def test_recommend_for_topics_with_a_stage(content):
    recs = recommend_for_topics(content, ["new_to_management"], "early_career")
    assert {r.offer.id for r in recs[:2]} == {"enhance_first_principles", "edward_jenner"}
    assert recs[0].offer.id == "edward_jenner"  # mainly about being new to leading; the guide touches it
    assert all("It suits people at your stage (early career or no formal leadership role)." in r.reason for r in recs)


def test_recommend_for_topics_refuses_an_unknown_topic(content):
    with pytest.raises(KeyError):
        recommend_for_topics(content, ["knitting"])
    assert len(recommend_for_topics(content, [])) == 3  # no topic: the general picks


def test_describe_mary_seacole(content):
    text = describe_offer(content, "mary_seacole")
    offer = content.offer("mary_seacole")
    assert text.startswith("Mary Seacole programme\n")
    assert offer.audience in text  # for whom
    assert "first formal leadership role" in text
    assert "https://www.leadershipacademy.nhs.uk/programmes/mary-seacole-programme/" in text
    assert offer.length in text and offer.cost in text and offer.format in text
    assert "Note: Intake has been paused at times" in text
    assert "a leadership development programme (NHS Leadership Academy)" in text
    assert "leading with care" in text
    assert "{" not in text


def test_describe_the_offer_a_person_names(content):
    text = describe_offer(content, content.resolve_offer("what is the Mary Seacole programme?"))
    assert "Mary Seacole programme" in text


@pytest.mark.parametrize("offer_id", _offer_ids())
def test_every_offer_can_be_described(content, offer_id):
    offer = content.offer(offer_id)
    text = describe_offer(content, offer_id)
    assert offer.title in text and offer.link in text and offer.audience in text
    assert ("Note: " in text) == bool(offer.note)
    assert "{" not in text


def test_describe_offer_unknown(content):
    with pytest.raises(KeyError):
        describe_offer(content, "no_such_offer")


def test_every_offer_kind_is_worded(content):
    for kind in OFFER_KINDS:
        assert content.say(f"topics.kind.{kind}")


def test_new_offers_invent_no_figures(content):
    """Offers added for topics state no length or cost the shared sources do not give."""
    offer = content.offer("leadership_academy_bitesize")
    assert "provider's page" in offer.cost
    assert "shared/seeds/002" in offer.source
