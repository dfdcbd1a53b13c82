"""Distress in three tiers (crisis, wellbeing, none) and the removal of patient identifiers.

The safety case for the tiers, with every case moved out of the crisis tier and why, is
docs/clinical-safety.md. The development sets the rules were tuned on are tests/safety_dev.yml
and tests/safety_dev2.yml (indirect and euphemistic crisis talk, hard negatives); the frozen
held-out set (tests/heldout/safety_tiers.yml) is not read here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.safety import (
    CRISIS,
    MAX_FREE_TEXT,
    NONE,
    SPEAK_UP_TOPICS,
    TOPICS,
    WELLBEING,
    Assessment,
    Tier,
    assess,
    clean_free_text,
    is_distress,
    nhs_number_is_valid,
    redact,
    screen,
)
from bot.text import fold

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------- crisis

CRISIS_TEXTS = [
    "I want to kill myself",
    "i've been having suicidal thoughts",
    "I keep self-harming after shifts",
    "sometimes I think about ending it all",
    "I just want to end my life",
    "I don't want to be here anymore",
    "I dont want to wake up tomorrow",
    "everyone would be better off without me",
    "I wish I was dead",
    "I want to die",
    "I can't cope any more",
    "I can’t go on like this",  # curly apostrophe
    "honestly I'm not coping at all",
    "I feel completely hopeless",
    "there's no point in living",
    "I've been thinking about taking an overdose",
    "I don't feel safe at home",
    "I can't take it anymore",
    "everything is too much",
    "I'm falling apart",
    "I KEEP THINKING ABOUT SUICIDE",
    "I   want   to   die",  # odd spacing
]

# Were crisis under the old single-tier rules; now the wellbeing reply (docs/clinical-safety.md, "Moved").
MOVED_TESTS = [
    "I'm at breaking point with work",  # breaking point tied to work by its own clause
    "I'm at the end of my tether",  # an idiom of exasperation, not of risk
    "I've been having panic attacks before every shift",  # anxiety
    "I've been crying in the toilets most days",  # crying after or at work
    "I'm so burnt out I can't do this",  # burnout; "can't do this any more" stays crisis
]

NOT_DISTRESS = [
    "I find conflict stressful",
    "I kill it in presentations",
    "I feel safe with my team",
    "/stop",
    "/choose_level{\"level\":\"strong\"}",
    "/express_distress",
    "",
    "How do I give balanced feedback to a band 6 nurse?",
    "This rota is killing me but we'll get there",
    "I'm dying to hear about the Mary Seacole programme",
    "My team are struggling with morale after the restructure",
    "I cope well under pressure",
    "We had a really hard day on the ward",
    "I'm worried about my appraisal next week",
    "Tell me about leading with care",
    "I want to diet before the summer",
    "strong",
    "not sure",
    "I'm hopeless at delegating",
    "I want to end it here, can we carry on tomorrow",
    "let's end it there",
    "I won't be here next week, I'm on annual leave",
    "I don't think I'll be here next week for the session",
    "how many tablets does the ward order each week",
]


@pytest.mark.parametrize("text", CRISIS_TEXTS)
def test_crisis_is_recognised(text):
    assert assess(text) is CRISIS
    assert is_distress(text) is True


@pytest.mark.parametrize("text", MOVED_TESTS)
def test_strain_without_risk_to_life_is_wellbeing_not_crisis(text):
    assert assess(text) is WELLBEING
    assert is_distress(text) is False


@pytest.mark.parametrize("text", NOT_DISTRESS)
def test_ordinary_talk_is_not_distress(text):
    assert is_distress(text) is False


def test_distress_lists_are_substantial():
    assert len(CRISIS_TEXTS) >= 15 and len(NOT_DISTRESS) >= 10


@pytest.mark.parametrize("text", [
    "i've got pills saved up",
    "theres no way out",
    "no one would miss me if i was gone",
    "i can't do this any more",
    "i want to stop existing",
    "i'm in crisis",
    "i've written letters to my family",
    "i want it all to stop",
    "i keep thinking it'd be easier if i wasn't here",
    "please i need help now",
    "i'm completely broken",
    "i'm on the bridge",
    "i'm at rock bottom",
    "honestly thinking about ending it after this shift",
    "i want to end it, i'm so tired of everything",
    "i'm so tired of being alive",
    "i don't care if i live or die anymore",
    "life isn't worth living anymore",
    "i probably won't be here by the weekend",
    "i'm on the top floor of the multi storey and i want to jump",
    "scared i'll do something stupid after this shift",
    "i've been saving up my tablets",
    "i've been looking up how many tablets it would take",
    "i just want the pain to stop",
    "i've sorted my will and said my goodbyes",
    # Kept in the crisis tier although the brief suggested moving it: hopelessness about
    # everything is a recognised marker of suicide risk. Tied to a cause at work it moves
    # (test_global_statements_tied_to_work_become_wellbeing).
    "i feel totally overwhelmed and hopeless",
    "whats the point in carrying on",
])
def test_distress_phrasings_the_model_missed_are_caught_by_rule(text):
    # Found by held-out testing of the NLU model: short phrasings it sent elsewhere with confidence.
    assert is_distress(text)


@pytest.mark.parametrize("text, topic", [
    ("i'm being bullied by my manager", "bullying"),
    ("the bullying at work has broken me", "bullying"),
    ("crying in my car after handover again", "crying"),
])
def test_model_missed_phrasings_that_are_strain_are_wellbeing(text, topic):
    result = screen(text)
    assert result.tier is WELLBEING
    assert topic in result.topics


@pytest.mark.parametrize(
    "text",
    [
        "I can\u02bct cope",  # modifier letter apostrophe
        "I can\u2018t go on like this",  # the wrong curly quote, as some keyboards type it
        "I don\uff07t want to be here",  # full-width apostrophe
        "I\u2019m\u00a0not\u00a0coping",  # non-breaking spaces pasted from a document
        "I can\u2019t\n\ncope",
        "I feel su\u00efcidal",  # an accent
        "sui\u200bcidal thoughts again",  # a zero-width space pasted in
        "i want to k1ll myself",
        "im gonna kill myslef",
    ],
)
def test_distress_is_recognised_however_it_is_typed(text):
    """The safety net reads text through ``bot.text.fold``, like the rest of the coach, then mends typing."""
    assert is_distress(text) is True


@pytest.mark.parametrize("text", ["/express_distress", "  /greet", "\u00a0/start_reflection"])
def test_button_payloads_are_not_read_as_distress(text):
    assert is_distress(text) is False
    assert assess(text) is NONE


# --------------------------------------------------------------------------- the three tiers


def test_assess_returns_a_tier_and_is_distress_agrees():
    for text in ["I want to die", "I'm so stressed", "tell me about the courses", "", None]:
        tier = assess(text)
        assert isinstance(tier, Tier)
        assert is_distress(text) is (tier is CRISIS)
        assert screen(text).tier is tier


@pytest.mark.parametrize("text", [
    "this rota is killing me",
    "my feet are killing me after that shift",
    "dying to get home",
    "I'm dying for a cup of tea",
    "shoot me a question about delegation",
    "we need to kill off the old handover process",
    "can we kill two birds with one stone",
    "I killed it in my interview",
    "I could murder a bacon sandwich",
    "I nearly died laughing at the panto",
    "this paperwork will be the death of me",
    "over my dead body will we go back to paper notes",
    "I'd jump at the chance to lead the project",
    "I'm going to jump on a call with my manager",
    "I'm on the edge of my seat waiting for the result",
    "I need to cut myself some slack",
    "I cut myself shaving this morning",
    "let's end it there for today",
    "I'm done with this module",
    "I can't take the credit, it was a team effort",
    "I need help now with my reflective account",
    "what's the point of the huddle if nobody turns up",
    "the NHS is in crisis",
    "there's a staffing crisis on my ward",
    "I've left notes for the night team",
    "I hurt myself lifting a patient and I'm on light duties",
])
def test_figurative_speech_is_not_a_crisis(text):
    assert assess(text) is NONE


@pytest.mark.parametrize("text, tier", [
    ("I'm not suicidal, I just want help delegating", NONE),
    ("no thoughts of harming myself, I'm here for a leadership course", NONE),
    ("not feeling suicidal at all, just want to plan my development", NONE),
    ("I've never self-harmed, I just want to talk about my team", NONE),
    ("I'm not in crisis, I just want career advice", NONE),
    ("I'm not stressed, I want to stretch myself", NONE),
    ("I'm not being bullied, I just want to handle conflict better", NONE),
    ("I'm not suicidal, I'm just exhausted", WELLBEING),
    ("no suicidal thoughts, just stressed", WELLBEING),
])
def test_an_explicit_denial_sets_the_words_aside(text, tier):
    assert assess(text) is tier


@pytest.mark.parametrize("text", [
    "a patient took an overdose on my shift, how do I debrief the team",
    "after a suicide on the unit the team is shaken",
    "I'm doing the self-harm risk assessment training next week",
    "how do I support the team after a death",
    "how do i talk to a patient who self harms",
    "we had three overdoses in ED last night",
    "I lead the trust's suicide prevention group",
    "my patient said he wanted to die, how do I document that",
    "a resident told me \"I want to end it all\", what do I do next",
    "how do I escalate a concern about a patient who is suicidal",
    "a colleague died by suicide last year and we're planning a memorial",
    "a patient threatened to kill himself on the ward",
    "I'm a mental health nurse and I work with people who are suicidal",
    "I'm writing a guideline on managing overdoses in ED",
])
def test_clinical_work_talk_is_not_the_persons_crisis(text):
    assert assess(text) is NONE


@pytest.mark.parametrize("text", [
    "a patient self-harmed and now I want to kill myself too",
    "I'm not suicidal but I don't want to be here anymore",
    "after a suicide on the unit i keep thinking about doing it myself",
    "we had three overdoses in ED and I've been thinking about taking one myself",
    "a patient died today and now I want to die too",
    "I lead the suicide prevention group and I've been having suicidal thoughts myself",
    "my patient said 'I want to die' and honestly so do I, I want to die",
])
def test_first_person_risk_beats_a_guard(text):
    assert assess(text) is CRISIS


@pytest.mark.parametrize("text", [
    "my husband said he's going to kill himself tonight",
    "my colleague told me she's planning to end her life",
])
def test_someone_close_at_risk_gets_the_crisis_reply(text):
    """Someone else's life at risk now: the crisis reply says 999 "for your life or someone else's"."""
    assert assess(text) is CRISIS


