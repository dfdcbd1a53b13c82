"""Scripted conversations over REST against the real servers, checking replies and stored rows."""

from __future__ import annotations

import json

import pytest

from tests.e2e.harness import new_sender

LEVELS = ["strong", "proficient", "essential", "exemplary", "strong", "not_sure", "proficient", "essential", "strong"]


def choose(level: str) -> str:
    return "/choose_level" + json.dumps({"level": level}, separators=(",", ":"))


def start_with_consent(coach, sender: str) -> str:
    replies = coach.say(sender, "I'd like to do the self-assessment please")
    text = coach.text(replies)
    assert "may I keep your answers" in text
    # Nothing but the introduction and the question: no error, no explanation, nothing stored yet.
    assert "didn't catch" not in text and "I'd keep your ratings" not in text
    assert coach.rows("SELECT count(*) FROM coach_people WHERE user_key = ?", coach.user_key(sender)) == [(0,)]
    replies = coach.say(sender, "yes that's fine")
    text = coach.text(replies)
    assert "1 of 9: Inspiring shared purpose" in text
    assert choose("strong") in coach.payloads(replies)
    return text


def test_greeting_and_capabilities(coach):
    s = new_sender()
    text = coach.text(coach.say(s, "hello"))
    assert "leadership coach" in text
    text = coach.text(coach.say(s, "what can you do?"))
    assert "self-assessment" in text and "not a crisis service" in text


def test_explore_dimensions_by_name_description_and_list(coach):
    s = new_sender()
    text = coach.text(coach.say(s, "what are the nine dimensions"))
    for name in ("Inspiring shared purpose", "Leading with care", "Evaluating information", "Connecting our service",
                 "Sharing the vision", "Engaging the team", "Holding to account", "Developing capability",
                 "Influencing for results"):
        assert name in text
    replies = coach.say(s, "tell me about the one about setting clear expectations")
    text = coach.text(replies)
    assert text.startswith("Holding to account") and "What it is not" in text and "leadershipacademy.nhs.uk" in text
    assert '/start_reflection{"dimension":"holding_to_account"}' in coach.payloads(replies)
    text = coach.text(coach.say(s, "what does exemplary look like in leading with care"))
    assert "Exemplary in Leading with care" in text


def test_scale_explained(coach):
    text = coach.text(coach.say(new_sender(), "how does the scale work, essential to exemplary?"))
    for level in ("Essential", "Proficient", "Strong", "Exemplary", "Not sure yet"):
        assert level in text


def test_full_self_assessment_stores_ratings_and_redacted_notes(coach):
    s = new_sender()
    start_with_consent(coach, s)
    for n, level in enumerate(LEVELS):
        replies = coach.say(s, choose(level))
        assert "What makes you say that?" in coach.text(replies)
        note = "patient 943 476 5919 made me think" if n == 0 else ("skip" if n % 2 else f"example {n}")
        replies = coach.say(s, note)
        if n < 8:
            assert f"{n + 2} of 9" in coach.text(replies)
    text = coach.text(replies)
    assert "Here's your profile" in text and "Strengths to build on" in text and "Areas to develop" in text
    assert "Some learning that fits" in text
    rows = coach.ratings(s, status="completed")
    assert [r[1] for r in rows] == LEVELS
    assert rows[0][3] == "patient [NHS number] made me think"
    assert all("943 476 5919" not in (r[3] or "") for r in rows)
    assert rows[1][3] is None and rows[2][3] == "example 2"
    # The tracker store holds the conversation with the identifier redacted too.
    raw = coach.decrypted("SELECT data FROM coach_conversation_events WHERE conversation_key = ?", coach.user_key(s))
    assert raw and not any("943 476 5919" in r[0] for r in raw)
    assert not any(s in r[0] for r in raw)  # keyed by the HMAC key; the raw sender id is not kept

    # Taking it again keeps history and shows the change.
    coach.say(s, "can I take the self assessment again")
    for level in ["exemplary"] + LEVELS[1:]:
        coach.say(s, choose(level))
        replies = coach.say(s, "skip")
    text = coach.text(replies)
    assert "Since last time: Inspiring shared purpose strong → exemplary" in text
    assert [a[1] for a in coach.assessments(s)] == ["completed", "completed"]


