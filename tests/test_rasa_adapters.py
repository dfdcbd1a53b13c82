"""The coach's adapters to Rasa itself (bot/rasa_ext/runtime.py): pinned to the Rasa they were written
for, and proved to behave exactly as the Rasa functions they replace.

fast_action_validation: Rasa's ``RemoteAction._validate_action_result`` and the patched one must give
the same outcome (True, or the same exception with the same message, path and schema path) on a corpus
of valid action-server answers (every event kind in Rasa's schema, as Rasa and rasa_sdk write them, and
answers of the coach's real actions) and of invalid ones (missing fields, wrong types, unknown event
names, junk anywhere, systematic and seeded random mutations).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import random
from datetime import datetime
from typing import Any, Dict, List

import pytest

from bot.rasa_ext import fast_action_validation as fav
from bot.rasa_ext import runtime

rasa_action = pytest.importorskip("rasa.core.actions.action")
RemoteAction = rasa_action.RemoteAction


@pytest.fixture(scope="module")
def original():
    """Rasa's own method, whether or not something installed the patch before this module ran."""
    fav.install()
    assert fav.installed(), "fast_action_validation did not install: see test_pinned_to_rasa_3_6_21"
    return fav._PATCH.original


@pytest.fixture(scope="module")
def action():
    return RemoteAction("action_coach_test", None)


@pytest.fixture
def memoised_meta_check(monkeypatch):
    """For the large corpora: jsonschema's meta-schema check, which Rasa's method repeats on every call
    (about 14 ms, almost all of its cost), remembered per schema. It returns None or raises for a given
    schema whatever the instance, so the outcome of Rasa's method is unchanged; the small corpora below
    run against Rasa's method untouched."""
    from jsonschema.validators import validator_for

    cls = validator_for({})
    real = cls.check_schema.__func__
    seen: Dict[str, Any] = {}

    def check_schema(klass, schema, *args, **kwargs):
        key = json.dumps(schema, sort_keys=True, default=repr)
        if key not in seen:
            try:
                real(klass, schema, *args, **kwargs)
                seen[key] = None
            except Exception as e:  # noqa: BLE001 - re-raised each time, as the real check would
                seen[key] = e
        if seen[key] is not None:
            raise seen[key]

    monkeypatch.setattr(cls, "check_schema", classmethod(check_schema))
    yield


def outcome(method, action, result) -> Any:
    """True, or the exception in every detail that a caller could see."""
    try:
        return method(action, copy.deepcopy(result))
    except Exception as e:  # noqa: BLE001 - compared, not swallowed
        detail = [type(e), str(e)]
        if hasattr(e, "message"):
            detail += [e.message, list(e.path), list(e.schema_path), e.validator, repr(e.validator_value)]
        return tuple(detail)


# --------------------------------------------------------------------------- the pin


def test_pinned_to_rasa_3_6_21():
    problem = fav.pinned_problem()
    assert problem is None, (
        f"bot/rasa_ext/fast_action_validation.py was written for Rasa {fav.RASA_VERSION} and is now NOT "
        f"applied: {problem}. Re-read RemoteAction._validate_action_result and action_response_format_spec "
        f"in rasa/core/actions/action.py and EVENT_SCHEMA in rasa/shared/utils/schemas/events.py. If Rasa "
        f"still validates with jsonschema.validate(result, self.action_response_format_spec()) and the same "
        f"message suffix, record the new version and SHA-256 in the module (RASA_VERSION, SOURCE_SHA256) and "
        f"re-run these equivalence tests; if Rasa now caches its validator itself, remove the adapter "
        f"(see the module docstring)."
    )


def test_the_events_schema_still_allows_dispatch_on_the_event_name(action):
    """The speed-up relies on every oneOf branch fixing "event" to a distinct string; without that
    the adapter still works (one cached validator) but most of the gain is gone."""
    checker = fav.checker_for(action.action_response_format_spec())
    assert checker.dispatching, "Rasa's events schema changed shape: re-check fast_action_validation._split"
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    assert set(checker.by_name) == {b["properties"]["event"]["const"] for b in EVENT_SCHEMA["oneOf"]}


