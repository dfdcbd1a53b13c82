"""Identifiers in what staff type, and their replacement by placeholders before anything is stored.

Staff reflect on real work, so their free text holds other people's identifiers. :func:`redact`
replaces each with a placeholder; :func:`find_identifiers` returns the spans it replaces.

=================  =================  ===========================================================
kind               placeholder        what counts
=================  =================  ===========================================================
``email``          ``[email]``        ``local@domain.tld``, or spelt out: "jane dot doe at nhs dot net"
``record_number``  ``[record number]`` a hospital, MRN, unit, PAS, patient or case number after
                                      its label (the label goes too: "MRN 1234567" ->
                                      "[record number]"), or a bare hospital-number shape of 1-3
                                      capitals and 6-8 digits ("RX1234567", "K123456") unless it
                                      follows "datix", "incident" or "ref"
``date``           ``[date]``         a specific day: 12/03/1961, 12.3.61, 1961-03-12,
                                      3rd March 1961, March 3rd 1961, 3 Mar 61, "14th February",
                                      "on 3/4"; after "DOB" or "born" also 120361 and 12 03 61
``phone``          ``[phone number]`` a number that dials: UK numbers however grouped (07700
                                      900123, +44 7700 900123, 0044..., (020) 7946 0321, 01632
                                      960 123 ext 4) and international numbers written with + or 00
``nhs_number``     ``[NHS number]``   10 digits that pass the modulus 11 check, however grouped
``number``         ``[number]``       any other run of 9 or more digits, such as an NHS number
                                      with a wrong check digit: probably still someone's reference
``postcode``       ``[postcode]``     a full UK postcode (outward and inward code) in a real
                                      postcode area: SW1A 1AA, ls14bj, m1 1ae
``name``           ``[name]``         a name after a title ("Mrs Khan", "dr patel", "Sister
                                      Adeyemi"), after "patient"/"a lady called"..., bare given
                                      names (:func:`bot.names.find_names`), and a common surname
                                      followed by a verb of speech ("Patel said")
=================  =================  ===========================================================

Deliberately left alone, because they identify nobody or because hiding them would wreck what
was written:

* bleeps and extensions ("bleep 4432", "ext 2210"): four or five digits that reach a role, not
  a person; a phone number needs at least nine digits after its trunk 0 or country code;
* incident references ("datix ref 58231") and short numbers (bay 3, 5mg, 07:30, 0830, band 5,
  since 2019, 1:8, 95%): a run of digits is only hidden from 9 digits up;
* clinical fractions (3/10, 37/40, 6/12, 2/52): a numeric date needs a year, unless it follows
  "on", "dated", "from", "since", "until", "by" or "admitted", "discharged", "died"... ("on 3/4
  the patient fell", "admitted 14/2"; but "admitted 3/7 ago" is a duration);
* months and years without a day ("since March 2021"), and "the 3rd";
* a day without a year in the writer's own diary ("My appraisal is on 3 April", "annual leave
  from 2 August"): the writer's own plans are nobody else's identifier;
* outward codes alone ("I commute from SE15"), vitamin B12, A4 paper, ward 12B, "M6 4am";
* initials ("Mr B"), the anonymised form reflective writing is taught to use;
* wards, units and hospitals, even when named after someone ("Florence Nightingale ward").

Where spans would overlap, the first detector in this order wins: email, record number, date,
phone, NHS number / other long number, postcode, titled name, "patient called" name, bare given
name, surname that speaks.

:func:`score` measures all this per kind on a labelled corpus (``tests/identifiers_corpus.yml``)
and :func:`format_table` prints the result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Tuple, Union

try:  # pinned in requirements.txt; without it, phone numbers fall back to the digit-run rule
    import phonenumbers
except ImportError:  # pragma: no cover - only when the dependency is missing
    phonenumbers = None

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "Redaction",
    "find_identifiers",
    "format_table",
    "nhs_number_is_valid",
    "redact",
    "score",
]

PLACEHOLDERS: Dict[str, str] = {
    "nhs_number": "[NHS number]",
    "phone": "[phone number]",
    "number": "[number]",
    "email": "[email]",
    "record_number": "[record number]",
    "date": "[date]",
    "postcode": "[postcode]",
    "name": "[name]",
}
KINDS: Tuple[str, ...] = ("nhs_number", "date", "phone", "email", "postcode", "record_number", "number", "name")

Span = Tuple[int, int, str]


@dataclass(frozen=True)
class Redaction:
    text: str
    kinds: Tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def nhs_number_is_valid(digits: str) -> bool:
    """Modulus 11 check of a 10-digit NHS number."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