def test_skip_stop_and_resume_later(coach):
    s = new_sender()
    start_with_consent(coach, s)
    coach.say(s, choose("strong"))
    coach.say(s, "I chair the huddle every morning")
    replies = coach.say(s, "skip")  # skip Leading with care
    assert "3 of 9: Evaluating information" in coach.text(replies)
    replies = coach.say(s, "stop")
    assert "saved (2 of 9)" in coach.text(replies)
    # Something else in between, then a plain request picks up where they left off.
    coach.say(s, "what is 360 feedback")
    replies = coach.say(s, "carry on with my self-assessment")
    text = coach.text(replies)
    assert "Welcome back" in text and "3 of 9: Evaluating information" in text
    assert coach.ratings(s) == [("inspiring_shared_purpose", "strong", 0, "I chair the huddle every morning", "in_progress"),
                                ("leading_with_care", None, 1, None, "in_progress")]


def test_declined_consent_stores_nothing(coach):
    s = new_sender()
    coach.say(s, "start the assessment")
    text = coach.text(coach.say(s, "no thanks"))
    assert "nothing has been saved" in text
    assert coach.rows("SELECT count(*) FROM coach_people WHERE user_key = ?", coach.user_key(s)) == [(0,)]


def test_reflection_saved_privately_and_listed(coach):
    s = new_sender()
    replies = coach.say(s, "give me a reflective question on engaging the team")
    assert "Engaging the team" in coach.text(replies)
    coach.say(s, "yes")  # consent; the first prompt follows
    coach.say(s, "Colleagues say I listen well, but Mr Jones on ward 7 said I rush handovers")
    coach.say(s, "skip")
    text = coach.text(coach.say(s, "I ask the HCAs for ideas at the start of a shift"))
    assert "saved 2 answers" in text
    rows = coach.reflections(s)
    assert [r[0] for r in rows][0] == "receiving_end"
    assert rows[0][2] == "Colleagues say I listen well, but [name] on ward 7 said I rush handovers"
    assert rows[1][1] == "engaging_the_team"
    text = coach.text(coach.say(s, "show me my past reflections"))
    assert "I ask the HCAs for ideas" in text
    # Another person sees nothing of it.
    other = coach.text(coach.say(new_sender(), "show me my past reflections"))
    assert "haven't saved any reflections" in other and "HCAs" not in other


def test_recommendations_by_dimension_stage_and_profile(coach):
    s = new_sender()
    text = coach.text(coach.say(s, "any courses for influencing for results?"))
    assert "Learning for Influencing for results" in text and "https://" in text
    text = coach.text(coach.say(new_sender(), "what training is there for a new team leader"))
    assert "first formal leadership role" in text.lower()
    text = coach.text(coach.say(new_sender(), "recommend some leadership courses"))
    assert "good places to start" in text


def test_early_career_path(coach):
    text = coach.text(coach.say(new_sender(), "I'm a student nurse, is leadership relevant to me?"))
    assert "First Principles" in text and "receiving end of me" in text


def test_360_and_facilitator(coach):
    s = new_sender()
    assert "facilitator" in coach.text(coach.say(s, "how does the 360 feedback work"))
    assert "leadershipenquiries.yh@hee.nhs.uk" in coach.text(coach.say(s, "how do I find a facilitator in yorkshire"))


def test_distress_mid_assessment_signposts_and_keeps_progress(coach):
    s = new_sender()
    start_with_consent(coach, s)
    coach.say(s, choose("proficient"))
    replies = coach.say(s, "honestly I can't cope any more")
    text = coach.text(replies)
    assert "116 123" in text and "999" in text and "not a crisis service" in text.lower() or "crisis" in text
    assert "/start_self_assessment" in coach.payloads(replies)
    text = coach.text(coach.say(s, "no"))  # one dismissive tap does not close it
    assert "116 123" not in text and text.strip()
    replies = coach.say(s, "carry on with my self-assessment")
    assert "2 of 9: Leading with care" in coach.text(replies)
    assert coach.ratings(s)[0][:2] == ("inspiring_shared_purpose", "proficient")


def test_out_of_scope_offers_choices(coach):
    replies = coach.say(new_sender(), "what's the weather going to be like tomorrow")
    assert "outside what I can help with" in coach.text(replies)
    assert "/start_self_assessment" in coach.payloads(replies)


