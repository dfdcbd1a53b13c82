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
    MessageError,
    Response,
    get_content,
    load_content,
)
from bot.content import loader

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


# --------------------------------------------------------------------------- topics and offers


def test_topics_load_and_every_offer_is_tagged_and_sourced(content):
    ids = [t.id for t in content.topics]
    assert len(ids) == len(set(ids))
    for needed in ("compassionate_leadership", "inclusion", "digital", "quality_improvement", "coaching",
                   "feedback", "conflict", "change", "wellbeing", "finance", "system_leadership",
                   "new_to_management", "self_awareness"):
        topic = content.topic(needed)
        assert topic.name and topic.words, needed
        assert all(w == w.lower() for w in topic.words), needed
    for offer in content.offers:
        assert offer.topics and set(offer.topics) <= set(ids), offer.id
        assert offer.source, offer.id
    assert content.offer("mary_seacole").names  # short names are loaded
    with pytest.raises(KeyError):
        content.topic("no_such_topic")


@pytest.mark.parametrize(
    "text, expected",
    [
        # the phrasings that used to get the same three generic suggestions
        ("anything on compassionate leadership?", ["compassionate_leadership"]),
        ("courses on digital?", ["digital"]),
        ("what about inclusion?", ["inclusion"]),
        ("anything on coaching?", ["coaching"]),
        # ids, names and everyday words
        ("quality_improvement", ["quality_improvement"]),
        ("Anything on QI?", ["quality_improvement"]),
        ("PDSA cycles", ["quality_improvement"]),
        ("lean", ["quality_improvement"]),
        ("compassion", ["compassionate_leadership"]),
        ("Anything on EDI?", ["inclusion"]),
        ("ED&I training", ["inclusion"]),
        ("anti-racism", ["inclusion"]),
        ("equality and diversity", ["inclusion"]),
        ("inclusive leadership", ["inclusion"]),
        ("data skills", ["digital"]),
        ("courses on AI", ["digital"]),
        ("tech", ["digital"]),
        ("mentoring", ["coaching"]),
        ("I'd like a mentor", ["coaching"]),
        ("giving feedback", ["feedback"]),
        ("difficult conversations", ["feedback"]),
        ("handling disagreements in my team", ["conflict"]),
        ("tension between two nurses", ["conflict"]),
        ("leading change", ["change"]),
        ("transformation", ["change"]),
        ("something on resilience", ["wellbeing"]),
        ("burnout prevention", ["wellbeing"]),
        ("self-care", ["wellbeing"]),
        ("well-being", ["wellbeing"]),
        ("budgets", ["finance"]),
        ("writing a business case", ["finance"]),
        ("working across organisations", ["system_leadership"]),
        ("ICS and ICB", ["system_leadership"]),
        ("partnerships", ["system_leadership"]),
        ("I'm a new manager", ["new_to_management"]),
        ("my first leadership role", ["new_to_management"]),
        ("supervising staff", ["new_to_management"]),
        ("knowing yourself", ["self_awareness"]),
        ("what's it like being on the receiving end of me?", ["self_awareness"]),
        ("my impact on others", ["self_awareness"]),
        # typos and variants
        ("anything on compasionate leadership", ["compassionate_leadership"]),
        ("inclussion", ["inclusion"]),
        ("digitial courses", ["digital"]),
        ("coachng", ["coaching"]),
        ("feeback", ["feedback"]),
        ("confict at work", ["conflict"]),
        ("resiliance", ["wellbeing"]),
        ("finace", ["finance"]),
        ("self awarness", ["self_awareness"]),
        ("quality improvment", ["quality_improvement"]),
        # the longest phrase takes its words: "digital transformation" is digital, not also change
        ("digital transformation", ["digital"]),
        ("I'm a new manager: anything on feedback?", ["new_to_management", "feedback"]),
        ("coaching and mentoring", ["coaching"]),
    ],
)
def test_resolve_topics(content, text, expected):
    assert content.resolve_topics(text) == expected


