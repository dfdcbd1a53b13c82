"""Matching learning offers to a person's career stage and the dimensions they want to grow."""

from __future__ import annotations

import pytest

from bot.content import CAREER_STAGE_IDS, DIMENSION_IDS
from bot.recommend import early_career_path, format_recommendation, recommend


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