@pytest.mark.parametrize(
    "message",
    ["", "   ", "a" * 5000, "😀🙏🏽💙", "hello\x00\x07\x1b[31m there", "<script>alert('x')</script><b>hi</b>",
     '/start_self_assessment{"dimension": "not_a_dimension"}', "/no_such_intent", '/choose_level{"level": "legendary"}',
     '/ask_dimension{"dimension": ["a", "b"]}', "{}", "/", "null"],
)
def test_bad_input_gets_a_polite_reply(coach, message):
    s = new_sender()
    r = coach.send_raw(s, message)
    assert r.status_code == 200, r.text[:300]
    replies = r.json()
    assert isinstance(replies, list)
    # Either a real reply, or (for an empty message) nothing: never a server error.
    if message.strip() and message not in ("/",):
        assert coach.text(replies).strip() or replies == [], message


def test_bad_input_mid_assessment_loses_nothing(coach):
    s = new_sender()
    start_with_consent(coach, s)
    coach.say(s, choose("strong"))
    coach.say(s, "skip")
    for message in ("😀", "<b>x</b>", "a" * 5000, '/choose_level{"level": "legendary"}', "\x01\x02"):
        r = coach.send_raw(s, message)
        assert r.status_code == 200
    replies = coach.say(s, choose("essential"))
    assert "What makes you say that?" in coach.text(replies)
    rows = coach.ratings(s)
    assert rows[0][:2] == ("inspiring_shared_purpose", "strong")
    assert rows[1][:2] == ("leading_with_care", "essential")
    assert len(rows) == 2


def test_assess_a_named_dimension_first(coach):
    s = new_sender()
    coach.say(s, "can you assess me on holding to account")
    replies = coach.say(s, "yes")
    assert "1 of 9: Holding to account" in coach.text(replies)
    coach.say(s, choose("essential"))
    replies = coach.say(s, "I avoid difficult conversations")
    assert "2 of 9: Inspiring shared purpose" in coach.text(replies)
    assert coach.ratings(s)[0][:2] == ("holding_to_account", "essential")


def test_early_career_reflection_uses_the_gentler_prompts(coach):
    s = new_sender()
    coach.say(s, "I've just qualified as a physio and don't lead anyone yet")
    replies = coach.say(s, "/start_reflection")
    assert "one about how others experience you" in coach.text(replies)
    replies = coach.say(s, "/affirm")
    assert "receiving end of me" in coach.text(replies)
    coach.say(s, "I think I come across as quiet in MDT meetings")
    coach.say(s, "I ask seniors to explain their decisions")
    coach.say(s, "I speak up when a handover is unclear")
    prompts = [r[0] for r in coach.reflections(s)]
    assert prompts[0] == "receiving_end" and len(prompts) == 3
    assert all(p.startswith("ec_") for p in prompts[1:])


def test_a_situation_is_named_questioned_and_carried_into_a_stored_reflection(coach):
    s = new_sender()
    situation = "our new HCA Mr Patel keeps getting ignored at handover and i dont know how to bring it up, 07700 900123"
    replies = coach.say(s, situation)
    text = coach.text(replies)
    assert "That sounds like it touches on" in text and "?" in text
    assert "didn't quite follow" not in text and "outside what I can help with" not in text
    reflect = [p for p in coach.payloads(replies) if p.startswith("/start_reflection")]
    assert reflect, replies
    # Nothing is stored by describing a situation.
    assert coach.rows("SELECT count(*) FROM coach_people WHERE user_key = ?", coach.user_key(s)) == [(0,)]

    text = coach.text(coach.say(s, reflect[0]))
    assert "the situation you described" in text and "may I keep your answers" in text
    text = coach.text(coach.say(s, "yes"))
    coach.say(s, "I think I hesitate because I'm worried about upsetting the senior staff")
    stored = coach.decrypted("SELECT r.answer, r.situation FROM coach_reflections r JOIN coach_people p "
                        "ON p.id = r.person_id WHERE p.user_key = ?", coach.user_key(s))
    assert stored and stored[0][0].startswith("I think I hesitate")
    kept = stored[0][1]
    assert "keeps getting ignored at handover" in kept
    assert "Patel" not in kept and "07700 900123" not in kept  # identifiers are redacted before storing


