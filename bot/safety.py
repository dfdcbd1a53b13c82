"""Safety: recognising distress, and keeping patient identifiers out of storage.

Both are deliberately rule-based and high-recall. The NLU model also learns an
``express_distress`` intent; the patterns here are the safety net that holds
even when the model is unsure or the conversation is inside a form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

from bot.text import fold

# --------------------------------------------------------------------------- distress

# "I won't be here next week" is ordinary when it comes with a reason for being away.
_NOT_AWAY = r"(?!.*\b(leave|holiday|course|session|training|rota|off|nights|days|study)\b)"

_DISTRESS_PATTERNS = [
    r"\bsuicid",
    r"\b(kill|killing|hurt|hurting|harm|harming|cut|cutting)\s+my\s*sel(f|ves)\b",
    r"\bself[\s-]*harm",
    r"\bend(ing)?\s+(it\s+all|my\s+life|my\s+own\s+life|things|everything)\b",
    r"\btake\s+my\s+(own\s+)?life\b",
    r"\b(want|wanna|going|wish)\s+(to\s+)?die\b",
    r"\bwish\s+i\s+(was|were)\s+dead\b",
    r"\bbetter\s+off\s+(dead|without\s+me)\b",
    r"\b(do\s*n[o']?t|dont|do\s+not)\s+want\s+to\s+(be\s+here|live|be\s+alive|wake\s+up|exist)\b",
    r"\bno\s+(point|reason)\s+(in\s+)?(living|going\s+on|carrying\s+on)\b",
    r"\boverdos",
    r"\b(can\s*no?t|can'?t|cannot|cant)\s+(cope|go\s+on|carry\s+on|take\s+(it|this|any\s*more))\b",
    r"\bnot\s+coping\b",
    r"\bbreaking\s+point\b",
    r"\bend\s+of\s+my\s+tether\b",
    r"\bfalling\s+apart\b",
    r"\b(feel|feeling|felt|i'?m|i\s+am)\s+(so\s+|really\s+|completely\s+|totally\s+)?hopeless\b(?!\s+(at|with)\b)",
    r"\b(overwhelmed|exhausted|numb)\s+and\s+hopeless\b",
    r"\bgive\s+up\s+on\s+(everything|life|myself)\b",
    r"\beverything\s+is\s+too\s+much\b",
    r"\bpanic\s+attacks?\b",
    r"\bpills\s+(saved|stockpiled|hoarded|put\s+by)\b",
    r"\bno\s+way\s+out\b",
    r"\bstop\s+existing\b",
    r"\b(want|need)\s+(it\s+all|everything)\s+to\s+(stop|end)\b",
    r"\bin\s+(a\s+)?crisis\b",
    r"\b(written|writing|wrote|left)\s+(a\s+)?(goodbye\s+)?(letter|letters|note|notes)\s+(to|for)\s+(my|the)\b",
    r"\bsuicide\s+note\b",
    r"\b(easier|better)\s+(for\s+everyone\s+)?if\s+i\s+(was|were|wasn'?t|weren'?t)\s*(not\s+)?(here|around|alive|gone)\b",
    r"\bneed\s+help\s+(right\s+)?now\b",
    r"\b(i'?m|i\s+am|feel|feeling)\s+(so\s+|completely\s+|totally\s+|utterly\s+)?broken\b",
    r"\bon\s+the\s+(bridge|ledge|edge\s+of\s+the\s+roof)\b",
    r"\brock\s+bottom\b",
    r"\b(no\s*one|nobody)\s+would\s+(miss|care|notice)\b",
    r"\b(can\s*no?t|can'?t|cannot|cant)\s+do\s+this\s+any\s*more\b",
    r"\bcrying\s+(every|all|at|in\s+the\s+toilets|in\s+(my|the)\s+car|on\s+and\s+off)\b",
    r"\bburn(ed|t)?\s*out\b.*\b(can'?t|cannot|cant)\b",
    r"\b(think|thinking|thought|thoughts)\s+(about|of)\s+ending\s+it\b",
    r"\b(want|wanna|going|planning|plan)\s+to\s+end\s+it\b(?!\s+(here|there|for\s+(now|today)|now,?\s+(please|thanks)))",
    r"\btired\s+of\s+(being\s+alive|living|life)\b",
    r"\b(live\s+or\s+die|die\s+or\s+live)\b",
    r"\blife\s+(is\s*n'?t|isnt|is\s+not|ain'?t)\s+worth\b",
    r"\b(won'?t|wont|will\s+not)\s+be\s+(here|around)\s+(next|by|much\s+longer|for\s+long|tomorrow)\b" + _NOT_AWAY,
    r"\b(want|going|wanna)\s+to\s+jump\b",
    r"\bdo\s+something\s+stupid\b",
    r"\b(saving|saved|stash|stockpil\w*|hoard\w*)\s+(up\s+)?(of\s+)?(my\s+)?(pills|tablets|meds)\b",
    r"\bhow\s+many\s+(tablets|pills)\s+(it\s+)?would\s+take\b",
    r"\b(want|need)\s+the\s+(pain|thoughts)\s+to\s+stop\b",
    r"\bmake\s+the\s+pain\s+stop\b",
    r"\bsaid\s+my\s+goodbyes\b",
    r"\b(i'?m|i\s+am|i'?ve\s+been|i\s+have\s+been)\s+(being\s+|getting\s+)?(bullied|harassed|threatened)\b",
    r"\b(no|see\s+the)\s+point\s+(in\s+)?(anything|any\s*more)\b",
    r"\b(what'?s|whats|what\s+is)\s+the\s+point\s+(in|of)\s+(carrying\s+on|going\s+on|living|anything)\b",
    r"\b(has|have|it'?s|is|this\s+job)\s+(has\s+)?broken\s+me\b",
    r"\b(do\s*n'?t|dont|do\s+not)\s+think\s+i'?ll\s+be\s+(here|around)\s+(next|by|much|for|tomorrow)" + _NOT_AWAY,
]
_DISTRESS = re.compile("|".join(f"(?:{p})" for p in _DISTRESS_PATTERNS), re.IGNORECASE)
_NOT_SAFE = re.compile(r"\b(not|don'?t\s+feel|do\s+not\s+feel)\s+safe\b", re.IGNORECASE)


def is_distress(text: str) -> bool:
    """True when ``text`` reads like distress or crisis that needs signposting now."""
    if not text or text.lstrip().startswith("/"):
        return False
    cleaned = fold(text)  # "can’t cope" typed on a phone must match like "can't cope"
    return bool(_NOT_SAFE.search(cleaned) or _DISTRESS.search(cleaned))


# --------------------------------------------------------------------------- redaction


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


_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)

_RULES: List[Tuple[str, str, "re.Pattern[str]"]] = [
    ("email", "[email]", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    (
        "record_number",
        "[record number]",
        re.compile(r"\b(?:mrn|(?:hospital|record|patient|case)\s*(?:no\.?|number|num|id|#))\s*[:\-]?\s*[A-Z]*\d[A-Z0-9]{4,}\b", re.I),
    ),
    (
        "date",
        "[date]",
        re.compile(
            rf"\b(?:\d{{1,2}}[/.\-]\d{{1,2}}[/.\-](?:\d{{4}}|\d{{2}})"
            rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\.?,?\s+\d{{4}}"
            rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b",
            re.I,
        ),
    ),
    (
        "postcode",
        "[postcode]",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b", re.I),
    ),
    (
        "name",
        "[name]",
        re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sister|Nurse)\.?\s+[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?"),
    ),
    (
        "name",
        r"\1[name]",
        re.compile(
            r"\b((?:[Pp]atient|[Ss]ervice user|[Rr]esident|[Cc]lient|[Rr]elative)(?:\s+(?:called|named))?\s+)"
            r"[A-Z][a-z'\-]+(?:\s+[A-Z][a-z'\-]+)?"
        ),
    ),
]

_DIGIT_RUN = re.compile(r"(?<![\w])(\+?\d[\d\s\-().]{7,}\d)(?![\w])")


@dataclass(frozen=True)
class Redaction:
    text: str
    kinds: Tuple[str, ...]

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def _redact_digits(text: str, found: List[str]) -> str:
    def replace(match: "re.Match[str]") -> str:
        raw = match.group(1)
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 10 and nhs_number_is_valid(digits):
            found.append("nhs_number")
            return "[NHS number]"
        if (raw.startswith("+44") and 11 <= len(digits) <= 13) or (digits.startswith("0") and len(digits) in (10, 11)):
            found.append("phone")
            return "[phone number]"
        if len(digits) >= 9:
            # A long run of digits in a reflection is far more likely an identifier than anything useful.
            found.append("number")
            return "[number]"
        return raw

    return _DIGIT_RUN.sub(replace, text)


def redact(text: str) -> Redaction:
    """Replace identifiers in ``text`` with bracketed placeholders.

    Finds NHS numbers (10 digits passing the modulus 11 check), UK phone numbers,
    other long digit runs, email addresses, hospital or record numbers, dates
    (as in a date of birth), UK postcodes and names that follow a title or the
    word "patient".
    """
    if not text:
        return Redaction(text or "", ())
    found: List[str] = []
    out = text
    for kind, placeholder, pattern in _RULES[:3]:  # emails, record numbers and dates hold digits
        out, n = pattern.subn(placeholder, out)
        found.extend([kind] * n)
    out = _redact_digits(out, found)
    for kind, placeholder, pattern in _RULES[3:]:
        out, n = pattern.subn(placeholder, out)
        found.extend([kind] * n)
    return Redaction(out, tuple(found))


# --------------------------------------------------------------------------- input hygiene

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_FREE_TEXT = 4000


def clean_free_text(text: str, limit: int = MAX_FREE_TEXT) -> str:
    """Text fit to store: control characters removed, whitespace tidied, length capped."""
    if not text:
        return ""
    cleaned = _CONTROL.sub(" ", text)
    cleaned = "\n".join(" ".join(line.split()) for line in cleaned.splitlines())
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned).strip()
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned
