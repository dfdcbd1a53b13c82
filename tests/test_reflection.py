"""Choosing reflective prompts: the receiving-end question first, fresh prompts, least-reflected areas."""

from __future__ import annotations

from bot.content import DIMENSION_IDS
from bot.reflection import RECEIVING_END_ID, find_prompt, plan, suggest_dimension


def test_plan_starts_with_the_receiving_end_question(content):
    prompts = plan(content, "holding_to_account")
    assert prompts[0].id == RECEIVING_END_ID
    assert prompts[0].text == "What's it like being on the receiving end of me?"
    assert prompts[0].dimension is None
    assert [p.id for p in prompts[1:]] == ["holding_to_account_1", "holding_to_account_2"]
    assert all(p.dimension == "holding_to_account" for p in prompts[1:])
    assert prompts[1].text == content.dimension("holding_to_account").prompts[0].text


def test_plan_rotates_past_prompts_already_answered(content):
    prompts = plan(content, "leading_with_care", ["leading_with_care_1", "leading_with_care_2", RECEIVING_END_ID])
    assert [p.id for p in prompts] == [RECEIVING_END_ID, "leading_with_care_3", "leading_with_care_4"]


def test_plan_skips_answered_prompts_wherever_they_are(content):
    prompts = plan(content, "leading_with_care", ["leading_with_care_2"])
    assert [p.id for p in prompts[1:]] == ["leading_with_care_1", "leading_with_care_3"]


def test_plan_starts_the_cycle_again_when_all_used(content):
    dim = content.dimension("engaging_the_team")
    all_ids = [p.id for p in dim.prompts]
    assert [p.id for p in plan(content, dim.id, all_ids)[1:]] == all_ids[:2]
    # one fresh prompt left: it comes first, then the cycle begins again
    assert [p.id for p in plan(content, dim.id, all_ids[:-1])[1:]] == [all_ids[-1], all_ids[0]]


def test_plan_options(content):
    prompts = plan(content, "sharing_the_vision", per_dimension=3, include_receiving_end=False)
    assert [p.id for p in prompts] == ["sharing_the_vision_1", "sharing_the_vision_2", "sharing_the_vision_3"]


def test_suggest_dimension_prefers_least_reflected_focus_area():
    focus = ["leading_with_care", "engaging_the_team", "holding_to_account"]
    assert suggest_dimension(focus, {"leading_with_care": 2, "engaging_the_team": 1, "holding_to_account": 1}) == (
        "engaging_the_team"
    )
    assert suggest_dimension(focus, {"leading_with_care": 2}) == "engaging_the_team"
    assert suggest_dimension(focus, {}) == "leading_with_care"


def test_suggest_dimension_without_focus_uses_all_dimensions():
    assert suggest_dimension() == DIMENSION_IDS[0]
    counts = {d: 1 for d in DIMENSION_IDS}
    counts["developing_capability"] = 0
    assert suggest_dimension((), counts) == "developing_capability"


def test_suggest_dimension_ignores_unknown_focus_ids():
    assert suggest_dimension(["nonsense"], {"inspiring_shared_purpose": 3}) == "leading_with_care"


def test_find_prompt(content):
    assert find_prompt(content, RECEIVING_END_ID).text == content.early_career.receiving_end_question
    p = find_prompt(content, "influencing_for_results_3")
    assert p.dimension == "influencing_for_results"
    assert p.text.startswith("Who do you need on side")
    ec = find_prompt(content, "ec_self_awareness")
    assert ec.dimension == "leading_with_care"
    assert ec.text.startswith("Think of a busy moment this week")
    assert find_prompt(content, "no_such_prompt") is None