# --------------------------------------------------------------------------- emails

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]*\w@[\w-]+(?:\.[\w-]+)+\b")
# Spelt out so that it will not be taken for a link: "jane dot doe at nhs dot net".
_EMAIL_WORDS = re.compile(
    r"\b[\w+-]+(?:\s+dot\s+[\w+-]+)*\s+(?:at|@)\s+[\w-]+(?:\s+dot\s+[\w-]+)*"
    r"\s+dot\s+(?:net|com|org|uk|gov|ac|nhs|co|io|info|edu)\b",
    re.I,
)


def _emails(text: str) -> Iterable[Span]:
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "email"
    for m in _EMAIL_WORDS.finditer(text):
        start = m.start()
        # The local part is the word just before "at" plus any "dot word" pieces before it.
        local = re.search(r"[\w+-]+(?:\s+dot\s+[\w+-]+)*\s+(?:at|@)\s", m.group(), re.I)
        yield start + (local.start() if local else 0), m.end(), "email"


# --------------------------------------------------------------------------- record numbers

_RECORD_LABEL = (
    r"(?:m\.?r\.?n\b\.?|(?:hospital|hosp|unit|record|patient|case|pas|medical\s+record|case\s*note|k)s?\.?"
    r"\s*(?:nos?\b\.?|number|num\b\.?|nr\b\.?|id\b|#))"
)
_RECORD_ID = r"[A-Z]{0,3}\s?\d[\dA-Z]{3,}(?:[ -]\d{2,})*"
# "hospital number RX1234567", "MRN: 00456789", "hosp no. K123456", "hospital number is ..."
_RECORD = re.compile(rf"\b{_RECORD_LABEL}\s*(?:(?:is|was|of)\s+)?[:#=\-]?\s*(?P<id>{_RECORD_ID})\b", re.I)
# "the wrong hospital no, it should have been 7654321": the number within a few words of its label.
_RECORD_LATER = re.compile(
    rf"\b{_RECORD_LABEL}(?:[\s,:\-]+(?:[a-z']+))" r"{1,5}[\s:,\-]+(?P<id>[A-Z]{0,3}\d{5,10}[A-Z]?)\b", re.I
)
# A bare hospital-number shape: RX1234567, K123456, RTH0034412, rx1234567.
_RECORD_BARE = re.compile(r"(?<![\w\-/])[A-Z]{1,3}\d{6,8}[A-Z]?(?![\w\-/])", re.I)
_NOT_RECORD_BEFORE = re.compile(r"(?:datix|incident|ref|reference|ir1|web|complaint)\W{0,3}$", re.I)


def _records(text: str) -> Iterable[Span]:
    for m in _RECORD.finditer(text):
        yield m.start(), m.end("id"), "record_number"
    for m in _RECORD_LATER.finditer(text):
        yield m.start("id"), m.end("id"), "record_number"
    for m in _RECORD_BARE.finditer(text):
        if not _NOT_RECORD_BEFORE.search(text[max(0, m.start() - 14):m.start()]):
            yield m.start(), m.end(), "record_number"


# --------------------------------------------------------------------------- dates

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_ORDINAL = r"(?:st|nd|rd|th)"
_YEAR = r"(?:(?:19|20)\d{2}|'?\d{2})(?![\d:])"