@pytest.mark.parametrize("text", [None, "", "?!", "hello", "banana bread", "what's the weather like",
                                  "developing capability", "Developing Capabilty", "leading with care",
                                  "the data one", "evaluating data", "engaging the team", "holding to account"])
def test_resolve_topics_finds_none(content, text):
    """Nothing named, or a dimension named: "developing capability" is a dimension, not a topic."""
    assert content.resolve_topics(text) == []


def test_a_dimension_is_set_aside_but_a_topic_beside_it_is_found(content):
    assert content.resolve_topics("developing capability through coaching") == ["coaching"]
    assert content.resolve_dimension("developing capability") == "developing_capability"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("what is the Mary Seacole programme?", "mary_seacole"),
        ("mary seacole", "mary_seacole"),
        ("tell me about seacole", "mary_seacole"),
        ("mary secole", "mary_seacole"),
        ("mary_seacole", "mary_seacole"),
        ("Edward Jenner", "edward_jenner"),
        ("is jenner free?", "edward_jenner"),
        ("nye bevan", "nye_bevan"),
        ("what's the Nye Bevan programme like", "nye_bevan"),
        ("EGA", "elizabeth_garrett_anderson"),
        ("the Elizabeth Garrett Anderson programme", "elizabeth_garrett_anderson"),
        ("rosalind franklin", "rosalind_franklin"),
        ("first principles", "enhance_first_principles"),
        ("the enhance guide", "enhance_first_principles"),
        ("enhance Leadership Resource Guide: First Principles", "enhance_first_principles"),
        ("core managers", "core_managers"),
        ("Foundations in Systems Leadership", "foundations_systems_leadership"),
        ("FMLM", "fmlm_resources"),
        ("the HLM 360", "hlm_360"),
        ("bronze level", "improvement_academy_bronze"),
        ("bitesize learning", "leadership_academy_bitesize"),
        ("Bitesize: Giving and receiving feedback", "bitesize_feedback"),
        # two named: the longer phrase wins, then the one said first
        ("mary seacole or rosalind franklin?", "mary_seacole"),
        ("seacole or the rosalind franklin programme", "rosalind_franklin"),
    ],
)
def test_resolve_offer(content, text, expected):
    assert content.resolve_offer(text) == expected


@pytest.mark.parametrize("text", [None, "", "hello", "anything on coaching?", "improvement academy",
                                  "leading with care", "a programme"])
def test_resolve_offer_finds_none(content, text):
    assert content.resolve_offer(text) is None


# --------------------------------------------------------------------------- broken copies


