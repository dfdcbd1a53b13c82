"""Identifiers in free text: bot.redact measured per kind on tests/identifiers_corpus.yml.

The corpus holds what staff type to the coach, labelled with every identifier in it (see its
header for what is and is not labelled, and why). bot.redact.score counts, per kind, labelled
identifiers found by a span of their own kind, those hidden by any span, and spans that hide
nothing labelled. Run with -s to see the table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot import redact as redact_module
from bot import safety
from bot.redact import (
    KINDS,
    PLACEHOLDERS,
    Redaction,
    find_identifiers,
    format_table,
    nhs_number_is_valid,
    redact,
    score,
)

CORPUS = Path(__file__).parent / "identifiers_corpus.yml"
STRICT_KINDS = ("nhs_number", "date", "phone", "email", "postcode")


def _sentences():
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))["sentences"]


@pytest.fixture(scope="module")
def scores():
    result = score(CORPUS)
    print("\n" + format_table(result))
    for miss in result["misses"]:
        print(f"  missed {miss['kind']} {miss['identifier']!r} (hidden as {miss['as']}) in {miss['text']!r}")
    for fp in result["false_positives"]:
        print(f"  false {fp['kind']} {fp['span']!r} in {fp['text']!r}")
    return result


# --------------------------------------------------------------------------- the corpus


def test_corpus_is_big_varied_and_labelled_well():
    items = _sentences()
    assert len(items) >= 180
    counts = {}
    for item in items:
        assert set(item) == {"text", "identifiers"}, item
        for label in item["identifiers"]:
            assert set(label) == {"kind", "text"}, label
            assert label["kind"] in KINDS, label
            assert label["text"] in item["text"], label
            counts[label["kind"]] = counts.get(label["kind"], 0) + 1
    for kind in STRICT_KINDS:
        assert counts.get(kind, 0) >= 15, (kind, counts)
    assert counts["record_number"] >= 10 and counts["name"] >= 25
    assert sum(1 for i in items if not i["identifiers"]) >= 60
    assert len({i["text"] for i in items}) == len(items), "duplicate sentences"


def test_corpus_nhs_numbers_pass_the_check_and_failing_ones_are_never_labelled_nhs_number():
    invalid = 0
    for item in _sentences():
        for label in item["identifiers"]:
            digits = re.sub(r"\D", "", label["text"])
            if label["kind"] == "nhs_number":
                assert nhs_number_is_valid(digits), label
            elif len(digits) == 10 and not nhs_number_is_valid(digits):
                invalid += 1
                assert label["kind"] == "number", label
    assert invalid >= 5  # NHS numbers typed with a wrong check digit are in the corpus


# --------------------------------------------------------------------------- measured on it


@pytest.mark.parametrize("kind", STRICT_KINDS)
def test_recall_and_precision_per_kind(scores, kind):
    row = scores["kinds"][kind]
    assert row["recall"] >= 0.95, (kind, row)
    assert row["precision"] >= 0.9, (kind, row)
    assert row["hidden_recall"] >= row["recall"]


def test_record_number_recall_and_precision(scores):
    row = scores["kinds"]["record_number"]
    assert row["recall"] >= 0.9 and row["precision"] >= 0.9, row


def test_names_as_measured(scores):
    # Measured: recall 0.987 (75 of 76; "Florence on Ward 7" is missed), precision 1.0.
    row = scores["kinds"]["name"]
    assert row["recall"] >= 0.95, row
    assert row["precision"] >= 0.95, row


def test_sentences_without_identifiers_are_left_alone(scores):
    s = scores["sentences"]
    assert s["without_identifiers"] >= 60
    assert s["changed_without_identifiers"] <= 0.02 * s["without_identifiers"], scores["false_positives"]


def test_predicted_nhs_numbers_always_pass_the_check():
    for item in _sentences():
        text = item["text"]
        for start, end, kind in find_identifiers(text):
            if kind == "nhs_number":
                assert nhs_number_is_valid(re.sub(r"\D", "", text[start:end])), text


def test_table_has_one_row_per_kind_and_a_total(scores):
    table = format_table(scores)
    lines = table.splitlines()
    assert lines[0] == "| kind | labelled | found (kind) | recall | hidden at all | false positives | precision |"
    for kind in scores["kinds"]:
        assert any(line.startswith(f"| {kind} |") for line in lines)
    assert any(line.startswith("| **all** |") for line in lines)
    assert "without identifiers" in table


def test_scoring_rules(tmp_path):
    corpus = tmp_path / "c.yml"
    corpus.write_text(
        "sentences:\n"
        '  - text: "ring 07700 900123 about MRN 1234567"\n'
        "    identifiers:\n"
        '      - {kind: phone, text: "07700 900123"}\n'
        '      - {kind: nhs_number, text: "1234567"}\n'  # deliberately the wrong kind: hidden, not found
        '  - text: "her email is jo@example.com"\n'
        "    identifiers: []\n"  # deliberately unlabelled: a false positive
        '  - text: "5mg at 07:30"\n'
        "    identifiers: []\n",
        encoding="utf-8",
    )
    result = score(corpus)
    assert result["kinds"]["phone"] == {"labelled": 1, "found": 1, "hidden": 1, "false_positives": 0,
                                        "recall": 1.0, "hidden_recall": 1.0, "precision": 1.0}
    nhs = result["kinds"]["nhs_number"]
    assert (nhs["labelled"], nhs["found"], nhs["hidden"]) == (1, 0, 1)
    assert result["kinds"]["email"]["false_positives"] == 1 and result["kinds"]["email"]["precision"] == 0.0
    assert result["sentences"] == {"total": 3, "with_identifiers": 1, "without_identifiers": 2,
                                   "changed_without_identifiers": 1, "all_hidden": 1}


def test_a_label_not_in_its_sentence_is_an_error(tmp_path):
    corpus = tmp_path / "c.yml"
    corpus.write_text('sentences:\n  - text: "hello"\n    identifiers: [{kind: name, text: "Jo"}]\n', encoding="utf-8")
    with pytest.raises(ValueError):
        score(corpus)


# --------------------------------------------------------------------------- the module


def test_safety_re_exports_the_same_objects():
    assert safety.redact is redact
    assert safety.Redaction is Redaction
    assert safety.nhs_number_is_valid is nhs_number_is_valid


def test_spans_are_ordered_and_apart_and_match_the_placeholders():
    text = ("Mrs Brown (NHS 943 476 5919, DOB 12/03/1985, LS1 4BJ) called from 07700 900123, "
            "emailed ward7@example.nhs.uk, MRN 1234567, and Priya said ref 9434765918")
    spans = find_identifiers(text)
    assert [k for _, _, k in spans] == ["name", "nhs_number", "date", "postcode", "phone", "email",
                                        "record_number", "name", "number"]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    result = redact(text)
    assert result.kinds == tuple(k for _, _, k in spans)
    assert result.text == (
        "[name] (NHS [NHS number], DOB [date], [postcode]) called from [phone number], emailed [email], "
        "[record number], and [name] said ref [number]"
    )
    assert set(PLACEHOLDERS) == set(KINDS)


@pytest.mark.parametrize("text", ["", None])
def test_nothing_in_nothing_out(text):
    assert find_identifiers(text) == []
    assert redact(text) == Redaction("", ())


# --------------------------------------------------------------------------- tricky cases


def _only(text):
    """The (identifier, kind) pairs found in ``text``."""
    return [(text[s:e], k) for s, e, k in find_identifiers(text)]


@pytest.mark.parametrize(
    "number",
    ["07700 900123", "07700900123", "+44 7700 900123", "0117 496 0123", "(020) 7946 0321", "01632 960 123 ext 4",
     "07700-900-314", "+44 (0)121 496 0782", "+44(0)7700 900 456", "0044 7700 900245", "0808 157 0192",
     "028 9649 6123", "+1 212 555 0199", "+234 803 123 4567", "+447700900333", "0161 496 0000 ext 22"],
)
def test_phone_numbers_however_typed(number):
    assert _only(f"she rang from {number} last night") == [(number, "phone")]


@pytest.mark.parametrize(
    "text",
    ["bleep 4432 went off all night", "I rang ext 4432 for the reg", "ring ext. 45123 for discharges",
     "we dialled 2222 for the arrest", "call 999 or 111", "obs at 2200, 0200 and 0600", "morning huddle at 0830"],
)
def test_bleeps_extensions_and_times_are_not_phone_numbers(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize("number", ["943 476 5919", "943-476-5919", "9434765919", "943.476.5919", "943 4765 919"])
def test_nhs_numbers_however_grouped(number):
    assert _only(f"NHS no {number} on the form") == [(number, "nhs_number")]


def test_an_nhs_number_with_a_wrong_check_digit_is_only_a_number():
    assert not nhs_number_is_valid("9434765918")
    assert redact("nhs 943 476 5918 wasn't on the system").text == "nhs [number] wasn't on the system"
    assert "nhs_number" not in redact("9434765918").kinds


def test_an_nhs_number_next_to_other_digits():
    assert _only("bay 3 9434765919 had the wrong diet") == [("9434765919", "nhs_number")]
    assert _only("nhs no.9434765919") == [("9434765919", "nhs_number")]


@pytest.mark.parametrize(
    "date",
    ["12/03/1961", "12.3.61", "1961-03-12", "3rd March 1961", "March 3rd 1961", "3 Mar 61", "12th Dec '61",
     "March 3rd, 1961", "21st of November", "14th February", "03-12-1961"],
)
def test_dates(date):
    assert _only(f"it was {date} and I remember it") == [(date, "date")]


@pytest.mark.parametrize(
    "text, date",
    [("DOB 12/03/61, lives alone", "12/03/61"), ("born 1961-03-12 in Leeds", "1961-03-12"),
     ("DOB 120361 on the label", "120361"), ("on 3/4 the patient fell", "3/4"),
     ("admitted 14/2 with sepsis", "14/2")],
)
def test_dates_in_context(text, date):
    assert _only(text) == [(date, "date")]


@pytest.mark.parametrize(
    "text",
    ["pain score 3/10", "she's 37/40", "review in 6/12", "admitted 3/7 ago", "on 2/52 of antibiotics",
     "I've been a band 5 since 2019", "I started in March 2021", "the rota for May is out",
     "in May 2 of us left", "we had 3 may need beds", "my preceptorship started on the 3rd",
     "My appraisal is on 3 April", "my interview is on the 14th of June", "I'm off from 3 June until 10 June",
     "I'm on annual leave from 2 August", "the 10-12-2 shift pattern", "v2.1.23 of the policy",
     "2019 2020 2021 were the worst years", "the ratio was 1:8", "I left at 21.45"],
)
def test_things_that_are_not_dates_or_numbers(text):
    assert find_identifiers(text) == []


def test_a_diary_word_does_not_hide_a_date_with_a_year_or_in_another_sentence():
    assert _only("My appraisal is on 3 April 2025") == [("3 April 2025", "date")]
    assert _only("I had my appraisal. On 3 April the patient fell") == [("3 April", "date")]


@pytest.mark.parametrize("code", ["SW1A 1AA", "LS1 4AP", "m1 1ae", "M1 1AE", "ls14bj", "SW1A1AA", "EC1A 1BB",
                                  "CF14 4XW", "BT12 6BA"])
def test_postcodes(code):
    assert _only(f"she lives at {code} now") == [(code, "postcode")]


@pytest.mark.parametrize(
    "text",
    ["bay 3 is short", "ward 12B again", "the A4 paper ran out", "she needs B12 injections", "B12 levels",
     "stuck on the M6 4am", "the bay C2 3rd bed", "I commute from SE15", "a G4S guard", "vitamin D3 1000 units",
     "E3 4AM"],  # no inward code has an M: E3 4AM is not a postcode
)
def test_not_postcodes(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize(
    "text, record",
    [("MRN 1234567 wrong band", "MRN 1234567"), ("hospital number RX1234567", "hospital number RX1234567"),
     ("hosp no. K123456 bloods", "hosp no. K123456"), ("unit number 0012345 twice", "unit number 0012345"),
     ("MRN#1234567 came up", "MRN#1234567"), ("the wrong hospital no, it should have been 7654321", "7654321"),
     ("I typed rx1234567 into order comms", "rx1234567"), ("on the chart RTH0034412", "RTH0034412")],
)
def test_record_numbers(text, record):
    assert _only(text) == [(record, "record_number")]


def test_an_incident_reference_is_not_a_record_number():
    assert find_identifiers("I put a datix in, ref W123456, and heard nothing") == []


@pytest.mark.parametrize(
    "text, name",
    [("mrs patel kept asking", "mrs patel"), ("dr okafor said so", "dr okafor"),
     ("Sister Adeyemi told me", "Sister Adeyemi"),
     ("Dr. Mensah disagreed", "Dr. Mensah"), ("Sr Jones told me off", "Sr Jones"), ("mr o'neill shouted", "mr o'neill"),
     ("Matron Clarke is lovely", "Matron Clarke"), ("a lady called Doris", "Doris"), ("a patient called amy", "amy"),
     ("the patient John Smith refused", "John Smith"), ("Patel said I was useless", "Patel"),
     ("Dr Oluwaseun Adeyemi backed me", "Dr Oluwaseun Adeyemi"), ("mr and mrs patel were lovely", "mrs patel"),
     ("my sister Karen works here", "Karen")],
)
def test_names(text, name):
    assert (name, "name") in _only(text)


@pytest.mark.parametrize(
    "text",
    ["our Nurse Practitioner was off", "Sister in charge today was me", "the dr on call never came",
     "we had 3 ms patients in", "I miss home so much", "matron said no", "Sister was off so I was in charge",
     "Mr B was aggressive", "Dr K was supportive", "service user JB was restrained", "Patient Safety want a statement",
     "the patient I'm worried about", "I called Security", "Florence Nightingale ward has a leak",
     "we trained at St James's", "Price was the problem"],
)
def test_not_names(text):
    assert find_identifiers(text) == []


def test_emails():
    assert _only("send it to JANE.DOE@NHS.NET please") == [("JANE.DOE@NHS.NET", "email")]
    assert _only("email me: j.bloggs@nhs.net.") == [("j.bloggs@nhs.net", "email")]
    assert _only("it was jane dot doe at nhs dot net") == [("jane dot doe at nhs dot net", "email")]
    assert find_identifiers("hello @NHSEngland on twitter") == []


def test_redaction_is_fast_enough_for_a_long_note():
    import time

    text = ("Mrs Patel in bay 4 (nhs 943 476 5919) rang 07700 900123 on 12/03/2024 about LS1 4AP. " * 40)[:4000]
    started = time.perf_counter()
    result = redact(text)
    assert time.perf_counter() - started < 2.0
    assert "943 476 5919" not in result.text and "07700 900123" not in result.text


def test_without_phonenumbers_uk_numbers_are_still_hidden(monkeypatch):
    monkeypatch.setattr(redact_module, "phonenumbers", None)
    assert redact("ring 07700 900123 or +44 7700 900123").text == "ring [phone number] or [phone number]"