# 12/03/1961, 12.3.61, 12-03-61 (one separator throughout; not a version number, v2.1.23)
_NUMERIC_DATE = re.compile(r"(?<![\w/.\-:])(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?![\d:]|[/.\-]\d)")
# 1961-03-12, 1961/3/12
_ISO_DATE = re.compile(r"(?<![\w/.\-:])((?:19|20)\d{2})([/.\-])(\d{1,2})\2(\d{1,2})(?![\d:]|[/.\-]\d)")
# 3rd March 1961, 21st of November, 3 Mar 61, 14th February, 2nd of May
_DAY_MONTH = re.compile(
    rf"\b(?P<day>{_DAY})(?P<ord>{_ORDINAL})?\s+(?P<of>of\s+)?(?P<month>{_MONTH})(?![\w])"
    rf"(?:,?\s+(?P<year>{_YEAR}))?",
    re.I,
)
# March 3rd 1961, March 3, 1961, March the 3rd
_MONTH_DAY = re.compile(
    rf"\b(?P<month>{_MONTH})\s+(?P<the>the\s+)?(?P<day>{_DAY})(?P<ord>{_ORDINAL})?\b(?:,?\s+(?P<year>{_YEAR}))?",
    re.I,
)
# "on 3/4 the patient fell", "admitted 14/2": a day and month without a year, only after a word that
# wants a date, and not as the clinical shorthand for a duration ("admitted 3/7 ago").
_SHORT_DATE = re.compile(
    r"\b(?:on|dated|from|since|until|till|by|admitted|readmitted|discharged|transferred|died|seen|born)"
    r"\s+(?:on\s+)?(?:the\s+)?(?P<date>(\d{1,2})/(\d{1,2}))(?![/\d])(?!\s*ago\b)",
    re.I,
)
# A day without a year in the writer's own diary is nobody else's identifier: "My appraisal is on
# 3 April", "my interview is on the 14th of June", "annual leave from 2 August".
_OWN_DIARY = re.compile(
    r"\b(?:appraisal|interview|annual\s+leave|study\s+leave|mat(?:ernity)?\s+leave|holidays?|hols|course|"
    r"study\s+day|exam|induction|revalidation|supervision|preceptorship|graduation|deadline|wedding|"
    r"days?\s+off|(?:i'?m|i\s+am|we'?re|we\s+are)\s+off|1:1|one\s+to\s+one|start\s+date|i\s+start)\b[^.!?;\n]{0,40}$",
    re.I,
)


def _own_diary(text: str, start: int) -> bool:
    return bool(_OWN_DIARY.search(text[max(0, start - 80):start]))


# "DOB 120361", "born 12 03 61", "DOB: 12031961"
_DOB_COMPACT = re.compile(
    r"\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|born)\s*(?:is\s+|was\s+|on\s+)?[:\-]?\s*"
    r"(?P<date>\d{6}|\d{8}|\d{1,2}\s\d{1,2}\s(?:\d{4}|\d{2}))\b",
    re.I,
)


def _day_month_ok(a: int, b: int) -> bool:
    """Day and month, either way round (12/03 or the American 03/12)."""
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= b <= 31 and 1 <= a <= 12)


def _dates(text: str) -> Iterable[Span]:
    for m in _NUMERIC_DATE.finditer(text):
        year = m.group(4)
        if _day_month_ok(int(m.group(1)), int(m.group(3))) and (len(year) == 2 or 1900 <= int(year) <= 2099):
            yield m.start(), m.end(), "date"
    for m in _ISO_DATE.finditer(text):
        if 1 <= int(m.group(3)) <= 12 and 1 <= int(m.group(4)) <= 31:
            yield m.start(), m.end(), "date"
    for m in _DAY_MONTH.finditer(text):
        month = m.group("month")
        if month.lower().startswith("may") and not (m.group("ord") or m.group("of") or m.group("year")) \
                and not month[0].isupper():
            continue  # "2 may need a bed"
        if m.group("year") or not _own_diary(text, m.start()):
            yield m.start(), m.end(), "date"
    for m in _MONTH_DAY.finditer(text):
        if m.group("year") or m.group("ord") and not _own_diary(text, m.start()):
            yield m.start(), m.end(), "date"  # "in May 2 of us left" is not a date
    for m in _SHORT_DATE.finditer(text):
        if 1 <= int(m.group(2)) <= 31 and 1 <= int(m.group(3)) <= 12 and not _own_diary(text, m.start()):
            yield m.start("date"), m.end("date"), "date"
    for m in _DOB_COMPACT.finditer(text):
        raw = m.group("date")
        day, month = (raw.split()[:2] if " " in raw else (raw[:2], raw[2:4]))
        if _day_month_ok(int(day), int(month)):
            yield m.start("date"), m.end("date"), "date"


