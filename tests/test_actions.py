"""Every custom action, run as the action server runs it: real rasa_sdk Trackers, a real
CollectingDispatcher, the real content files and a real SQLite file (one per test)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa_sdk.executor import CollectingDispatcher

import bot.storage
from actions.assessment import (
    ActionAskAssessmentLevel,
    ActionAskAssessmentNote,
    ActionFinishAssessment,
    ActionPause,
    ActionShowProfile,
    ActionStartAssessment,
    ValidateAssessmentForm,
)
from actions.consent import ActionAskConsentGiven
from actions.explore import (
    ActionExplain360,
    ActionExplainDimension,
    ActionExplainLevel,
    ActionExplainScale,
    ActionFindFacilitator,
    ActionListDimensions,
)
from actions.recommend import ActionEarlyCareer, ActionRecommend
from actions.reflection import (
    ActionAskReflectionAnswer,
    ActionFinishReflection,
    ActionShowReflections,
    ActionStartReflection,
    ValidateReflectionForm,
)
from actions.safety import ActionSignpost, ActionSignpostFollowup
from bot.content import DIMENSION_IDS, get_content
from bot.identity import user_key
from conftest import make_tracker

USER = "test-user"
FORM_SLOTS = ["consent_given", "assessment_level", "assessment_note"]
STORAGE_TROUBLE = get_content().say("storage_trouble")


# --------------------------------------------------------------------------- helpers


def run(action, tracker, domain) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def text_of(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def slot_sets(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def payloads(messages: List[Dict[str, Any]]) -> List[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


def form_turn(form, domain, slots: Dict[str, Any], candidates: Dict[str, Any], text: str,
              intent: Optional[str] = None, entities=None, sender: str = USER, loop: str = "assessment_form"):
    """One user turn inside a form, as Rasa's FormAction hands it to the validation action:
    the slot candidates are set on the tracker and appended as the latest slot events."""
    state = {**slots, **candidates}
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": entities or []}},
    ] + [{"event": "slot", "name": k, "value": v} for k, v in candidates.items()]
    tracker = make_tracker(sender, slots=state, text=text, intent=intent, entities=entities, active_loop=loop,
                           events=events)
    dispatcher = CollectingDispatcher()
    out = asyncio.run(form.run(dispatcher, tracker, domain))
    state.update(slot_sets(out))
    return state, dispatcher.messages, out


def required(form, domain, slots: Dict[str, Any], sender: str = USER, loop: str = "assessment_form"):
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(sender, slots=slots, active_loop=loop)
    return asyncio.run(form.required_slots(form.domain_slots(domain), dispatcher, tracker, domain))


def consent(store, sender: str = USER) -> str:
    key = user_key(sender)
    store.people.record_consent(key, True)
    return key


def answer_dimension(domain, slots, level_text, note_text="skip", sender=USER, entities=None, intent=None):
    """Ask for a level, answer it, then answer the note question: one dimension of the form."""
    ask_messages, ask_events = run(ActionAskAssessmentLevel(),
                                   make_tracker(sender, slots=slots, active_loop="assessment_form"), domain)
    slots = {**slots, **slot_sets(ask_events)}
    asked = slots["assessment_dimension"]
    form = ValidateAssessmentForm()
    slots, level_messages, _ = form_turn(form, domain, slots, {"assessment_level": level_text}, level_text,
                                         intent=intent or "choose_level", entities=entities, sender=sender)
    note_messages: List[Dict[str, Any]] = []
    if slots.get("requested_slot") == "assessment_note":
        note_intent = "skip" if note_text == "skip" else "inform"
        slots, note_messages, _ = form_turn(form, domain, slots, {"assessment_note": note_text}, note_text,
                                            intent=note_intent, sender=sender)
    return slots, asked, ask_messages + level_messages + note_messages


def complete_assessment(domain, store, levels: Dict[str, str], sender=USER):
    """Take the whole self-assessment through the form and finish it."""
    slots: Dict[str, Any] = {"consent_given": None, "requested_slot": "assessment_level"}
    for _ in DIMENSION_IDS:
        dim_slots = dict(slots)
        ask_tracker = make_tracker(sender, slots=dim_slots, active_loop="assessment_form")
        _, ask_events = run(ActionAskAssessmentLevel(), ask_tracker, domain)
        dim = slot_sets(ask_events)["assessment_dimension"]
        level = levels.get(dim, "skip")
        slots, _, _ = answer_dimension(domain, slots, level, sender=sender,
                                       intent="skip" if level == "skip" else "choose_level",
                                       entities=None if level == "skip" else [entity("level", level)])
    assert slots["requested_slot"] is None
    return run(ActionFinishAssessment(), make_tracker(sender, slots=slots), domain)


@pytest.fixture
def unwritable_database(monkeypatch):
    """The database URL points somewhere no file can ever be created."""
    monkeypatch.setenv("COACH_DATABASE_URL", "sqlite:////proc/nonexistent/x.db")
    bot.storage.reset_store()


@pytest.fixture
def unopenable_database(monkeypatch, tmp_path):
    """The database URL names a directory, so SQLite cannot open it."""
    monkeypatch.setenv("COACH_DATABASE_URL", f"sqlite:///{tmp_path}")
    bot.storage.reset_store()


# --------------------------------------------------------------------------- exploring the model


def test_explain_dimension_from_entity(domain):
    tracker = make_tracker(text="tell me about holding to account", intent="ask_dimension",
                           entities=[entity("dimension", "holding to account")])
    messages, events = run(ActionExplainDimension(), tracker, domain)
    text = text_of(messages)
    assert text.startswith("Holding to account\nWhat it is: Holding to account means everyone knows what good looks like")
    assert "Why it matters:" in text and "What it is not:" in text
    assert "https://leadershipacademy.nhs.uk/healthcare-leadership-model/explore-the-healthcare-leadership-model/holding-to-account/" in text
    assert slot_sets(events) == {"dimension": "holding_to_account"}
    assert '/start_reflection{"dimension":"holding_to_account"}' in payloads(messages)
    assert '/start_self_assessment{"dimension":"holding_to_account"}' in payloads(messages)


def test_explain_dimension_from_a_description(domain):
    tracker = make_tracker(text="the one about setting clear expectations", intent="ask_dimension")
    messages, events = run(ActionExplainDimension(), tracker, domain)
    assert text_of(messages).startswith("Holding to account\n")
    assert slot_sets(events) == {"dimension": "holding_to_account"}


def test_explain_dimension_typo_entity(domain):
    tracker = make_tracker(text="leading wiht care", intent="ask_dimension",
                           entities=[entity("dimension", "leading wiht care")])
    messages, events = run(ActionExplainDimension(), tracker, domain)
    assert text_of(messages).startswith("Leading with care\n")
    assert slot_sets(events) == {"dimension": "leading_with_care"}


def test_explain_dimension_refers_back_to_the_last_one(domain):
    tracker = make_tracker(text="tell me more about it", intent="ask_dimension", slots={"dimension": "sharing_the_vision"})
    messages, _ = run(ActionExplainDimension(), tracker, domain)
    assert text_of(messages).startswith("Sharing the vision\n")


def test_explain_dimension_with_nothing_asks_which(domain):
    messages, events = run(ActionExplainDimension(), make_tracker(text="explain a dimension", intent="ask_dimension"),
                           domain)
    assert "I'm not sure which dimension you mean" in text_of(messages)
    buttons = messages[0]["buttons"]
    assert len(buttons) == 9
    assert [b["payload"] for b in buttons] == [f'/ask_dimension{{"dimension":"{d}"}}' for d in DIMENSION_IDS]
    assert buttons[0]["title"] == "Inspiring shared purpose"
    assert events == []


def test_list_dimensions(domain):
    messages, events = run(ActionListDimensions(), make_tracker(text="what are the dimensions"), domain)
    text = text_of(messages)
    assert text.startswith("The Healthcare Leadership Model has nine dimensions:\n1. Inspiring shared purpose: ")
    assert "9. Influencing for results: Building relationships and persuading others" in text
    assert "https://leadershipacademy.nhs.uk/healthcare-leadership-model/explore-the-healthcare-leadership-model/" in text
    assert len(messages[0]["buttons"]) == 9
    assert events == []


def test_explain_scale(domain):
    messages, _ = run(ActionExplainScale(), make_tracker(text="how does the scale work"), domain)
    text = text_of(messages)
    assert text.startswith("Each of the nine dimensions is described in four steps")
    for name in ("Essential: ", "Proficient: ", "Strong: ", "Exemplary: ", "Not sure yet: "):
        assert name in text
    assert payloads(messages)[-1] == "/start_self_assessment"
    assert '/ask_level{"level":"strong"}' in payloads(messages)


def test_explain_level_only(domain):
    tracker = make_tracker(text="tell me about the strong level", intent="ask_level",
                           entities=[entity("level", "strong")])
    messages, events = run(ActionExplainLevel(), tracker, domain)
    text = text_of(messages)
    assert text.startswith("Strong: You go beyond your own role")
    assert "name one and I'll show you" in text
    assert len(messages[0]["buttons"]) == 9
    assert '/ask_level{"level":"strong","dimension":"holding_to_account"}' in payloads(messages)
    assert events == []


def test_explain_level_what_does_it_mean(domain):
    """"What does strong mean?" asks about the level in general. The keyword "meaning" (Inspiring
    shared purpose) is stemmed to "mean", so the question is answered for that dimension instead."""
    tracker = make_tracker(text="what does strong mean", intent="ask_level", entities=[entity("level", "strong")])
    messages, events = run(ActionExplainLevel(), tracker, domain)
    assert text_of(messages).startswith("Strong: You go beyond your own role")
    assert events == []


def test_explain_dimension_what_does_that_mean_refers_back(domain):
    tracker = make_tracker(text="what does that mean?", intent="ask_dimension", slots={"dimension": "sharing_the_vision"})
    messages, events = run(ActionExplainDimension(), tracker, domain)
    assert text_of(messages).startswith("Sharing the vision\n")
    assert slot_sets(events) == {"dimension": "sharing_the_vision"}


def test_explain_level_in_a_dimension(domain):
    tracker = make_tracker(text="what does exemplary look like in holding to account", intent="ask_level",
                           entities=[entity("level", "exemplary"), entity("dimension", "holding to account")])
    messages, events = run(ActionExplainLevel(), tracker, domain)
    text = text_of(messages)
    assert text.startswith("Exemplary in Holding to account: You help build a culture where people across the organisation")
    assert "holding-to-account/" in text
    assert slot_sets(events) == {"dimension": "holding_to_account"}


def test_explain_level_from_typed_words(domain):
    tracker = make_tracker(text="what does proficient look like for leading with care", intent="ask_level")
    messages, _ = run(ActionExplainLevel(), tracker, domain)
    assert text_of(messages).startswith("Proficient in Leading with care: You look beneath behaviour")


def test_explain_levels_of_a_dimension(domain):
    tracker = make_tracker(text="levels for evaluating information", intent="ask_level",
                           entities=[entity("dimension", "evaluating information")])
    messages, events = run(ActionExplainLevel(), tracker, domain)
    text = text_of(messages)
    assert text.startswith("How Evaluating information grows across the scale:\nEssential: You look for the facts")
    assert "\nExemplary: You help build a culture where decisions" in text
    assert slot_sets(events) == {"dimension": "evaluating_information"}


def test_explain_not_sure_level(domain):
    tracker = make_tracker(text="what if I'm not sure", intent="ask_level", entities=[entity("level", "not sure")])
    messages, _ = run(ActionExplainLevel(), tracker, domain)
    assert text_of(messages).startswith("Not sure yet: Not knowing yet is completely fine")


def test_explain_level_with_nothing_explains_the_scale(domain):
    messages, _ = run(ActionExplainLevel(), make_tracker(text="what are the levels", intent="ask_level"), domain)
    assert text_of(messages).startswith("Each of the nine dimensions is described in four steps")


def test_explain_360(domain):
    messages, _ = run(ActionExplain360(), make_tracker(text="what is 360 feedback"), domain)
    text = text_of(messages)
    assert text.startswith("HLM 360 feedback shows you how other people experience your leadership")
    assert "£40" in text and "accredited facilitator" in text
    assert payloads(messages) == ["/find_facilitator", "/start_self_assessment"]


def test_find_facilitator(domain):
    messages, _ = run(ActionFindFacilitator(), make_tracker(text="find a facilitator"), domain)
    text = text_of(messages)
    assert "Yorkshire and the Humber: leadershipenquiries.yh@hee.nhs.uk" in text
    assert "https://www.leadershipacademy.nhs.uk/" in text


# --------------------------------------------------------------------------- consent and the form's shape


def test_required_slots_without_consent_asks_for_it(domain, store):
    form = ValidateAssessmentForm()
    assert required(form, domain, {}) == FORM_SLOTS
    assert store.people.has_consent(user_key(USER)) is False


def test_required_slots_with_consent_skips_the_question(domain, store):
    consent(store)
    assert required(ValidateAssessmentForm(), domain, {}) == ["assessment_level", "assessment_note"]


def test_required_slots_after_declining_ends_the_form(domain, store):
    assert required(ValidateAssessmentForm(), domain, {"consent_given": False}) == []


def test_ask_consent_names_the_form(domain):
    messages, _ = run(ActionAskConsentGiven(), make_tracker(active_loop="assessment_form"), domain)
    assert "stop and come back, see your profile" in text_of(messages)
    assert payloads(messages) == ["/affirm", "/deny"]
    messages, _ = run(ActionAskConsentGiven(), make_tracker(active_loop="reflection_form"), domain)
    assert "look back at them later" in text_of(messages)


def test_validate_consent_true_stores_consent(domain, store):
    form = ValidateAssessmentForm()
    slots, messages, events = form_turn(form, domain, {"requested_slot": "consent_given"}, {"consent_given": True},
                                        "/affirm", intent="affirm")
    assert store.people.has_consent(user_key(USER)) is True
    assert "Thank you." in text_of(messages)
    assert slot_sets(events) == {"consent_given": True, "requested_slot": "assessment_level"}


def test_validate_consent_false_stores_nothing(domain, store):
    form = ValidateAssessmentForm()
    slots, messages, events = form_turn(form, domain, {"requested_slot": "consent_given"}, {"consent_given": False},
                                        "/deny", intent="deny")
    # Rasa has already set the extracted ``consent_given``; the form just ends without asking anything else
    assert slot_sets(events) == {"requested_slot": None}
    assert slots["consent_given"] is False
    assert store.people.has_consent(user_key(USER)) is False
    messages, events = run(ActionFinishAssessment(), make_tracker(slots={"consent_given": False}), domain)
    assert "nothing has been saved" in text_of(messages)
    assert store.assessments.open(user_key(USER)) is None


@pytest.mark.parametrize("form_cls, loop", [("assessment", "assessment_form"), ("reflection", "reflection_form")])
def test_form_activation_with_reset_slots_is_silent_and_stores_nothing(domain, store, form_cls, loop):
    """The start actions reset the form's slots to None; validating those must not speak or write."""
    form = ValidateAssessmentForm() if form_cls == "assessment" else ValidateReflectionForm()
    reset = ({"assessment_level": None, "assessment_note": None, "consent_given": None} if form_cls == "assessment"
             else {"reflection_answer": None, "consent_given": None})
    slots, messages, events = form_turn(form, domain, {"reflection_queue": ["receiving_end"]}, reset,
                                        "start", intent="start_self_assessment", loop=loop)
    assert messages == []
    assert slot_sets(events).get("requested_slot", "consent_given") == "consent_given"
    assert store.assessments.open(user_key(USER)) is None
    assert store.reflections.recent(user_key(USER)) == []
    engine_rows = store.engine.connect().exec_driver_sql("SELECT count(*) FROM coach_people").scalar()
    assert engine_rows == 0