@pytest.mark.parametrize("text", [
    "I'm not going to kill myself, I just need to vent",  # kept crisis: minimising is common
    "I told my GP 'I want to die'",  # a quote of the person's own words
    "I hate myself",
    "I'm at breaking point",
    "I feel worthless",
])
def test_unsure_cases_stay_crisis(text):
    assert assess(text) is CRISIS


@pytest.mark.parametrize("global_text, work_text", [
    ("I can't cope", "I can't cope with the rota"),
    ("I'm not coping", "I'm not coping with the workload"),
    ("I'm at breaking point", "I'm at breaking point with the staffing"),
    ("I'm falling apart", "I'm falling apart at work"),
    ("I feel totally overwhelmed and hopeless", "I feel totally overwhelmed and hopeless about the staffing"),
    ("everything is too much", "everything at work is too much"),
    ("I'm completely broken", "this job has broken me"),
])
def test_global_statements_tied_to_work_become_wellbeing(global_text, work_text):
    assert assess(global_text) is CRISIS
    assert assess(work_text) is WELLBEING


@pytest.mark.parametrize("text", [
    "the service is at breaking point, how do I keep the team going",
    "the rota is falling apart",
    "team morale is at rock bottom",
    "my team is burnt out after winter, how do I help them",
    "How do I support a stressed colleague?",
    "one of my staff says she's being bullied, how should I handle it",
    "how do I handle a team member who keeps crying at work",
    "is burnout a leadership issue?",
])
def test_someone_elses_strain_is_a_leadership_question(text):
    assert assess(text) is NONE