# --------------------------------------------------------------------------- phone numbers


def _phones(text: str) -> Iterable[Span]:
    """Numbers that dial, found by ``phonenumbers`` (UK by default) and then held to a UK shape.

    The matcher is run at its most lenient ("possible"), because what staff type are often
    numbers its metadata does not know (new ranges, the Ofcom drama ranges); what it finds must
    then start as a dialled number does (0, +, 00 or a bracket) and have a full national number:
    9 or 10 digits after the trunk 0 for the UK, 7 or more elsewhere. "bleep 4432", "ext 2210",
    0830 and an NHS number (no leading 0) never pass.
    """
    if phonenumbers is None:  # pragma: no cover - the digit-run rule still catches 0... and +44...
        return
    for m in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        raw = m.raw_string.lstrip("(")
        if not raw or raw[0] not in "0+":
            continue
        number = m.number
        national = str(number.national_number)
        international = raw.startswith("+") or raw.startswith("00")
        if number.country_code == 44:
            if len(national) not in (9, 10):
                continue
        elif not international or len(national) < 7:
            continue
        if not phonenumbers.is_possible_number(number):
            continue
        yield m.start, m.end, "phone"


# --------------------------------------------------------------------------- NHS numbers and long digit runs

# Groups of digits joined by one space, hyphen or dot, with brackets and a leading + as phones have
# ("no.7688197368" is a run; the 8 of 0.8 is not).
_CHAIN = re.compile(r"(?<![\w,/:£$])(?<!\d\.)(?:\+|\()?\d+\)?(?:[ \-.]\(?\d+\)?)*(?![\w])")
_GROUP = re.compile(r"\d+")


def _digit_runs(text: str) -> Iterable[Span]:
    for m in _CHAIN.finditer(text):
        raw = m.group()
        groups = [(g.start() + m.start(), g.end() + m.start(), g.group()) for g in _GROUP.finditer(raw)]
        digits = "".join(g[2] for g in groups)
        start, end = m.start(), m.end()
        if raw.endswith(")") and raw.count("(") < raw.count(")"):
            end -= 1
        if len(digits) == 10 and nhs_number_is_valid(digits):
            yield start, end, "nhs_number"
            continue
        dialled = raw.startswith("+") or raw.lstrip("(").startswith("0")
        if dialled and 10 <= len(digits) <= 13:
            yield start, end, "phone"  # what phonenumbers did not take (or when it is missing)
            continue
        inner = _nhs_inside(groups)
        if inner is not None:
            yield inner[0], inner[1], "nhs_number"  # "bay 3 943 476 5919"
            continue
        if len(digits) >= 9 and not all(len(g[2]) == 4 and g[2][:2] in ("19", "20") for g in groups):
            yield start, end, "number"  # but not a list of years, "2019 2020 2021"


def _nhs_inside(groups: Sequence[Tuple[int, int, str]]) -> Optional[Tuple[int, int]]:
    """The first whole groups of a longer run that make a valid NHS number, if any."""
    for i in range(len(groups)):
        digits = ""
        for j in range(i, len(groups)):
            digits += groups[j][2]
            if len(digits) == 10 and nhs_number_is_valid(digits) and (i, j) != (0, len(groups) - 1):
                return groups[i][0], groups[j][1]
            if len(digits) >= 10:
                break
    return None


# --------------------------------------------------------------------------- postcodes