def test_install_is_idempotent_and_keeps_rasas_method(original):
    assert fav.install() is True
    patched = RemoteAction._validate_action_result
    assert fav.install() is True
    assert RemoteAction._validate_action_result is patched is fav._validate_action_result
    assert fav._PATCH.original is original
    assert not getattr(original, "__coach_fast_action_validation__", False)
    assert fav.source_sha256() == fav.SOURCE_SHA256


def test_runtime_installs_it(original):
    assert "bot.rasa_ext.fast_action_validation" in runtime.ADAPTERS
    assert "bot.rasa_ext.fast_action_validation" in runtime.install()
    assert fav.installed()


def test_a_changed_rasa_is_left_unpatched(original, monkeypatch, caplog):
    fav.uninstall()
    try:
        monkeypatch.setattr(fav, "SOURCE_SHA256", "0" * 64)
        assert fav.install() is False
        assert not fav.installed()
        assert RemoteAction._validate_action_result is original
        assert "rasa_adapter_skipped" in caplog.text
        monkeypatch.setattr(fav, "SOURCE_SHA256", fav.source_sha256())
        monkeypatch.setattr(fav, "rasa_version", lambda: "3.6.22")
        assert fav.install() is False
        assert RemoteAction._validate_action_result is original
    finally:
        monkeypatch.undo()
        assert fav.install() is True


def test_adapters_off_by_environment(original, monkeypatch):
    fav.uninstall()
    saved = list(runtime._installed)
    runtime._installed.clear()
    try:
        monkeypatch.setenv("COACH_RASA_ADAPTERS", "off")
        assert runtime.install() == []
        assert RemoteAction._validate_action_result is original
    finally:
        monkeypatch.delenv("COACH_RASA_ADAPTERS")
        runtime._installed[:] = saved
        assert fav.install() is True


# --------------------------------------------------------------------------- the corpus: valid answers


def rasa_events() -> List[Dict[str, Any]]:
    """Every event kind, as Rasa itself serialises it."""
    from rasa.shared.core import events as e

    parse_data = {
        "text": "tell me about holding to account",
        "intent": {"name": "ask_dimension", "confidence": 0.93},
        "intent_ranking": [{"name": "ask_dimension", "confidence": 0.93}, {"name": "greet", "confidence": 0.02}],
        "entities": [{"entity": "dimension", "value": "holding_to_account", "start": 14, "end": 32,
                      "confidence": 0.99, "extractor": "RegexEntityExtractor", "role": None, "group": None}],
        "response_selector": {"all_retrieval_intents": ["faq"],
                              "faq": {"response": {"responses": [{"text": "x"}], "confidence": 0.5,
                                                   "intent_response_key": "faq/x", "utter_action": "utter_faq/x",
                                                   "template_name": "utter_faq/x"},
                                      "ranking": [{"id": 1, "confidence": 0.5, "intent_response_key": "faq/x"}]}},
    }
    made = [
        e.UserUttered("tell me about holding to account", parse_data["intent"], parse_data["entities"], parse_data,
                      input_channel="rest", message_id="abc"),
        e.UserUttered("hi"),
        e.ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0),
        e.ActionExecuted(action_text="hello there"),
        e.SlotSet("dimension", "holding_to_account"),
        e.SlotSet("reflections", [{"a": 1}]),
        e.SlotSet("level", None),
        e.EntitiesAdded([{"entity": "level", "value": "strong"}]),
        e.DefinePrevUserUtteredFeaturization(False),
        e.ReminderCancelled(name="reminder", intent="remind"),
        e.ReminderScheduled("remind", datetime(2026, 1, 2, 3, 4, 5), name="reminder"),
        e.ActionExecutionRejected("action_ask_assessment_level", policy="RulePolicy", confidence=1.0),
        e.LoopInterrupted(True),
        e.ActiveLoop("assessment_form"),
        e.ActiveLoop(None),
        e.AllSlotsReset(),
        e.ConversationResumed(),
        e.ConversationPaused(),
        e.FollowupAction("action_listen"),
        e.StoryExported(),
        e.Restarted(),
        e.ActionReverted(),
        e.UserUtteranceReverted(),
        e.BotUttered("Hello", {"buttons": [{"title": "Yes", "payload": "/affirm"}], "custom": {"kind": "card"}},
                     metadata={"utter_action": "utter_greet"}),
        e.BotUttered(),
        e.SessionStarted(),
        e.AgentUttered("agent says", {"x": 1}),
    ]
    return [x.as_dict() for x in made]