@pytest.mark.parametrize("text, topics, speak_up", [
    ("I'm being bullied by the ward sister", {"bullying"}, True),
    ("my manager keeps shouting at me in front of patients", {"bullying"}, True),
    ("a consultant made a racist comment to me and nobody did anything", {"bullying"}, True),
    ("I reported the bullying and nothing happened", {"bullying"}, True),
    ("I've reported unsafe staffing three times and nothing changes", {"patient_safety"}, True),
    ("I'm worried patients are being harmed on my ward and no one listens", {"patient_safety"}, True),
    ("I'm scared to speak up about what I saw on the ward", {"patient_safety"}, True),
    ("I'm so stressed I can't switch off at night", {"stress"}, False),
    ("I'm exhausted all the time", {"exhaustion"}, False),
    ("I feel really undervalued by my trust", {"undervalued"}, False),
    ("I'm out of my depth in this new role", {"out_of_depth"}, False),
    ("I dread going into work", {"dread"}, False),
    ("I can't sleep for worrying about work", {"sleep"}, False),
    ("I'm burnt out", {"burnout"}, False),
])
def test_wellbeing_topics(text, topics, speak_up):
    result = screen(text)
    assert result.tier is WELLBEING
    assert topics <= set(result.topics)
    assert result.speak_up is speak_up


def test_topics_and_rules_are_names_not_text():
    """Rules are logged: they must never carry what the person wrote."""
    result = screen("I'm being bullied and I can't sleep, my NHS number is 9434765919")
    assert set(result.topics) <= set(TOPICS)
    assert SPEAK_UP_TOPICS <= set(TOPICS)
    for name in result.rules:
        assert re.fullmatch(r"[a-z_]+", name)
    assert isinstance(result, Assessment)


# --------------------------------------------------------------------------- the development set

DEV = yaml.safe_load((ROOT / "tests" / "safety_dev.yml").read_text(encoding="utf-8"))


def _share(texts, tier):
    hits = [t for t in texts if assess(t) is tier]
    return len(hits) / len(texts), hits


def test_dev_set_is_big_enough_and_distinct():
    assert len(DEV["crisis"]) >= 90 and len(DEV["wellbeing"]) >= 90 and len(DEV["none"]) >= 130
    every = DEV["crisis"] + DEV["wellbeing"] + DEV["none"]
    assert len(every) == len(set(every)), "a text is in the dev set twice"