def test_validate_consent_unclear_asks_again_in_other_words(domain, store):
    dispatcher = CollectingDispatcher()
    result = asyncio.run(ValidateAssessmentForm().validate_consent_given(
        "what do you mean", dispatcher, make_tracker(active_loop="assessment_form"), domain))
    assert result == {"consent_given": None}
    assert dispatcher.messages == []  # the question is asked again by the ask action, once
    assert store.people.has_consent(user_key(USER)) is False
    asked = get_content().say("consent_ask_assessment")
    messages, _ = run(ActionAskConsentGiven(), make_tracker(
        active_loop="assessment_form", events=[{"event": "bot", "text": asked}]), domain)
    assert "coded version of this conversation's id" in text_of(messages)
    assert text_of(messages) != asked


# --------------------------------------------------------------------------- the self-assessment


def test_start_assessment_intro(domain, store):
    messages, events = run(ActionStartAssessment(), make_tracker(text="start the self assessment"), domain)
    assert text_of(messages).startswith("Let's do it. I'll take you through the nine dimensions")
    assert slot_sets(events) == {"assessment_level": None, "assessment_note": None, "assessment_dimension": None,
                                 "consent_given": None, "assessment_first": None,
                                 "assessment_revisit": None}


def test_ask_level_creates_assessment_on_the_first_dimension(domain, store):
    key = consent(store)
    messages, events = run(ActionAskAssessmentLevel(), make_tracker(active_loop="assessment_form"), domain)
    assert slot_sets(events) == {"assessment_dimension": "inspiring_shared_purpose"}
    assert store.assessments.open(key) is not None
    text = text_of(messages)
    assert text.startswith("1 of 9: Inspiring shared purpose (Keeping patients and shared values at the heart")
    assert "\nStrong: You are willing to take a personal risk" in text
    assert payloads(messages) == [
        '/choose_level{"level":"essential"}',
        '/choose_level{"level":"proficient"}',
        '/choose_level{"level":"strong"}',
        '/choose_level{"level":"exemplary"}',
        '/choose_level{"level":"not_sure"}',
        "/skip",
        "/stop",
    ]


def test_ask_level_starts_with_the_dimension_asked_about(domain, store):
    consent(store)
    tracker = make_tracker(active_loop="assessment_form", slots={"assessment_first": "holding_to_account"})
    messages, events = run(ActionAskAssessmentLevel(), tracker, domain)
    assert slot_sets(events) == {"assessment_dimension": "holding_to_account"}
    assert text_of(messages).startswith("1 of 9: Holding to account")


def test_validate_level_from_entity(domain, store):
    key = consent(store)
    slots = {"assessment_first": "inspiring_shared_purpose", "requested_slot": "assessment_level"}
    slots, messages, events = form_turn(ValidateAssessmentForm(), domain, slots,
                                        {"assessment_level": '/choose_level{"level":"strong"}'},
                                        '/choose_level{"level":"strong"}', intent="choose_level",
                                        entities=[entity("level", "strong")])
    assert slot_sets(events) == {"assessment_level": "strong", "requested_slot": "assessment_note"}
    assert store.assessments.open(key).levels == {"inspiring_shared_purpose": "strong"}
    assert messages == []


@pytest.mark.parametrize("typed, level", [("I'd say proficient", "proficient"), ("stong", "strong"),
                                          ("not sure yet", "not_sure"), ("level 4", "exemplary")])