_POSTCODE_AREAS = frozenset(
    """
    AB AL B BA BB BD BF BH BL BN BR BS BT BX CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE LL LN
    LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL SM SN SO SP
    SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
    """.split()
)
_POSTCODE = re.compile(
    r"(?<![\w£$\-/])(?P<area>[A-Z]{1,2})(?P<district>\d[A-Z\d]?) ?"
    r"(?P<sector>\d)(?P<unit>[ABD-HJLNP-UW-Z]{2})(?![\w\-])",
    re.I,
)
# An inward code typed in lower case that reads as a time, an ordinal or a unit: "M6 4am", "B2 3rd".
_NOT_INWARD = frozenset("am pm st nd rd th hr yr wk ft".split())


def _postcodes(text: str) -> Iterable[Span]:
    for m in _POSTCODE.finditer(text):
        if m.group("area").upper() not in _POSTCODE_AREAS:
            continue  # "A4 paper" would not get here anyway; "Q1 2AB" is not a postcode
        unit = m.group("unit")
        if unit.islower() and unit in _NOT_INWARD:
            continue
        yield m.start(), m.end(), "postcode"


# --------------------------------------------------------------------------- names

_STRONG_TITLES = frozenset("mr mrs ms miss mx dr prof professor".split())
_TITLES = r"(?:mrs|mr|ms|miss|mx|dr|prof|professor|sister|sr|nurse|matron|revd|rev|father)"
_WORD = r"[^\W\d_][\w'’\-]*"
# Title and first word only, so that "mr and mrs patel" is read again from "mrs".
_TITLED = re.compile(rf"\b(?P<title>{_TITLES})\b\.?\s+(?P<first>{_WORD})", re.I)
_NEXT_WORD = re.compile(rf"\s+({_WORD})")
# Words after a title that make it a role or a programme ("Nurse Practitioner", "Sister in charge",
# "Dr on call", "Prof Dev day"), not a person.
_ROLE_WORDS = frozenset(
    """
    practitioner practitioners associate associates specialist specialists consultant consultants lead leads
    manager managers educator educators prescriber prescribers advisor adviser navigator endoscopist
    facilitator coordinator co-ordinator apprentice apprentices apprenticeship degree led vacancies
    recruitment champion champions escalation bank staffing training team teams rota role roles staff
    post posts dev development practice standards body registration station unit units bay bays
    in on at of the a an and or i i'm i've i'll i'd it is was
    """.split()
)
# Words that follow a title typed in lower case but are not a surname: "the dr said", "mr and mrs".
_NOT_NAME_LOWER = frozenset(
    """
    call rounds round review reviewed reviewing notes letter letters list team teams job jobs who whom
    what said says told asked came come comes went wants wanted thinks thought reckons saw sees
    """.split()
)
_PERSON_NOUNS = (
    r"(?:patients?|service\s+users?|residents?|clients?|relatives?|lady|man|woman|gentleman|gent|chap|guy|"
    r"girl|boy|lad|baby|child|kid|son|daughter|husband|wife|partner|colleague|student|hca|someone|somebody|"
    r"carer|mum|dad|brother|sister|friend|fella|bloke|nurse|doctor|porter|registrar|reg)"
)
_CALLED = re.compile(
    rf"\b{_PERSON_NOUNS}\s+(?:called|named|known\s+as)\s+(?P<first>{_WORD})(?:\s+(?P<second>{_WORD}))?", re.I
)
# "the patient John Smith refused", "baby Amelia", "resident Alfie Moore": the name is capitalised.
_NOUN_NAME = re.compile(
    r"\b(?P<noun>[Pp]atient|[Ss]ervice [Uu]ser|[Rr]esident|[Cc]lient|[Rr]elative|[Bb]aby)\s+"
    r"(?P<first>[A-Z][\w'’\-]*)(?:\s+(?P<second>[A-Z][\w'’\-]*))?"
)
# After "patient", capitalised words that name a team or a thing: "Patient Safety", "patient Flow".
_NOT_AFTER_NOUN = frozenset(
    """
    safety experience advice advocacy liaison flow transport records record notes list lists pathway
    partners panel council forum voice led centred centered information services service group leaders
    story stories feedback survey first access portal
    """.split()
)