def test_dev_wellbeing_and_ordinary_are_told_apart():
    # Not a safety aim, but a wellbeing reply to a leadership question is noise, and strain left
    # unanswered is a missed chance to signpost.
    share_w, _ = _share(DEV["wellbeing"], WELLBEING)
    share_n, _ = _share(DEV["none"], NONE)
    assert share_w >= 0.90 and share_n >= 0.90, (share_w, share_n)


# The second development set: written blind, in the way staff type, with indirect and euphemistic
# crisis talk and hard negatives (docs/clinical-safety.md, section 8).
DEV2 = yaml.safe_load((ROOT / "tests" / "safety_dev2.yml").read_text(encoding="utf-8"))


def test_dev2_set_is_big_enough_distinct_and_never_trained_on():
    assert len(DEV2["crisis"]) >= 100 and len(DEV2["wellbeing"]) >= 60 and len(DEV2["none"]) >= 100
    every = DEV2["crisis"] + DEV2["wellbeing"] + DEV2["none"]
    assert len(every) == len(set(every)), "a text is in the second dev set twice"
    first = {t.lower() for t in DEV["crisis"] + DEV["wellbeing"] + DEV["none"]}
    assert not [t for t in every if t.lower() in first], "a text is in both dev sets"
    training = set()
    for path in (ROOT / "data" / "nlu").rglob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- "):
                training.add(line.strip()[2:].lower())
    copied = {t.lower() for t in every} & training
    assert not copied, sorted(copied)[:5]


# Aims per development set: crisis recall at least, and at most this share of wellbeing and ordinary
# messages sent to the crisis reply. The second set was tuned on less, so its aims are its own.
DEV_AIMS = {"safety_dev.yml": (DEV, 0.98, 0.10, 0.02), "safety_dev2.yml": (DEV2, 0.97, 0.05, 0.01)}


@pytest.mark.parametrize("name", sorted(DEV_AIMS))
def test_dev_crisis_recall(name):
    data, recall, _, _ = DEV_AIMS[name]
    share, _ = _share(data["crisis"], CRISIS)
    missed = [t for t in data["crisis"] if assess(t) is not CRISIS]
    assert share >= recall, missed


@pytest.mark.parametrize("name", sorted(DEV_AIMS))
def test_dev_wellbeing_and_ordinary_messages_rarely_get_the_crisis_reply(name):
    data, _, wellbeing, ordinary = DEV_AIMS[name]
    share, hits = _share(data["wellbeing"], CRISIS)
    assert share <= wellbeing, hits
    share, hits = _share(data["none"], CRISIS)
    assert share <= ordinary, hits


@pytest.mark.parametrize("text", [
    # means and preparation
    "i took the whole packet",
    "kept all the co codamol from my knee op just in case",
    "i had a handful of my tablets in my hand last night",
    "bought boxes of paracetamol from two different chemists",
    "spent my break googling ways to die",
    "ive put a cord round my neck before",
    # passive wishes
    "honestly if i never woke up i wouldnt mind",
    "i keep praying every night that i wont wake up",
    "would anyone notice if i just wasnt here",
    "i dont want to see another year",
    "i want to fall asleep and stay asleep forever",
    "i want it all to go quiet for good",
    "nobody at work would even realise i was gone",
    "my son would have a better life if i wasnt in it",
    "the world would carry on fine without me",
    # goodbyes and endings
    "ive sorted out my affairs so its all in order",
    "i gave my dog away last week",
    "my last message to anyone, thank you",
    "this is goodbye",
    "ive written a letter to my brother explaining why",
    # past attempts, urges, methods
    "i made an attempt last spring",
    "i attempted a few years ago",
    "its getting harder not to act on them",
    "i keep imagining crashing into the trees on the bypass",
    "looked at the tracks and thought one step",
    "went up to the top floor of the car park and looked over the edge",
    "ive been hiding the cuts on my arms",
    "scratched my arms until they bled",
    "tried to gas myself once",
    # questions and typing
    "does anyone else think about ending their own life after nights",
    "i took an od last year",
    "ill be gone soon",
    "i doubt ill be alive by next year",
    # someone close at risk now (H12)
    "my friend is suicidal and wont pick up",
    "my colleague texted me saying she wants to die tonight",
])
def test_indirect_and_euphemistic_crisis_talk(text):
    assert assess(text) is CRISIS