def test_validate_level_from_typed_text(domain, store, typed, level):
    key = consent(store)
    slots = {"assessment_first": "leading_with_care", "requested_slot": "assessment_level"}
    slots, _, events = form_turn(ValidateAssessmentForm(), domain, slots, {"assessment_level": typed}, typed,
                                 intent="inform")
    assert slot_sets(events)["assessment_level"] == level
    assert store.assessments.open(key).levels == {"leading_with_care": level}


def test_validate_level_skip_stores_skipped(domain, store):
    key = consent(store)
    slots = {"assessment_first": "evaluating_information", "requested_slot": "assessment_level"}
    slots, _, events = form_turn(ValidateAssessmentForm(), domain, slots, {"assessment_level": "/skip"}, "/skip",
                                 intent="skip")
    assert slot_sets(events) == {"assessment_level": None, "assessment_note": None, "assessment_dimension": None,
                                 "requested_slot": "assessment_level"}
    rating = store.assessments.open(key).rating("evaluating_information")
    assert rating.skipped is True and rating.level is None


def test_validate_level_skip_typed(domain, store):
    key = consent(store)
    slots = {"assessment_first": "evaluating_information", "requested_slot": "assessment_level"}
    form_turn(ValidateAssessmentForm(), domain, slots, {"assessment_level": "skip this one"}, "skip this one",
              intent="inform")
    assert store.assessments.open(key).rating("evaluating_information").skipped is True


def test_validate_level_gibberish_asks_again(domain, store):
    key = consent(store)
    slots = {"assessment_first": "inspiring_shared_purpose", "requested_slot": "assessment_level"}
    slots, messages, events = form_turn(ValidateAssessmentForm(), domain, slots,
                                        {"assessment_level": "purple monkey dishwasher"}, "purple monkey dishwasher",
                                        intent="out_of_scope")
    assert slot_sets(events) == {"assessment_level": None, "requested_slot": "assessment_level"}
    assert "I didn't catch a level there" in text_of(messages)
    current = store.assessments.open(key)
    assert current is None or current.ratings == ()