def _key(word: str) -> str:
    word = word.replace("’", "'")
    if word.lower().endswith("'s"):
        word = word[:-2]
    return word.lower()


@lru_cache(maxsize=1)
def _name_lists() -> Tuple[FrozenSet[str], FrozenSet[str], FrozenSet[str]]:
    """(given names, common surnames, words never a surname) from :mod:`bot.names`, read once."""
    from bot import names

    return names.first_names(), names._SURNAMES, names._NOT_SURNAMES  # noqa: SLF001 - shared word lists


def _initials(word: str) -> bool:
    """"JB", "K": the anonymised form reflective writing is taught to use, not a name."""
    return len(word) <= 3 and word.isupper()


def _capitalised_name(word: Optional[str]) -> bool:
    return bool(word) and word[0].isupper() and len(_key(word)) >= 2 and _key(word) not in _ROLE_WORDS \
        and not _initials(word)


def _titled_names(text: str) -> Iterable[Span]:
    given, surnames, not_surnames = _name_lists()
    for m in _TITLED.finditer(text):
        title, first = m.group("title"), m.group("first")
        following = _NEXT_WORD.match(text, m.end("first"))
        second = following.group(1) if following else None
        strong = title.lower() in _STRONG_TITLES
        key = _key(first)
        if first[0].isupper():
            if not _capitalised_name(first):
                continue
            end = m.end("first")
            if second and _capitalised_name(second) and not first.replace("’", "'").lower().endswith("'s") \
                    and _key(second) not in not_surnames:
                end = following.end(1)
        else:
            if not strong:
                continue
            if title.lower() in ("ms", "miss"):  # "ms" is multiple sclerosis, "miss" a verb
                if key not in given and key not in surnames:
                    continue
            elif key in not_surnames or key in _NOT_NAME_LOWER or key in _ROLE_WORDS or len(key) < 3 \
                    or not key.replace("'", "").replace("-", "").isalpha() \
                    or (key.endswith(("ed", "ing")) and key not in surnames and key not in given):
                continue
            end = m.end("first")
            if second and _key(second) in surnames and not first.lower().endswith("'s"):
                end = following.end(1)
        # A weak title in lower case ("my sister Karen", "student nurse Hannah") stays as a word.
        start = m.start() if strong or title[0].isupper() else m.start("first")
        yield start, end, "name"


def _called_names(text: str) -> Iterable[Span]:
    given, surnames, not_surnames = _name_lists()
    for m in _CALLED.finditer(text):
        first, second = m.group("first"), m.group("second")
        key = _key(first)
        if key in not_surnames or key in _ROLE_WORDS:
            continue
        if not (first[0].isupper() or key in given):
            continue
        end = m.end("first")
        if second and (_capitalised_name(second) and _key(second) not in not_surnames or _key(second) in surnames) \
                and not first.lower().endswith("'s"):
            end = m.end("second")
        yield m.start("first"), end, "name"
    for m in _NOUN_NAME.finditer(text):
        first, second = m.group("first"), m.group("second")
        key = _key(first)
        if key in not_surnames or key in _ROLE_WORDS or key in _NOT_AFTER_NOUN or len(key) < 2 or _initials(first):
            continue
        noun = m.group("noun")
        if noun[0].isupper() and m.start() > 0 and text[:m.start()].rstrip()[-1:] not in ".!?\n":
            continue  # "the Patient Safety team": a capitalised noun mid-sentence names a team
        end = m.end("first")
        if second and _capitalised_name(second) and _key(second) not in not_surnames \
                and _key(second) not in _NOT_AFTER_NOUN and not first.lower().endswith("'s"):
            end = m.end("second")
        yield m.start("first"), end, "name"


_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][a-z]+(?:['’\-][A-Za-z]+)?(?![\w'’])")