@pytest.mark.parametrize("text", [
    "i was driving into the car park when my manager rang",
    "jumped into the car and drove to work",
    "i threw myself into the new project",
    "im on the edge of a decision about the matron post",
    "i overdosed on chocolate at the christmas party",
    "the suicide squad film was rubbish",
    "this rota is a suicide mission",
    "weve had three overdoses in ed this week, how do i keep the team going",
    "the liaison nurse asked if the overdose was intentional",
    "pt took 20 paracetamol, referred to psych liaison",
    "im not in a dark place, just fancy a new challenge",
    "that induction session was so long i lost the will to live",
    "im leaving the trust next month and saying goodbye to everyone is hard",
    "final letter from the trust about my pay band",
    "i want to disappear into a book on my day off",
    "i have 28 tablets left on my prescription",
    "counted my tablets into my dosette box for the week",
    "i need to hide the cuts to the budget from the team",
    "gave my dog to my mum for the week while im on nights",
    "i know exactly how id do it, id restructure the rota",
    "i'm not safe to drive after a run of nights",
    "my colleague said she wants to die of embarrassment after the presentation",
    "i'm going to jump on the train home",
    "nobody would notice if i left the meeting early",
    "i want out, this trust is a joke",
    "i need to stop existing on caffeine and biscuits",
    "i dont want to see tomorrows rota",
    "i feel ill, ill be off tomorrow",
    "we drove to the cliffs at the weekend for a walk with the dog",
    "ive been planning it for weeks, the leaving do will be great",
    "my research methods module is hard",
    "i failed my first attempt at the osce",
    "a young person on the ward has been cutting, how do i support the staff",
])
def test_new_crisis_rules_leave_figures_of_speech_and_work_talk_alone(text):
    assert assess(text) is not CRISIS


# --------------------------------------------------------------------------- recall kept from the old rules

# The single-tier rules as they were before the tiers (bot/safety.py at commit c9dcff8), frozen
# here so that this test keeps meaning "what the old rules caught".
_OLD_NOT_AWAY = r"(?!.*\b(leave|holiday|course|session|training|rota|off|nights|days|study)\b)"
_OLD_PATTERNS = [
    r"\bsuicid", r"\b(kill|killing|hurt|hurting|harm|harming|cut|cutting)\s+my\s*sel(f|ves)\b", r"\bself[\s-]*harm",
    r"\bend(ing)?\s+(it\s+all|my\s+life|my\s+own\s+life|things|everything)\b", r"\btake\s+my\s+(own\s+)?life\b",
    r"\b(want|wanna|going|wish)\s+(to\s+)?die\b", r"\bwish\s+i\s+(was|were)\s+dead\b", r"\bbetter\s+off\s+(dead|without\s+me)\b",
    r"\b(do\s*n[o']?t|dont|do\s+not)\s+want\s+to\s+(be\s+here|live|be\s+alive|wake\s+up|exist)\b",
    r"\bno\s+(point|reason)\s+(in\s+)?(living|going\s+on|carrying\s+on)\b", r"\boverdos",
    r"\b(can\s*no?t|can'?t|cannot|cant)\s+(cope|go\s+on|carry\s+on|take\s+(it|this|any\s*more))\b", r"\bnot\s+coping\b",
    r"\bbreaking\s+point\b", r"\bend\s+of\s+my\s+tether\b", r"\bfalling\s+apart\b",
    r"\b(feel|feeling|felt|i'?m|i\s+am)\s+(so\s+|really\s+|completely\s+|totally\s+)?hopeless\b(?!\s+(at|with)\b)",
    r"\b(overwhelmed|exhausted|numb)\s+and\s+hopeless\b", r"\bgive\s+up\s+on\s+(everything|life|myself)\b",
    r"\beverything\s+is\s+too\s+much\b", r"\bpanic\s+attacks?\b", r"\bpills\s+(saved|stockpiled|hoarded|put\s+by)\b",
    r"\bno\s+way\s+out\b", r"\bstop\s+existing\b", r"\b(want|need)\s+(it\s+all|everything)\s+to\s+(stop|end)\b",
    r"\bin\s+(a\s+)?crisis\b",
    r"\b(written|writing|wrote|left)\s+(a\s+)?(goodbye\s+)?(letter|letters|note|notes)\s+(to|for)\s+(my|the)\b", r"\bsuicide\s+note\b",
    r"\b(easier|better)\s+(for\s+everyone\s+)?if\s+i\s+(was|were|wasn'?t|weren'?t)\s*(not\s+)?(here|around|alive|gone)\b",
    r"\bneed\s+help\s+(right\s+)?now\b", r"\b(i'?m|i\s+am|feel|feeling)\s+(so\s+|completely\s+|totally\s+|utterly\s+)?broken\b",
    r"\bon\s+the\s+(bridge|ledge|edge\s+of\s+the\s+roof)\b", r"\brock\s+bottom\b", r"\b(no\s*one|nobody)\s+would\s+(miss|care|notice)\b",
    r"\b(can\s*no?t|can'?t|cannot|cant)\s+do\s+this\s+any\s*more\b",
    r"\bcrying\s+(every|all|at|in\s+the\s+toilets|in\s+(my|the)\s+car|on\s+and\s+off)\b", r"\bburn(ed|t)?\s*out\b.*\b(can'?t|cannot|cant)\b",
    r"\b(think|thinking|thought|thoughts)\s+(about|of)\s+ending\s+it\b",
    r"\b(want|wanna|going|planning|plan)\s+to\s+end\s+it\b(?!\s+(here|there|for\s+(now|today)|now,?\s+(please|thanks)))",
    r"\btired\s+of\s+(being\s+alive|living|life)\b", r"\b(live\s+or\s+die|die\s+or\s+live)\b",
    r"\blife\s+(is\s*n'?t|isnt|is\s+not|ain'?t)\s+worth\b",
    r"\b(won'?t|wont|will\s+not)\s+be\s+(here|around)\s+(next|by|much\s+longer|for\s+long|tomorrow)\b" + _OLD_NOT_AWAY,
    r"\b(want|going|wanna)\s+to\s+jump\b", r"\bdo\s+something\s+stupid\b",
    r"\b(saving|saved|stash|stockpil\w*|hoard\w*)\s+(up\s+)?(of\s+)?(my\s+)?(pills|tablets|meds)\b",
    r"\bhow\s+many\s+(tablets|pills)\s+(it\s+)?would\s+take\b", r"\b(want|need)\s+the\s+(pain|thoughts)\s+to\s+stop\b",
    r"\bmake\s+the\s+pain\s+stop\b", r"\bsaid\s+my\s+goodbyes\b",
    r"\b(i'?m|i\s+am|i'?ve\s+been|i\s+have\s+been)\s+(being\s+|getting\s+)?(bullied|harassed|threatened)\b",
    r"\b(no|see\s+the)\s+point\s+(in\s+)?(anything|any\s*more)\b",
    r"\b(what'?s|whats|what\s+is)\s+the\s+point\s+(in|of)\s+(carrying\s+on|going\s+on|living|anything)\b",
    r"\b(has|have|it'?s|is|this\s+job)\s+(has\s+)?broken\s+me\b",
    r"\b(do\s*n'?t|dont|do\s+not)\s+think\s+i'?ll\s+be\s+(here|around)\s+(next|by|much|for|tomorrow)" + _OLD_NOT_AWAY,
]
_OLD = re.compile("|".join(f"(?:{p})" for p in _OLD_PATTERNS), re.IGNORECASE)
_OLD_NOT_SAFE = re.compile(r"\b(not|don'?t\s+feel|do\s+not\s+feel)\s+safe\b", re.IGNORECASE)