def sdk_events() -> List[Dict[str, Any]]:
    """Every event kind, as rasa_sdk (the action server) writes them, with and without timestamps."""
    from rasa_sdk import events as s

    made = [
        s.UserUttered("hi", {"intent": {"name": "greet", "confidence": 1.0}, "entities": []}),
        s.BotUttered("Hello", {"buttons": [{"title": "A", "payload": "/a"}]}),
        s.SlotSet("consent_given", True, timestamp=1700000000.5),
        s.SlotSet("assessment_level", 3),
        s.Restarted(), s.SessionStarted(), s.UserUtteranceReverted(), s.AllSlotsReset(),
        s.ReminderScheduled("remind", datetime(2026, 1, 2), name="r"), s.ReminderCancelled("r"),
        s.ActionReverted(), s.StoryExported(), s.FollowupAction("action_listen"), s.ConversationPaused(),
        s.ConversationResumed(), s.ActionExecuted("action_listen"), s.AgentUttered("x"),
        s.ActiveLoop("reflection_form"), s.ActiveLoop(None), s.LoopInterrupted(False), s.LoopInterrupted(True),
        s.ActionExecutionRejected("action_x", "RulePolicy", 1.0),
    ]
    # Rasa 1's form events: still in the schema, no longer written by rasa_sdk's deprecated helpers.
    made += [{"event": "form", "name": "assessment_form", "timestamp": None},
             {"event": "form", "name": None}, {"event": "form_validation", "validate": False, "timestamp": None}]
    return [json.loads(json.dumps(x, default=str)) for x in made]


MESSAGES = [
    {"text": "Hello", "buttons": [], "elements": [], "custom": {}, "template": None, "response": None,
     "image": None, "attachment": None},
    {"text": "Pick one", "buttons": [{"title": "Holding to account", "payload": "/ask_dimension"}],
     "custom": {"type": "card", "links": [{"url": "https://example.org", "title": "x"}]}},
    {"response": "utter_greet", "buttons": None},
    {"custom": [1, 2, 3]},
]


def coach_answers() -> List[Dict[str, Any]]:
    """Answers of a few of the coach's real actions, as the action server sends them (JSON)."""
    from rasa_sdk.executor import CollectingDispatcher

    from actions.assessment import ActionStartAssessment
    from actions.explore import ActionExplainDimension, ActionListDimensions
    from actions.recommend import ActionRecommend
    from actions.safety import ActionSignpost
    from conftest import _domain_dict, make_tracker

    domain = copy.deepcopy(_domain_dict())
    runs = [
        (ActionListDimensions(), make_tracker(text="what are the dimensions")),
        (ActionExplainDimension(), make_tracker(text="tell me about holding to account", intent="ask_dimension",
                                                entities=[{"entity": "dimension", "value": "holding_to_account"}])),
        (ActionRecommend(), make_tracker(text="what courses could help me?", intent="ask_courses")),
        (ActionStartAssessment(), make_tracker(text="start the self assessment")),
        (ActionSignpost(), make_tracker(text="I can't cope", intent="express_distress")),
    ]
    answers = []
    for act, tracker in runs:
        dispatcher = CollectingDispatcher()
        events = asyncio.run(act.run(dispatcher, tracker, domain))
        answers.append(json.loads(json.dumps({"events": events, "responses": dispatcher.messages})))
    return answers