def _copy_yaml(target: Path) -> Path:
    """A deployment's own content folder: every bundled YAML file (the package's modules stay behind)."""
    target.mkdir(parents=True)
    for path in DEFAULT_CONTENT_DIR.glob("*.yml"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def content_copy(tmp_path) -> Path:
    return _copy_yaml(tmp_path / "content")


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


def test_unknown_topic_in_catalogue(content_copy):
    def change(data):
        data["offers"][1]["topics"].append("coachinng")

    _edit(content_copy, "catalogue.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "catalogue.yml"
    assert err.value.entry == "offers[1] (edward_jenner)"
    assert "unknown topic" in err.value.problem and "coachinng" in err.value.problem


@pytest.mark.parametrize(
    "change, entry, problem",
    [
        (lambda d: d["offers"][0].pop("topics"), "offers[0] (enhance_first_principles)", "'topics'"),
        (lambda d: d["offers"][0].pop("source"), "offers[0] (enhance_first_principles)", "'source'"),
        (lambda d: d["topics"][1].update(id="compassionate_leadership"), "topics", "unique"),
        (lambda d: d["topics"][2].update(words=[]), "topics[2] (digital)", "'words'"),
        (lambda d: d["topics"][2].update(words=["data", "?!"]), "topics[2] (digital)", "'words'"),
        (lambda d: d["topics"][0].pop("name"), "topics[0] (compassionate_leadership)", "'name'"),
        (lambda d: d.pop("topics"), "topics", "'topics'"),
        (lambda d: d["offers"][3]["names"].append("seacole"), "offers[3] (rosalind_franklin)", "mary_seacole"),
        (lambda d: d["topics"][4]["words"].append("Developing Capability"), "topics[4] (coaching)",
         "developing_capability"),
    ],
)
def test_broken_topics_name_the_entry(content_copy, change, entry, problem):
    _edit(content_copy, "catalogue.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert (err.value.file, err.value.entry) == ("catalogue.yml", entry)
    assert problem in err.value.problem


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


# --------------------------------------------------------------------------- the message catalogue


def test_bundled_messages_are_single_lines_from_folded_yaml(content):
    for key in ("assessment_intro", "consent_ask_assessment", "consent_ask_reflection", "consent_explain",
                "consent_thanks", "consent_declined", "redacted"):
        text = content.messages[key]
        assert text and "\n" not in text and "  " not in text, key
    assert content.messages["consent_thanks"] == "Thank you."
    assert content.say("consent_thanks") == "Thank you."


def _set_messages(directory: Path, **entries) -> None:
    def change(data):
        data["messages"].update(entries)

    _edit(directory, "messages.yml", change)


def test_nested_keys_are_said_with_dots(content_copy):
    _set_messages(content_copy, example={"welcome_back": "Welcome back. You've done {done} of {total}.",
                                            "resume": {"ask": "Carry on from {dimension}?"}})
    copy = load_content(content_copy)
    assert copy.messages["example.welcome_back"] == "Welcome back. You've done {done} of {total}."
    assert copy.say("example.welcome_back", done=3, total=9) == "Welcome back. You've done 3 of 9."
    assert copy.say("example.resume.ask", dimension="Leading with care") == "Carry on from Leading with care?"
    assert copy.say("consent_thanks") == "Thank you."  # flat keys beside groups


def test_line_breaks_written_in_the_yaml_are_kept(content_copy):
    group = "\n".join([
        "messages:",
        "  extra:",
        "    folded: >-",
        "      one long sentence",
        "      written over   two lines",
        "    block: |",
        "      First line,   with spaces.",
        "      \u2022 a bullet\t\twith tabs",
        "",
        "      After a blank line.",
        '    quoted: "Here\'s what I can do:\\n\u2022 explain   the dimensions\\n\u2022 suggest learning"',
        "",
    ])
    path = content_copy / "messages.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("messages:\n", group, 1), encoding="utf-8")
    copy = load_content(content_copy)
    assert copy.messages["extra.folded"] == "one long sentence written over two lines"
    assert copy.messages["extra.block"] == "First line, with spaces.\n\u2022 a bullet with tabs\n\nAfter a blank line."
    assert copy.messages["extra.quoted"] == "Here's what I can do:\n\u2022 explain the dimensions\n\u2022 suggest learning"
    assert copy.messages["consent_thanks"] == "Thank you."


def test_say_fails_clearly(content_copy):
    _set_messages(content_copy, progress="{done} of {total} done")
    copy = load_content(content_copy)
    with pytest.raises(KeyError) as err:
        copy.say("no_such_key")
    assert "no_such_key" in str(err.value)
    with pytest.raises(MessageError) as err:
        copy.say("progress", done=2)
    assert isinstance(err.value, KeyError)
    assert err.value.key == "progress" and err.value.placeholder == "total"
    assert str(err.value) == "message 'progress': needs a value for {total}"
    assert copy.say("progress", done=2, total=9, unused="ignored") == "2 of 9 done"


def test_literal_braces_are_doubled(content_copy):
    _set_messages(content_copy, braces="Type {{pause}} to pause, {name}.")
    assert load_content(content_copy).say("braces", name="Sam") == "Type {pause} to pause, Sam."


def test_a_custom_folder_missing_a_message_fails(content_copy):
    def change(data):
        del data["messages"]["consent_thanks"]

    _edit(content_copy, "messages.yml", change)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "messages.yml"
    assert err.value.entry == "messages.consent_thanks"
    assert "missing" in err.value.problem


def test_a_custom_folder_may_add_messages(content_copy):
    _set_messages(content_copy, our_own_note="Ask your practice educator about {topic}.")
    assert load_content(content_copy).say("our_own_note", topic="rotas") == "Ask your practice educator about rotas."


def test_an_unknown_placeholder_fails(content_copy):
    _set_messages(content_copy, consent_thanks="Thank you, {first_name}.")
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "messages.yml"
    assert err.value.entry == "messages.consent_thanks"
    assert "{first_name}" in err.value.problem and "unknown placeholder" in err.value.problem


@pytest.mark.parametrize(
    "template, shown",
    [
        ("You chose {}.", "{}"),
        ("You chose {0}.", "{0}"),
        ("You chose {level.name}.", "{level.name}"),
        ("You chose {levels[0]}.", "{levels[0]}"),
        ("You chose {level!r}.", "{level}"),
        ("You chose {level:>10}.", "{level}"),
        ("You chose {level.", "stray brace"),
        ("You chose level}.", "stray brace"),
    ],
)
def test_only_plain_named_placeholders_are_allowed(content_copy, template, shown):
    _set_messages(content_copy, example={"chosen": template})
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "messages.yml"
    assert err.value.entry == "messages.example.chosen"
    assert shown in err.value.problem


@pytest.mark.parametrize("value", [None, "", "   ", 42, ["a", "list"], {}])
def test_a_message_must_be_a_text_or_a_group(content_copy, value):
    _set_messages(content_copy, odd=value)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "messages.yml"
    assert err.value.entry == "messages.odd"


def test_a_dotted_key_must_be_written_as_a_group(content_copy):
    _set_messages(content_copy, **{"example.welcome_back": "Welcome back."})
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.entry == "messages.example.welcome_back"
    assert "nested mapping" in err.value.problem


GREET = {
    "text": "Hello! Where would you like to start?",
    "buttons": [
        {"title": "The nine dimensions", "payload": "/list_dimensions"},
        {"title": "Self-assessment", "payload": "/start_self_assessment"},
    ],
}


def _set_responses(directory: Path, **responses) -> None:
    def change(data):
        data["responses"] = {**(data.get("responses") or {}), **responses}

    _edit(directory, "messages.yml", change)


def test_responses_load_with_buttons(content_copy):
    _set_responses(content_copy, utter_example=GREET, utter_goodbye={"text": "Take care.\nCome back any time."})
    copy = load_content(content_copy)
    greet = copy.responses["utter_example"]
    assert isinstance(greet, Response)
    assert greet.text == "Hello! Where would you like to start?"
    assert [(b.title, b.payload) for b in greet.buttons] == [
        ("The nine dimensions", "/list_dimensions"),
        ("Self-assessment", "/start_self_assessment"),
    ]
    assert copy.responses["utter_goodbye"] == Response(text="Take care.\nCome back any time.", buttons=())
    with pytest.raises(TypeError):
        copy.responses["utter_other"] = greet  # the catalogue is read-only


@pytest.mark.parametrize(
    "response, entry, problem",
    [
        ({**GREET, "buttons": [{"title": "Dimensions", "payload": "list_dimensions"}]},
         "responses.utter_example.buttons[0]", "'payload'"),
        ({**GREET, "buttons": [{"title": "Dimensions", "payload": "/"}]}, "responses.utter_example.buttons[0]", "'payload'"),
        ({**GREET, "buttons": [{"payload": "/list_dimensions"}]}, "responses.utter_example.buttons[0]", "'title'"),
        ({**GREET, "buttons": "/list_dimensions"}, "responses.utter_example.buttons", "list"),
        ({"buttons": GREET["buttons"]}, "responses.utter_example.text", "non-empty text"),
        ({**GREET, "image": "https://example.org/a.png"}, "responses.utter_example", "image"),
        ("Hello!", "responses.utter_example", "mapping"),
    ],
)
def test_a_bad_response_fails(content_copy, response, entry, problem):
    _set_responses(content_copy, utter_example=response)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.file == "messages.yml"
    assert err.value.entry == entry
    assert problem in err.value.problem


def test_a_response_name_starts_with_utter(content_copy):
    _set_responses(content_copy, greet=GREET)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.entry == "responses.greet"


@pytest.fixture
def reference(tmp_path, monkeypatch) -> Path:
    """Stands in for the bundled messages.yml, with a group and a response in it."""
    bundled = _copy_yaml(tmp_path / "bundled")
    _set_messages(bundled, example={"welcome_back": "Welcome back, you've done {done} of {total}."})
    _set_responses(bundled, utter_example=GREET)
    monkeypatch.setattr(loader, "DEFAULT_CONTENT_DIR", bundled.resolve())
    return bundled


def test_the_reference_itself_loads(reference):
    assert load_content(reference).responses["utter_example"].buttons[0].payload == "/list_dimensions"


def test_a_custom_folder_missing_a_grouped_message_fails(reference, content_copy):
    _set_responses(content_copy, utter_example=GREET)
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert (err.value.file, err.value.entry) == ("messages.yml", "messages.example.welcome_back")
    assert "missing" in err.value.problem


def test_a_custom_folder_missing_a_response_fails(reference, content_copy):
    _set_messages(content_copy, example={"welcome_back": "Hello again: {done} done."})
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert (err.value.file, err.value.entry) == ("messages.yml", "responses.utter_example")
    assert "missing" in err.value.problem


def test_a_custom_folder_may_use_fewer_placeholders_but_no_others(reference, content_copy):
    _set_responses(content_copy, utter_example={**GREET, "text": "Hi, and welcome."})
    _set_messages(content_copy, example={"welcome_back": "Hello again: {done} done."})
    assert load_content(content_copy).say("example.welcome_back", done=2, total=9) == "Hello again: 2 done."

    _set_messages(content_copy, example={"welcome_back": "Hello again, {name}: {done} done."})
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.entry == "messages.example.welcome_back"
    assert "{name}" in err.value.problem and "{done}, {total}" in err.value.problem

    _set_messages(content_copy, example={"welcome_back": "Hello again: {done} done."})
    _set_responses(content_copy, utter_example={**GREET, "text": "Hello {name}!"})
    with pytest.raises(ContentError) as err:
        load_content(content_copy)
    assert err.value.entry == "responses.utter_example.text"
    assert "{name}" in err.value.problem


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


def test_the_action_server_will_not_start_on_a_broken_catalogue(content_copy):
    """rasa-sdk imports the actions package at start-up: a missing key must stop it there, named."""
    import os
    import subprocess
    import sys

    def drop(data):
        del data["messages"]["assessment"]["welcome_back"]

    _edit(content_copy, "messages.yml", drop)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "COACH_CONTENT_DIR": str(content_copy)}
    result = subprocess.run([sys.executable, "-c", "import actions"], cwd=root, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode != 0
    assert "messages.yml: messages.assessment.welcome_back: missing" in result.stderr
    ok = subprocess.run([sys.executable, "-c", "import actions"], cwd=root, capture_output=True, text=True,
                        env={**env, "COACH_CONTENT_DIR": ""}, timeout=120)
    assert ok.returncode == 0, ok.stderr[-2000:]


def test_the_nlg_never_says_the_same_reply_twice_in_a_row():
    import asyncio

    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.rasa_ext.nlg import ContentNLG

    nlg = ContentNLG()
    responses = get_content().responses
    for name, response in responses.items():
        assert response.again and response.again != response.text, f"{name} has no other words for a second time"
        tracker = DialogueStateTracker.from_events("nlg-test", [UserUttered("hi")])
        first = asyncio.run(nlg.generate(name, tracker, "rest"))
        assert first["text"] == response.text
        tracker.update(BotUttered(first["text"]))
        tracker.update(UserUttered("again"))
        second = asyncio.run(nlg.generate(name, tracker, "rest"))
        assert second["text"] == response.again and second.get("buttons") == first.get("buttons")
        tracker.update(BotUttered(second["text"]))
        third = asyncio.run(nlg.generate(name, tracker, "rest"))
        assert third["text"] == response.text