@pytest.mark.parametrize("message, tier", [
    ("stressed about the inspection next week", "wellbeing"),
    ("just been promoted and i feel completely out of my depth", "wellbeing"),
    ("my manager keeps belittling me in front of the team", "wellbeing"),
    ("this rota is killing me, can you help me think about it", "none"),
    ("tired after four nights but otherwise fine", "none"),
    ("i keep thinking everyone would be better off without me", "crisis"),
])
def test_three_tiers_over_rest(coach, message, tier):
    """Risk to life gets 999; strain gets support without 999; ordinary talk gets neither."""
    text = coach.text(coach.say(new_sender(), message))
    gets_crisis = "999" in text
    gets_support = "occupational health" in text.lower()
    assert (gets_crisis, gets_support and not gets_crisis) == (tier == "crisis", tier == "wellbeing"), text[:400]
    if "belittling" in message:
        assert "Freedom to Speak Up" in text


def test_yes_after_a_situation_starts_the_reflection_on_it(coach):
    s = new_sender()
    coach.say(s, "im a band 6 on a busy surgical ward and one of my nurses is constantly on her phone during obs rounds")
    text = coach.text(coach.say(s, "i guess i've never actually told her what i expect"))
    assert "short reflection" in text
    text = coach.text(coach.say(s, "yeah go on then"))
    assert "the situation you described" in text and "may I keep your answers" in text


# --------------------------------------------------------------------------- forms that listen


def _reflection_prompt_again(text: str) -> bool:
    return "receiving end" in text or "?" in text.splitlines()[-1]


def test_questions_inside_the_reflection_are_answered_and_never_stored(coach):
    s = new_sender()
    coach.say(s, "i'd like to reflect on engaging the team")
    text = coach.text(coach.say(s, "yes"))
    prompt = text.splitlines()[-1]
    for question, expect in [("show my reflections", "haven't saved any reflections"),
                             ("what's my profile?", "haven't completed a self-assessment"),
                             ("help", "Here's what I can do"),
                             ("what does proficient mean", "Proficient")]:
        text = coach.text(coach.say(s, question))
        assert expect in text, (question, text[:300])
        assert text.splitlines()[-1] == prompt, (question, text[-300:])  # the form asks its question again
    assert coach.reflections(s) == []
    answer = "I think I need to stop jumping in with the answer at huddles and wait for the HCAs to speak first"
    coach.say(s, answer)
    assert [r[2] for r in coach.reflections(s)] == [answer]
    text = coach.text(coach.say(s, "stop"))
    assert "Stopping there" in text
    assert len(coach.reflections(s)) == 1


def test_text_typed_while_consent_is_pending_is_kept_if_the_person_agrees(coach):
    s = new_sender()
    coach.say(s, "reflect on holding to account")
    typed = "a senior colleague keeps cutting corners on the controlled drugs checks and I have said nothing"
    text = coach.text(coach.say(s, typed))
    assert "May I keep it with your reflection" in text
    assert coach.reflections(s) == []
    text = coach.text(coach.say(s, "yes"))
    assert "kept what you wrote first" in text
    rows = coach.reflections(s)
    assert [(r[0], r[2]) for r in rows] == [("own_words", typed)]
    # The consent question is never sent twice in a row, whatever is typed.
    s2 = new_sender()
    first = coach.text(coach.say(s2, "reflect on leading with care"))
    second = coach.text(coach.say(s2, "hmm"))
    third = coach.text(coach.say(s2, "what?"))
    assert first.splitlines()[-1] != second.splitlines()[-1] != third.splitlines()[-1]


def test_questions_inside_the_assessment_are_answered_and_it_carries_on(coach):
    s = new_sender()
    start_with_consent(coach, s)
    text = coach.text(coach.say(s, "what's the difference between strong and exemplary here?"))
    assert "Strong and Exemplary in Inspiring shared purpose" in text
    assert "1 of 9: Inspiring shared purpose" in text  # and the question again
    coach.say(s, choose("strong"))
    text = coach.text(coach.say(s, "show me my profile so far"))
    assert "1 of 9 answered so far: Inspiring shared purpose: strong" in text
    assert "What makes you say that?" in text  # back to the note question
    assert coach.ratings(s)[0][3] is None  # the question was not kept as a note
    asked = coach.text(coach.say(s, "I stood up for the team at the governance meeting"))
    assert coach.ratings(s)[0][3] == "I stood up for the team at the governance meeting"
    assert "2 of 9: Leading with care" in asked  # the whole question, levels and all
    for _ in range(2):  # not a level: a nudge and the short form of the question, not all of it again
        text = coach.text(coach.say(s, "banana"))
        assert "didn't catch a level" in text and "Which of the four feels closest for Leading with care" in text
        assert "2 of 9" not in text