def test_validate_note_stores_a_redacted_note(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    note = "I spoke up for a patient (NHS 943 476 5919) when Dr Jones ignored his pain"
    slots = {"assessment_first": "inspiring_shared_purpose", "assessment_level": "strong",
             "requested_slot": "assessment_note"}
    slots, messages, events = form_turn(ValidateAssessmentForm(), domain, slots, {"assessment_note": note}, note,
                                        intent="inform")
    stored = store.assessments.open(key).rating("inspiring_shared_purpose").note
    assert stored == "I spoke up for a patient (NHS [NHS number]) when [name] ignored his pain"
    assert "943 476 5919" not in stored
    assert "I took out something that looked like a personal identifier" in text_of(messages)
    # more dimensions to go: the form moves on to the next level question
    assert slot_sets(events) == {"assessment_level": None, "assessment_note": None, "assessment_dimension": None,
                                 "requested_slot": "assessment_level"}


def test_validate_note_skip_stores_nothing(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "leading_with_care", "essential")
    slots = {"assessment_first": "leading_with_care", "assessment_level": "essential",
             "requested_slot": "assessment_note"}
    _, messages, _ = form_turn(ValidateAssessmentForm(), domain, slots, {"assessment_note": "/skip"}, "/skip",
                               intent="skip")
    assert store.assessments.open(key).rating("leading_with_care").note is None
    assert messages == []


def test_ask_note_wording(domain):
    messages, _ = run(ActionAskAssessmentNote(), make_tracker(slots={"assessment_level": "strong"}), domain)
    assert text_of(messages).startswith("Thanks. What makes you say that?")
    messages, _ = run(ActionAskAssessmentNote(), make_tracker(slots={"assessment_level": "not_sure"}), domain)
    assert text_of(messages).startswith("That's fine: not being sure is useful to know.")


def test_full_assessment_through_the_form(domain, store):
    key = user_key(USER)
    slots: Dict[str, Any] = {"requested_slot": "consent_given"}
    slots, _, _ = form_turn(ValidateAssessmentForm(), domain, slots, {"consent_given": True}, "/affirm",
                            intent="affirm")
    assert slots["requested_slot"] == "assessment_level"
    levels = ["strong", "essential", "proficient", "exemplary", "strong", "essential", "not sure", "skip", "proficient"]
    asked = []
    for n, level in enumerate(levels):
        assert required(ValidateAssessmentForm(), domain, slots) == ["assessment_level", "assessment_note"]
        slots, dim, messages = answer_dimension(domain, slots, level, note_text=f"note {n}",
                                                intent="skip" if level == "skip" else "inform")
        assert text_of(messages).startswith(f"{n + 1} of 9: ")
        asked.append(dim)
    assert asked == list(DIMENSION_IDS)
    assert required(ValidateAssessmentForm(), domain, slots) == []
    assert slots["requested_slot"] is None
    current = store.assessments.open(key)
    assert current.answered == DIMENSION_IDS
    assert current.levels == {
        "inspiring_shared_purpose": "strong",
        "leading_with_care": "essential",
        "evaluating_information": "proficient",
        "connecting_our_service": "exemplary",
        "sharing_the_vision": "strong",
        "engaging_the_team": "essential",
        "holding_to_account": "not_sure",
        "influencing_for_results": "proficient",
    }
    assert current.rating("developing_capability").skipped is True
    assert current.rating("inspiring_shared_purpose").note == "note 0"
    assert current.rating("developing_capability").note is None  # skipped: no note asked for
    assert current.rating("engaging_the_team").note == "note 5"


def test_note_for_the_last_dimension_is_saved(domain, store):
    """The note typed for the ninth dimension must be validated and saved like the other eight.

    When it arrives, Rasa has already put the text in ``assessment_note``, so ``required_slots``
    (all nine answered, note not None) returns [] and the note is never validated or stored."""
    key = consent(store)
    for dim in DIMENSION_IDS[:-1]:
        store.assessments.save_rating(key, dim, "strong")
    slots: Dict[str, Any] = {"requested_slot": "assessment_level"}
    slots, dim, _ = answer_dimension(domain, slots, "proficient", note_text="I build alliances with the ICB",
                                     intent="inform")
    assert dim == "influencing_for_results"
    assert slots["requested_slot"] is None
    assert store.assessments.open(key).rating("influencing_for_results").note == "I build alliances with the ICB"


def test_last_dimension_rated_still_asks_for_its_note(domain, store):
    key = consent(store)
    for dim in DIMENSION_IDS[:-1]:
        store.assessments.save_rating(key, dim, "strong")
    store.assessments.save_rating(key, DIMENSION_IDS[-1], "essential")
    assert required(ValidateAssessmentForm(), domain, {"assessment_level": "essential",
                                                         "assessment_first": DIMENSION_IDS[-1]}) == [
        "assessment_level", "assessment_note"]
    assert required(ValidateAssessmentForm(), domain, {"assessment_level": "essential",
                                                         "assessment_note": "done"}) == []


def test_finish_assessment_shows_the_profile(domain, store):
    key = consent(store)
    levels = {"inspiring_shared_purpose": "exemplary", "leading_with_care": "essential", "evaluating_information":
              "strong", "holding_to_account": "essential"}
    messages, events = complete_assessment(domain, store, levels)
    text = text_of(messages)
    assert "That's all nine. Thank you for taking the time." in text
    assert "Strengths to build on: Inspiring shared purpose and Evaluating information." in text
    assert "Areas to develop: Leading with care and Holding to account." in text
    assert "You skipped Connecting our service, Sharing the vision, Engaging the team, Developing capability and " \
           "Influencing for results." in text
    assert "Some learning that fits:" in text
    assert '/start_reflection{"dimension":"leading_with_care"}' in payloads(messages)
    assert store.assessments.open(key) is None
    assert [a.levels for a in store.assessments.completed(key)] == [levels]
    assert slot_sets(events) == {"assessment_level": None, "assessment_note": None, "assessment_dimension": None,
                                 "consent_given": None, "assessment_revisit": None}


def test_taking_it_again_shows_changes(domain, store):
    consent(store)
    complete_assessment(domain, store, {"inspiring_shared_purpose": "essential", "leading_with_care": "strong"})
    messages, _ = complete_assessment(domain, store, {"inspiring_shared_purpose": "proficient",
                                                      "leading_with_care": "strong"})
    assert "Since last time: Inspiring shared purpose essential → proficient." in text_of(messages)
    messages, _ = run(ActionShowProfile(), make_tracker(), domain)
    assert "Since last time: Inspiring shared purpose essential → proficient." in text_of(messages)


def test_finish_without_an_assessment(domain, store):
    consent(store)
    messages, _ = run(ActionFinishAssessment(), make_tracker(), domain)
    assert "There's no self-assessment in progress to finish." in text_of(messages)


def test_pause_mid_assessment_reports_progress(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    store.assessments.save_rating(key, "leading_with_care", None, skipped=True)
    store.assessments.save_rating(key, "evaluating_information", "essential")
    tracker = make_tracker(text="stop", intent="stop", active_loop="assessment_form",
                           slots={"assessment_first": "connecting_our_service", "requested_slot": "assessment_level"})
    messages, events = run(ActionPause(), tracker, domain)
    text = text_of(messages)
    assert "Your answers so far are saved (3 of 9)" in text
    assert "we'll pick up from Connecting our service" in text
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert slot_sets(events)["requested_slot"] is None
    assert slot_sets(events)["assessment_dimension"] is None
    # the answers really are kept
    assert store.assessments.open(key).answered == ("inspiring_shared_purpose", "leading_with_care",
                                                  "evaluating_information")


def test_pause_with_nothing_running(domain):
    messages, _ = run(ActionPause(), make_tracker(text="stop", intent="stop"), domain)
    assert "There's nothing running just now" in text_of(messages)


def test_resume_after_pause(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    store.assessments.save_rating(key, "leading_with_care", "proficient")
    messages, _ = run(ActionStartAssessment(), make_tracker(text="carry on with my self-assessment"), domain)
    assert "Welcome back. You've answered 2 of 9, so let's carry on with Evaluating information." in text_of(messages)
    _, events = run(ActionAskAssessmentLevel(), make_tracker(active_loop="assessment_form"), domain)
    assert slot_sets(events) == {"assessment_dimension": "evaluating_information"}


def test_restart_on_request_keeps_completed(domain, store):
    key = consent(store)
    complete_assessment(domain, store, {"inspiring_shared_purpose": "strong"})
    store.assessments.save_rating(key, "inspiring_shared_purpose", "essential")
    messages, _ = run(ActionStartAssessment(), make_tracker(text="start the assessment again"), domain)
    assert "Starting afresh" in text_of(messages)
    assert store.assessments.open(key).ratings == ()
    assert len(store.assessments.completed(key)) == 1


def test_show_profile_before_and_after(domain, store):
    key = consent(store)
    messages, _ = run(ActionShowProfile(), make_tracker(text="show my profile"), domain)
    assert "You haven't completed a self-assessment yet." in text_of(messages)
    assert payloads(messages) == ["/start_self_assessment"]

    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    messages, _ = run(ActionShowProfile(), make_tracker(text="show my profile"), domain)
    assert "You haven't completed a self-assessment yet. Your self-assessment in progress has 1 of 9 answered " \
           "so far: Inspiring shared purpose: strong." in text_of(messages)

    store.assessments.save_rating(key, "leading_with_care", "essential")
    store.assessments.complete(key)
    messages, _ = run(ActionShowProfile(), make_tracker(text="show my profile"), domain)
    text = text_of(messages)
    assert "Here's your profile. Inspiring shared purpose: strong, Leading with care: essential." in text
    assert "Strengths to build on: Inspiring shared purpose." in text
    assert "Areas to develop: Leading with care." in text
    assert payloads(messages)[0] == '/start_reflection{"dimension":"leading_with_care"}'


def test_profiles_are_per_person(domain, store):
    consent(store)
    complete_assessment(domain, store, {"inspiring_shared_purpose": "strong", "leading_with_care": "essential"})
    other = consent(store, "someone-else")
    store.assessments.save_rating(other, "holding_to_account", "proficient")
    messages, _ = run(ActionShowProfile(), make_tracker(sender_id="someone-else"), domain)
    assert "You haven't completed a self-assessment yet. Your self-assessment in progress has 1 of 9 answered " \
           "so far: Holding to account: proficient." in text_of(messages)
    assert "Inspiring shared purpose" not in text_of(messages)


# --------------------------------------------------------------------------- reflection


def _start_reflection(domain, **kwargs):
    messages, events = run(ActionStartReflection(), make_tracker(**kwargs), domain)
    return messages, slot_sets(events)


def test_start_reflection_on_a_named_dimension(domain, store):
    messages, slots = _start_reflection(domain, text="reflect on holding to account", intent="start_reflection",
                                        entities=[entity("dimension", "holding to account")])
    assert slots["reflection_queue"] == ["receiving_end", "holding_to_account_1", "holding_to_account_2"]
    assert slots["reflection_dimension"] == "holding_to_account"
    assert slots["reflection_saved"] == 0.0
    assert "then two on Holding to account." in text_of(messages)
    assert "leave out anything that could identify a patient" in text_of(messages)


def test_ask_reflection_answer_asks_the_receiving_end_question_first(domain):
    tracker = make_tracker(slots={"reflection_queue": ["receiving_end", "holding_to_account_1"]},
                           active_loop="reflection_form")
    messages, _ = run(ActionAskReflectionAnswer(), tracker, domain)
    assert text_of(messages) == "What's it like being on the receiving end of me?"
    assert payloads(messages) == ["/skip", "/stop"]


def _reflection_slots(queue, saved=0.0):
    return {"reflection_queue": queue, "reflection_dimension": "holding_to_account", "reflection_saved": saved,
            "requested_slot": "reflection_answer"}


def test_reflection_answer_is_redacted_stored_and_popped(domain, store):
    key = consent(store)
    answer = "Honestly, tense. Mrs Green's daughter rang me on 07700 900123 to complain."
    slots, messages, events = form_turn(ValidateReflectionForm(), domain,
                                        _reflection_slots(["receiving_end", "holding_to_account_1"]),
                                        {"reflection_answer": answer}, answer, intent="inform",
                                        loop="reflection_form")
    assert slots["reflection_queue"] == ["holding_to_account_1"]
    assert slots["reflection_saved"] == 1.0
    assert slots["requested_slot"] == "reflection_answer"
    [saved] = store.reflections.recent(key)
    assert saved.prompt_id == "receiving_end" and saved.dimension_id is None
    assert saved.prompt_text == "What's it like being on the receiving end of me?"
    assert saved.answer == "Honestly, tense. [name] daughter rang me on [phone number] to complain."
    assert "I took out something that looked like a personal identifier" in text_of(messages)

    slots, _, _ = form_turn(ValidateReflectionForm(), domain, slots, {"reflection_answer": "I set clearer goals"},
                            "I set clearer goals", intent="inform", loop="reflection_form")
    assert slots["reflection_queue"] == []
    assert slots["reflection_saved"] == 2.0
    assert slots["requested_slot"] is None  # nothing left to ask: the form ends
    assert [(r.prompt_id, r.dimension_id) for r in store.reflections.recent(key)] == [
        ("holding_to_account_1", "holding_to_account"), ("receiving_end", None)]


def test_reflection_skip_pops_without_storing(domain, store):
    key = consent(store)
    slots, _, _ = form_turn(ValidateReflectionForm(), domain, _reflection_slots(["receiving_end", "holding_to_account_1"]),
                            {"reflection_answer": "/skip"}, "/skip", intent="skip", loop="reflection_form")
    assert slots["reflection_queue"] == ["holding_to_account_1"]
    assert slots["reflection_saved"] == 0.0
    assert store.reflections.recent(key) == []


def test_reflection_stop_steps_aside_without_storing(domain, store):
    """A short "stop" is a command: the form rejects, and the rule for stop pauses it (data/digressions.yml)."""
    key = consent(store)
    slots, messages, out = form_turn(ValidateReflectionForm(), domain, _reflection_slots(["receiving_end"]),
                                     {"reflection_answer": "stop"}, "stop", intent="stop", loop="reflection_form")
    assert {"event": "action_execution_rejected", "name": "reflection_form", "policy": None, "confidence": None,
            "timestamp": None} in out
    assert slots["reflection_answer"] is None and slots["reflection_queue"] == ["receiving_end"]
    assert messages == []
    assert store.reflections.recent(key) == []


def test_reflection_form_asks_consent_first(domain, store):
    form = ValidateReflectionForm()
    assert required(form, domain, {"reflection_queue": ["receiving_end"]}, loop="reflection_form") == [
        "consent_given", "reflection_answer"]
    consent(store)
    assert required(form, domain, {"reflection_queue": ["receiving_end"]}, loop="reflection_form") == [
        "reflection_answer"]
    assert required(form, domain, {"reflection_queue": []}, loop="reflection_form") == []


def test_second_session_rotates_prompts(domain, store):
    key = consent(store)
    store.reflections.add(key, "holding_to_account_1", "Q", "a", "holding_to_account")
    store.reflections.add(key, "holding_to_account_2", "Q", "b", "holding_to_account")
    _, slots = _start_reflection(domain, text="reflect on holding to account",
                                 entities=[entity("dimension", "holding to account")])
    assert slots["reflection_queue"] == ["receiving_end", "holding_to_account_3", "holding_to_account_4"]


def test_start_reflection_suggests_from_the_profile(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    store.assessments.save_rating(key, "engaging_the_team", "essential")
    store.assessments.complete(key)
    messages, slots = _start_reflection(domain, text="I'd like to reflect", intent="start_reflection")
    assert slots["reflection_dimension"] == "engaging_the_team"
    assert "then two on Engaging the team (it came up as an area to develop in your profile)." in text_of(messages)


def test_typed_request_for_a_reflection_uses_the_profile(domain, store):
    """"Can we do a reflection" names no dimension; the keyword "reflection" belongs to
    Developing capability, so the profile's suggestion is ignored."""
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    store.assessments.save_rating(key, "engaging_the_team", "essential")
    store.assessments.complete(key)
    _, slots = _start_reflection(domain, text="can we do a reflection", intent="start_reflection")
    assert slots["reflection_dimension"] == "engaging_the_team"


def test_start_reflection_early_career(domain, store):
    messages, slots = _start_reflection(domain, text="reflect with me", intent="start_reflection",
                                        slots={"career_stage": "early_career"})
    assert slots["reflection_queue"] == ["receiving_end", "ec_self_awareness", "ec_interpersonal_communication"]
    assert slots["reflection_dimension"] is None
    assert "self-awareness and interpersonal and communication skills" in text_of(messages)


def test_early_career_reflection_moves_on_to_unused_focus_areas(domain, store):
    key = consent(store)
    store.reflections.add(key, "ec_self_awareness", "Q", "a", "leading_with_care")
    store.reflections.add(key, "ec_interpersonal_communication", "Q", "b", "engaging_the_team")
    _, slots = _start_reflection(domain, text="reflect with me", slots={"career_stage": "early_career"})
    assert slots["reflection_queue"] == ["receiving_end", "ec_professionalism_fairness", "ec_team_working"]


def test_ask_reflection_answer_for_an_early_career_prompt_and_an_empty_queue(domain):
    tracker = make_tracker(slots={"reflection_queue": ["ec_question_and_challenge"]}, active_loop="reflection_form")
    messages, _ = run(ActionAskReflectionAnswer(), tracker, domain)
    assert text_of(messages).startswith("Was there a moment recently when you wanted to ask a question")
    messages, _ = run(ActionAskReflectionAnswer(), make_tracker(slots={"reflection_queue": []}), domain)
    assert text_of(messages) == "That's all the questions I had."


def test_consent_given_in_the_reflection_form(domain, store):
    slots = {"reflection_queue": ["receiving_end"], "requested_slot": "consent_given"}
    slots, messages, events = form_turn(ValidateReflectionForm(), domain, slots, {"consent_given": True}, "/affirm",
                                        intent="affirm", loop="reflection_form")
    assert store.people.has_consent(user_key(USER)) is True
    assert slot_sets(events) == {"consent_given": True, "requested_slot": "reflection_answer"}


def test_finish_reflection(domain, store):
    consent(store)
    tracker = make_tracker(slots={"reflection_saved": 2.0, "reflection_dimension": "holding_to_account"})
    messages, events = run(ActionFinishReflection(), tracker, domain)
    assert "I've saved 2 answers, and only you can see them." in text_of(messages)
    assert '/ask_recommendation{"dimension":"holding_to_account"}' in payloads(messages)
    assert slot_sets(events)["reflection_queue"] is None


def test_finish_reflection_after_declining(domain, store):
    messages, _ = run(ActionFinishReflection(), make_tracker(slots={"consent_given": False}), domain)
    assert "nothing has been saved" in text_of(messages)
    assert "What's it like being on the receiving end of me?" in text_of(messages)


def test_show_reflections_lists_them_and_only_to_their_owner(domain, store):
    key = consent(store)
    store.reflections.add(key, "receiving_end", "Q", "Calm but rushed", None)
    store.reflections.add(key, "leading_with_care_1", "Q", "I checked in with a quiet colleague", "leading_with_care")
    messages, _ = run(ActionShowReflections(), make_tracker(text="show my reflections"), domain)
    text = text_of(messages)
    assert text.startswith("Your most recent reflections (newest first):\n")
    lines = text.splitlines()[1:]
    assert lines[0].endswith(', Leading with care: "I checked in with a quiet colleague"')
    assert lines[1].endswith(', How others experience you: "Calm but rushed"')

    other = consent(store, "another-sender")  # a real, consenting second person
    store.reflections.add(other, "receiving_end", "Q", "Someone else's thoughts", None)
    messages, _ = run(ActionShowReflections(), make_tracker(sender_id="another-sender"), domain)
    assert "Someone else's thoughts" in text_of(messages)
    assert "quiet colleague" not in text_of(messages)
    messages, _ = run(ActionShowReflections(), make_tracker(sender_id="a-third-sender"), domain)
    assert text_of(messages) == "You haven't saved any reflections yet."
    assert "quiet colleague" not in text_of(messages)


def test_show_reflections_shortens_long_answers(domain, store):
    key = consent(store)
    store.reflections.add(key, "receiving_end", "Q", "word " * 200, None)
    messages, _ = run(ActionShowReflections(), make_tracker(), domain)
    line = text_of(messages).splitlines()[1]
    assert line.endswith('…"')
    assert len(line) < 360


# --------------------------------------------------------------------------- recommendations


def test_recommend_for_a_dimension(domain, store):
    tracker = make_tracker(text="courses for holding to account", intent="ask_recommendation",
                           entities=[entity("dimension", "holding to account")])
    messages, events = run(ActionRecommend(), tracker, domain)
    text = text_of(messages)
    assert text.startswith("Learning for Holding to account:\n• Mary Seacole programme")
    assert text.count("\n• ") == 3
    assert payloads(messages) == ['/start_reflection{"dimension":"holding_to_account"}']
    assert events == []


def test_recommend_for_a_career_stage(domain, store):
    key = consent(store)
    tracker = make_tracker(text="I'm a new ward manager", intent="ask_recommendation",
                           entities=[entity("career_stage", "ward manager")])
    messages, events = run(ActionRecommend(), tracker, domain)
    assert slot_sets(events) == {"career_stage": "first_role"}
    assert text_of(messages).startswith("Learning for someone at your stage (first formal leadership role):")
    assert store.people.career_stage(key) == "first_role"  # kept, because the person agreed to storage


def test_recommend_does_not_store_stage_without_consent(domain, store):
    tracker = make_tracker(text="I'm a matron", intent="ask_recommendation",
                           entities=[entity("career_stage", "matron")])
    _, events = run(ActionRecommend(), tracker, domain)
    assert slot_sets(events) == {"career_stage": "mid_level"}
    assert store.people.career_stage(user_key(USER)) is None


def test_recommend_from_last_profile(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "exemplary")
    store.assessments.save_rating(key, "evaluating_information", "essential")
    store.assessments.complete(key)
    messages, _ = run(ActionRecommend(), make_tracker(text="/ask_recommendation", intent="ask_recommendation"),
                      domain)
    text = text_of(messages)
    assert text.startswith("Learning from your last profile, for Evaluating information:\n• ")
    assert payloads(messages) == ['/start_reflection{"dimension":"evaluating_information"}']


@pytest.mark.parametrize("typed", ["what learning would help me", "suggest some training pls",
                                   "next steps for my development"])
def test_typed_request_for_learning_uses_the_profile(domain, store, typed):
    """Asking for "learning", "training" or "development" in your own words is a request for
    recommendations, not a mention of Developing capability (whose keywords include those words)."""
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "exemplary")
    store.assessments.save_rating(key, "evaluating_information", "essential")
    store.assessments.complete(key)
    messages, _ = run(ActionRecommend(), make_tracker(text=typed, intent="ask_recommendation"), domain)
    assert text_of(messages).startswith("Learning from your last profile, for Evaluating information:")


def test_recommend_with_nothing_to_go_on(domain, store):
    messages, _ = run(ActionRecommend(), make_tracker(text="any courses?", intent="ask_recommendation"), domain)
    text = text_of(messages)
    assert text.startswith("Here are three good places to start.")
    assert text.count("\n• ") == 3
    assert payloads(messages) == [
        '/ask_recommendation{"career_stage":"early_career"}',
        '/ask_recommendation{"career_stage":"first_role"}',
        '/ask_recommendation{"career_stage":"mid_level"}',
        '/ask_recommendation{"career_stage":"senior"}',
    ]


def test_recommend_for_early_career_gives_the_gentle_path(domain, store):
    tracker = make_tracker(text="I'm a student nurse", intent="ask_recommendation",
                           entities=[entity("career_stage", "student nurse")])
    messages, events = run(ActionRecommend(), tracker, domain)
    assert "A gentle path to start on:\n• enhance Leadership Resource Guide: First Principles" in text_of(messages)
    assert slot_sets(events) == {"career_stage": "early_career"}


def test_early_career(domain, store):
    messages, events = run(ActionEarlyCareer(), make_tracker(text="I'm early in my career", intent="early_career"),
                           domain)
    text = text_of(messages)
    assert text.startswith("Leadership doesn't arrive with a job title.")
    assert "Five things that matter most early on:\n• Self-awareness:" in text
    assert '"What\'s it like being on the receiving end of me?"' in text
    assert "A gentle path to start on:\n• enhance Leadership Resource Guide: First Principles (" in text
    assert slot_sets(events) == {"career_stage": "early_career"}


# --------------------------------------------------------------------------- signposting


def test_signpost_outside_a_form(domain, store):
    messages, events = run(ActionSignpost(), make_tracker(text="I can't cope", intent="express_distress"), domain)
    text = text_of(messages)
    assert text.startswith("Thank you for telling me.")
    assert "call 999" in text
    assert "Samaritans: Call 116 123" in text
    assert "Text FRONTLINE to 85258" in text
    assert "not a crisis service" in text
    assert events == []
    assert payloads(messages) == ["/ask_capabilities"]


def test_signpost_inside_a_form_stops_it_and_offers_to_carry_on(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    tracker = make_tracker(text="I want to end it all", intent="express_distress", active_loop="assessment_form",
                           slots={"requested_slot": "assessment_note"})
    messages, events = run(ActionSignpost(), tracker, domain)
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert slot_sets(events) == {"requested_slot": None}
    assert "116 123" in text_of(messages)
    assert payloads(messages) == ["/start_self_assessment", "/ask_capabilities"]


def test_signpost_works_when_the_database_is_unreachable(domain, unwritable_database):
    tracker = make_tracker(text="I don't want to be here any more", intent="express_distress",
                           active_loop="reflection_form")
    messages, events = run(ActionSignpost(), tracker, domain)
    text = text_of(messages)
    assert "116 123" in text and "999" in text
    assert {"event": "active_loop", "name": None, "timestamp": None} in events
    assert STORAGE_TROUBLE not in text
    assert payloads(messages) == ["/ask_capabilities"]


def test_signpost_followup(domain):
    messages, _ = run(ActionSignpostFollowup(), make_tracker(text="I'm fine"), domain)
    assert text_of(messages).startswith("That's OK, and thank you for letting me know.")


# --------------------------------------------------------------------------- storage failures


GUARDED_ACTIONS = [
    ActionStartAssessment,
    ActionAskAssessmentLevel,
    ActionFinishAssessment,
    ActionShowProfile,
    ActionStartReflection,
    ActionShowReflections,
    ActionRecommend,
    ActionEarlyCareer,
]


@pytest.mark.parametrize("failure", ["unwritable_database", "unopenable_database"])
@pytest.mark.parametrize("action_class", GUARDED_ACTIONS, ids=lambda c: c.__name__)
def test_storage_failure_gives_a_kind_message(domain, request, failure, action_class):
    request.getfixturevalue(failure)
    tracker = make_tracker(text="hello", slots={"career_stage": "early_career"}, active_loop="assessment_form")
    messages, events = run(action_class(), tracker, domain)
    assert STORAGE_TROUBLE in text_of(messages)
    assert events == []


def test_pause_with_storage_failure(domain, unopenable_database):
    messages, _ = run(ActionPause(), make_tracker(text="stop", active_loop="assessment_form"), domain)
    assert text_of(messages) == STORAGE_TROUBLE


# (form, loop, slots already held, what Rasa extracted this turn, the text typed)
FORM_TURNS = {
    "assessment.consent_given": (ValidateAssessmentForm, "assessment_form", {"requested_slot": "consent_given"},
                                 {"consent_given": True}, "yes"),
    "assessment.level": (ValidateAssessmentForm, "assessment_form", {"requested_slot": "assessment_level"},
                         {"assessment_level": "strong"}, "strong"),
    "assessment.note": (ValidateAssessmentForm, "assessment_form",
                        {"requested_slot": "assessment_note", "assessment_level": "strong"},
                        {"assessment_note": "a note"}, "a note"),
    "reflection.answer": (ValidateReflectionForm, "reflection_form",
                          {"requested_slot": "reflection_answer", "reflection_queue": ["receiving_end"]},
                          {"reflection_answer": "an answer"}, "an answer"),
}


@pytest.mark.parametrize("failure", ["unopenable_database", "unwritable_database"])
@pytest.mark.parametrize("which", list(FORM_TURNS))
def test_form_validation_storage_failure_gives_a_kind_message(domain, request, failure, which):
    """A database that cannot be reached must not crash a form mid-conversation, nor let it move on
    as if the answer had been saved: the kind message, and what was extracted is emptied again."""
    form_class, loop, slots, candidates, text = FORM_TURNS[which]
    request.getfixturevalue(failure)
    _, messages, events = form_turn(form_class(), domain, slots, candidates, text, loop=loop)
    assert STORAGE_TROUBLE in text_of(messages)
    assert slot_sets(events) == {name: None for name in candidates}


def test_the_action_server_registers_every_action():
    """What `rasa run actions` does at start-up: shared bases must not be taken for actions."""
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    domain_actions = set(_domain_dict_actions())
    assert domain_actions <= set(executor.actions), sorted(domain_actions - set(executor.actions))


def _domain_dict_actions():
    """The action names of domain.yml (an entry is a name, or {name: {send_domain: ...}})."""
    import yaml

    entries = yaml.safe_load(open(Path(__file__).resolve().parent.parent / "domain.yml"))["actions"]
    return [name for entry in entries for name in ([entry] if isinstance(entry, str) else entry)]


# --------------------------------------------------------------------------- situations

from actions.situations import ActionRespondSituation, ActionSituationFollowup  # noqa: E402


def _situation_tracker(text, dims, sender=USER):
    tracker = make_tracker(sender, text=text, intent="describe_situation")
    tracker.latest_message["situation"] = {"dimensions": dims, "ranking": []}
    return tracker


def test_a_situation_names_its_dimensions_and_asks_before_advising(domain, store):
    text = "Sam on my team is late nearly every shift, ring me on 07700 900123"
    messages, events = run(ActionRespondSituation(), _situation_tracker(text, ["holding_to_account",
                                                                                "leading_with_care"]), domain)
    said = text_of(messages)
    c = get_content()
    assert "Holding to account, because " + c.dimension("holding_to_account").situation_why in said
    assert "and on Leading with care" in said
    assert c.dimension("holding_to_account").situation_question in said
    assert said.count("?") >= 1 and "should" not in said.lower()  # a question, not advice
    assert payloads(messages) == ['/start_reflection{"dimension":"holding_to_account"}',
                                  '/ask_level{"dimension":"holding_to_account"}',
                                  '/ask_recommendation{"dimension":"holding_to_account"}']
    slots = slot_sets(events)
    assert slots["situation_dimensions"] == ["holding_to_account", "leading_with_care"]
    assert "07700 900123" not in slots["situation_text"] and "[phone number]" in slots["situation_text"]
    assert store.people.has_consent(user_key(USER)) is False  # nothing stored by naming a situation


def test_a_situation_the_model_cannot_place_gets_a_question_not_a_shrug(domain):
    messages, _ = run(ActionRespondSituation(), _situation_tracker("it's all a bit much at work", []), domain)
    assert text_of(messages) == get_content().say("situation.unsure")


def _after(action_name, text, intent, slots, entities=None):
    events = [{"event": "action", "name": action_name}, {"event": "action", "name": "action_listen"},
              {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}]
    return make_tracker(text=text, intent=intent, slots=slots, events=events, entities=entities)


def test_a_reflection_started_from_a_situation_is_stored_with_it(domain, store):
    key = consent(store)
    situation = "the night team leave the bay in a state and nobody says anything"
    tracker = _after("action_respond_situation", '/start_reflection{"dimension":"holding_to_account"}',
                     "start_reflection", {"situation_text": situation,
                                          "situation_dimensions": ["holding_to_account"]},
                     entities=[entity("dimension", "holding_to_account")])
    messages, events = run(ActionStartReflection(), tracker, domain)
    assert get_content().say("reflection.about_situation", dimension="Holding to account") in text_of(messages)
    slots = slot_sets(events)
    assert slots["situation_text"] == situation
    slots, _, _ = form_turn(ValidateReflectionForm(), domain, {**slots, "requested_slot": "reflection_answer"},
                            {"reflection_answer": "I avoid saying it because I want to be liked"},
                            "I avoid saying it because I want to be liked", intent="inform", loop="reflection_form")
    stored = store.reflections.recent(key)
    assert [r.situation for r in stored] == [situation]
    messages, _ = run(ActionShowReflections(), make_tracker(), domain)
    assert "the night team leave the bay" in text_of(messages)


def test_a_stale_situation_is_not_carried_into_a_later_reflection(domain, store):
    consent(store)
    tracker = _after("action_list_dimensions", "I'd like to reflect", "start_reflection",
                     {"situation_text": "an old situation", "situation_dimensions": ["engaging_the_team"]})
    _, events = run(ActionStartReflection(), tracker, domain)
    assert slot_sets(events)["situation_text"] is None


def test_thinking_after_the_situation_question_is_acknowledged_not_kept(domain, store):
    tracker = make_tracker(text="I think I avoid it because I'm new", intent="describe_situation",
                           slots={"situation_dimensions": ["holding_to_account"]})
    messages, events = run(ActionSituationFollowup(), tracker, domain)
    assert text_of(messages) == get_content().say("situation.followup")
    assert payloads(messages) == ['/start_reflection{"dimension":"holding_to_account"}']
    assert events == [] and store.reflections.recent(user_key(USER)) == []


# --------------------------------------------------------------------------- learning by topic and by name

from actions.recommend import ActionDescribeOffer  # noqa: E402


@pytest.mark.parametrize("text, topic_word", [
    ("anything on compassionate leadership?", "compassion"),
    ("any courses on coaching", "coaching"),
    ("what about inclusion training", "inclusi"),
])
def test_learning_by_topic_answers_with_offers_for_that_topic(domain, store, text, topic_word):
    messages, _ = run(ActionRecommend(), make_tracker(text=text, intent="ask_recommendation"), domain)
    said = text_of(messages)
    assert said.startswith("Learning on ") and topic_word in said.lower().split("\n")[0]
    generic, _ = run(ActionRecommend(), make_tracker(text="any courses for me", intent="ask_recommendation"),
                     domain)
    assert said != text_of(generic)  # not the same three generic suggestions


def test_a_named_programme_is_described(domain):
    messages, _ = run(ActionDescribeOffer(), make_tracker(text="what is the mary seacole programme?",
                                                          intent="ask_offer"), domain)
    said = text_of(messages)
    offer = get_content().offer("mary_seacole")
    assert said.startswith(offer.title) and offer.link in said and offer.audience in said


def test_a_named_programme_in_a_learning_request_is_described_too(domain):
    messages, _ = run(ActionRecommend(), make_tracker(text="is the edward jenner programme any good for me",
                                                      intent="ask_recommendation"), domain)
    assert text_of(messages).startswith(get_content().offer("edward_jenner").title)


def test_an_unknown_programme_gets_a_way_forward(domain):
    messages, _ = run(ActionDescribeOffer(), make_tracker(text="what is the florence programme",
                                                          intent="ask_offer"), domain)
    assert text_of(messages) == get_content().say("recommend.which_offer")
    assert payloads(messages) == ["/ask_recommendation"]


# --------------------------------------------------------------------------- wellbeing tier

from actions.safety import ActionSupportWellbeing  # noqa: E402


def _wellbeing_tracker(text, topics=(), speak_up=False, loop=None):
    tracker = make_tracker(text=text, intent="express_wellbeing", active_loop=loop)
    tracker.latest_message["wellbeing"] = {"tier": "wellbeing", "topics": list(topics), "speak_up": speak_up}
    return tracker


def test_wellbeing_is_met_warmly_with_staff_support_and_no_999(domain):
    messages, events = run(ActionSupportWellbeing(), _wellbeing_tracker("so stressed about the CQC visit"), domain)
    said = text_of(messages)
    w = get_content().signposting.wellbeing
    assert said.startswith(w.opening)
    assert "999" not in said and "NHS Practitioner Health" in said and "Who it's for:" in said
    assert "Freedom to Speak Up" not in said  # only for bullying and safety concerns
    assert payloads(messages) == ["/start_reflection", "/ask_capabilities"]
    assert events == []


def test_bullying_adds_the_speak_up_routes(domain):
    messages, _ = run(ActionSupportWellbeing(), _wellbeing_tracker("my manager keeps belittling me in front of "
                                                                   "everyone", ["bullying"], True), domain)
    said = text_of(messages)
    assert "Freedom to Speak Up Guardian" in said and "trade union" in said and "999" not in said


def test_wellbeing_inside_a_form_lets_the_form_carry_on(domain):
    messages, _ = run(ActionSupportWellbeing(), _wellbeing_tracker("im exhausted", loop="assessment_form"), domain)
    assert payloads(messages) == []  # the form asks its question again straight after


def test_a_situation_about_bullying_also_gets_the_speak_up_routes(domain):
    tracker = _situation_tracker("my manager keeps belittling me in front of the team", ["leading_with_care"])
    tracker.latest_message["wellbeing"] = {"tier": "wellbeing", "topics": ["bullying"], "speak_up": True}
    messages, _ = run(ActionRespondSituation(), tracker, domain)
    said = text_of(messages)
    assert "That sounds like it touches on Leading with care" in said
    assert "Freedom to Speak Up Guardian" in said and "999" not in said
    plain, _ = run(ActionRespondSituation(), _situation_tracker("nobody talks at huddles", ["engaging_the_team"]),
                   domain)
    assert "Freedom to Speak Up" not in text_of(plain) and "toll on you" not in text_of(plain)


def test_a_level_asked_about_mid_assessment_is_explained_for_the_dimension_being_asked(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    tracker = make_tracker(text="what does proficient mean here", intent="ask_level", active_loop="assessment_form",
                           entities=[entity("level", "proficient")])
    messages, _ = run(ActionExplainLevel(), tracker, domain)
    dim = get_content().dimension("leading_with_care")
    assert text_of(messages).startswith(f"Proficient in Leading with care: {dim.levels['proficient']}")
    outside, _ = run(ActionExplainLevel(), make_tracker(text="what does proficient mean", intent="ask_level",
                                                        entities=[entity("level", "proficient")]), domain)
    assert text_of(outside).startswith("Proficient: ")  # in general when no assessment is running


# --------------------------------------------------------------------------- forms that listen

import yaml  # noqa: E402
from rasa_sdk.events import FollowupAction  # noqa: E402

from actions.assessment import ActionChangeAnswer  # noqa: E402
from actions.forms import DIGRESSIONS, is_digression  # noqa: E402

REJECTED = {"reflection_form": {"event": "action_execution_rejected", "name": "reflection_form", "policy": None,
                                "confidence": None, "timestamp": None},
            "assessment_form": {"event": "action_execution_rejected", "name": "assessment_form", "policy": None,
                                "confidence": None, "timestamp": None}}


def test_every_digression_has_a_rule_in_both_forms(domain):
    rules = yaml.safe_load((Path(__file__).resolve().parent.parent / "data" / "digressions.yml").read_text())["rules"]
    covered = {(r["condition"][0]["active_loop"], r["steps"][0]["intent"]) for r in rules}
    for form in ("assessment_form", "reflection_form"):
        for intent in DIGRESSIONS:
            assert intent in domain["intents"], intent
            assert (form, intent) in covered, f"no rule for {intent} during {form}"
    # ...and the level question never takes a digression as its answer (it is excluded from the mapping).
    level_mapping = domain["slots"]["assessment_level"]["mappings"][0]
    assert DIGRESSIONS <= set(level_mapping["not_intent"])


@pytest.mark.parametrize("text,intent,confidence,expected", [
    ("show my reflections", "show_reflections", 0.9, True),
    ("what's my profile?", "show_profile", 0.8, True),
    ("stop", "stop", 0.99, True),
    ("help", "ask_capabilities", 0.7, True),
    ("/show_profile", "show_profile", 1.0, True),
    ("could you remind me what the nine dimensions are again before I carry on with this", "list_dimensions", 0.6,
     True),
    ("what does proficient actually look like for someone like me who has only been qualified a year?", "ask_level",
     0.7, True),
    ("sorry hang on, what does exemplary look like for someone like me on a community team", "ask_level", 0.7, True),
    # Answers that happen to contain a command's words
    ("I need to stop taking everything on myself and let the band 6s run the board round", "stop", 0.7, False),
    ("when I show my team the audit results they go quiet and I end up doing all the talking", "show_reflections",
     0.55, False),
    ("my ward manager says my profile on the unit is growing and people come to me for advice now", "show_profile",
     0.6, False),
    # Naming a reflection or an assessment is not asking to start one; asking is
    ("my private reflection about a difficult colleague", "start_reflection", 0.8, False),
    ("the self assessment at work made me feel useless", "start_self_assessment", 0.7, False),
    ("can we do a reflection on engaging the team instead", "start_reflection", 0.9, True),
    ("I'd like to reflect on leading with care", "start_reflection", 0.9, True),
    ("let's do the self assessment", "start_self_assessment", 0.9, True),
    ("new reflection please", "start_reflection", 0.9, True),
    ("self assessment", "start_self_assessment", 0.9, True),
    # Not a command at all, or a guess
    ("they just ignore me", "describe_situation", 0.9, False),
    ("profile", "show_profile", 0.3, False),
])
def test_what_counts_as_a_digression(text, intent, confidence, expected):
    tracker = make_tracker(text=text, intent=intent, active_loop="reflection_form")
    tracker.latest_message["intent"]["confidence"] = confidence
    assert is_digression(tracker) is expected


def test_a_question_inside_the_reflection_is_answered_not_stored(domain, store):
    key = consent(store)
    slots, messages, out = form_turn(ValidateReflectionForm(), domain, _reflection_slots(["receiving_end"]),
                                     {"reflection_answer": "show my reflections"}, "show my reflections",
                                     intent="show_reflections", loop="reflection_form")
    assert REJECTED["reflection_form"] in out and messages == []
    assert slots["reflection_answer"] is None and slots["reflection_queue"] == ["receiving_end"]
    assert store.reflections.recent(key) == []


def test_a_long_answer_containing_stop_is_stored(domain, store):
    key = consent(store)
    answer = "I need to stop taking everything on myself and let the band 6s run the board round"
    slots, _, out = form_turn(ValidateReflectionForm(), domain, _reflection_slots(["receiving_end"]),
                              {"reflection_answer": answer}, answer, intent="stop", loop="reflection_form")
    assert REJECTED["reflection_form"] not in out
    assert [r.answer for r in store.reflections.recent(key)] == [answer]
    assert slots["reflection_saved"] == 1.0


def test_a_question_instead_of_a_note_is_answered_not_stored(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    slots = {"assessment_level": "strong", "requested_slot": "assessment_note"}
    slots, messages, out = form_turn(ValidateAssessmentForm(), domain, slots,
                                     {"assessment_note": "what does proficient mean?"}, "what does proficient mean?",
                                     intent="ask_level", entities=[entity("level", "proficient")])
    assert REJECTED["assessment_form"] in out and messages == []
    assert store.assessments.open(key).rating("inspiring_shared_purpose").note is None


def _consent_turn(text, intent="describe_situation", slots=None):
    base = {**_reflection_slots(["receiving_end", "holding_to_account_1"]), "requested_slot": "consent_given",
            **(slots or {})}
    value = {"affirm": True, "deny": False}.get(intent, text)
    return form_turn(ValidateReflectionForm(), domain_dict(), base, {"consent_given": value}, text, intent=intent,
                     loop="reflection_form")


def domain_dict():
    from conftest import _domain_dict
    return _domain_dict()


def test_text_typed_while_consent_is_pending_is_kept_when_the_person_agrees(domain, store):
    typed = "Sam keeps turning up late and I have not said anything to him yet because I hate conflict"
    slots, messages, _ = _consent_turn(typed)
    assert messages == [] and slots["consent_given"] is None
    assert slots["pending_text"].endswith("because I hate conflict")
    assert store.reflections.recent(user_key(USER)) == []  # nothing kept before the answer
    # The question comes again, in other words, saying what will be kept.
    asked, _ = run(ActionAskConsentGiven(), make_tracker(slots=slots, active_loop="reflection_form", events=[
        {"event": "bot", "text": get_content().say("consent_ask_reflection")}]), domain)
    assert text_of(asked) == get_content().say("consent_ask_pending")
    slots, messages, _ = _consent_turn("yes", intent="affirm", slots=slots)
    assert slots["consent_given"] is True and slots["pending_text"] is None and slots["reflection_saved"] == 1.0
    assert "kept what you wrote first" in text_of(messages)
    rows = store.reflections.recent(user_key(USER))
    assert [(r.prompt_id, r.dimension_id) for r in rows] == [("own_words", "holding_to_account")]
    assert rows[0].answer.endswith("because I hate conflict")


def test_more_text_typed_while_consent_is_pending_adds_to_what_is_held(domain, store):
    """Two messages before the answer (someone who keeps writing): both are kept, neither replaces the
    other; the same message sent twice is held once."""
    first = "honestly I think people find me a bit abrupt when it is busy"
    second = "and I never ask the students how they are getting on"
    slots, _, _ = _consent_turn(first)
    slots, _, _ = _consent_turn(second, slots=slots)
    slots, _, _ = _consent_turn(second, slots=slots)  # sent again (a retry)
    assert slots["pending_text"] == f"{first}\n\n{second}"
    slots, messages, _ = _consent_turn("yes", intent="affirm", slots=slots)
    rows = store.reflections.recent(user_key(USER))
    assert len(rows) == 1 and first in rows[0].answer and second in rows[0].answer


def test_text_typed_while_consent_is_pending_is_dropped_when_the_person_declines(domain, store):
    slots, _, _ = _consent_turn("the handover on our ward is chaos and nobody owns it")
    slots, _, _ = _consent_turn("no", intent="deny", slots=slots)
    assert slots["consent_given"] is False and slots["requested_slot"] is None
    assert store.reflections.recent(user_key(USER)) == []
    assert store.people.has_consent(user_key(USER)) is False
    messages, events = run(ActionFinishReflection(), make_tracker(slots=slots), domain)
    assert "nothing has been saved" in text_of(messages) and slot_sets(events)["pending_text"] is None


def test_a_short_reply_to_the_consent_question_is_not_held(domain, store):
    slots, _, _ = _consent_turn("why?", intent="out_of_scope")
    assert slots.get("pending_text") is None


def test_the_level_question_is_not_sent_twice_in_a_row(domain, store):
    consent(store)
    tracker = make_tracker(slots={"requested_slot": "assessment_level"}, active_loop="assessment_form")
    first, _ = run(ActionAskAssessmentLevel(), tracker, domain)
    again, _ = run(ActionAskAssessmentLevel(), make_tracker(
        slots={"requested_slot": "assessment_level"}, active_loop="assessment_form",
        events=[{"event": "bot", "text": text_of(first)}]), domain)
    assert text_of(again) != text_of(first)
    assert text_of(again).startswith("Which of the four feels closest for Inspiring shared purpose")
    assert payloads(again) == payloads(first)
    # After a reply that was not a level (the validator's nudge in between): the short form again...
    slots = {"requested_slot": "assessment_level", "assessment_dimension": "inspiring_shared_purpose"}
    nudged, _ = run(ActionAskAssessmentLevel(), make_tracker(slots=slots, active_loop="assessment_form", events=[
        {"event": "bot", "text": text_of(first)}, {"event": "user", "text": "banana"},
        {"event": "bot", "text": get_content().say("assessment.no_level")}]), domain)
    assert text_of(nudged).startswith("Which of the four feels closest")
    # ...but after a question answered in the middle, the whole question, since the levels have scrolled away.
    resumed, _ = run(ActionAskAssessmentLevel(), make_tracker(slots=slots, active_loop="assessment_form", events=[
        {"event": "bot", "text": text_of(first)}, {"event": "user", "text": "show my profile"},
        {"event": "action", "name": "action_show_profile"}, {"event": "bot", "text": "Your profile..."}]), domain)
    assert text_of(resumed) == text_of(first)


# --------------------------------------------------------------------------- more of what people ask


def test_compare_two_levels_in_general_and_in_a_dimension(domain, store):
    c = get_content()
    messages, _ = run(ActionExplainLevel(), make_tracker(
        text="what's the difference between strong and essential", intent="ask_level",
        entities=[entity("level", "strong")]), domain)
    said = text_of(messages)
    assert said.startswith(f"Essential: {c.scale.get('essential').summary}")
    assert f"Strong: {c.scale.get('strong').summary}" in said
    messages, events = run(ActionExplainLevel(), make_tracker(
        text="essential vs exemplary for holding to account", intent="ask_level",
        entities=[entity("level", "essential"), entity("level", "exemplary"),
                  entity("dimension", "holding to account")]), domain)
    dim = c.dimension("holding_to_account")
    said = text_of(messages)
    assert said.startswith("Essential and Exemplary in Holding to account")
    assert dim.levels["essential"] in said and dim.levels["exemplary"] in said
    assert slot_sets(events) == {"dimension": "holding_to_account", "compared_levels": ["essential", "exemplary"]}


@pytest.mark.parametrize("action", [ActionExplainDimension, ActionExplainLevel])
def test_a_comparison_followed_by_a_dimension_compares_there(domain, action):
    after = [{"event": "action", "name": "action_explain_level"}, {"event": "bot", "text": "Essential: ..."},
             {"event": "action", "name": "action_listen"}, {"event": "user", "text": "and in engaging the team?"}]
    tracker = make_tracker(text="and in engaging the team?", intent="ask_dimension", events=after,
                           slots={"compared_levels": ["essential", "exemplary"]},
                           entities=[entity("dimension", "engaging the team")])
    messages, _ = run(action(), tracker, domain)
    assert text_of(messages).startswith("Essential and Exemplary in Engaging the team")
    # Any other time, naming a dimension explains it (or its levels) as usual.
    tracker = make_tracker(text="and in engaging the team?", intent="ask_dimension",
                           slots={"compared_levels": ["essential", "exemplary"]},
                           entities=[entity("dimension", "engaging the team")],
                           events=[{"event": "action", "name": "action_recommend"}, {"event": "user", "text": "x"}])
    messages, _ = run(action(), tracker, domain)
    assert "Essential and Exemplary" not in text_of(messages)


def test_compare_mid_assessment_uses_the_dimension_being_asked(domain, store):
    consent(store)
    messages, _ = run(ActionExplainLevel(), make_tracker(
        text="difference between proficient and strong here?", intent="ask_level", active_loop="assessment_form"),
        domain)
    assert text_of(messages).startswith("Proficient and Strong in Inspiring shared purpose")


def test_the_model_in_a_sentence(domain):
    messages, _ = run(ActionListDimensions(), make_tracker(text="explain the model in a sentence",
                                                           intent="list_dimensions"), domain)
    said = text_of(messages)
    assert said.startswith("In a sentence:") and said.count(".") <= 3 and "1. " not in said
    full, _ = run(ActionListDimensions(), make_tracker(text="what are the dimensions", intent="list_dimensions"),
                  domain)
    assert "1. Inspiring shared purpose" in text_of(full)


def test_change_one_answer_after_a_finished_assessment(domain, store):
    key = consent(store)
    complete_assessment(domain, store, {d: "proficient" for d in DIMENSION_IDS})
    messages, events = run(ActionChangeAnswer(), make_tracker(
        text="change my answer for sharing the vision", intent="change_answer",
        entities=[entity("dimension", "sharing the vision")]), domain)
    assert "Let's look at Sharing the vision again. Last time you chose proficient." in text_of(messages)
    assert FollowupAction("assessment_form") in events
    slots = {**slot_sets(events), "requested_slot": "assessment_level"}
    assert slots["assessment_revisit"] == "sharing_the_vision"
    asked, _ = run(ActionAskAssessmentLevel(), make_tracker(slots=slots, active_loop="assessment_form"), domain)
    assert text_of(asked).startswith("Changing your answer for Sharing the vision")
    form = ValidateAssessmentForm()
    slots, _, _ = form_turn(form, domain, slots, {"assessment_level": "strong"}, "strong", intent="choose_level",
                            entities=[entity("level", "strong")])
    assert slots["assessment_revisit"] is None and slots["requested_slot"] == "assessment_note"
    slots, _, _ = form_turn(form, domain, slots, {"assessment_note": "I led the away day"}, "I led the away day",
                            intent="inform")
    assert slots["requested_slot"] is None  # nothing else to ask: the form finishes
    finished, _ = run(ActionFinishAssessment(), make_tracker(slots=slots), domain)
    assert "Sharing the vision proficient → strong" in text_of(finished)
    latest = store.assessments.completed(key, limit=1)[0]
    assert latest.rating("sharing_the_vision").level == "strong"
    assert latest.rating("sharing_the_vision").note == "I led the away day"
    assert latest.rating("engaging_the_team").level == "proficient"
    assert len(store.assessments.completed(key)) == 2  # the first one is kept as it was


def test_change_an_answer_without_naming_one_asks_which(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    messages, events = run(ActionChangeAnswer(), make_tracker(text="can i change one of my answers",
                                                              intent="change_answer"), domain)
    assert "Which dimension" in text_of(messages)
    assert '/change_answer{"dimension":"sharing_the_vision"}' in payloads(messages)
    assert not any(e.get("event") == "followup" for e in events)


def test_change_an_answer_with_nothing_saved(domain, store):
    messages, events = run(ActionChangeAnswer(), make_tracker(text="change my answer for holding to account",
                                                              intent="change_answer"), domain)
    assert "nothing to change" in text_of(messages) and payloads(messages) == ["/start_self_assessment"]
    assert not any(e.get("event") == "followup" for e in events)


def test_profile_shows_an_assessment_in_progress(domain, store):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    store.assessments.save_rating(key, "leading_with_care", None, skipped=True)
    messages, _ = run(ActionShowProfile(), make_tracker(text="what's my profile so far", intent="show_profile"),
                      domain)
    said = text_of(messages)
    assert "2 of 9 answered so far: Inspiring shared purpose: strong, Leading with care: skipped" in said


def test_a_career_stage_the_nlu_could_not_name_is_ignored(domain, store):
    """The slot holds the raw entity ("new team leader"): learning must still come, not an empty list."""
    tracker = make_tracker(text="what training is there for a new team leader", intent="ask_recommendation",
                           slots={"career_stage": "new team leader"},
                           entities=[entity("career_stage", "new team leader")])
    messages, _ = run(ActionRecommend(), tracker, domain)
    said = text_of(messages)
    assert said.count("• ") == 3, said


@pytest.mark.parametrize("text,expected", [("redo number 3", "evaluating_information"),
                                           ("go back one, i want to change it", "leading_with_care")])
def test_change_an_answer_by_its_place(domain, store, text, expected):
    key = consent(store)
    store.assessments.save_rating(key, "inspiring_shared_purpose", "strong")
    store.assessments.save_rating(key, "leading_with_care", "essential")
    _, events = run(ActionChangeAnswer(), make_tracker(text=text, intent="change_answer"), domain)
    assert slot_sets(events)["assessment_revisit"] == expected
