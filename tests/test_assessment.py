"""Self-assessment logic: which dimension is next, profiles and how they change."""

from __future__ import annotations

import pytest

from bot.assessment import Change, build_profile, compare, describe_profile, next_dimension, progress
from bot.content import DIMENSION_IDS

ISP, LWC, EI, COS, STV, ETT, HTA, DC, IFR = DIMENSION_IDS


# --------------------------------------------------------------------------- order and progress


def test_next_dimension_follows_model_order():
    assert next_dimension([]) == ISP
    assert next_dimension([ISP]) == LWC
    assert next_dimension([ISP, LWC, EI]) == COS
    assert next_dimension([LWC]) == ISP


def test_next_dimension_prefers_the_one_asked_for():
    assert next_dimension([], prefer=HTA) == HTA
    assert next_dimension([ISP], prefer=IFR) == IFR


def test_next_dimension_ignores_preference_already_answered_or_unknown():
    assert next_dimension([HTA], prefer=HTA) == ISP
    assert next_dimension([], prefer="not_a_dimension") == ISP
    assert next_dimension([ISP], prefer=None) == LWC


def test_next_dimension_none_when_all_answered():
    assert next_dimension(list(DIMENSION_IDS)) is None
    assert next_dimension(list(reversed(DIMENSION_IDS)), prefer=ISP) is None


def test_progress_counts_distinct_known_dimensions():
    assert progress([]) == (0, 9)
    assert progress([ISP, LWC]) == (2, 9)
    assert progress([ISP, ISP, "made_up"]) == (1, 9)
    assert progress(DIMENSION_IDS) == (9, 9)


# --------------------------------------------------------------------------- profiles

MIXED = {
    ISP: "strong",
    LWC: "essential",
    EI: "proficient",
    COS: "exemplary",
    STV: "strong",
    ETT: "essential",
    HTA: "not_sure",
    DC: "proficient",
}


def test_build_profile_strengths_develop_not_sure_and_skipped():
    p = build_profile(MIXED, skipped=[IFR])
    assert p.strengths == (COS, ISP, STV)  # highest first, ties in model order
    assert p.develop == (LWC, ETT, EI)  # lowest first, ties in model order
    assert p.not_sure == (HTA,)
    assert p.skipped == (IFR,)
    assert p.rated == {d: lv for d, lv in MIXED.items() if lv != "not_sure"}
    assert p.even is False
    assert p.focus == (LWC, ETT, EI, HTA)


def test_build_profile_top_limits_lists():
    p = build_profile(MIXED, top=1)
    assert p.strengths == (COS,)
    assert p.develop == (LWC,)


def test_strengths_and_areas_to_develop_never_overlap():
    p = build_profile({ISP: "exemplary", LWC: "strong", EI: "essential"})
    assert p.strengths == (ISP, LWC)
    assert p.develop == (EI,)
    assert not set(p.strengths) & set(p.develop)


def test_even_profile_has_no_strengths_or_areas():
    p = build_profile({d: "proficient" for d in DIMENSION_IDS})
    assert p.even is True
    assert p.strengths == () and p.develop == ()
    assert p.focus == (ISP, LWC, EI)  # falls back to the first three in model order


def test_single_rating_is_not_an_even_profile():
    p = build_profile({HTA: "strong"})
    assert p.even is False
    assert p.strengths == () and p.develop == ()
    assert p.focus == (HTA,)


def test_only_not_sure_focuses_on_those():
    p = build_profile({EI: "not_sure", ISP: "not_sure"})
    assert p.rated == {}
    assert p.not_sure == (ISP, EI)
    assert p.focus == (ISP, EI)


def test_compare_reports_only_dimensions_rated_both_times():
    previous = {ISP: "essential", LWC: "strong", EI: "not_sure", COS: "proficient", HTA: "strong"}
    current = {ISP: "proficient", LWC: "strong", EI: "strong", HTA: "essential"}
    changes = compare(previous, current)
    assert changes == [Change(ISP, "essential", "proficient"), Change(HTA, "strong", "essential")]
    assert [c.delta for c in changes] == [1, -2]


def test_compare_no_changes():
    assert compare({ISP: "strong"}, {ISP: "strong"}) == []
    assert compare({}, {ISP: "strong"}) == []


# --------------------------------------------------------------------------- describing


def test_describe_profile_names_strengths_areas_unsure_and_skipped(content):
    text = describe_profile(content, build_profile(MIXED, skipped=[IFR]))
    assert "Inspiring shared purpose: strong" in text
    assert "Connecting our service: exemplary" in text
    assert "Strengths to build on: Connecting our service, Inspiring shared purpose and Sharing the vision." in text
    assert "Areas to develop: Leading with care, Engaging the team and Evaluating information." in text
    assert "Not sure yet about Holding to account" in text
    assert "You skipped Influencing for results." in text
    assert "Since last time" not in text
    assert "across the board" not in text


def test_describe_profile_with_changes(content):
    p = build_profile({ISP: "proficient", LWC: "strong"})
    text = describe_profile(content, p, [Change(ISP, "essential", "proficient")], had_previous=True)
    assert "Since last time: Inspiring shared purpose essential → proficient." in text


def test_describe_profile_previous_without_changes(content):
    p = build_profile({ISP: "proficient", LWC: "strong"})
    text = describe_profile(content, p, [], had_previous=True)
    assert "Since last time, none of the dimensions you rated both times has moved." in text


def test_describe_even_profile(content):
    text = describe_profile(content, build_profile({d: "strong" for d in DIMENSION_IDS}))
    assert "You placed yourself at strong across the board." in text
    assert "Strengths to build on" not in text and "Areas to develop" not in text


def test_describe_all_skipped(content):
    text = describe_profile(content, build_profile({}, skipped=list(DIMENSION_IDS)))
    assert text.startswith("You skipped every dimension this time")


@pytest.mark.parametrize("level", ["essential", "exemplary"])
def test_describe_single_dimension(content, level):
    text = describe_profile(content, build_profile({DC: level}))
    assert f"Developing capability: {level}" in text


# --------------------------------------------------------------------------- the chart for the web page


class _Done:
    def __init__(self, levels):
        self.levels = levels


def test_profile_chart_indexes_levels_and_the_one_before(content):
    from bot.assessment import profile_chart

    latest = _Done({ISP: "strong", LWC: "essential", EI: "not_sure"})
    before = _Done({ISP: "proficient", LWC: "essential", COS: "exemplary"})
    chart = profile_chart(content, [latest, before])
    assert chart["kind"] == "profile" and chart["levels"] == ["Essential", "Proficient", "Strong", "Exemplary"]
    rows = {r["id"]: r for r in chart["dimensions"]}
    assert [r["id"] for r in chart["dimensions"]] == list(DIMENSION_IDS)
    assert (rows[ISP]["level"], rows[ISP]["previous"]) == (2, 1)
    assert (rows[LWC]["level"], rows[LWC]["previous"]) == (0, 0)
    assert rows[EI]["level"] is None and rows[COS] == {**rows[COS], "level": None, "previous": 3}
    assert rows[ISP]["name"] == "Inspiring shared purpose"
    assert "last time" in chart["summary"] and chart["title"]
    first = profile_chart(content, [latest])
    assert all(r["previous"] is None for r in first["dimensions"]) and "last time" not in first["summary"]


def test_no_chart_without_a_rated_dimension(content):
    from bot.assessment import profile_chart

    assert profile_chart(content, []) is None
    assert profile_chart(content, [_Done({ISP: "not_sure"})]) is None