def _old_rules_caught(text: str) -> bool:
    if not text or text.lstrip().startswith("/"):
        return False
    cleaned = fold(text)
    return bool(_OLD_NOT_SAFE.search(cleaned) or _OLD.search(cleaned))


# The express_distress examples in data/nlu/safety.yml that the old rules caught and that are now
# the wellbeing reply, each for the reason given in docs/clinical-safety.md ("Moved").
MOVED_TRAINING_EXAMPLES = {
    "i'm so burnt out i can't function": "burnout",
    "i'm having a panic attack": "anxiety",
    "burnt out and exhausted, i cant cope with another night shift": "burnout",
    "i'm completely burnt out and i keep crying at work": "burnout",
    "i keep getting panic attacks before every shift": "anxiety",
    "the bullying at work has broken me": "bullying",
    "overwhelmed and crying in my car after handover again": "crying",
    "i'm so burnt out i can't feel anything anymore": "burnout",
    "been crying on and off all day and i dont know why": "crying",
}


def _training_examples(name: str, intent: str):
    data = yaml.safe_load((ROOT / "data" / "nlu" / name).read_text(encoding="utf-8"))
    for block in data["nlu"]:
        if block.get("intent") == intent:
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    yield line.strip()[2:]


def _training_distress_examples():
    return _training_examples("safety.yml", "express_distress")


def test_old_rules_are_frozen_faithfully():
    # A sample the old rules caught and missed, so a slip in the frozen copy shows.
    assert _old_rules_caught("I'm being bullied by my manager")
    assert _old_rules_caught("the NHS is in crisis")
    assert not _old_rules_caught("i feel worthless")


def test_every_crisis_the_old_rules_caught_is_still_caught_except_the_moved():
    """The moved examples now train express_wellbeing (wellbeing.yml), the rest still express_distress."""
    wellbeing = set(_training_examples("wellbeing.yml", "express_wellbeing"))
    assert set(MOVED_TRAINING_EXAMPLES) <= wellbeing, set(MOVED_TRAINING_EXAMPLES) - wellbeing
    assert not set(MOVED_TRAINING_EXAMPLES) & set(_training_distress_examples())
    examples = list(_training_distress_examples()) + [t for t in wellbeing if t in MOVED_TRAINING_EXAMPLES]
    caught_before = [t for t in examples if _old_rules_caught(t)]
    assert len(caught_before) >= 100
    lost = [t for t in caught_before if t not in MOVED_TRAINING_EXAMPLES and assess(t) is not CRISIS]
    assert not lost, lost
    for text, topic in MOVED_TRAINING_EXAMPLES.items():
        assert text in caught_before, f"never caught by the old rules: {text}"
        result = screen(text)
        assert result.tier is WELLBEING, text
        assert topic in result.topics, (text, result.topics)


