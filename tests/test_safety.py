"""Distress detection and the removal of patient identifiers before anything is stored."""

from __future__ import annotations

import pytest

from bot.safety import MAX_FREE_TEXT, clean_free_text, is_distress, nhs_number_is_valid, redact

# --------------------------------------------------------------------------- distress

DISTRESS = [
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
    "I'm at breaking point with work",
    "I'm at the end of my tether",
    "I feel completely hopeless",
    "there's no point in living",
    "I've been thinking about taking an overdose",
    "I've been having panic attacks before every shift",
    "I've been crying in the toilets most days",
    "I don't feel safe at home",
    "I'm so burnt out I can't do this",
    "I can't take it anymore",
    "everything is too much",
    "I'm falling apart",
    "I KEEP THINKING ABOUT SUICIDE",
    "I   want   to   die",  # odd spacing
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


@pytest.mark.parametrize("text", DISTRESS)
def test_distress_is_recognised(text):
    assert is_distress(text) is True


@pytest.mark.parametrize("text", NOT_DISTRESS)
def test_ordinary_talk_is_not_distress(text):
    assert is_distress(text) is False


def test_distress_lists_are_substantial():
    assert len(DISTRESS) >= 15 and len(NOT_DISTRESS) >= 10


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
    "i'm being bullied by my manager",
    "i feel totally overwhelmed and hopeless",
    "whats the point in carrying on",
    "the bullying at work has broken me",
    "crying in my car after handover again",
])
def test_distress_phrasings_the_model_missed_are_caught_by_rule(text):
    # Found by held-out testing of the NLU model: short phrasings it sent elsewhere with confidence.
    assert is_distress(text)


@pytest.mark.parametrize(
    "text",
    [
        "I can\u02bct cope",  # modifier letter apostrophe
        "I can\u2018t go on like this",  # the wrong curly quote, as some keyboards type it
        "I don\uff07t want to be here",  # full-width apostrophe
        "I\u2019m\u00a0not\u00a0coping",  # non-breaking spaces pasted from a document
        "I can\u2019t\n\ncope",
    ],
)
def test_distress_is_recognised_however_it_is_typed(text):
    """The safety net reads text through ``bot.text.fold``, like the rest of the coach."""
    assert is_distress(text) is True


@pytest.mark.parametrize("text", ["/express_distress", "  /greet", "\u00a0/start_reflection"])
def test_button_payloads_are_not_read_as_distress(text):
    assert is_distress(text) is False