def _speaking_surnames(text: str) -> Iterable[Span]:
    """A common surname used on its own as a person: "Patel said I was useless", "Khan asked"."""
    from bot import names

    surnames = _name_lists()[1]
    for m in _CAPITALISED.finditer(text):
        if _key(m.group()) not in surnames:
            continue
        after = re.match(r"\s+(?:(?:just|always|never|then|really|also)\s+)?([a-z']+)", text[m.end():])
        if after and after.group(1) in names._VERBS_HUMAN:  # noqa: SLF001 - shared word list
            yield m.start(), m.end(), "name"


def _bare_names(text: str) -> Iterable[Span]:
    from bot.names import find_names  # its name list is read once, on first use

    for start, end in find_names(text):
        yield start, end, "name"


# --------------------------------------------------------------------------- finding them all


def _mask(text: str, spans: Sequence[Span], placeholder: bool) -> str:
    """``text`` with ``spans`` blanked, keeping every offset.

    For the digit rules a span becomes NUL characters (no word, no digit, no separator). For
    :func:`bot.names.find_names` it becomes one bracketed token, the way a placeholder reads
    ("[NHS number] in bay 2"), so that the name rules see what the stored text will hold.
    """
    chars = list(text)
    for start, end, _ in spans:
        n = end - start
        if not placeholder:
            fill = "\0" * n
        elif n >= 3:
            inner = min(n - 2, 40)
            fill = "[" + "_" * inner + "]" + " " * (n - 2 - inner)
        else:
            fill = " " * n
        chars[start:end] = fill
    return "".join(chars)


_DETECTORS = (
    _emails, _records, _dates, _phones, _digit_runs, _postcodes, _titled_names, _called_names,
)


def find_identifiers(text: str) -> List[Span]:
    """(start, end, kind) of every identifier in ``text``, in order, never overlapping.

    The detectors run in the order of :data:`_DETECTORS` (then bare given names and surnames
    that speak, on the text as it will be stored, placeholders in); each sees the text
    with what earlier ones found blanked out, and a span that overlaps an earlier one is dropped.
    """
    if not text:
        return []
    found: List[Span] = []
    for detector in _DETECTORS:
        masked = _mask(text, found, placeholder=False) if found else text
        for span in sorted(detector(masked)):
            if span[1] > span[0] and not any(span[0] < e and s < span[1] for s, e, _ in found):
                found.append(span)
    masked = _mask(text, found, placeholder=True) if found else text
    for detector in (_bare_names, _speaking_surnames):
        for span in list(detector(masked)):
            if not any(span[0] < e and s < span[1] for s, e, _ in found):
                found.append(span)
    return sorted(found)


def redact(text: str) -> Redaction:
    """Replace identifiers in ``text`` with bracketed placeholders.

    Finds NHS numbers (10 digits passing the modulus 11 check), phone numbers, other long digit
    runs, email addresses, hospital or record numbers, dates (a specific day), UK postcodes, names
    after a title or "patient", and bare given names with any surname (:func:`bot.names.find_names`:
    "jo in bay 3", "told Priya Patel"). See the module docstring for what is left alone and why.
    """
    if not text:
        return Redaction(text or "", ())
    spans = find_identifiers(text)
    out = text
    for start, end, kind in reversed(spans):
        out = out[:start] + PLACEHOLDERS[kind] + out[end:]
    return Redaction(out, tuple(kind for _, _, kind in spans))


# --------------------------------------------------------------------------- measuring


def _locate(text: str, labels: Sequence[dict]) -> List[Span]:
    """Character spans of the labelled identifiers (each label's text, first unused occurrence)."""
    spans: List[Span] = []
    for label in labels:
        needle, start = str(label["text"]), 0
        while True:
            at = text.find(needle, start)
            if at < 0:
                raise ValueError(f"label {needle!r} is not in {text!r}")
            if not any(at == s for s, _, _ in spans):
                break
            start = at + 1
        spans.append((at, at + len(needle), str(label["kind"])))
    return spans


