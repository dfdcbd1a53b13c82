"""The real content files: they load, they have the promised shape, and the coach
understands people naming or describing dimensions, levels and career stages.
Broken copies fail loudly, naming the file, the entry and the problem."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import (
    CAREER_STAGE_IDS,
    DEFAULT_CONTENT_DIR,
    DIMENSION_IDS,
    LEVEL_IDS,
    NOT_SURE,
    ContentError,
    get_content,
    load_content,
)

SEED = Path("/work/shared/seeds/001_89046c88c620a584.txt")


# --------------------------------------------------------------------------- the real files


def test_real_files_load_with_nine_dimensions_in_model_order(content):
    assert tuple(d.id for d in content.dimensions) == DIMENSION_IDS
    assert [d.name for d in content.dimensions][:3] == [
        "Inspiring shared purpose",
        "Leading with care",
        "Evaluating information",
    ]


@pytest.mark.parametrize("dim_id", DIMENSION_IDS)
def test_each_dimension_is_complete(content, dim_id):
    dim = content.dimension(dim_id)
    assert len(dim.prompts) >= 3
    assert set(dim.levels) == set(LEVEL_IDS)
    assert all(len(text.split()) >= 5 for text in dim.levels.values())
    assert dim.link.startswith("https://leadershipacademy.nhs.uk/")
    assert dim.what_it_is and dim.why_it_matters and dim.what_it_is_not
    # Prompts are open coaching questions, not yes/no "Do I ...?" questions.
    for prompt in dim.prompts:
        assert not prompt.text.lower().startswith(("do i", "am i")), prompt.text
        assert "?" in prompt.text


def test_prompt_ids_are_unique_across_dimensions(content):
    ids = [p.id for d in content.dimensions for p in d.prompts]
    assert len(ids) == len(set(ids))


def test_scale_has_four_ranked_levels_and_not_sure(content):
    assert [lv.id for lv in content.scale.levels] == list(LEVEL_IDS)
    assert [lv.rank for lv in content.scale.levels] == [1, 2, 3, 4]
    assert content.scale.get(NOT_SURE).name == "Not sure yet"
    assert content.scale.get("strong").name == "Strong"
    assert content.scale.get("nonsense") is None


def test_catalogue_has_at_least_fifteen_valid_offers(content):
    assert len(content.offers) >= 15
    for offer in content.offers:
        assert offer.link.startswith("https://"), offer.id
        assert set(offer.career_stages) <= set(CAREER_STAGE_IDS), offer.id
        assert set(offer.dimensions) <= set(DIMENSION_IDS), offer.id
    # every career stage has something to recommend
    for stage in CAREER_STAGE_IDS:
        assert any(stage in o.career_stages for o in content.offers), stage


def test_early_career_offers_exist_in_catalogue_and_start_with_enhance(content):
    ec = content.early_career
    assert ec.recommended_offers[0] == "enhance_first_principles"
    for offer_id in ec.recommended_offers:
        assert content.offer(offer_id).id == offer_id
    assert ec.receiving_end_question == "What's it like being on the receiving end of me?"
    assert len(ec.focus_areas) == 5


def test_signposting_and_facilitators(content):
    contacts = {c.id: c for c in content.signposting.contacts}
    assert "116 123" in contacts["samaritans"].how
    assert "999" in content.signposting.urgent
    assert content.facilitators.regions[0].contact == "leadershipenquiries.yh@hee.nhs.uk"


def test_career_stages_all_present(content):
    assert sorted(s.id for s in content.career_stages) == sorted(CAREER_STAGE_IDS)
    assert content.stage("mid_level").name == "Mid-level leader"


# --------------------------------------------------------------------------- understanding


@pytest.mark.parametrize(
    "text, expected",
    [
        # ids, names, aliases and typos
        ("holding_to_account", "holding_to_account"),
        ("Holding To Account", "holding_to_account"),
        ("Leading with care please", "leading_with_care"),
        ("tell me about sharing the vision", "sharing_the_vision"),
        ("ISP", "inspiring_shared_purpose"),
        ("leading wiht care", "leading_with_care"),
        ("connecting our servise", "connecting_our_service"),
        ("the data one", "evaluating_information"),
        ("accountability", "holding_to_account"),
        ("developing capabilty", "developing_capability"),
        ("influencing for resluts", "influencing_for_results"),
        ("engaging teh team", "engaging_the_team"),
        # descriptions, scored against keywords
        ("the one about setting clear expectations", "holding_to_account"),
        ("giving feedback and tackling poor performance", "holding_to_account"),
        ("compassion and wellbeing", "leading_with_care"),
        ("using data and evidence to decide", "evaluating_information"),
        ("systems thinking and partnership", "connecting_our_service"),
        ("where we're heading in future", "sharing_the_vision"),
        ("how to persuade stakeholders", "influencing_for_results"),
        ("coaching and mentoring people", "developing_capability"),
        ("values and integrity", "inspiring_shared_purpose"),
        ("involving the team and their ideas", "engaging_the_team"),
    ],
)
def test_resolve_dimension(content, text, expected):
    assert content.resolve_dimension(text) == expected


@pytest.mark.parametrize("text", [None, "", "   ", "?!", "what's the weather like", "banana bread", "team"])
def test_resolve_dimension_returns_none_when_nothing_stands_out(content, text):
    assert content.resolve_dimension(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what does strong mean", None),
        ("what do you mean", None),
        ("what does that mean?", None),
        ("the one about values", "inspiring_shared_purpose"),
    ],
)
def test_everyday_words_do_not_collide_with_keywords(content, text, expected):
    """Keyword stems must not catch everyday words: "meaning" stems to "mean", so any
    "what does X mean?" names Inspiring shared purpose; and "valued" (Engaging the team)
    and "values" (Inspiring shared purpose) share the stem "valu", so "values" ties."""
    assert content.resolve_dimension(text) == expected


def test_longest_name_wins(content):
    # "care" alone is not a name, but "leading with care" is; "vision" is an alias of sharing the vision
    assert content.resolve_dimension("leading with care versus the vision") == "leading_with_care"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("strong", "strong"),
        ("Strong", "strong"),
        ("exemplary", "exemplary"),
        ("I'd say proficient", "proficient"),
        ("stong", "strong"),
        ("profishent", "proficient"),
        ("essentail", "essential"),
        ("examplary", "exemplary"),
        ("level 3", "strong"),
        ("the first level", "essential"),
        ("top level", "exemplary"),
        ("4", "exemplary"),
        ("not sure", NOT_SURE),
        ("not sure yet", NOT_SURE),
        ("I'm not sure", NOT_SURE),
        ("dunno", NOT_SURE),
        ("idk", NOT_SURE),
        ("not_sure", NOT_SURE),
    ],
)
def test_resolve_level(content, text, expected):
    assert content.resolve_level(text) == expected


@pytest.mark.parametrize("text", [None, "", "banana", "2 or 3", "somewhere between strong and proficient"])
def test_resolve_level_refuses_to_guess(content, text):
    assert content.resolve_level(text) is None


@pytest.mark.parametrize("text", ["not strong", "I'm definitely not exemplary at this"])
def test_resolve_level_does_not_take_a_negated_level(content, text):
    """The code's own comment calls "not strong" a trap, yet it resolves to strong, and the
    assessment would then store the very level the person ruled out."""
    assert content.resolve_level(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("early_career", "early_career"),
        ("I'm a student nurse", "early_career"),
        ("I'm an FY1", "early_career"),
        ("band 5 staff nurse", "early_career"),
        ("I've just become a ward sister", "first_role"),
        ("band 6", "first_role"),
        ("first line manager", "first_role"),
        ("I'm a matron", "mid_level"),
        ("head of service", "mid_level"),
        ("non-executive director", "senior"),
        ("director of nursing", "senior"),
        ("senior", "senior"),
    ],
)
def test_resolve_stage(content, text, expected):
    assert content.resolve_stage(text) == expected


@pytest.mark.parametrize("text", [None, "", "I'm a chef", "hello"])
def test_resolve_stage_none(content, text):
    assert content.resolve_stage(text) is None


# --------------------------------------------------------------------------- broken copies


@pytest.fixture
def content_copy(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def _edit(directory: Path, name: str, change) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_unchanged_copy_loads(content_copy):
    copy = load_content(content_copy)
    assert tuple(d.id for d in copy.dimensions) == DIMENSION_IDS
    assert len(copy.offers) == len(get_content().offers)


def test_bad_yaml_names_the_file(content_copy):
    (content_copy / "dimensions.yml").write_text("dimensions: [unclosed\n  - id: x: y\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "dimensions.yml"
    assert err.value.entry == "(file)"
    assert "not valid YAML" in err.value.problem
    assert str(err.value).startswith("dimensions.yml: (file): ")


def test_missing_file_names_the_file(content_copy):
    (content_copy / "facilitators.yml").unlink()
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "facilitators.yml"
    assert "not found" in err.value.problem


def test_unknown_dimension_in_catalogue(content_copy):
    def change(data):
        data["offers"][0]["dimensions"].append("leading_with_kare")

    _edit(content_copy, "catalogue.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "catalogue.yml"
    assert err.value.entry == "offers[0] (enhance_first_principles)"
    assert "leading_with_kare" in err.value.problem
    assert "unknown dimension" in err.value.problem


def test_unknown_career_stage_in_catalogue(content_copy):
    def change(data):
        data["offers"][2]["career_stages"] = ["first_role", "consultant"]

    _edit(content_copy, "catalogue.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "catalogue.yml"
    assert err.value.entry.startswith("offers[2] (")
    assert "consultant" in err.value.problem


def test_missing_prompts(content_copy):
    def change(data):
        del data["dimensions"][1]["prompts"]

    _edit(content_copy, "dimensions.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "dimensions.yml"
    assert err.value.entry == "dimensions[1] (leading_with_care)"
    assert "'prompts'" in err.value.problem


def test_too_few_prompts(content_copy):
    def change(data):
        data["dimensions"][6]["prompts"] = data["dimensions"][6]["prompts"][:2]

    _edit(content_copy, "dimensions.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.entry == "dimensions[6] (holding_to_account)"
    assert "at least 3 prompts, has 2" in err.value.problem


def test_missing_level_key(content_copy):
    def change(data):
        del data["dimensions"][2]["levels"]["strong"]

    _edit(content_copy, "dimensions.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "dimensions.yml"
    assert err.value.entry == "dimensions[2] (evaluating_information)"
    assert "'levels'" in err.value.problem and "strong" in err.value.problem


def test_unknown_dimension_id_in_dimensions(content_copy):
    def change(data):
        data["dimensions"][0]["id"] = "inspiring_purpose"

    _edit(content_copy, "dimensions.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.entry == "dimensions[0] (inspiring_purpose)"
    assert "unknown id 'inspiring_purpose'" in err.value.problem


def test_unknown_offer_in_early_career(content_copy):
    def change(data):
        data["recommended_offers"].append("no_such_offer")

    _edit(content_copy, "early_career.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "early_career.yml"
    assert err.value.entry == "recommended_offers"
    assert "no_such_offer" in err.value.problem and "catalogue.yml" in err.value.problem


def test_content_dir_from_environment(content_copy, monkeypatch):
    def change(data):
        data["dimensions"][0]["short"] = "A locally licensed summary for this trust"

    _edit(content_copy, "dimensions.yml", change)
    monkeypatch.setenv("COACH_CONTENT_DIR", str(content_copy))
    assert get_content().dimension("inspiring_shared_purpose").short == "A locally licensed summary for this trust"
    monkeypatch.delenv("COACH_CONTENT_DIR")
    assert get_content().dimension("inspiring_shared_purpose").short != "A locally licensed summary for this trust"


def test_broken_content_dir_from_environment_fails_loudly(content_copy, monkeypatch):
    def change(data):
        del data["levels"][0]["summary"]

    _edit(content_copy, "scale.yml", change)
    monkeypatch.setenv("COACH_CONTENT_DIR", str(content_copy))
    with pytest.raises(ContentError) as err:
        get_content()
    assert err.value.file == "scale.yml"
    assert err.value.entry == "levels[0] (essential)"
    assert "'summary'" in err.value.problem


# --------------------------------------------------------------------------- licence guard


def _words(text: str):
    text = text.lower().replace("’", "").replace("'", "")
    return re.sub(r"[^a-z0-9\s]", " ", text).split()


def test_no_dimension_text_copies_the_official_wording(content):
    """Our descriptions are our own words: no 8-word run from the official summary."""
    if not SEED.exists():
        pytest.skip(f"{SEED} is not available on this machine")
    seed = _words(SEED.read_text(encoding="utf-8", errors="replace"))
    grams = {tuple(seed[i : i + 8]) for i in range(len(seed) - 7)}
    assert len(grams) > 100  # the seed really was read
    copied = []
    for dim in content.dimensions:
        fields = {
            "name": dim.name,
            "short": dim.short,
            "what_it_is": dim.what_it_is,
            "why_it_matters": dim.why_it_matters,
            "what_it_is_not": dim.what_it_is_not,
            **{f"levels.{k}": v for k, v in dim.levels.items()},
            **{f"prompts.{p.id}": p.text for p in dim.prompts},
        }
        for field_name, text in fields.items():
            words = _words(text)
            for i in range(len(words) - 7):
                if tuple(words[i : i + 8]) in grams:
                    copied.append(f"{dim.id}.{field_name}: {' '.join(words[i:i + 8])}")
    assert not copied, "\n".join(copied)


def test_licence_guard_would_catch_a_copy():
    """The guard itself works: a sentence lifted from the seed is detected."""
    if not SEED.exists():
        pytest.skip(f"{SEED} is not available on this machine")
    seed = _words(SEED.read_text(encoding="utf-8", errors="replace"))
    grams = {tuple(seed[i : i + 8]) for i in range(len(seed) - 7)}
    lifted = " ".join(seed[100:112])
    words = _words(lifted)
    assert any(tuple(words[i : i + 8]) in grams for i in range(len(words) - 7))