def test_training_examples_of_distress_are_never_ignored():
    """Every express_distress example gets a reply: crisis, or at the least the wellbeing one."""
    ignored = [t for t in _training_distress_examples() if assess(t) is NONE]
    assert not ignored, ignored


# --------------------------------------------------------------------------- the wellbeing signposting


def test_wellbeing_signposting_is_there_and_never_says_999(content):
    w = content.signposting.wellbeing
    ids = [c.id for c in w.contacts]
    assert {"occupational_health", "practitioner_health", "manager_or_colleague", "gp"} <= set(ids)
    ph = next(c for c in w.contacts if c.id == "practitioner_health")
    assert "England" in ph.who and "doctors and dentists" in ph.who.lower()
    assert {c.id for c in w.speak_up} == {"freedom_to_speak_up", "hr_or_union"}
    assert "Speak Up Guardian" in w.speak_up[0].name
    assert "116 123" in w.safety_net
    everything = [w.opening, w.speak_up_intro, w.safety_net, w.return_offer] + [
        t for c in w.contacts + w.speak_up for t in (c.name, c.how, c.when, c.who)]
    assert not any("999" in t for t in everything)
    # the crisis reply is untouched
    assert "999" in content.signposting.urgent
    assert "116 123" in {c.id: c for c in content.signposting.contacts}["samaritans"].how


def _content_copy(tmp_path):
    import shutil

    from bot.content import DEFAULT_CONTENT_DIR

    target = tmp_path / "content"
    target.mkdir()
    for path in Path(DEFAULT_CONTENT_DIR).glob("*.yml"):
        shutil.copy(path, target / path.name)
    return target


def _edit_signposting(directory, change):
    path = directory / "signposting.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


@pytest.mark.parametrize("change, entry, problem", [
    (lambda d: d.pop("wellbeing"), "wellbeing", "must be a mapping"),
    (lambda d: d["wellbeing"].pop("opening"), "wellbeing.opening", "'opening' must be a non-empty text"),
    (lambda d: d["wellbeing"].pop("return_offer"), "wellbeing.return_offer", "'return_offer'"),
    (lambda d: d["wellbeing"].pop("speak_up"), "wellbeing.speak_up", "'speak_up' must be a non-empty list"),
    (lambda d: d["wellbeing"]["contacts"][1].pop("who"), "wellbeing.contacts (practitioner_health)", "'who'"),
    (lambda d: d["wellbeing"]["contacts"][0].pop("how"), "wellbeing.contacts[0] (occupational_health)", "'how'"),
    (lambda d: d["wellbeing"]["speak_up"].pop(0), "wellbeing.speak_up", "freedom_to_speak_up"),
    (lambda d: d["wellbeing"].update(safety_net="If in doubt call 999."), "wellbeing", "999"),
])
def test_broken_wellbeing_signposting_fails_naming_file_and_entry(tmp_path, change, entry, problem):
    from bot.content import ContentError, load_content

    copy = _content_copy(tmp_path)
    _edit_signposting(copy, change)
    with pytest.raises(ContentError) as err:
        load_content(copy)
    assert err.value.file == "signposting.yml"
    assert err.value.entry == entry
    assert problem in err.value.problem


# --------------------------------------------------------------------------- NHS numbers


@pytest.mark.parametrize("digits", ["9434765919", "4010232137", "9434765870"])
def test_valid_nhs_numbers(digits):
    assert nhs_number_is_valid(digits) is True


@pytest.mark.parametrize(
    "digits",
    [
        "9434765918",  # wrong check digit
        "9434765910",
        "943476591",  # nine digits
        "94347659190",  # eleven digits
        "943476591a",
        "943 476 5919",  # spaced: the validator takes digits only
        "",
        "1000000010",  # check digit would be 10: never valid
    ],
)
def test_invalid_nhs_numbers(digits):
    assert nhs_number_is_valid(digits) is False