def _overlaps(a: Tuple[int, int, str], b: Tuple[int, int, str]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(corpus_path: Union[str, Path]) -> dict:
    """Per-kind and sentence-level figures of :func:`find_identifiers` on a labelled corpus.

    A labelled identifier is *found* when a predicted span of its kind overlaps it, and *hidden*
    when any predicted span overlaps it (an NHS number taken as a phone number is hidden but not
    found). A predicted span that overlaps no labelled identifier is a false positive of its own
    kind. Precision is found / (found + false positives).
    """
    import yaml

    data = yaml.safe_load(Path(corpus_path).read_text(encoding="utf-8"))
    kinds: Dict[str, Dict[str, int]] = {}

    def row(kind: str) -> Dict[str, int]:
        return kinds.setdefault(kind, {"labelled": 0, "found": 0, "hidden": 0, "false_positives": 0})

    misses: List[dict] = []
    false_positives: List[dict] = []
    sentences = {"total": 0, "with_identifiers": 0, "without_identifiers": 0, "changed_without_identifiers": 0,
                 "all_hidden": 0}
    for item in data["sentences"]:
        text = item["text"]
        labels = _locate(text, item.get("identifiers") or [])
        predicted = find_identifiers(text)
        sentences["total"] += 1
        if labels:
            sentences["with_identifiers"] += 1
        else:
            sentences["without_identifiers"] += 1
            if predicted:
                sentences["changed_without_identifiers"] += 1
        hidden_all = True
        for label in labels:
            r = row(label[2])
            r["labelled"] += 1
            over = [p for p in predicted if _overlaps(p, label)]
            if over:
                r["hidden"] += 1
            else:
                hidden_all = False
            if any(p[2] == label[2] for p in over):
                r["found"] += 1
            else:
                misses.append({"text": text, "kind": label[2], "identifier": text[label[0]:label[1]],
                               "as": [p[2] for p in over]})
        if labels and hidden_all:
            sentences["all_hidden"] += 1
        for p in predicted:
            if not any(_overlaps(p, label) for label in labels):
                row(p[2])["false_positives"] += 1
                false_positives.append({"text": text, "kind": p[2], "span": text[p[0]:p[1]]})

    for r in kinds.values():
        r["recall"] = r["found"] / r["labelled"] if r["labelled"] else 1.0
        r["hidden_recall"] = r["hidden"] / r["labelled"] if r["labelled"] else 1.0
        claimed = r["found"] + r["false_positives"]
        r["precision"] = r["found"] / claimed if claimed else 1.0
    order = {k: i for i, k in enumerate(KINDS)}
    return {
        "kinds": dict(sorted(kinds.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))),
        "sentences": sentences,
        "misses": misses,
        "false_positives": false_positives,
    }


def format_table(scores: dict) -> str:
    """A markdown table of :func:`score`'s figures, one row per kind and a total."""
    lines = [
        "| kind | labelled | found (kind) | recall | hidden at all | false positives | precision |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = {"labelled": 0, "found": 0, "hidden": 0, "false_positives": 0}
    for kind, r in scores["kinds"].items():
        lines.append(
            f"| {kind} | {r['labelled']} | {r['found']} | {r['recall']:.3f} | "
            f"{r['hidden']} ({r['hidden_recall']:.3f}) | {r['false_positives']} | {r['precision']:.3f} |"
        )
        for k in total:
            total[k] += r[k]
    recall = total["found"] / total["labelled"] if total["labelled"] else 1.0
    hidden = total["hidden"] / total["labelled"] if total["labelled"] else 1.0
    claimed = total["found"] + total["false_positives"]
    precision = total["found"] / claimed if claimed else 1.0
    lines.append(
        f"| **all** | {total['labelled']} | {total['found']} | {recall:.3f} | {total['hidden']} ({hidden:.3f}) | "
        f"{total['false_positives']} | {precision:.3f} |"
    )
    s = scores["sentences"]
    lines.append("")
    lines.append(
        f"Sentences: {s['total']}; with identifiers {s['with_identifiers']} (every identifier hidden in "
        f"{s['all_hidden']}); without identifiers {s['without_identifiers']}, of which "
        f"{s['changed_without_identifiers']} changed."
    )
    return "\n".join(lines)