def valid_answers() -> List[Dict[str, Any]]:
    events = rasa_events() + sdk_events()
    answers: List[Dict[str, Any]] = [{"events": [e], "responses": []} for e in events]
    answers += [{"events": [e]} for e in events[::3]]
    answers += [
        {}, {"events": []}, {"responses": []}, {"events": [], "responses": MESSAGES},
        {"events": events, "responses": MESSAGES},
        {"events": events[:6], "responses": MESSAGES[:2], "extra": "allowed by the schema"},
        {"events": [{**events[4], "junk": {"nested": [1, 2]}}], "responses": [{}]},  # unknown keys are allowed
        {"events": [{**e, "timestamp": 1.5, "metadata": {"m": 1}} for e in events]},
        {"events": [{**e, "metadata": None} for e in events]},
    ]
    return answers


def test_the_corpus_covers_every_event_kind_in_rasas_schema():
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    kinds = {b["properties"]["event"]["const"] for b in EVENT_SCHEMA["oneOf"]}
    assert kinds <= {e["event"] for e in rasa_events() + sdk_events()}


def test_valid_answers_are_accepted_by_both_and_take_the_fast_road(original, action):
    checker = fav.checker_for(action.action_response_format_spec())
    for answer in valid_answers():
        assert outcome(original, action, answer) is True, answer
        assert outcome(fav._validate_action_result, action, answer) is True, answer
        assert checker.surely_valid(answer), answer


def test_answers_of_the_coachs_actions(original, action):
    checker = fav.checker_for(action.action_response_format_spec())
    answers = coach_answers()
    kinds = {e["event"] for a in answers for e in a["events"]}
    assert {"slot", "followup"} & kinds, kinds
    for answer in answers:
        assert outcome(original, action, answer) is True, answer
        assert outcome(fav._validate_action_result, action, answer) is True
        assert checker.surely_valid(answer)


# --------------------------------------------------------------------------- the corpus: invalid answers

JUNK = [None, 0, -1, 1.5, True, False, "", "x", "slot", [], [1], {}, {"a": 1}, float("inf")]
SOME_JUNK = [None, 1, 1.5, True, "x", [], {"a": 1}]
# COACH_ADAPTER_TESTS=exhaustive: ten times the systematic corpus (about 10,000 answers, a few minutes).
EXHAUSTIVE = os.environ.get("COACH_ADAPTER_TESTS") == "exhaustive"


def hand_written_invalid_answers() -> List[Any]:
    good = rasa_events()[4]
    return [
        None, [], "events", 3, True, [{"event": "slot"}],
        {"events": None}, {"events": {}}, {"events": good}, {"events": "slot"}, {"events": [None]},
        {"events": [[good]]}, {"events": [good, 1]}, {"responses": None}, {"responses": {}},
        {"responses": ["text"]}, {"responses": [None]}, {"events": [good], "responses": [[]]},
        {"events": [{}]}, {"events": [{"name": "x", "value": 1}]},  # no "event"
        {"events": [{"event": "no_such_event"}]}, {"events": [{"event": "Slot"}]}, {"events": [{"event": " slot"}]},
        {"events": [{"event": "slot", "name": "x"}]}, {"events": [{"event": "slot", "value": 1}]},
        {"events": [{"event": "slot", "name": 1, "value": 1}]}, {"events": [{"event": "entities"}]},
        {"events": [{"event": "entities", "entities": [{"entity": "x"}]}]},
        {"events": [{"event": "entities", "entities": [{"entity": "x", "value": 1, "start": "0"}]}]},
        {"events": [{"event": "user", "text": 1}]},
        {"events": [{"event": "user", "parse_data": {"intent": {"name": 1}}}]},
        {"events": [{"event": "user", "parse_data": {"response_selector": []}}]},
        {"events": [{"event": "user", "parse_data": {"response_selector": {"all_retrieval_intents": "x"}}}]},
        {"events": [{"event": "user", "parse_data": {"response_selector": {}}}]},  # both oneOf branches hold
        {"events": [{"event": "user", "parse_data": {"response_selector": {"faq": {"response": {}}}}}]},
        {"events": [{"event": "action", "confidence": "1"}]}, {"events": [{"event": "action", "hide_rule_turn": 1}]},
        {"events": [{"event": "bot", "timestamp": "now"}]}, {"events": [{"event": "restart", "metadata": []}]},
        {"events": [good, {"event": "followup", "timestamp": True}]},
        {"events": [{"event": ["slot"], "name": "x", "value": 1}]}, {"events": [{"event": {"slot": 1}}]},
        {"events": [{"event": None}]}, {"events": [{"event": 1}]},
    ]