def test_change_one_answer_start_again_and_the_model_in_a_sentence(coach):
    s = new_sender()
    start_with_consent(coach, s)
    coach.say(s, choose("strong"))
    coach.say(s, "skip")
    for _ in range(8):
        coach.say(s, "/skip")
    assert coach.assessments(s)[-1][1] == "completed"
    text = coach.text(coach.say(s, "I want to change my answer for inspiring shared purpose"))
    assert "Let's look at Inspiring shared purpose again. Last time you chose strong." in text
    assert "Changing your answer for Inspiring shared purpose" in text
    coach.say(s, choose("exemplary"))
    text = coach.text(coach.say(s, "skip"))
    assert "Inspiring shared purpose strong → exemplary" in text
    assert [a[1] for a in coach.assessments(s)] == ["completed", "completed"]

    text = coach.text(coach.say(s, "start my self assessment again from scratch"))
    assert "1 of 9: Inspiring shared purpose" in text
    text = coach.text(coach.say(s, "stop"))
    text = coach.text(coach.say(new_sender(), "explain the model in a sentence"))
    assert text.startswith("In a sentence:")


# --------------------------------------------------------------------------- never silent

OUTSIDE = [
    "hi", "hello?", "morning", "/restart", "/not_a_real_intent", "/greet", "/affirm", "/", "//", "?", "...", "ok",
    "k", "yes", "no", "maybe", "thanks", "cheers x", "bye", "👍", "🙂🙂", "asdfgh", "12345", "NHS", "HLM", "band 5",
    "<b>bold</b>", "<script>alert(1)</script>", "'; DROP TABLE coach_people; --", "null", "None", "{}", "[]",
    "what is this", "who made you", "are you a real person", "are you chatgpt", "what can you do", "help",
    "tell me a joke", "what's the weather like", "who won the football", "can you book my annual leave",
    "how do i do my e-learning", "where is the canteen", "my rota is a mess", "the new rota is murdering me lol",
    "people find me a bit blunt", "my team wont listen to me in huddles", "a complaint came in about me",
    "i got told off by matron", "two of my nurses aren't speaking to each other", "the ward feels toxic",
    "i've been told to delegate more", "how do i give feedback to someone who is always late",
    "im a student nurse on my first placement", "i'm a porter", "i'm a gp partner", "i manage a care home",
    "what courses are there", "anything on coaching?", "anything on digital?", "what is the mary seacole programme",
    "which programme suits an aspiring leader", "what is the rosalind franklin programme", "edward jenner",
    "what are the nine dimensions", "what is holding to account", "tell me about the one about vision",
    "what does strong mean", "difference between essential and strong", "explain the scale",
    "explain the model in a sentence", "what's a 360", "find me a facilitator", "show my profile",
    "show my reflections", "change my answer for sharing the vision", "i'm stressed about the inspection",
    "just been promoted and feel out of my depth", "tired after four nights but otherwise fine",
    "kill off the old handover process", "dying to get home", "shoot me a question", "my manager bullies me",
    "i feel undervalued", "nobody says thank you on our ward", "I can't cope any more", "skip", "stop", "next",
    "start again", "carry on", "what now?", "menu", "go back", "undo", "lol", "hahaha", "sorry", "what?",
    "I don't understand", "that's not what I asked", "you're useless", "you're great", "thank you so much",
    "can I talk to a human", "is this confidential", "who can see what I write", "delete my data",
    "x" * 500, "word " * 300, "ÄÖÜ ßñ ç", "中文", "مرحبا", "   ", "\t", "a\nb\nc",
]

IN_ASSESSMENT = [
    "strong", "I'd say proficient", "not sure", "skip", "exemplary on a good day", "what does essential mean",
    "show my profile", "show my reflections", "help", "what?", "banana", "banana", "🤷", "/choose_level", "/skip",
    "/not_a_real_intent", "difference between strong and exemplary", "list the dimensions", "tell me about this one",
    "why do you ask", "I'm exhausted", "thanks", "hello", "what courses are there", "anything on coaching",
    "change my answer for inspiring shared purpose", "proficient", "my team would say I'm strong at this", "skip",
    "essential", "I stood up for my team at the governance meeting", "explain the scale", "what is a 360",
    "who are you", "a", "!!!", "strong", "none of your business", "skip", "proficient", "skip", "stop",
]