def test_check_digit_ten_is_never_valid():
    # weights 10..2 on 1,0,0,0,0,0,0,0,1: total 10+2 = 12; 11 - (12 % 11) = 10
    for last in "0123456789":
        assert nhs_number_is_valid("100000001" + last) is False


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    "text, expected, kind",
    [
        ("Her NHS number is 9434765919 I think", "Her NHS number is [NHS number] I think", "nhs_number"),
        ("NHS no 943 476 5919.", "NHS no [NHS number].", "nhs_number"),
        ("number 943-476-5919 on the form", "number [NHS number] on the form", "nhs_number"),
        ("ref 9434765918 came up", "ref [number] came up", "number"),
        ("ring me on 07700 900123 later", "ring me on [phone number] later", "phone"),
        ("from abroad +44 20 7946 0958", "from abroad [phone number]", "phone"),
        ("email jane.doe@nhs.net about it", "email [email] about it", "email"),
        ("her DOB is 12/03/1985", "her DOB is [date]", "date"),
        ("born on 3rd March 1990, aged 35", "born on [date], aged 35", "date"),
        ("born March 3rd, 1990", "born [date]", "date"),
        ("lives near LS1 4BJ now", "lives near [postcode] now", "postcode"),
        ("lives near ls14bj now", "lives near [postcode] now", "postcode"),
        ("Mr Smith was upset", "[name] was upset", "name"),
        ("I spoke to Mrs Jane Smith today", "I spoke to [name] today", "name"),
        ("Dr. Patel agreed", "[name] agreed", "name"),
        ("the patient John Smith refused", "the patient [name] refused", "name"),
        ("a patient called Amy was scared", "a patient called [name] was scared", "name"),
        ("hospital number RX1234567 was wrong", "[record number] was wrong", "record_number"),
        ("record no. 1234567", "[record number]", "record_number"),
        ("patient id: A12345 bed 4", "[record number] bed 4", "record_number"),
    ],
)
def test_redact_identifiers(text, expected, kind):
    result = redact(text)
    assert result.text == expected
    assert kind in result.kinds
    assert result.changed


@pytest.mark.parametrize("text", ["MRN 12345678 was on the wrong wristband", "MRN: 1234567"])
def test_redact_medical_record_number_written_as_mrn(text):
    """'MRN' is named in the record-number rule, but the rule then demands a second
    label word ("MRN no", "MRN number"), so the usual way of writing it slips through."""
    result = redact(text)
    assert not any(ch.isdigit() for ch in result.text), result.text
    assert "record_number" in result.kinds


def test_redact_many_identifiers_in_one_text():
    text = (
        "Mrs Brown (NHS 943 476 5919, DOB 12/03/1985, LS1 4BJ) called from 07700 900123 "
        "and emailed ward7@example.nhs.uk"
    )
    result = redact(text)
    for secret in ("Brown", "943 476 5919", "12/03/1985", "LS1 4BJ", "07700 900123", "ward7@example.nhs.uk"):
        assert secret not in result.text
    for placeholder in ("[name]", "[NHS number]", "[date]", "[postcode]", "[phone number]", "[email]"):
        assert placeholder in result.text
    assert set(result.kinds) == {"name", "nhs_number", "date", "postcode", "phone", "email"}


@pytest.mark.parametrize(
    "text",
    [
        "I gave balanced feedback to a colleague who was struggling",
        "We had 3 admissions and 12 discharges on a 28 bed ward",
        "I'm a band 6 and I've been qualified for 4 years",
        "The team met at 9.30 for the huddle",
        "",
    ],
)
def test_text_without_identifiers_is_unchanged(text):
    result = redact(text)
    assert result.text == text
    assert result.kinds == ()
    assert not result.changed


def test_short_numbers_are_kept():
    assert redact("we saw 45 patients and 1234567 is a short ref").text == "we saw 45 patients and 1234567 is a short ref"


# --------------------------------------------------------------------------- free text hygiene


def test_clean_free_text_strips_control_characters():
    assert clean_free_text("hello\x00world\x07 and\x1b[31m red\x7f") == "hello world and [31m red"


def test_clean_free_text_tidies_whitespace_but_keeps_paragraphs():
    assert clean_free_text("  first   line \t here\n\n\n\n\nsecond  line  ") == "first line here\n\nsecond line"


def test_clean_free_text_caps_length():
    out = clean_free_text("word " * 2000)
    assert len(out) <= MAX_FREE_TEXT
    assert out.endswith("…")
    short = clean_free_text("x" * 50, limit=10)
    assert short == "x" * 9 + "…"


def test_clean_free_text_empty():
    assert clean_free_text("") == ""
    assert clean_free_text(None) == ""  # type: ignore[arg-type]


@pytest.mark.parametrize("text,judged", [
    ("I'm not suicidal, I just want help delegating", True),
    ("no thoughts of self harm, just want a chat about my appraisal", True),
    ("I could kill for a coffee", True),
    ("I won't be here next week, I'm on a course", True),
    # what follows a denial is not judged by it; and risk in the words the rules know stays the model's too
    ("I'm not suicidal but I don't want to be here anymore", False),
    ("this is my last shift, i won't be here tomorrow", False),
    ("I want to jump in front of a train", False),
    ("i keep thinking everyone would be better off if i was dead", False),
])
def test_what_the_rules_have_judged(text, judged):
    """Where a model's guess of crisis may not overrule the rules (docs/clinical-safety.md, H18)."""
    from bot.safety import rules_have_judged
    assert rules_have_judged(text) is judged