def invalid_answers() -> List[Any]:
    events = rasa_events() + sdk_events()
    good = events[4]
    bad = hand_written_invalid_answers()
    # Systematic: each valid event with each of its keys (or, with COACH_ADAPTER_TESTS=exhaustive, of
    # every key the schema names) set to each junk value, or removed.
    every_key = ["event", "name", "value", "timestamp", "metadata", "text", "entities", "parse_data", "policy",
                 "confidence", "hide_rule_turn", "action_text", "input_channel", "message_id"]
    junk_values = JUNK if EXHAUSTIVE else SOME_JUNK
    for event in events:
        keys = every_key if EXHAUSTIVE else sorted(set(event) | {"event", "timestamp", "metadata"})
        for key in keys:
            for junk in junk_values:
                bad.append({"events": [good, {**event, key: junk}], "responses": []})
            if key in event:
                bad.append({"events": [{k: v for k, v in event.items() if k != key}]})
    for junk in JUNK:
        bad.append({"events": [good], "responses": junk})
        bad.append({"events": junk})
        bad.append({"events": [good], "responses": [junk]})
    return bad


def _mutate(value: Any, rng: random.Random) -> Any:
    """A copy of a JSON value with one random change somewhere inside it."""
    if isinstance(value, dict) and value and rng.random() < 0.8:
        key = rng.choice(sorted(value))
        out = dict(value)
        roll = rng.random()
        if roll < 0.15:
            del out[key]
        elif roll < 0.3:
            out[rng.choice(["x", "event", "name", "value", "text"])] = rng.choice(JUNK)
        else:
            out[key] = _mutate(value[key], rng)
        return out
    if isinstance(value, list) and value and rng.random() < 0.8:
        i = rng.randrange(len(value))
        out = list(value)
        roll = rng.random()
        if roll < 0.15:
            del out[i]
        elif roll < 0.3:
            out.insert(i, rng.choice(JUNK))
        else:
            out[i] = _mutate(value[i], rng)
        return out
    return rng.choice(JUNK + [{"event": rng.choice(["slot", "user", "bot", "nope"])}])


def random_answers(n: int = 5000 if EXHAUSTIVE else 600) -> List[Any]:
    rng = random.Random(20261124)
    seeds = valid_answers()
    return [_mutate(rng.choice(seeds), rng) for _ in range(n)]


def test_hand_written_invalid_answers_against_rasas_untouched_method(original, action):
    from jsonschema import ValidationError

    for answer in hand_written_invalid_answers():
        expected = outcome(original, action, answer)
        assert expected is not True and expected[0] is ValidationError, (answer, expected)
        assert outcome(fav._validate_action_result, action, answer) == expected, answer


def test_invalid_answers_raise_the_same_error(original, action, memoised_meta_check):
    from jsonschema import ValidationError

    answers = invalid_answers()
    assert len(answers) > 1500
    rejected = 0
    for answer in answers:
        expected = outcome(original, action, answer)
        assert outcome(fav._validate_action_result, action, answer) == expected, answer
        # Some "junk" is allowed by the schema (an unknown key, any slot value): both must then accept it.
        assert expected is True or expected[0] is ValidationError, (answer, expected)
        rejected += expected is not True
    assert rejected > (0.15 if EXHAUSTIVE else 0.4) * len(answers), (rejected, len(answers))
    print(f"{len(answers)} answers, {rejected} rejected")