IN_REFLECTION = [
    "hmm", "what?", "what will you keep", "the handover on our ward is chaos and nobody owns it", "yes",
    "show my reflections", "what's my profile?", "help", "what does proficient mean", "they'd say I'm direct",
    "skip", "I want to stop being the one who fixes everything and let the team own it", "hello", "thanks",
    "🤷", "/not_a_real_intent", "banana", "banana", "list the dimensions", "anything on conflict?",
    "I'm so tired of it all", "I keep going over it in my head", "the porters feel blamed", "dunno", "pass",
    "no", "yes", "stop",
]

AFTER_SITUATION = [
    "our matron never backs us up when families complain", "maybe i haven't asked her directly", "yes",
    "stop", "my team wont listen in huddles", "no", "what does engaging the team look like at each level",
    "a colleague is always late", "learning for that", "thanks", "one of the doctors shouts at the nurses",
    "what?", "i don't know", "bye",
]

MORE = [
    "good afternoon coach", "hiya", "yo", "u there?", "what r u", "how does this work", "where do i start",
    "i've got 5 mins", "im on my break", "im a healthcare assistant on nights", "i'm a new band 7",
    "i'm a consultant", "i work in estates", "i'm in the ambulance service", "i'm a district nurse",
    "i work on reception at a gp surgery", "i'm a social worker", "i'm a physio", "im an f1",
    "my deputy undermines me in front of the team", "we've had three serious incidents this month",
    "nobody reads the emails I send", "how do i get buy in for a new rota", "how do i run a good huddle",
    "the audit results are bad and i have to present them", "staff morale is rock bottom",
    "I don't know how to say no to my manager", "i'm covering two wards tonight",
    "our team has no shared goals", "I've been asked to lead a QI project", "the trust is merging services",
    "how do i motivate agency staff", "i want to be a better leader", "i want a promotion",
    "what should i work on", "what am i bad at", "what am i good at", "recommend something short",
    "anything free?", "is there anything online", "anything for new managers", "anything on inclusion",
    "anything about finance", "what's the edward jenner programme", "tell me about the nye bevan programme",
    "what is compassionate leadership", "what's the point of this", "this is boring", "can you speed up",
    "repeat that", "say that again", "what did you say", "I didn't get that", "one more time",
    "how long does the assessment take", "can i do it later", "will my manager see this",
    "how do i delete my answers", "goodnight", "see ya", "ta", "nice one",
]

AFTER_SIGNPOST = ["I want to end my life", "no", "thanks", "i'm ok now", "ok", "what can you do", "bye"]


def test_every_message_gets_a_reply_in_every_state(coach):
    """More than 300 messages, in and out of every flow: each gets at least one reply, never a server
    error, and the coach never sends the same message twice in a row."""
    conversations = [("outside", OUTSIDE), ("more", MORE)]
    conversations.append(("assessment", ["start the self assessment", "yes"] + IN_ASSESSMENT))
    conversations.append(("consent pending", ["start the self assessment", "hmm", "what?", "what do you keep",
                                              "show my profile", "stop"]))
    conversations.append(("reflection", ["reflect on leading with care"] + IN_REFLECTION))
    conversations.append(("early career reflection", ["im a student nurse", "i'd like to reflect"] + IN_REFLECTION))
    conversations.append(("situation", AFTER_SITUATION))
    conversations.append(("signposting", AFTER_SIGNPOST))
    conversations.append(("restart mid-form", ["start the self assessment", "yes", "/restart", "strong",
                                               "show my profile", "reflect on holding to account", "/restart", "hi"]))
    sent = 0
    for name, messages in conversations:
        s = new_sender()
        last = None
        for message in messages:
            r = coach.send_raw(s, message)
            assert r.status_code == 200, (name, message, r.status_code, r.text[:300])
            replies = r.json()
            texts = [m.get("text") for m in replies if m.get("text")]
            assert texts, f"{name}: no reply to {message!r}"
            for t in texts:
                assert t != last, f"{name}: the same message twice in a row after {message!r}: {t[:200]}"
                last = t
            sent += 1
    assert sent >= 300, sent