def test_random_mutations_give_the_same_outcome(original, action, memoised_meta_check):
    answers = random_answers()
    outcomes = {"valid": 0, "invalid": 0}
    for answer in answers:
        expected = outcome(original, action, answer)
        assert outcome(fav._validate_action_result, action, answer) == expected, answer
        outcomes["valid" if expected is True else "invalid"] += 1
    assert outcomes["valid"] > 50 and outcomes["invalid"] > 200, outcomes  # both sides exercised


def test_the_error_keeps_rasas_message_suffix(action):
    from jsonschema import ValidationError

    with pytest.raises(ValidationError) as info:
        action._validate_action_result({"events": [{"event": "slot", "name": "x"}]})
    assert "Failed to validate Action server response from API" in info.value.message
    assert info.value.message.endswith("/custom-actions")


def test_a_subclass_with_its_own_schema_gets_its_own_validator(original):
    class Strict(RemoteAction):
        @staticmethod
        def action_response_format_spec():
            return {"type": "object", "required": ["events"], "properties": {"events": {"type": "array"}}}

    strict = Strict("action_strict", None)
    for answer in [{}, {"events": []}, {"events": 1}, {"events": [{"event": "nope"}]}]:
        assert outcome(fav._validate_action_result, strict, answer) == outcome(original, strict, answer)


def test_no_dispatch_when_the_schema_does_not_allow_it():
    spec = copy.deepcopy(RemoteAction.action_response_format_spec())
    assert fav._split(spec) is not None
    branches = lambda s: s["properties"]["events"]["items"]["oneOf"]  # noqa: E731
    with_ref = copy.deepcopy(spec)
    branches(with_ref)[0]["$ref"] = "#/properties/responses"
    duplicated = copy.deepcopy(spec)
    branches(duplicated).append(copy.deepcopy(branches(duplicated)[0]))
    not_a_string = copy.deepcopy(spec)
    branches(not_a_string)[0]["properties"]["event"]["const"] = 1
    no_required = copy.deepcopy(spec)
    del no_required["properties"]["events"]["items"]["required"]
    for changed in (with_ref, duplicated, not_a_string, no_required):
        assert fav._split(changed) is None
        assert not fav._Checker(changed).dispatching


# --------------------------------------------------------------------------- event_types


def test_event_types_is_pinned_and_installed():
    from bot.rasa_ext import event_types

    assert event_types.pinned_problem() is None, (
        "Rasa's Event.resolve_by_type changed: re-read it, check bot/rasa_ext/event_types.py still does the same, "
        "then update RASA_VERSION / SOURCE_SHA256 there")
    event_types.install()
    assert event_types.installed()


def test_every_event_class_resolves_as_rasa_does():
    from rasa.shared.core.events import Event, SlotSet
    from rasa.shared.utils.common import all_subclasses

    from bot.rasa_ext import event_types

    event_types.install()
    rasa_own = event_types._PATCH.original
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for _ in range(2):  # the second time from what was remembered
        for name in sorted(names):
            assert Event.resolve_by_type(name) is rasa_own(name), name
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    assert "no_such_event" not in event_types._found and "slot" in event_types._found
    # Whole events read back through it, as the tracker store and action answers do.
    from rasa.shared.core.events import ActionExecuted, UserUttered, deserialise_events

    written = [SlotSet("dimension", "leading_with_care"), ActionExecuted("action_listen"),
               UserUttered("hi", {"name": "greet", "confidence": 1.0})]
    assert deserialise_events([e.as_dict() for e in written]) == written


def test_event_types_uninstall_puts_rasas_static_method_back():
    from rasa.shared.core.events import Event

    from bot.rasa_ext import event_types

    event_types.install()
    event_types.uninstall()
    try:
        assert not event_types.installed()
        assert Event.resolve_by_type("slot").__name__ == "SlotSet"
        assert isinstance(Event.__dict__["resolve_by_type"], staticmethod)
    finally:
        event_types.install()
    assert event_types.installed() and isinstance(Event.__dict__["resolve_by_type"], staticmethod)
