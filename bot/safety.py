"""Safety: recognising distress, and keeping patient identifiers out of storage.

Distress is sorted into three tiers by :func:`assess`, deliberately rule-based:

``CRISIS``
    Risk to life: suicidal thoughts, plans or means, self-harm, "better off
    without me", goodbyes, not being safe. The coach gives the crisis reply
    (999 / A&E, NHS 111 option 2, Samaritans, Shout) in any state of any
    conversation, inside a form too (see :mod:`bot.rasa_ext.distress`).
``WELLBEING``
    The person's own strain without a sign of risk to life: stress, exhaustion,
    burnout, feeling undervalued or out of their depth, crying after shifts,
    dread, poor sleep, bullying or harassment, a patient-safety concern nobody
    acts on. The coach acknowledges it warmly and offers staff support, never 999.
``NONE``
    Everything else, including figurative speech ("this rota is killing me"),
    explicit denials ("I'm not suicidal, I just want help delegating") and
    clinical work talk about patients' self-harm, overdoses or deaths.

How a message is read (the clinical safety case is ``docs/clinical-safety.md``):

1. The text goes through :func:`bot.text.fold`, is lower-cased, and common
   typing shortcuts are mended ("cant" -> "can't", "myslef" -> "myself",
   "kms" -> "kill myself", "weve" -> "we've", "ill" before a verb -> "i'll",
   "took an od" -> "took an overdose").
2. Every crisis rule is tried. A crisis rule is one of three kinds:
   ``self``   says who is at risk in its own words ("kill myself", "better off
              without me"); only an explicit denial, a named figure of speech
              or reported speech in quotes can set it aside.
   ``open``   names the danger but not whose it is ("suicidal", "overdose",
              "want to die"); it is also set aside when its clause is about
              someone else (a patient, "she", "we had three overdoses") or is
              clinical work ("self-harm risk assessment", "after a suicide on
              the unit", "suicide prevention group").
   ``global`` a statement about the person's whole state that cannot be told
              apart from crisis ("I'm falling apart", "everything is too much",
              "I feel hopeless", bare "I can't cope"); when its own clause
              names a cause at work ("I can't cope with the rota", "at breaking
              point with the staffing") it becomes wellbeing instead.
   Guards act on one match only: a first-person statement of risk anywhere else
   in the message still makes it a crisis ("a patient self-harmed and now I want
   to kill myself too").
3. If no crisis rule stands, the wellbeing rules are tried the same way (an
   ``open`` wellbeing rule about someone else, "my team are exhausted", is a
   leadership question, not the person's own strain).

When a rule could go either way it stays in the crisis tier: a crisis reply
to someone who is only stressed costs trust; a wellbeing reply to someone at
risk could cost a life. The wellbeing reply still names Samaritans as a safety
net (``signposting.yml``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import FrozenSet, List, Optional, Sequence, Tuple

from bot.text import fold

# --------------------------------------------------------------------------- distress: tiers


class Tier(str, Enum):
    """How the coach must respond to a message. Compare with ``is``: ``assess(t) is CRISIS``."""

    NONE = "none"
    WELLBEING = "wellbeing"
    CRISIS = "crisis"


NONE, WELLBEING, CRISIS = Tier.NONE, Tier.WELLBEING, Tier.CRISIS

# Wellbeing topics the rules can report. The coach adds the speak-up routes
# (Freedom to Speak Up Guardian, HR or a trade union rep) for SPEAK_UP_TOPICS.
TOPICS: Tuple[str, ...] = (
    "stress", "exhaustion", "burnout", "undervalued", "out_of_depth", "crying", "overwhelmed",
    "dread", "sleep", "anxiety", "low_mood", "trauma", "alcohol", "bullying", "patient_safety",
)
SPEAK_UP_TOPICS: FrozenSet[str] = frozenset({"bullying", "patient_safety"})


@dataclass(frozen=True)
class Assessment:
    """What :func:`screen` found: the tier, the wellbeing topics seen and the rules that decided.

    ``rules`` holds rule names only, never text, so it can be logged.
    """

    tier: Tier
    topics: Tuple[str, ...] = ()
    rules: Tuple[str, ...] = ()

    @property
    def speak_up(self) -> bool:
        """True when the speak-up routes belong in the reply (bullying, patient safety)."""
        return bool(SPEAK_UP_TOPICS.intersection(self.topics))


# --------------------------------------------------------------------------- distress: reading the text

# Whole-word mends applied after lower-casing: phone typing, text speak, common slips.
_WORD_MENDS = {
    "im": "i'm", "ive": "i've", "iam": "i am", "i'v": "i've", "dont": "don't", "dnt": "don't",
    "cant": "can't", "cnt": "can't", "carnt": "can't", "cannot": "can't", "wont": "won't",
    "didnt": "didn't", "doesnt": "doesn't", "isnt": "isn't", "wasnt": "wasn't", "werent": "weren't",
    "arent": "aren't", "havent": "haven't", "hasnt": "hasn't", "wouldnt": "wouldn't",
    "couldnt": "couldn't", "shouldnt": "shouldn't", "aint": "ain't", "thats": "that's",
    "theres": "there's", "whats": "what's", "its": "it's", "youre": "you're",
    "wanna": "want to", "wana": "want to", "gonna": "going to", "gna": "going to", "gotta": "got to",
    "wiv": "with", "wif": "with", "u": "you", "ur": "your", "pls": "please", "plz": "please",
    "myslef": "myself", "mysefl": "myself", "mysef": "myself", "myslf": "myself", "meself": "myself",
    "mysel": "myself", "mself": "myself", "wnat": "want", "wnt": "want", "kil": "kill",
    "kms": "kill myself", "kys": "kill yourself", "unalive": "kill", "unaliving": "killing",
    "unalived": "killed", "ded": "dead", "nite": "night", "evry": "every", "evryone": "everyone",
    "every1": "everyone", "some1": "someone", "no1": "no one", "noone": "no one", "no-one": "no one",
    "nobdy": "nobody", "tho": "though", "cos": "because", "coz": "because", "cuz": "because",
    "bc": "because", "rn": "right now", "idk": "i don't know", "selfharm": "self harm",
    "selfharming": "self harming", "sewerslide": "suicide", "tierd": "tired", "thru": "through",
    "weve": "we've", "theyre": "they're", "theyve": "they've", "theyd": "they'd", "theyll": "they'll",
    "shes": "she's", "hes": "he's", "id": "i'd", "youve": "you've", "youd": "you'd", "whos": "who's",
    "itll": "it'll", "wouldve": "would've", "couldve": "could've", "shouldve": "should've",
}
_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_PHRASE_MENDS = [
    (re.compile(r"\bcan not\b"), "can't"),
    (re.compile(r"\bmy self\b(?![\s-]*(?:harm|injur|mutilat|care|esteem|worth|assess|development|confidence|reflection))"), "myself"),
    (re.compile(r"\bsewer slide\b"), "suicide"),
    (re.compile(r"(?<!\bfeel\s)(?<!\bfelt\s)(?<!\bbeen\s)(?<!\bgot\s)(?<!\bvery\s)(?<!\bquite\s)(?<!\breally\s)(?<!\bmentally\s)(?<!\bfeeling\s)"
                r"(?<!\bso\s)(?<!\btoo\s)(?<!\bseriously\s)(?<!\bcritically\s)(?<!\bterminally\s)(?<!\bchronically\s)(?<!\bthe\s)(?<!\bhe's\s)(?<!\bshe's\s)"
                r"\bill\s+(?=(?:be|do|go|never|just|probably|end|kill|take|have|get|see|make|still|try|act|jump|hurt|not|always|ever|finally|wake|"
                r"come|stay|leave|say|tell|write|need)\b)"), "i'll "),
    (re.compile(r"\bburn(t|ed)? owt\b"), r"burn\1 out"),
    (re.compile(r"\b(want|going|need|have) (2|too) (die|kill|end)\b"), r"\1 to \3"),
    # "od" is also organisational development: read it as an overdose only after a person or a will.
    (re.compile(r"\b(to|i|i've|i'd|i'll|gonna|might|will|could|nearly|almost|just|an|another|took|taken|take|taking|had|did|done)"
                r" o\.?d(?:'?d|ed)?\b"), r"\1 overdose"),
]


_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060\ufeff]")
_LEET = {"1": "i", "3": "e", "0": "o", "4": "a", "@": "a", "$": "s"}


def _prepare(text: str) -> str:
    t = fold(_INVISIBLE.sub("", text)).lower().replace("`", "'").replace("\u00b4", "'")
    # "suïcide", "naïve": compare letters without their accents
    t = "".join(ch for ch in unicodedata.normalize("NFKD", t) if not unicodedata.combining(ch))
    # "k1ll", "su1c1de": a digit or symbol between two letters stands for a letter
    t = re.sub(r"(?<=[a-z])[1304@$](?=[a-z])", lambda m: _LEET[m.group(0)], t)
    t = re.sub(r"([a-z])\1{2,}", r"\1\1", t)  # "soooo" -> "soo", "killl" -> "kill"
    t = _WORD.sub(lambda m: _WORD_MENDS.get(m.group(0), m.group(0)), t)
    for pattern, repl in _PHRASE_MENDS:
        t = pattern.sub(repl, t)
    return t


# A clause ends at sentence punctuation, a comma or dash, or a joining word.
_BOUNDARY = re.compile(
    r"[.!?;:\n]+|,|\s[-\u2013\u2014]+\s|\b(?:and|but|because|though|although|whereas|however|yet)\b"
)

# Quoted words after someone else's voice are reported speech, not the person's own state.
_QUOTE = re.compile(r"(?:(?<=[\s(:])|^)([\"'])(.+?)\1(?=[\s,.!?;:)]|$)")

_FIRST = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself", "mine"})
# People whose danger is clinical work when a health professional writes about it.
_THIRD_CLINICAL = frozenset("""
    patient patients inpatient inpatients outpatient outpatients user users resident residents client clients
    child children kid adolescent adolescents teenager teenagers teen youngster person people someone somebody
    anyone he she they him her them his their hers who whom man woman men women boy girl lad baby babies
    gentleman lady case cases admissions coroner relatives relative we we've we're we'd us our team teams
    staff nurses doctors students student trainees carers everyone everybody mother father son daughter
    they're they've they'd they'll pt pts
""".split())
# Others at work who may be the ones under strain: "my deputy has been off with stress".
_THINGS_WELLBEING = frozenset("""
    manager nurse doctor band hca hcas f1 f2 registrar registrars consultant consultants deputy trainee trainees junior
    juniors others everyones shes hes theyre pharmacists paramedics technicians partners midwives physios porters
    receptionists worker workers member members seems seem service services department ambulance
""".split())
# People in the person's own life: their danger is still a reason for the crisis reply.
_THIRD_PERSONAL = frozenset("""
    colleague colleagues friend friends partner husband wife boyfriend girlfriend brother flatmate mate
""".split())
# For wellbeing rules anything that is not the person counts as someone else.
_THIRD_ANY = _THIRD_CLINICAL | _THIRD_PERSONAL | _THINGS_WELLBEING
# "staff toilets", "patient safety": the word describes a thing, not a person.
_MODIFIED = frozenset("""
    toilet toilets room rooms car canteen kitchen changing rota meeting meetings survey base station bay area
    lounge loo loos bathroom notes records list safety lift side experience feedback
""".split())
# A person doing their job about someone else's danger: "how do I support", "I work with", "we assess".
_MANAGERIAL = frozenset("""
    support supporting supported help helping manage managing handle handling deal dealing tackle tackling
    address addressing assess assessing assessed treat treating treated talk talking speak speaking spot
    spotting recognise recognize responding respond document documenting escalate escalating refer referring
    teach teaching train training coach coaching mentor debrief debriefing prevent preventing reduce reducing
    supervise supervising supervised screen screening nurse nursing admit admitted admitting discharge discharged review reviewing audit
    auditing care caring looked lead leading working cover covering answer ask asking
    disclosed presented attend attends attending attended brought saw seen see seeing asked asks
""".split())
# The words just before a match that make it the person's own whatever follows.
_OWN = re.compile(
    r"(?:\bmy|\b(?:i|i'm|i've|i'd|i'll)(?:\s+(?:really|just|still|also|feel|am|was|been|keep|have|honestly|actually|literally"
    r"|constantly|always|often|sometimes|occasionally|recently|have\s+been|'ve\s+been|been\s+feeling|feel\s+so|am\s+so))?)\s+$"
)
# In a clause about something done or happening to someone, these make it the person's own.
_MINE = re.compile(r"\b(?:me|myself|my\s+(?:head|mind|eyes|dreams|sleep|thoughts))\b")
# Words that may stand between "me" and the state it has: "makes me (feel so) anxious".
_EXPERIENCER = frozenset({"feel", "feeling", "so", "really", "very", "totally", "completely", "utterly", "just", "want", "to"})
_TOKEN = re.compile(r"[a-z0-9&]+(?:'[a-z]+)?")


def _tokens(text: str) -> List[str]:
    out = []
    for tok in _TOKEN.findall(text):
        if tok.endswith("'s") and tok not in ("it's", "that's", "what's", "there's", "let's", "he's", "she's"):
            tok = tok[:-2]  # "patient's" -> "patient"
        elif tok in ("he's", "she's"):
            tok = tok[:-2]
        out.append(tok)
    return out


def _whose(before: str, matched: str, after: str, third: FrozenSet[str]) -> str:
    """Whose state a match describes: "first", "third" or "work" (a professional about someone else)."""
    if any(tok in _FIRST for tok in _tokens(matched)):
        return "first"
    following = _tokens(after)[:1]
    if following and following[0] in third:
        return "third"  # "a suicidal patient", "a stressed colleague"
    toks = _tokens(before)
    if toks and toks[-1] == "my":
        return "first"  # "my suicide note", "my self-harm"
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else ""
        if tok == "me" and not all(t in _EXPERIENCER for t in toks[i + 1:]):
            continue  # "a student on placement with me is struggling": "me" is not who is struggling
        if tok in _FIRST and tok not in ("my", "mine"):  # "on my ward" says nothing about who is struggling
            return "first"
        if tok in third and nxt not in _MODIFIED:
            return "third"
        if tok in _MANAGERIAL:
            return "work"
    return "first"  # people drop the "I" when they write about themselves


def _clause(text: str, start: int, end: int) -> Tuple[int, int]:
    left, right = 0, len(text)
    for b in _BOUNDARY.finditer(text):
        if b.end() <= start:
            left = b.end()
        elif b.start() >= end:
            right = b.start()
            break
    return left, right


def _reported_spans(text: str) -> List[Tuple[int, int]]:
    """Quoted passages in a message about someone else ("a resident told me 'I want to end it all'").

    A quote counts as reported speech when the rest of the message names someone else and
    the words just before the quote are not the person's own ("I told my GP 'I want to die'").
    """
    spans = []
    for q in _QUOTE.finditer(text):
        outside = _tokens(text[: q.start()] + " " + text[q.end():])
        lead_in = _tokens(text[: q.start()])[-6:]
        if any(t in _THIRD_CLINICAL or t in _THIRD_PERSONAL for t in outside) and not (
            {"i", "myself"} & set(lead_in)
        ):
            spans.append((q.start(), q.end()))
    return spans

# Things, not people: "the rota is falling apart", "team morale is at rock bottom".
_THINGS = frozenset("""
    ward unit service services nhs department system systems rota rotas trust morale staffing place project
    plan plans practice hospital organisation budget finances car laptop computer printer house marriage
    relationship spreadsheet process handover policy situation confidence mood motivation family families household
    self-esteem esteem world country
""".split())

# Clinical work around a danger word: "self-harm risk assessment", "after a suicide on the unit".
_CLINICAL_AFTER = re.compile(
    r"^[\s-]*(?:risks?|assessments?|prevention|awareness|training|polic(?:y|ies)|protocols?|pathways?|strateg(?:y|ies)"
    r"|audits?|teams?|services?|leads?|group|bereavement|rates?|statistics|data|figures|reviews?|cases|patients?"
    r"|presentations?|incidents?|screening|management|guidance|guidelines?|e-?learning|modules?|course|sessions?"
    r"|teaching|research|study|ideation\s+in|kits?|box|reversal|clinic|liaison|nurses?|workers?"
    r"|in\s+(?:adolescents|young\s+people|children|teenagers|patients|older|adults|the\s+community|ed|a&e|prisons?)"
    r"|(?:on|in)\s+(?:our|my)\s+caseload|(?:was|were|is|wasn't)\s+(?:\w+\s+)?(?:intentional|accidental|deliberate|unintentional)"
    r"|(?:[\w']+\s+){0,4}?(?:is|are|has\s+been|have\s+been)\s+(?:rising|increasing|going\s+up|falling|common|a\s+problem|an\s+issue)"
    r"|of\s+(?:a|an|the|our|his|her|their)\s+(?:\w+\s+)?(?:patient|colleague|resident|client|young|child|man|woman"
    r"|member|doctor|nurse|student|service\s+user|person|friend))\b"
)
_CLINICAL_BEFORE = re.compile(
    r"(?:\b(?:insulin|paracetamol|opioid|opiate|drug|accidental|deliberate|intentional|staged|patient|patients|"
    r"a\s+patient|after\s+an?|following\s+an?|after\s+the|following\s+the|died\s+by|death\s+by|deaths\s+by|"
    r"dying\s+by|loss\s+to|lost\s+(?:\w+\s+){1,2}to|bereaved\s+by|bereavement\s+by|"
    r"(?:training|teaching|talk|session|course|module|policy|guidance|research|webinar|lecture|study\s+day|"
    r"e-?learning|awareness|prevention|lead|leads|audit)\s+(?:on|about|around|in|for|of)(?:\s+the)?|"
    r"risk\s+of|history\s+of|rates?\s+of|signs\s+of|assess(?:ing|ment\s+of)?|screen(?:ing)?\s+for)"
    r"|(?<![a-z'])(?!(?:it|that|there|what|he|she|who|here|where|let|how|life|everyone|everything)'s)[a-z]+'s)\s+$"
)
# A wellbeing word named as a subject of discussion, not felt: "is burnout a leadership issue?".
_TOPIC_BEFORE = re.compile(
    r"(?:^\s*(?:is|are)|\b(?:what\s+is|what's|about|on|around|regarding|reduce|reducing|prevent|preventing|tackle|tackling|causes?\s+of"
    r"|signs\s+of|symptoms\s+of|managing|address|addressing|recognise|recognising|spot|spotting|culture\s+of|policy\s+on"
    r"|learn\s+about|talk\s+about|between(?:\s+\w+\s+and)?))\s+(?:the\s+|staff\s+|team\s+|workplace\s+|nhs\s+)?$"
)
# An explicit denial just before the words: "I'm not suicidal", "no thoughts of harming myself".
_DENIAL = re.compile(
    r"\b(?:not|never|no|no\s+longer|don't|do\s+not|didn't|haven't|have\s+not|wasn't|isn't|am\s+not|without|nor)\s+"
    r"(?:(?!(?:sure|certain|know|if|whether|convinced|going|gonna|planning|about|saying|say|that|but)\b)[\w']+\s+){0,2}$"
)
# "...but it's fine": the person says plainly that the strain is in hand (never applied to a crisis).
_ALL_FINE = re.compile(
    r"\b(?:but|though|tho|although)\s+(?:honestly\s+)?(?:it's|i'm|we're|all's|everything's)\s+(?:all\s+)?(?:fine|ok|okay|good|grand|"
    r"getting\s+there)\b|\bwe'll\s+get\s+there\b|\bbut\s+i\s+love\s+(?:it|my\s+job)\b|\bbut\s+(?:happy|good|content|proud|buzzing)\b"
)
# A cause at work named in the same clause as a "global" statement.
_WORK_SCOPE = re.compile(
    r"\b(?:work|works|working|job|jobs|workload|rota|rotas|staffing|shifts?|nights|night\s+shifts?|on-?calls?|ward"
    r"|unit|department|manager|boss|caseload|pressure|admin|paperwork|emails|restructure|audit|inspection|cqc"
    r"|exams?|placement|deadlines?|targets?|hours|portfolio|role|appraisal|revalidation|complaint|investigation"
    r"|bullying|bullied|workplace|team|practice|surgery|clinic|training|study|course|uni|university|degree"
    r"|preceptorship|handover|ward\s+round|theatre|a&e|ed|nursing|medicine|midwifery|career|profession|system"
    r"|colleagues?|consultant|matron|sister|patients?|staff|meetings?|presentations?|present|grand\s+round|interview|board)\b"
)

_NOT_AWAY = (
    r"(?!.*\b(?:leave|holiday|course|session|training|rota|off|nights|days|study|maternity|annual|conference"
    r"|secondment|placement|rotation|moving|new\s+job|interview|appointment|sick|week\s+off|notice|resign\w*|quit"
    r"|quitting|leaving|retir\w*|new\s+(?:role|post|trust)|transfer\w*|redeploy\w*|applied|applying|application)\b)"
)
_PERSONAL_WORDS = re.compile(
    r"\b(?:colleague|friend|partner|husband|wife|boyfriend|girlfriend|son|daughter|brother|sister|mum|dad|mother"
    r"|father|flatmate|mate)\b"
)
_CLINICAL_WORDS = re.compile(
    r"\b(?:patients?|residents?|service\s+users?|clients?|inpatients?|young\s+person|on\s+the\s+ward|in\s+bay"
    r"|admitted|a&e|ed|resus|caseload)\b"
)
_DANGER_WORDS = re.compile(
    r"suicid|overdos|self[\s-]*harm|\bkill|\bhang|\bjump|\bdied\b|\bdeath\b|\bdead\b|took\s+(?:his|her|their)\s+(?:own\s+)?life"
)
_BULLYING_WORDS = re.compile(r"\b(?:bull(?:y|ies|ying|ied)|harass\w*|racis\w*|discriminat\w*|belittl\w*|humiliat\w*|behaviour)\b")


@dataclass(frozen=True)
class _Rule:
    name: str
    kind: str  # "self", "open" or "global" (see the module docstring)
    pattern: "re.Pattern[str]"
    topic: str = ""  # the wellbeing topic (for a "global" crisis rule: the topic when it is scoped to work)
    negatable: bool = False  # an explicit denial just before it sets it aside
    context: Optional["re.Pattern[str]"] = None  # must also appear somewhere in the message
    anti_context: Optional["re.Pattern[str]"] = None  # must not appear anywhere in the message
    victim: bool = False  # done to someone: "me" in the clause makes it the person's own, whoever did it


def _r(name: str, kind: str, patterns: Sequence[str], topic: str = "", negatable: bool = False,
       context: Optional[str] = None, anti_context: Optional[str] = None, victim: bool = False) -> _Rule:
    return _Rule(
        name, kind, re.compile("|".join(f"(?:{p})" for p in patterns)), topic, negatable,
        re.compile(context) if context else None, re.compile(anti_context) if anti_context else None, victim,
    )


_MYSELF_FIGURATIVE = (
    r"(?!\s+(?:out|laughing|some\s+slack|slack|a\s+(?:slice|piece|break)|shaving|cooking|lifting|moving|"
    r"at\s+the\s+gym|playing|running|by\s+accident|accidentally|in\s+the\s+kitchen|"
    r"on\s+(?:a|an|the|some)\s+(?!(?:arm|wrist|leg|thigh|stomach|hip|skin)s?\b)\w+))"
)
_DRUG_NAMES = (
    r"paracetamol|insulin|painkillers|co[\s-]?codamol|codeine|tramadol|morphine|oramorph|oxycodone|fentanyl|"
    r"diazepam|zopiclone|lorazepam|temazepam|sertraline|citalopram|fluoxetine|mirtazapine|amitriptyline|"
    r"venlafaxine|propranolol|lithium|quetiapine|olanzapine|pregabalin|gabapentin|antidepressants|"
    r"sleeping\s+(?:pills|tablets)"
)
_THINGS_TO_TAKE = r"(?:pills|tablets|meds|medication|" + _DRUG_NAMES + r")"
_DROP = (
    r"(?:roof|cliff|cliffs|bridge|platform|building|car\s+park|multi[\s-]?stor(?:e)?y|river|water|tracks|motorway|ledge|balcony|drop|"
    r"quarry|canal|tower|flyover|window)"
)
_ALONE = r"(?:away|out|asleep|gone|at\s+(?:their|his|her|my)\s+\w+|in\s+bed|not\s+(?:home|in|around))"
_FAMILY = r"(?:family|kids|children|partner|wife|husband|sister|brother|mum|dad|parents|friends|son|daughter|loved\s+ones|boys|girls)"

# --------------------------------------------------------------------------- crisis rules (risk to life)

_CRISIS_RULES: Tuple[_Rule, ...] = (
    _r("harm_self", "self", [
        r"\b(?:kill|killing|killed|hurt|hurting|harm|harming|harmed|cut|cutting|injure|injuring|injured|burn|burning|"
        r"burned|burnt|hang|hanging|hanged|drown|drowning|poison|poisoning|poisoned|starve|starving|strangle|"
        r"strangling|suffocate|suffocating|overdose|overdosing|shoot|shooting|stab|stabbing|end|ending|gas|gassing|gassed|"
        r"electrocute\w*|smother\w*|asphyxiat\w*|bleed|bleeding)\s+myself\b"
        + _MYSELF_FIGURATIVE,
        r"\b(?:use|using|take|taking|try|trying|inject|injecting)\s+(?:them|it|those|these|some|\w+)\s+on\s+myself\b",
    ], negatable=True),
    _r("take_my_life", "self", [
        r"\b(?:take|taking|took|taken|end|ending|ended)\s+my\s+(?:own\s+)?life\b",
        r"\b(?:top|topping|topped|off|offing|do|doing)\s+myself(?:\s+in)?\b(?!\s+(?:up|out|a\s+favou?r|proud|justice)\b)",
        r"\b(?:throw|throwing|threw|hurl\w*|fling\w*)\s+myself\s+(?:off|in\s+front\s+of|under|from|down\s+(?:the|a)\s+(?:stairs|stairwell)|into\s+(?:the\s+|a\s+)?"
        r"(?:river|sea|canal|water|traffic|road|path\s+of|lake|quarry|reservoir|oncoming))\b",
        r"\b(?:tied|tie|tying|put|putting|wrapped|wrapping|tightened|tighten\w*|pulled)\s+(?:a\s+|the\s+|my\s+)?(?:belt|rope|cord|"
        r"ligature|noose|flex|wire|strap|dressing\s+gown\s+cord)\s+(?:round|around)\s+my\s+(?:own\s+)?neck\b",
        r"\b(?:drink|drinking|starve|starving)\s+myself\s+to\s+death\b",
        r"\bcan't\s+live\s+with\s+myself\b",
        r"\b(?:don't|do\s+not)\s+deserve\s+to\s+(?:live|be\s+alive|be\s+here|exist)\b",
    ]),
    _r("end_it", "open", [
        r"\bend\s+(?:my|this)\s+(?:suffering|misery|torment)\b|\bend\s+(?:the|my|this)\s+pain\s+(?:for\s+good|forever|permanently|once\s+and\s+for\s+all)\b",
        r"\bend(?:ing|ed)?\s+(?:it\s+all|things|everything|it\s+for\s+good|my\s+days)\b"
        r"(?!\s+(?:on|with|at|for)\s+(?:a|the|my|our|this|him|her)\b)",
        r"\b(?:want|wanna|going|planning|plan|plans|decided|ready|tempted|about)\s+to\s+end\s+it\b"
        r"(?!\s+(?:here|there|for\s+(?:now|today)|now,?\s+(?:please|thanks)|with|early|at|on)\b)",
        r"\b(?:think|thinking|thought|thoughts|dream\w*|fantasi\w*)\s+(?:about|of)\s+ending\s+(?:it|things|everything|my\s+life)\b",
        r"\b(?:feel|feeling|felt)\s+like\s+ending\s+(?:it|things|everything|my\s+life)\b",
        r"\bto\s+end\s+it\b(?!\s+(?:here|there|for\s+(?:now|today)|now|with|early|at|on|soon|before|after|properly|well|"
        r"positively|by|when|if|and\s+(?:move|go|start))\b)",
        r"\bending\s+it\b(?!\s+(?:here|there|with|on|early|at|for\s+(?:now|today)|now|by|when)\b)",
        r"\bend\s+it\s+(?:tonight|today|now|soon|this\s+week(?:end)?|all|for\s+good|once\s+and\s+for\s+all)\b",
        r"\b(?:want|need|wish)\s+(?:it|this|everything|it\s+all|my\s+life)\s+to\s+be\s+over\b",
        r"\b(?:and|to)\s+(?:not|never)\s+(?:have\s+to\s+)?(?:come|coming)\s+back\b(?!.*\b(?:holiday|leave|abroad|australia|job|trust|nhs|ward)\b)",
    ]),
    _r("want_to_die", "open", [
        r"\b(?:want|wants|wanted|wanting|wanna|going|wish|wishing|ready|deserve|hope|hoping|pray|praying|like)\s+"
        r"(?:(?:i|to|just|could|would|might|really|honestly|simply)\s+){0,3}die\b"
        r"(?!\s+(?:of|from|laughing|on\s+(?:this|that)\s+hill|my\s+hair)\b)",
        r"\b(?:death|dying|not\s+waking\s+up)\s+would\s+be\s+(?:a\s+)?(?:relief|easier|better|a\s+release|welcome|a\s+blessing)\b",
        r"\b(?:hope|wish|pray)\s+(?:i\s+)?(?:get|got|gets)\s+(?:hit|run\s+over|killed)\b",
        r"\b(?:wish|hope|pray|wishing|hoping|praying)\s+(?:that\s+)?(?:a|the|some)\s+(?:\w+\s+)?(?:bus|car|lorry|truck|train|van|"
        r"meteor|asteroid|plane)\s+(?:would\s+|will\s+|'d\s+|to\s+)?(?:(?:hit|kill|flatten|take\s+out)s?\s+me|run\w*\s+me\s+(?:over|down))\b",
        r"\b(?:wouldn't|don't|won't)\s+(?:care|mind)\s+if\s+i\s+(?:died|didn't\s+wake|never\s+woke|got\s+hit|crashed)\b",
        r"\bnot\s+waking\s+up\b(?!\s+(?:on\s+time|early|in\s+time|for)\b)",
        r"\bbetter\s+dead\b",
        r"\bi\s+(?:should|would|will|might|'d|'ll|need\s+to|deserve\s+to)\s+(?:just\s+)?(?:die|be\s+dead)\b(?!\s+(?:of|from|laughing)\b)",
        r"\b(?:being|be)\s+dead\s+(?:would|sounds|seems|feels)\b",
        r"\bdeath\s+(?:sounds|seems|feels|would\s+be)\s+(?:so\s+)?(?:nice|good|better|peaceful|easier|appealing|like\s+a\s+relief)\b",
        r"\b(?:want|wanting|wish)\s+to\s+be\s+dead\b",
    ], negatable=True),
    _r("wish_dead", "self", [
        r"\bwish\s+i\s+(?:was|were)\s+(?:dead|gone)\b",
        r"\bwish\s+i\s+(?:wasn't|weren't|was\s+not|were\s+not)\s+(?:alive|here|around|born)\b",
        r"\bi(?:'d|\s+had)\s+never\s+been\s+born\b|\bwish\s+i\s+(?:was|were)\s+never\s+born\b",
        r"\b(?:sleep|go\s+to\s+sleep|fall\s+asleep)\s+and\s+(?:never|not)\s+wake\s+up\b",
        r"\b(?:hope|hopes|hoping|pray|prays|praying|wish|wishes|wishing)\s+(?:\w+\s+){0,3}?(?:that\s+)?i\s+(?:just\s+)?(?:don't|do\s+not|never|won't|"
        r"wouldn't|didn't)\s+wake\s+up\b",
        r"\bif\s+i\s+(?:just\s+|simply\s+)?(?:didn't|never|did\s+not)\s+wake\s+up\b"
        r"(?!\s+(?:on\s+time|in\s+time|early|for|at|till|until|before|when|to)\b)",
        r"\bwould\s+(?:it|anyone|anybody|they)\s+(?:really\s+)?(?:be\s+so\s+bad|be\s+that\s+bad|matter|care|notice|mind)\s+if\s+i\s+"
        r"(?:just\s+|simply\s+)?(?:wasn't|weren't|was\s+not|died|disappeared|was\s+gone|was\s+dead|(?:didn't|never)\s+(?:wake|woke|"
        r"exist|come\s+home|came\s+home|come\s+back|came\s+back|make\s+it))",
        r"\b(?:stop\s+the\s+world|world\s+to\s+stop)\b.{0,30}?\b(?:get|let\s+me)\s+off\b.{0,20}?\b(?:for\s+good|forever|permanently)\b",
        r"\b(?:be|rest|find|finally\s+be)\s+(?:at\s+)?peace\b\s*,?\s*(?:permanently|forever|for\s+good|for\s+ever)\b",
        r"\b(?:want|wish|wanna|like)\s+to\s+(?:\w+\s+){0,5}?(?:and\s+)?(?:just\s+)?never\s+(?:get\s+up|wake\s+up|wake|open\s+my\s+eyes)\s+again\b",
        r"\b(?:don't|do\s+not|never)\s+(?:feel|think|believe)\s+(?:like\s+)?i\s+deserve\s+to\s+(?:live|be\s+alive|be\s+here|exist)\b",
        r"\bclose\s+my\s+eyes\s+and\s+(?:never|not)\s+(?:open\s+them|wake|have\s+to\s+open)",
        r"\b(?:don't|do\s+not|never)\s+want\s+to\s+see\s+(?:tomorrow|another\s+day|the\s+morning|next\s+week|christmas|another\s+year)\b(?!'s|\s+(?:at|on|in|of)\b)",
        r"\b(?:easier|better|simpler|nicer|kinder)\s+(?:for\s+\w+\s+)?(?:just\s+)?to\s+(?:just\s+)?(?:not\s+(?:exist|be\s+here|be\s+alive|be\s+around|wake\s+up)|"
        r"die|be\s+dead|disappear\s+(?:for\s+good|forever)|stop\s+existing)\b",
        r"\b(?:wouldn't|would\s+not|won't)\s+be\s+(?:the\s+worst\s+thing|so\s+bad|a\s+bad\s+thing|a\s+tragedy|a\s+loss)\s+if\s+i\s+"
        r"(?:just\s+)?(?:died|crashed|didn't\s+wake|never\s+woke|got\s+hit|wasn't\s+here|weren't\s+here|disappeared|was\s+gone|was\s+dead)\b|"
        r"\bif\s+i\s+(?:crashed|crash|died|die|didn't\s+wake\s+up|got\s+hit|never\s+woke\s+up|wasn't\s+here)\b.{0,40}?\b(?:wouldn't|would\s+not|won't)\s+"
        r"(?:be\s+(?:the\s+worst|so\s+bad|a\s+bad\s+thing|a\s+tragedy)|mind|care)\b",
        r"\b(?:doing|do)\s+(?:everyone|everybody|them|the\s+world|my\s+" + _FAMILY + r")\s+a\s+favou?r\s+(?:if|by)\s+(?:i\s+)?(?:just\s+)?"
        r"(?:died|dying|disappear\w*|was\s+gone|wasn't\s+here|weren't\s+here|killing\s+myself|ending\s+it|not\s+being\s+here|going)\b",
        r"\b(?:need|want)\s+(?:someone|somebody|you|anyone)\s+to\s+stop\s+me\b(?!\s+(?:from\s+(?:sending|saying|emailing|replying|quitting|resigning|buying|eating)))",
        r"\btell\s+my\s+" + _FAMILY + r"\s+(?:that\s+)?i\s+(?:love|loved)\s+them\b(?!\s+(?:is|was)\s+what\b|.*\bevery\s+time\b)",
        r"\b(?:last\s+time\s+(?:you'll|you\s+will|anyone\s+will|anyone'll)\s+(?:ever\s+)?(?:hear\s+from|see)\s+me|last\s+time\s+(?:i'm|i\s+am|i'll|i\s+will)\s+"
        r"(?:going\s+to\s+|ever\s+)?(?:message|text|speak\s+to|talk\s+to|write\s+to)\s+(?:anyone|anybody|you|everyone))\b(?!.*\b(?:leav\w*|retir\w*|new\s+job|moving|last\s+day)\b)",
        r"\bwish\s+i\s+could\s+(?:just\s+)?(?:disappear|vanish|stop\s+existing|not\s+exist|cease\s+to\s+exist|"
        r"sleep\s+forever|fall\s+asleep\s+forever)\b(?!\s+for\s+(?:a|the)\s+(?:week|day|while|bit|weekend|holiday|month|few)\b)",
        r"\b(?:want|wanna|wanting)\s+to\s+(?:just\s+)?(?:disappear|vanish|stop\s+existing|not\s+exist|cease\s+to\s+exist)\b"
        r"(?!\s+for\s+(?:a|the)\s+(?:week|day|while|bit|weekend|holiday|month|few)\b)(?!\s+(?:into|to|under|off\s+to|on\s+holiday|for\s+(?:a|the|an|some)\b)|.*\b(?:day\s+off|holiday|weekend\s+away|annual\s+leave|duvet|book|beach)\b)",
        r"\bstop\s+(?:existing|being\s+alive)\b(?!\s+(?:on|off)\b)|\bstop\s+living\b(?!\s+(?:in|with|at|like\s+a|off|on)\b)",
        r"\b(?:sleep|go\s+to\s+sleep|fall\s+asleep)\s+(?:forever|for\s+good|permanently)\b",
        r"\b(?:want|wish|wanting|rather|prefer)\s+(?:to\s+)?not\s+(?:be\s+here|be\s+alive|exist|wake\s+up|be\s+around)\b",
        r"\bnot\s+(?:be|being)\s+(?:here|around|alive)\s+any\s*more\b",
        r"\b(?:disappear|vanish)\s+(?:forever|for\s+good|permanently)\b",
        r"\b(?:don't\s+know\s+if|not\s+sure\s+(?:if\s+)?i'll|might\s+not|won't|will\s+not)\s+(?:i'll\s+)?(?:still\s+)?be\s+alive\b",
        r"\b(?:not\s+going\s+to|won't|will\s+not)\s+make\s+it\s+through\s+(?:the\s+night|tonight|the\s+week(?:end)?)\b(?!\s+shift)",
        r"\bcan't\s+be\s+bothered\s+(?:living|to\s+live|with\s+life|being\s+alive)\b",
        r"\b(?:can't|don't\s+want\s+to|cannot)\s+(?:do|face|live)\s+(?:this\s+)?life\b(?!\s+(?:on|in|at|as|with)\b)",
        r"\bwant\s+out\s+(?:permanently|for\s+good|forever|of\s+(?:life|this\s+life|everything))\b",
        r"\b(?:just\s+)?not\s+wake\s+up\b(?!\s+(?:on\s+time|early|in\s+time|for|until|till|before|when)\b)",
        r"\b(?:picturing|imagining|visuali[sz]ing)\s+(?:my\s+(?:own\s+)?(?:death|funeral)|myself\s+dead)\b",
        r"\bact\s+on\s+(?:these|the|my|those)\s+(?:thoughts|urges|feelings|impulses)\b",
        r"\b(?:(?:hard|harder|trying|try|struggling|fighting)\s+not\s+to|stop\s+myself|scared\s+(?:i'll|i\s+will|i\s+might|i'm\s+going\s+to)|"
        r"afraid\s+(?:i'll|i\s+might)|going\s+to|might|could|"
        r"urge\s+to|close\s+to|nearly)\s+act(?:ing)?\s+on\s+(?:it|them)\b",
        r"\b(?:sleep|go\s+to\s+sleep|fall\s+asleep)\s+and\s+(?:just\s+)?stay\s+asleep\b(?=\s*(?:$|[.,!?;]|forever|for\s+good|for\s+ever|and\b|permanently))",
        r"\b(?:want|wanna|wish|need)\s+(?:to\s+)?(?:just\s+)?be\s+gone\b(?!\s+(?:by|at|from|before|for|on|when|early|home|out)\b)",
    ]),
    _r("do_not_want_to_live", "self", [
        r"\b(?:don't|do\s+not|never|no\s+longer)\s+(?:really\s+)?want\s+to\s+(?:be\s+alive|wake\s+up|exist|be\s+around|"
        r"be\s+(?:on\s+this\s+(?:earth|planet)|in\s+this\s+world)|"
        r"carry\s+on\s+living|go\s+on\s+living|keep\s+living|"
        r"live(?!\s+(?:in|with|near|at|there|abroad|alone|on|by|out|off|together|nearby|far|somewhere)\b)|"
        r"be\s+here(?!\s+(?:in|at|on|for|when|till|until|doing|if|next|this|today|tomorrow|tonight)\b))",
        r"\b(?:not\s+sure|don't\s+know|unsure)\s+(?:if\s+|whether\s+|that\s+)?i\s+(?:still\s+)?(?:want|wanna)\s+to\s+(?:live|be\s+alive|"
        r"be\s+here|carry\s+on|go\s+on|exist|wake\s+up)\b",
    ]),
    _r("better_off_without_me", "self", [
        r"\bbetter\s+off\s+(?:dead|gone|without\s+(?:me|(?:a|an|someone)\s+(?:\w+\s+)?like\s+me)|with\s+(?:someone|somebody|anyone)\s+else\b.{0,30}\bnot\s+me)\b",
        r"\b(?:better|easier|happier|simpler|kinder|lighter)\s+(?:off\s+)?(?:for\s+\w+(?:\s+\w+)?\s+)?(?:without\s+me|if\s+i\s+(?:just\s+|simply\s+|"
        r"wasn't\s+|weren't\s+)?(?:died|disappeared|(?:was|were)\s+(?:dead|gone|not\s+(?:here|around|alive))|here|around|alive|"
        r"(?:wasn't|weren't)\s+(?:here|around|alive)|didn't\s+exist|never\s+existed|left\s+for\s+good))\b",
        r"\b(?:no\s*one|nobody|no\s+body)(?:\s+(?:at\s+(?:home|work)|here|there|in\s+my\s+life|around\s+me))?\s+(?:would|will|'d|even)\s+(?:even\s+|really\s+|actually\s+)?(?:miss|care|notice|mind|realise|realize|"
        r"know|be\s+(?:sad|bothered|upset))\b"
        r"(?=\s*(?:me\b|about\s+me|[.,!?]|$|(?:if|when|that|whether|once)?\s*i\s+(?:just\s+|had\s+|'d\s+)?(?:died|die|disappeared|vanished|killed|"
        r"was\s+(?:gone|dead|missing|not\s+here)|were\s+(?:gone|dead|not\s+here)|wasn't|weren't|was\s+not|'m\s+gone|am\s+gone|"
        r"didn't\s+(?:wake|exist|come\s+(?:home|back))|never\s+(?:woke|came\s+(?:home|back)|existed)|left\s+for\s+good|lived|live\s+or|"
        r"stopped\s+(?:existing|breathing|living))))",
        r"\b(?:relieved|glad|pleased|happier|better|easier|fine|ok|okay|lighter|freer)\s+(?:off\s+)?(?:if|when|once)\s+i\s+(?:was|were|am|'m|had|'d)\s+"
        r"(?:gone|dead|not\s+(?:here|around|alive)|out\s+of\s+(?:the\s+way|the\s+picture|their\s+lives?)|no\s+longer\s+(?:here|around))\b"
        r"(?!\s+(?:from|off|on|for|by|at|to)\b)" + _NOT_AWAY,
        r"\b(?:i'm|i\s+am|i\s+feel\s+like|feel\s+like|i've\s+become|i\s+feel|just|such)\s+(?:a|such\s+a|just\s+a|nothing\s+but\s+a)\s+burden\b",
        r"\b(?:kids|children|family|partner|wife|husband|everyone|everybody|they|he|she|son|daughter|boys|girls|parents|mum|dad|world)"
        r"\s*(?:'d|would|will|'ll)\s+(?:all\s+)?(?:be|cope|manage|do)\s+(?:so\s+|much\s+|far\s+|just\s+)?"
        r"(?:fine|ok|okay|better|happier|alright|all\s+right|well)\s+without\s+me\b"
        r"(?!\s+(?:for|on|at|in|there|here|next|this|tomorrow|today|covering|while|when|if|until|till)\b)",
        r"\bwithout\s+me\s+in\s+(?:it|the\s+world|their\s+lives?|her\s+life|his\s+life|the\s+picture)\b",
        r"\b(?:world|everyone|everybody|everything|life|they)\s*(?:'d|would|will|'ll)\s+(?:just\s+)?(?:carry|go|keep)\s+(?:on|going)\s+"
        r"(?:just\s+)?(?:fine|the\s+same|perfectly\s+well|as\s+normal)?\s*without\s+me\b"
        r"(?!\s+(?:for|on|at|in\s+(?!it\b)|there|here|next|this|tomorrow|today|covering|while|when|until|till)\b)",
        r"\b(?:better|happier|easier)\s+(?:life|lives|time|future)\s+(?:\w+\s+){0,2}?if\s+i\s+(?:wasn't|weren't|was\s+not|were\s+not)\s+"
        r"(?:in\s+it|in\s+(?:their|her|his)\s+li(?:fe|ves)|around|here|alive)\b",
    ]),
    _r("no_point_living", "open", [
        r"\bno\s+(?:point|reason|purpose|sense)\s+(?:in\s+|to\s+|for\s+)?(?:me\s+)?(?:living|going\s+on|carrying\s+on|"
        r"being\s+alive|being\s+here|existing|keep(?:ing)?\s+(?:going|living)|life|to\s+live)\b",
        r"\bno\s+(?:point|reason|purpose)\s+(?:for|to|in)\s+me\s+(?:to\s+)?(?:live|living|exist|existing|be|being|keep|go|carry|stay)\b",
        r"\b(?:can't|don't|do\s+not)\s+see\s+(?:the|any|a)\s+(?:point|reason)\s+(?:in\s+|of\s+|to\s+)?(?:living|going\s+on|"
        r"carrying\s+on|life|anything|being\s+alive|being\s+here|existing|it\s+all|me\s+(?:being\s+here|existing|living|being\s+alive|"
        r"being\s+around|carrying\s+on|going\s+on)|any\s*more|go\s+on|"
        r"keep\s+going|live|carry\s+on)\b(?!\s+(?:fancy|else|more|new|extra|like|that)\b)",
        r"\b(?:what's|what\s+is)\s+the\s+point\s+(?:in|of)\s+(?:anything|life|me|it\s+all|any\s+of\s+it)\b"
        r"(?!\s+(?:fancy|else|more|new|extra|like|that|the|this)\b)",
        r"\b(?:what's|what\s+is)\s+the\s+point\s+(?:in|of)\s+(?:carrying\s+on|going\s+on|living|being\s+alive|existing|being\s+here)\b",
        r"\b(?:nothing|no\s+reason|not\s+much|nothing\s+left|no\s+one|nobody|what\s+(?:do\s+i\s+have|is\s+there|have\s+i\s+got))\s+"
        r"(?:left\s+)?to\s+live\s+for\b",
        r"\b(?:fight\w*|struggl\w*|trying|battl\w*|hard|effort)\s+to\s+(?:stay|keep\s+myself)\s+alive\b",
        r"\b(?:call|calling|called)\s+(?:it\s+a\s+day|time)\s+on\s+(?:life|living|everything|it\s+all|my\s+life|existing)\b",
        r"\b(?:no|see\s+no|don't\s+see\s+the|don't\s+see\s+any|can't\s+see\s+the|can't\s+see\s+any)\s+point\s+(?:in\s+|to\s+|of\s+)?"
        r"(?:anything|any\s*more)\b(?!\s+(?:fancy|else|more|new|extra|like|that|we)\b)",
        r"\b(?:can't\s+(?:see|find|think\s+of)|don't\s+have|there's\s+no|no|(?:stopped|stop)\s+seeing|don't\s+see|no\s+longer\s+see|lost)\s+(?:any\s+|a\s+|all\s+)?"
        r"reasons?\s+(?:for\s+me\s+)?to\s+(?:(?:get|make\s+it)\s+through\s+(?:\w+\s+){0,3}?alive\b|"
        r"go\s+on|carry\s+on|keep\s+(?:going|living|breathing)|live|stay\s+alive|be\s+here|exist|breathe|wake\s+up)\b",
        r"\blife(?:'s|s|\s+is)?\s+(?:not|n't|isn't|is\s+not|ain't|no\s+longer)\s+worth\b",
        r"\bnot\s+worth\s+(?:living|being\s+alive|staying\s+alive)\b",
        r"\b(?:tired|sick|weary)\s+of\s+(?:being\s+alive|living|existing|life(?!\s+(?:on|in|at|as)\b)|being\s+here(?!\s+(?:in|at|on)\b)|"
        r"being\s+(?:on\s+this\s+(?:earth|planet)|in\s+this\s+world))\b",
        r"\b(?:hate|loathe|despise)\s+(?:being\s+alive|living|existing|my\s+existence|being\s+(?:on\s+this\s+earth|in\s+this\s+world))\b"
        r"(?!\s+(?:on|off|in|with|like\s+(?:this|that)\s+(?:on|in))\b)",
        r"\b(?:feel|feeling|felt)\s+like\s+dying\b(?!\s+(?:of|from|laughing|inside)\b)",
        r"\bcheck(?:ing)?\s+out\s+(?:for\s+good|permanently|of\s+(?:life|this\s+world)|early\s+from\s+life)\b",
        r"\b(?:had|have\s+had|'ve\s+had)\s+enough\s+of\s+(?:life|living|being\s+alive|existing)\b",
        r"\bdone\s+with\s+(?:life|living|being\s+alive|existing|everything|it\s+all)\b"
        r"(?!\s+(?:for|at|on|here|in|this|today|now|thanks)\b)",
        r"\bgiv(?:e|en|ing)\s+up\s+on\s+(?:everything|life|living|myself|me|it\s+all)\b",
        r"\b(?:stopped|stop)\s+caring\s+(?:if|whether)\s+i\s+(?:live|die|wake)",
        r"\b(?:live|living)\s+or\s+(?:die|dying)\b|\b(?:die|dying)\s+or\s+(?:live|living)\b",
        r"\b(?:don't|do\s+not)\s+care\s+(?:if|whether)\s+i\s+(?:live|die|wake\s+up|make\s+it)\b",
        r"\bstruggl\w*\s+to\s+(?:stay|keep\s+myself)\s+alive\b",
    ]),
    _r("suicide", "open", [r"\bsu[iae]?[cs]+[iy]?[dt]+(?:e|es|al|ally|ality|le|el|les|ed|ing)?\b"
                           r"(?!\s+(?:is\s+painless|squad|blonde|solution|missions?|runs?|drills?|sprints?|doors?|lane|bomb\w*|vests?|pact\s+(?:song|film)))"],
       negatable=True),
    _r("self_harm", "open", [
        r"\bsel[fv]e?[\s-]*(?:harm|injur|mutilat)\w*",
        r"\b(?:urge|urges|urging)\s+to\s+(?:cut|bleed|burn)\b(?!\s+(?:back|down|costs|corners|spending|out)\b)",
        r"\b(?:want|need|wanting|needing)\s+to\s+(?:cut|bleed)\b(?=\s*(?:$|[.,!?;]|again|tonight|so\s+bad|so\s+badly|myself\b(?!\s+(?:some\s+)?slack)))",
        r"\b(?:cutting|cut|scratching|burning|slit|slitting|slash\w*|slic(?:e|ed|ing))\s+(?:my|into\s+my)\s+(?:arms?|wrists?|legs?|thighs?|skin|stomach|throat)\b",
        r"\bwith\s+a\s+(?:blade|razor)\b",
        r"\b(?:cutting|cut|burning|burnt|burned)\s+(?:myself\s+)?again\b",
        r"\b(?:scratch\w*|pick\w*|hit\w*|punch\w*|bit|bite|biting|claw\w*)\s+(?:at\s+)?(?:my|the)\s+(?:\w+\s+)?(?:arms?|wrists?|legs?|thighs?|skin|"
        r"knuckles|hands?|walls?)\s+(?:till|until|so\s+hard|to\s+the\s+point)\s+(?:that\s+)?(?:they|it|i|my\s+\w+)\s+"
        r"(?:bled|bleed|bleeds|was\s+bleeding|were\s+bleeding|started\s+bleeding|broke)\b",
        r"\bmy\s+(?:arms|wrists|thighs)\s+(?:are|is|were|was)\s+(?:(?:a|such\s+a)\s+mess|cut\s+up|scarred|covered\s+in\s+(?:cuts|scars|burns|marks))\b",
        r"\b(?:hide|hiding|hid)\s+(?:the\s+|my\s+)?(?:fresh\s+|new\s+)?(?:cuts|burns)\b(?!\s+(?:to|in|from|on(?!\s+my\s+(?:arms?|legs?|wrists?|thighs?|body|skin|stomach)))\b)|\blong\s+sleeves\s+to\s+(?:hide|cover)\b",
        r"\bbleed(?:ing)?\s+out\b",
        r"\b(?:keep|kept|been|started|start|stop|stopped|can't\s+stop|still|i'm|i\s+am|urge\s+to\s+keep|back\s+to)\s+cutting\b"
        r"(?!\s+(?:back|down|costs?|corners|hours|shifts|staff|budgets?|the|a|an|my\s+(?!(?:arms?|wrists?|legs?|thighs?|skin)\b)|out|off|it|them|"
        r"people|in|across|through|short|ties|hair|nails|grass|hedges?|meat|sugar|carbs|caffeine|coffee|sessions?|meetings?|myself\s+(?:some\s+)?slack)\b)",
    ], negatable=True),
    _r("overdose", "open", [
        r"(?:\boverdos\w*\b|\bover\s+dos(?:e|ed|ing)\b)(?!\s+on\s+(?!(?:my|his|her|their|the|some|it|them|pills|tablets|meds|medication|"
        r"drugs|heroin|cocaine|alcohol|booze|" + _DRUG_NAMES + r")\b))",
        r"\b(?:lethal|fatal|deadly)\s+(?:dose|amount|quantity)\s+(?:of\s+my\b|for\s+me\b|(?:of\s+\w+\s+)?(?:i'd|i\s+would|i'll|i\s+need|to\s+take))|"
        r"\b(?:looked\s+up|googl\w*|research\w*|look\w*\s+up|worked\s+out|working\s+out|know|found\s+out)\s+(?:the\s+|a\s+)?"
        r"(?:lethal|fatal|deadly)\s+(?:dose|amount)\b",
    ], negatable=True),
    _r("means", "open", [
        _THINGS_TO_TAKE + r"\s+(?:saved|stockpiled|hoarded|put\s+by|lined\s+up|counted\s+out|ready|in\s+front\s+of\s+me|next\s+to\s+me|"
        r"hidden|hid|tucked\s+away|squirrel\w*\s+away|stashed)\b",
        r"\b(?:kept|keeping|held\s+on(?:to|\s+to)|hung\s+on(?:to|\s+to)|hanging\s+on(?:to|\s+to))\s+(?:all|every\s+one\s+of|loads\s+of|lots\s+of)\s+"
        r"(?:of\s+)?(?:the\s+|my\s+)?(?:\w+\s+){0,2}?" + _THINGS_TO_TAKE + r"\b",
        r"\b(?:a|the)\s+plan\s+and\s+(?:a|the)\s+(?:date|day|time|method|place)\b(?!\s+(?:for|to|with)\b)",
        r"\b(?:(?:trains?|ones)\s+(?:that|which)|(?:which|the)\s+(?:trains?|ones))\s+(?:don't|do\s+not|doesn't|does\s+not)\s+stop\b(?=.*\b(?:look\w*|check\w*|research\w*|googl\w*|times|timetable)\b)|"
        r"\b(?:look\w*|check\w*|research\w*|googl\w*)\b.*\b(?:(?:trains?|ones)\s+(?:that|which)|(?:which|the)\s+(?:trains?|ones))\s+(?:don't|do\s+not|doesn't|does\s+not)\s+stop\b",
        r"\b(?:had|have|held|holding|hold)\s+(?:the|my|all\s+(?:the|my)|a\s+handful\s+of|a\s+fistful\s+of)\s+(?:\w+\s+)?" + _THINGS_TO_TAKE +
        r"\s+in\s+my\s+hands?\b",
        r"\b(?:for|until)\s+when\s+i\s+(?:decide|finally\s+decide|need\s+(?:them|it)|go\s+through\s+with\s+it)\b|\bwhen\s+the\s+time\s+comes\b"
        r"(?=.*\b(?:pills|tablets|meds|rope|" + _DRUG_NAMES + r")\b)|"
        r"\b(?:pills|tablets|meds|rope|" + _DRUG_NAMES + r")\b.*\bwhen\s+the\s+time\s+comes\b",
        r"\b(?:plan\w*\s+on|plan\w*\s+to|going\s+to|gonna|decided\s+to|about\s+to|want\s+to)\s+(?:tak(?:e|ing)|swallow\w*)\s+(?:everything|"
        r"all\s+(?:of\s+)?(?:it|them|the\s+lot))\s+(?:i\s+have|i've\s+got|i\s+can\s+(?:find|get)|in\s+the\s+house|i've\s+saved|at\s+once)\b"
        r"(?!\s+(?:to|into|with|home|back|out|off|over|up|down|for)\b)",
        r"\b(?:saving|saved|stash|stashed|stockpil\w*|hoard\w*|collecting|collected)\s+(?:up\s+)?(?:of\s+)?(?:\w+\s+){0,2}?" + _THINGS_TO_TAKE + r"\b",
        r"\bhow\s+many\s+(?:\w+\s+)?(?:tablets|pills|paracetamol)\s+(?:it\s+)?(?:would|will|it'd|does\s+it)\s+take\b",
        r"\bhow\s+(?:many|much)\s+(?:of\s+)?(?:my\s+|these\s+|those\s+|the\s+)?(?:\w+\s+){0,2}?" + _THINGS_TO_TAKE +
        r"\s+(?:it\s+)?(?:would\s+it|would|will|it'd|does\s+it|do\s+you|i'd|i\s+would|it\s+would)\s+(?:take|need|be\s+(?:fatal|lethal|enough))\b"
        r"(?!\s+(?:to\s+)?(?:cause|for\s+(?:a|an|the)\s+(?:patient|adult|child)|in\s+(?:a|an)\s+(?:adult|child)))",
        r"\b(?:know|knew|worked\s+out|figured\s+out|looked\s+up|googled|researched)\s+(?:exactly\s+)?(?:what|which\s+\w+)\s+to\s+take\s+"
        r"and\s+how\s+(?:much|many)\b",
        r"\b(?:have|i've\s+got|got|bought|saved|collected|kept|hidden|hid|took|taken|swallowed|counted|stockpiled|stashed)\s+"
        r"(?:about\s+|around\s+|over\s+|like\s+|nearly\s+|almost\s+)?\d{2,3}\s+(?:of\s+(?:my|the)\s+)?(?:\w+\s+)?" + _THINGS_TO_TAKE + r"\b"
        r"(?!\s+(?:left|a\s+day|per|daily|prescribed|on\s+(?:my\s+)?prescription|for\s+(?:my|the)\s+(?:back|pain|blood|heart|migraine|week|month)))",
        r"\b(?:all|every\s+one\s+of)\s+my\s+(?:\w+\s+)?" + _THINGS_TO_TAKE + r"\s+(?:are\s+|is\s+)?(?:on\s+the|in\s+front|next\s+to|"
        r"lined|ready|beside|laid|spread)\b",
        r"\b" + _THINGS_TO_TAKE + r"\s+and\s+(?:a\s+)?(?:bottle\s+of\s+)?(?:vodka|whisky|whiskey|gin|rum|booze)\b|"
        r"\b(?:vodka|whisky|whiskey|gin|rum|booze)\s+and\s+(?:all\s+)?(?:my\s+)?(?:\w+\s+)?" + _THINGS_TO_TAKE + r"\b",
        r"\b(?:got|getting|took|taken|laid|laying|lined|lining|tipped|emptied)\s+(?:all\s+)?(?:of\s+)?my\s+(?:\w+\s+)?" + _THINGS_TO_TAKE +
        r"\s+out\b(?!\s+(?:of|for|into|in)\b)",
        r"\b(?:count|counted|counting)\s+(?:out\s+)?(?:all\s+)?(?:of\s+)?my\s+(?:\w+\s+)?" + _THINGS_TO_TAKE + r"\b(?!\s+(?:into|in|for)\b)",
        r"\b(?:bought|buying|buy|got|getting|collected|collecting)\s+(?:\w+\s+){0,3}?" + _THINGS_TO_TAKE + r"\s+(?:\w+\s+){0,2}?from\s+"
        r"(?:\w+\s+){0,2}?(?:different|several|multiple|two|three|four|a\s+few|various|every)\s+(?:shops|chemists|pharmacies|places|supermarkets)\b",
        r"\b(?:bought|buying|stocked\s+up\s+on|got\s+in)\s+(?:loads|lots|a\s+lot|boxes|packets|several\s+(?:boxes|packets)|extra\s+(?:boxes|packets))"
        r"\s+of\s+(?:\w+\s+)?" + _THINGS_TO_TAKE + r"\b(?!\s+(?:for|to\s+(?:stock|keep)))",
        r"\b(?:plan|plans|planning|planned|decided)\s+to\s+do\s+it\s+(?:when|while|once)\s+(?:the\s+kids|the\s+children|my\s+\w+|everyone|"
        r"they|he|she)\s+(?:are|is|'re|has|have|'s)\s+(?:\w+\s+){0,2}?" + _ALONE + r"\b",
        r"\btake\s+(?:everything|all|every\s+(?:pill|tablet))\s+(?:\w+\s+){0,3}?(?:medicine|meds|bathroom|drugs)\s+(?:cupboard|cabinet|drawer|box|tin)\b",
        r"\b(?:researching|researched|look(?:ed|ing)\s+up|googl(?:ed|ing)|search(?:ed|ing)(?:\s+for)?|read(?:ing)?\s+(?:up\s+)?(?:on|about))\s+"
        r"(?:different\s+|suicide\s+|possible\s+)?(?:methods|ways\s+to\s+(?:die|end\s+it|end\s+things|end\s+my\s+life))\b"
        r"(?!\s+(?:for|of|in|to|section|chapter|used|that|we|module|paper|class|lecture)\b)",
        r"\b(?:most\s+painless|painless|least\s+painful|surest)\s+(?:way|ways|method|methods)\s+(?:to|of)\s+(?:die|dying|go|do\s+it|end\s+it|"
        r"end\s+things|kill\s+myself)\b(?!\s+(?:to|home|there|back|about|through|forward|in|on|with|for)\b)",
        r"\b(?:i've|i\s+have|just|i)\s+(?:taken|took|swallowed)\s+(?:some\s+|loads\s+of\s+|a\s+lot\s+of\s+|lots\s+of\s+)?(?:pills|tablets)\b(?!\s+for\b)",
        r"\b(?:enough|a\s+stash\s+of|a\s+stockpile\s+of)\s+(?:\w+\s+){0,2}?" + _THINGS_TO_TAKE + r"\b(?=.*\b(?:end|die|kill|overdose|do\s+it)\b)",
        r"\b(?:ways?|how)\s+(?:to|of)\s+(?:die|dying|end\s+it|end\s+my\s+life|kill\s+myself|commit\s+suicide)\b",
        r"\bplann?(?:ing|ed)?\s+(?:my\s+)?(?:own\s+)?(?:death|suicide|exit)\b",
        r"\b(?:took|taken|swallowed|necked|downed)\s+(?:a|the|my)\s+whole\s+(?:packet|box|bottle|strip|pack|prescription|supply|blister)\b"
        r"(?!\s+of\s+(?!(?:my\s+|the\s+)?(?:\w+\s+)?" + _THINGS_TO_TAKE + r"))|"
        r"\b(?:took|taken|swallowed|necked)\s+(?:my|a)\s+(?:whole\s+)?(?:month's|week's|months|weeks)\s+(?:supply|worth|prescription)\b|"
        r"\b(?:swallow\w*)\s+(?:everything|the\s+lot|all\s+of\s+(?:them|it))\b",
        r"\b(?:took|taken|take|taking|swallowed|swallow|neck|necked|down|downed)\s+(?:a\s+load|loads|a\s+lot|lots|too\s+many|all|a\s+handful|"
        r"handfuls|a\s+bunch|the\s+lot|a\s+whole\s+(?:box|packet|bottle)|every\s+one|all\s+the|every|the\s+whole|a\s+(?:bottle|box|packet))\s+"
        r"(?:of\s+)?(?:my\s+|the\s+|these\s+|those\s+)?(?:\w+\s+)?(?:tablets?|pills?|meds|medication|" + _DRUG_NAMES + r")\b",
        r"\b(?:going\s+to|gonna|about\s+to|i'll|planning\s+to|want\s+to)\s+take\s+(?:them\s+all|them|the\s+lot|all\s+of\s+them|it\s+all|"
        r"the\s+whole\s+lot)\b(?=.*\b(?:pills|tablets|meds|paracetamol|painkillers|insulin)\b)|"
        r"\b(?:pills|tablets|meds|paracetamol|painkillers|insulin)\b.*\b(?:going\s+to|gonna|about\s+to|i'll|planning\s+to|want\s+to)\s+take\s+(?:them\s+all|them|"
        r"the\s+lot|all\s+of\s+them|it\s+all|the\s+whole\s+lot)\b",
        r"\bwith\s+(?:a\s+)?(?:bottle|box|packet|handful|pile|load|stash)\s+of\s+(?:\w+\s+)?(?:tablets|pills|meds|paracetamol|painkillers)\b",
        r"\b(?:bought|got|have|found|tied)\s+(?:a\s+|some\s+)?(?:rope|noose|ligature)\b",
        r"\b(?:in|sat\s+in|sitting\s+in)\s+(?:the|my)\s+(?:garage|car)\s+with\s+the\s+engine\s+(?:running|on)\b",
        r"\b(?:research\w*|look\w*\s+up|googl\w*|search\w*|read\w*\s+up\s+on)\s+(?:the\s+)?(?:best|easiest|quickest|"
        r"least\s+painful|painless|surest)\s+(?:way|ways|method|methods)\s+to\s+(?:do\s+it|die|end\s+it|go|kill)\b",
        r"\b(?:painless|least\s+painful|quickest|easiest)\s+way\s+to\s+(?:die|end\s+it|kill(?:\s+myself)?)\b"
        r"(?!\s+(?:the|a|an|off|time|morale|it|this|that|any|two|conversation|motivation|team|meetings?)\b)",
        r"\b(?:a\s+|the\s+)?plan\s+and\s+the\s+means\b|\b(?:got|have)\s+the\s+means\b(?!\s+to\s+(?:pay|buy|afford|fund)\b)",
        r"\b(?:plan|plans|planned|planning|worked\s+out|working\s+out|research\w*|look\w*\s+up|googl\w*|search\w*|"
        r"thought\s+about|thinking\s+about|decided)\s+(?:for\s+)?how\s+(?:to|i'd|i\s+would|i'll|i\s+will|i\s+could|"
        r"i'm\s+going\s+to)\s+(?:do\s+it|die|end\s+it|end\s+things|go\s+about\s+it|kill)\b"
        r"(?=\s*(?:[.,!?;]|$|and\b|but\b|tonight|today|now|soon|when|if|after|this|on))",
        r"\b(?:have|i've\s+got|got|made|make|making|there's)\s+(?:a|the)\s+plan\s+(?:to\s+(?:end|kill|die|do\s+it)|"
        r"for\s+(?:how|when)\s+(?:to\s+|i'd\s+|i\s+)?(?:end|kill|die|do\s+it))",
    ]),
    _r("place_or_method", "open", [
        r"\b(?:on|at)\s+the\s+(?:bridge|ledge|roof\s+edge|edge\s+of\s+(?:the|a)\s+(?:\w+\s+)?(?:roof|cliff|bridge|platform|building|"
        r"car\s+park|multi[\s-]?stor(?:e)?y|river|water|tracks|motorway|ledge|balcony|drop|quarry|canal)|top\s+(?:floor\s+)?of\s+(?:the|a)\s+"
        r"(?:\w+\s+)?(?:building|car\s+park|multi[\s-]?stor(?:e)?y|bridge|cliff|roof|tower))\b",
        r"\b(?:jump|jumping|jumped|step|stepping|stepped|throw|throwing|walk|walking|walked|run|running|lie|lying|lay|laying)"
        r"(?:\s+(?:myself|out))?\s+(?:in\s+front\s+of|under)\s+(?:(?:a|an|the|some|oncoming)\s+)?(?:\w+\s+)?"
        r"(?:car|cars|train|trains|bus|buses|lorry|lorries|truck|trucks|van|vans|traffic|tube)\b",
        r"\b(?:drive|driving|drove|crash|crashing|crashed|swerve|swerving|swerved|steer|steering|steered|veer\w*|plough\w*)"
        r"(?:\s+(?:myself|my\s+car|the\s+car))?\s+(?:in\s+front\s+of|into|under|off)\s+(?:(?:a|an|the|some|oncoming)\s+)?(?:\w+\s+)?"
        r"(?:car|cars|lorry|lorries|truck|trucks|van|vans|bus|buses|traffic|wall|walls|tree|trees|bridge|cliff|river|sea|canal|"
        r"lamp\s*post|barrier|central\s+reservation|road(?!\s+(?:at|to|onto|into|and\s+(?:onto|into)))|motorway(?!\s+(?:at|to|onto|into)))\b"
        r"(?!\s+(?:parks?|wash|boot|door)\b)",
        r"\b(?:walk|walking|walked|run|running|ran|step|stepping|stepped|wade|wading|waded)\s+(?:out\s+)?into\s+(?:the\s+|a\s+|oncoming\s+)?"
        r"(?:sea|river|canal|lake|traffic|water|waves|road(?!\s+(?:safety|works)))\b",
        r"\b(?:drove|drive|driving|went|go|going|walked|walking|sat|sitting|stood|standing|been)\s+(?:up\s+|down\s+|out\s+)?"
        r"(?:to|at|on|by|near|up\s+to)\s+the\s+(?:cliffs?|cliff\s+(?:edge|top)|railway\s+(?:line|bridge|tracks)|train\s+tracks|tracks|bridge|"
        r"level\s+crossing|edge\s+of\s+the\s+(?:platform|cliff|roof|bridge|water|river))\b"
        r"(?!.*\b(?:walk|walking|picnic|holiday|dog|kids|day\s+out|views?|sunset|ice\s+cream|lunch|swim\w*|surf\w*)\b)",
        r"\b(?:standing|stood|sat|sitting)\s+(?:by|at|on\s+the\s+edge\s+of|next\s+to|near)\s+the\s+(?:river|canal|water|sea|lake|reservoir)\b"
        r"(?!.*\b(?:lunch|walk|walking|picnic|coffee|sun|sunshine|relax\w*|peaceful|lovely|nice|beautiful|reading|book|dog|kids)\b)",
        r"\b(?:(?:look\w*|star(?:e|ed|es|ing)|gaz\w*)\s+(?:at\s+|over\s+|down\s+at\s+|off\s+)?|(?:driv\w*|drove|walk\w*|cycl\w*)\s+(?:past|over|across|under)\s+)(?:the|a)\s+(?:bridge|edge|drop|tracks|trains?|railway|"
        r"river|water|cliff|traffic|lorries|cars)\b.{0,60}?\b(?:(?:thought|thinking|think|wonder\w*)\s+(?:about\s+|of\s+)?(?:how\s+easy|"
        r"one\s+step|just\s+(?:one\s+)?(?:step|jump)|jumping|stepping|it\s+would\s+be\s+(?:so\s+)?easy|how\s+quick|ending|doing\s+it)|"
        r"(?:thinking|thought)\s+(?:about|of)\s+(?:stopping|pulling\s+over)(?:\s*$|\s*[.,!?])|(?:nearly|almost)\s+(?:stopped|jumped|stepped|did\s+it|swerved|pulled\s+over)|wanted\s+to\s+(?:jump|step|swerve)|tempt\w*|urge|one\s+step)",
        r"\b(?:want|wanna|going|planning|plan|thinking\s+(?:about|of)|think\s+about|keep\s+thinking\s+about|tempted|urge|urges)\s+"
        r"(?:to\s+)?jump(?:ing)?\b(?!\s+(?:at|ship|into\s+(?!(?:the|a)\s+(?:river|sea|canal|water))|to|through|the\s+queue|"
        r"ahead|back|forward|straight|on\s+(?:(?:a|the|this|that|my)\s+)?(?:call|meeting|bandwagon|opportunity|train|bus|tube|plane|bike|boat|ferry|"
        r"zoom|teams|it|board)|off\s+(?:the\s+)?(?:call|bus|train)|in\b(?!\s+front))\b)",
        r"\b(?:hope|hoping|wish|want|tempted|thinking\s+about|think\s+about)\s+(?:i\s+|to\s+)?crash(?:ing)?\s+(?:the|my)\s+car\b",
        r"\b(?:hope|hopes|hoping|wish|wishing|pray\w*)\s+(?:that\s+)?(?:the|my)\s+car\s+(?:\w+\s+)?(?:skids|crashes|crash|skid|spins|comes\s+off|"
        r"goes\s+off|leaves\s+the\s+road|hits|flips|rolls)\b",
        r"\b(?:look\w*|star(?:e|ed|es|ing)|gaz\w*)\s+(?:up\s+)?at\s+(?:the|a)\s+(?:\w+\s+)?(?:beam|beams|banister|bannister|loft\s+hatch|rafters)\b",
        r"\btop\s+(?:floor\s+)?of\s+(?:the|a)\s+(?:\w+\s+)?(?:car\s+park|multi[\s-]?stor(?:e)?y|building|tower|bridge|cliff|roof)\b.{0,60}?"
        r"\b(?:look(?:ed|ing|s)?\s+(?:down|over)|star\w*\s+(?:down|over)|thought\s+about|the\s+edge|jump\w*)\b",
        r"\b(?:jump|jumping|jumped|step|stepping|stepped)\s+(?:off|from)\s+(?:a|an|the|some)\s+(?:[\w-]+\s+){0,2}?(?:bridge|building|roof|"
        r"cliff|car\s+park|multi[\s-]?stor(?:e)?y|tower|balcony|window|ledge|flyover|platform)\b",
        r"\b(?:thought|think|thinking|tempted|wanted|urge)\s+(?:about\s+|of\s+|to\s+)?(?:stepping|step|jumping|jump|walking|falling)\s+"
        r"(?:off|out\s+in\s+front|in\s+front|under)\b(?!\s+(?:the\s+)?(?:project|committee|board|role|rota)\b)",
        r"\b(?:i'm|i\s+am|standing|stood|sat|sitting)\s+on\s+(?:the|a)\s+(?:roof|ledge|bridge|edge)\b"
        r"(?!\s+of\s+(?!(?:the|a|an)\s+(?:[\w-]+\s+){0,2}?" + _DROP + r"\b))",
        r"\bcan't\s+breathe\b(?!\s+(?:for|with)\s+(?:the\s+)?(?:work|emails|rota|meetings|paperwork)\b)",
    ]),
    _r("goodbyes", "open", [
        r"\bsaid\s+(?:all\s+)?my\s+goodbyes\b|\bsaying\s+my\s+goodbyes\b",
        r"^\W*(?:good\s?bye|bye)\s+(?:everyone|everybody|all|world)\b(?!.*\b(?:retir\w*|new\s+job|moving|leaving|last\s+day|see\s+you))",
        r"\b(?:written|writing|wrote|left|leaving|write)\s+(?:a\s+|some\s+)?(?:goodbye\s+|final\s+|last\s+)?(?:letter|letters|note|notes|"
        r"message|messages)\s+(?:[\w']+\s+){0,4}?(?:to|for)\s+(?:my\s+" + _FAMILY + r"|everyone|the\s+(?:kids|children|family))\b",
        r"\b(?:goodbye|farewell|final)\s+(?:note|letter|letters|notes)\b(?!\s+(?:from|about|of|regarding|confirming|re|to\s+the\s+(?:team|ward|trust|staff)))",
        r"\bgiv(?:e|ing|en)\s+(?:all\s+)?my\s+(?:things|stuff|belongings|possessions)\s+away\b",
        r"\bgiv(?:e|ing|en)\s+away\s+(?:all\s+)?my\s+(?:things|stuff|belongings|possessions)\b",
        r"\b(?:when|if|once|after)\s+i'm\s+(?:gone|dead|no\s+longer\s+(?:here|around))\b(?!\s+(?:on|for|to|from)\b)",
        r"\b(?:imagin\w*|plan\w*|thinking\s+about|think\s+about|wonder\w*|who\s+would|who'd|anyone\s+would|people\s+would)\s+"
        r"(?:\w+\s+){0,5}?my\s+(?:own\s+)?funeral\b(?!\s+(?:plan|plans|insurance|director|directors|cover)\b)",
        r"\b(?:letter|letters|note|notes|message)\s+(?:to\s+(?:my\s+)?\w+\s+)?explaining\s+why\b(?!\s+(?:i'm|i\s+am|i've|i\s+was|i\s+need|we|the|it)\b)",
        r"\bmy\s+(?:very\s+)?(?:last|final)\s+(?:message|text|post|words)\s+(?:to\s+(?:anyone|everyone|you\s+all|the\s+world|my\s+" + _FAMILY + r")|ever)\b",
        r"\b(?:wrote|written|writing|finished|left|done)\s+my\s+(?:last\s+|final\s+|goodbye\s+)?note\b(?!\s+(?:in|on|for|to|about|of|up|into)\b)",
        r"\b(?:sort\w*|put\w*|got|getting|get)\s+(?:out\s+)?(?:all\s+)?my\s+affairs\b|\baffairs\s+in\s+order\b",
        r"\b(?:sort\w*|finalis\w*|finaliz\w*)\s+(?:out\s+)?my\s+will\b(?!.*\b(?:baby|born|mortgage|house|solicitor|married|wedding|pension)\b)",
        r"\b(?:giv(?:e|en|ing)|gave)\s+(?:my|the)\s+(?:dog|dogs|cat|cats|pets?)\s+away\b|"
        r"\bgiv(?:e|en|ing)\s+away\s+(?:my|the)\s+(?:dog|dogs|cat|cats|pets?)\b",
        r"\bmade\s+(?:my\s+)?peace\s+with\s+(?:everyone|everything|the\s+world|god|dying|death|it\s+all|my\s+" + _FAMILY + r")\b",
        r"\b(?:they'll|they\s+will|someone'll|someone\s+will|somebody\s+will|who'll|who\s+will|he'll|she'll)\s+(?:\w+\s+)?find\s+"
        r"(?:me|my\s+body)\b(?=\s*(?:in\s+the\s+morning|tomorrow|when|dead|too\s+late|eventually|after|first|[.,!?]|$))",
        r"\bby\s+the\s+time\s+(?:you|anyone|someone|they)\s+(?:read|reads|see|sees|get|gets)\s+this\b",
        r"\b(?:soon|shortly|after\s+tonight|after\s+today)\s*,?\s+(?:it|none\s+of\s+(?:it|this)|nothing)\s+(?:won't|will\s+not)\s+matter\b|"
        r"\b(?:it|none\s+of\s+(?:it|this))\s+(?:won't|will\s+not)\s+matter\s+(?:soon|much\s+longer|after\s+tonight|for\s+much\s+longer)\b",
        r"\b(?:soon\s+)?i'll\s+(?:soon\s+)?be\s+gone\b(?!\s+(?:by|at|until|till|for|from|on|before|after|in|all|most|a\s+while|half|an?\s+|"
        r"tomorrow|next|this|by|when|once|today|tonight\s+(?:at|until)|from)\b)" + _NOT_AWAY,
    ]),
    # Goodbyes are also said when leaving a job or going away: set aside when the message says so.
    _r("say_goodbye", "open", [
        r"\b(?:saying|said|say)\s+(?:good\s?)?bye\s+to\s+(?:everyone|everybody|you\s+all|all\s+of\s+you|the\s+world|my\s+" + _FAMILY +
        r"|the\s+people\s+(?:i\s+love|who\s+matter|that\s+matter))\b",
    ], anti_context=r"\b(?:airport|station|holiday|trip|leaving|leave|party|retir\w*|new\s+job|moving|last\s+day|placement|rotation"
                    r"|secondment|emigrat\w*|farewell\s+do)\b"),
    _r("goodbye_now", "open", [
        r"\bthis\s+is\s+(?:my\s+)?goodbye\b|\b(?:good)?bye\s+(?:forever|for\s+good|for\s+ever)\b",
        r"\b(?:goodbye|farewell)\s+(?:messages?|texts?|videos?|voice\s+notes?|emails?)\b(?!\s+(?:from|in\s+the\s+card)\b)",
    ], anti_context=r"\b(?:leaving\s+do|retir\w*|new\s+job|moving|last\s+day|leaving\s+(?:the|my|this)|see\s+you|next\s+(?:week|month)|holiday"
                    r"|maternity|travel\w*|secondment|rotation|placement|job|team|ward|trust|nhs)\b"),
    _r("not_safe", "self", [
        r"\b(?:i'm|i\s+am)\s+(?:really\s+|just\s+|so\s+)?not\s+safe\b(?!\s+to\s+(?:drive|work|practi[cs]e|be\s+on\s+(?:the|call|shift|nights|duty)|prescribe|give|look\s+after|care|"
        r"lead|run|cover|do\s+(?:the|this|that|nights|a))\b)",
        r"\bi\s+(?:\w+\s+)?(?:don't|do\s+not|no\s+longer)\s+feel\s+safe\b"
        r"(?!\s+(?:to|about|sharing|telling|saying|speaking|raising|leaving\s+(?:the|my)\s+(?:patients|bay)|with\s+(?:the|this)\s+(?:staffing|rota))\b)",
        r"\bi\s+(?:\w+\s+)?feel(?:ing)?\s+unsafe\b(?!\s+(?:to|about|sharing|speaking|raising)\b)",
        r"\bnot\s+safe\s+(?:at\s+home|with\s+myself|around\s+myself|to\s+be\s+(?:alone|left)|on\s+my\s+own)\b",
        r"\b(?:can't|struggling\s+to|don't\s+think\s+i\s+can|not\s+sure\s+i\s+can|unable\s+to|find\s+it\s+hard\s+to)\s+keep\s+myself\s+safe\b",
        r"\b(?:i'm|i\s+am|i\s+feel\s+like|i\s+might\s+be)\s+(?:a\s+)?(?:danger|risk)\s+to\s+myself\b(?!\s+(?:in|on|at|when|with|behind)\b)",
        r"\b(?:don't|do\s+not|can't|cannot)\s+trust\s+myself\b(?!\s+to\s+(?:make|give|lead|do\s+the|run|chair|present|manage|decide|speak|answer|write|get)\b)",
        r"\b(?:scared|afraid|frightened|terrified|worried)\s+(?:of|about)\s+what\s+i\s+(?:might|will|could|would|'ll|may)\s+do\b",
        r"\b(?:scared|afraid|frightened|terrified)\s+(?:i'll|i\s+will|i\s+might|i'm\s+going\s+to|i\s+may)\s+(?:do\s+something|hurt|harm|kill)",
        r"\b(?:scared|afraid|frightened|terrified|worried)\s+(?:for|of)\s+(?:myself|my\s+(?:own\s+)?(?:life|safety|thoughts))\b",
        r"\bkeep\s+(?:myself|me)\s+safe\b",
        r"\bdo\s+something\s+(?:stupid|silly|drastic|to\s+myself|i'll\s+regret|daft)\b"
        r"(?!\s+like\s+(?:send|sending|quit|quitting|resign|resigning|say|saying|email|emailing|reply|replying|shout|shouting|"
        r"walk\s+out|walking\s+out|tell|telling|snap|post|posting)\b)",
        r"\bthreaten\w*\s+to\s+(?:kill|hurt|stab|attack|beat|strangle|shoot)\s+me\b",
        r"\b(?:partner|husband|wife|boyfriend|girlfriend|ex)\s+(?:\w+\s+){0,2}(?:hits|hit|beats|beat|strangled|strangles|choked|"
        r"chokes|hurts|hurt|attacks|attacked|kicks|kicked)\s+me\b",
    ]),
    _r("feel_unsafe", "open", [
        r"\b(?:don't|do\s+not|no\s+longer)\s+feel\s+safe\b"
        r"(?!\s+(?:to|about|sharing|telling|saying|speaking|raising|leaving\s+(?:the|my)\s+(?:patients|bay)|with\s+(?:the|this)\s+(?:staffing|rota))\b)",
        r"\bfeel(?:ing)?\s+unsafe\b(?!\s+(?:to|about|sharing|speaking|raising)\b)",
        r"\b(?:can't|don't\s+think\s+i\s+can|not\s+sure\s+i\s+can|unable\s+to|struggling\s+to|find\s+it\s+hard\s+to|won't\s+be\s+able\s+to|"
        r"don't\s+know\s+if\s+i\s+can)\s+(?:stay|be|remain|keep\s+myself)\s+(?:safe|alive)\b(?!\s+(?:on|at|in|with)\s+(?:the|this|these|that)\s+(?:ward|unit|staffing|rota|levels|numbers)\b)",
    ]),
    _r("in_crisis", "self", [
        r"\b(?:i'm|i\s+am|i've\s+been|i\s+feel|feeling)\s+(?:really\s+|totally\s+|completely\s+)?in\s+(?:a\s+)?(?:real\s+|complete\s+|"
        r"total\s+|mental\s+health\s+|personal\s+)?crisis\b",
        r"\bhaving\s+a\s+(?:mental\s+health\s+)?crisis\b|\bin\s+(?:a\s+)?mental\s+health\s+crisis\b",
    ]),
    _r("need_help_now", "open", negatable=True, patterns=[
        r"\bneed\s+(?:some\s+help|help|someone|somebody)\s+(?:right\s+)?now\b"
        r"(?!\s+(?:with|on|for|writing|to\s+(?:write|prepare|plan|finish|get|sort|do|fill))\b)",
        r"\b(?:in|into|to)\s+(?:a|such\s+a)\s+(?:really\s+|very\s+|so\s+|pretty\s+)?dark\s+(?:place|time|hole)\b",
    ]),
    _r("not_around_much_longer", "open", [
        r"\b(?:won't|will\s+not|not\s+going\s+to)\s+be\s+(?:here|around)\s+(?:next|by|much\s+longer|for\s+(?:much\s+)?long|tomorrow|any\s*more)\b" + _NOT_AWAY,
        r"\b(?:(?:don't|do\s+not)\s+think|doubt|not\s+sure)\s+i'll\s+(?:still\s+)?be\s+(?:here|around|alive)\s+(?:next|by|much|for|tomorrow|at\s+(?:the\s+weekend|christmas|easter))" + _NOT_AWAY,
        r"\b(?:(?:don't|do\s+not)\s+think|doubt)\s+i'll\s+(?:still\s+)?be\s+alive\s+(?:next|by|in|at|for|tomorrow|much)\b",
        r"\b(?:not\s+planning\s+(?:on\s+being|to\s+be)|don't\s+plan\s+(?:on\s+being|to\s+be)|no\s+plans\s+to\s+be)\s+(?:here|around|alive)\s+"
        r"(?:next|by|much\s+longer|for\s+(?:much\s+)?long|tomorrow|any\s*more|at\s+christmas|this\s+time\s+next)\b" + _NOT_AWAY,
        r"\b(?:won't|will\s+not|not\s+going\s+to)\s+be\s+(?:a\s+(?:problem|burden|bother|nuisance)|in\s+(?:anyone's|your|their|the)\s+way|"
        r"bothering\s+(?:anyone|you|them))\s+(?:to\s+\w+\s+|for\s+\w+\s+)?(?:much\s+longer|for\s+(?:much\s+)?long(?:er)?|any\s*more|soon|"
        r"after\s+(?:tonight|today|this))\b" + _NOT_AWAY,
        r"\b(?:don't|can't|cannot|do\s+not)\s+see\s+(?:myself|me)\s+(?:still\s+)?(?:being\s+)?(?:here|around|alive)\s+(?:(?:at|by|for|on)\s+"
        r"(?:christmas|easter|my\s+birthday|the\s+weekend|(?:the\s+)?end\s+of\s+the\s+(?:week|month)|new\s+year|monday|tuesday|wednesday|"
        r"thursday|friday|saturday|sunday)|next\s+(?:week|month)|tomorrow|much\s+longer|for\s+(?:much\s+)?long|this\s+time\s+next\s+(?:week|month))\b"
        + _NOT_AWAY,
        r"\b(?:won't|will\s+not|not\s+going\s+to|don't\s+think\s+i'll)\s+(?:see|make\s+it\s+to)\s+(?:christmas|my\s+birthday|next\s+(?:week|year|month)|"
        r"the\s+(?:weekend|new\s+year|end\s+of\s+the\s+(?:week|month))|tomorrow)\b(?!\s+(?:at|with|on|in|off|because|this\s+year)\b)" + _NOT_AWAY,
        r"\b(?:can't\s+see\s+(?:me|myself)|don't\s+think\s+i'll|not\s+sure\s+i'll|doubt\s+i'll|won't|not\s+going\s+to)\s+(?:get|getting|make|"
        r"making)\s+(?:it\s+)?through\s+(?:\w+\s+){0,3}?alive\b",
    ]),
    _r("cannot_go_on", "open", [
        r"\bcan't\s+(?:go\s+on|carry\s+on|keep\s+going|keep\s+doing\s+this|do\s+this\s+any\s+longer|live\s+like\s+this|"
        r"take\s+(?:it|this)\s+any\s*more|take\s+any\s*more|take\s+much\s+more|"
        r"face\s+(?:another\s+day(?!\s+(?:at|on|in|of|with)\b)|waking\s+up(?!\s+(?:at|for|early|to)\b)|living|life|tomorrow(?!\s+(?:at|on|'s)\b)|anything|it\s+any\s*more|going\s+on))\b"
        r"(?!\s+(?:working|with\s+(?:the|this|my)\s+(?:rota|job|course|project|study))\b)",
        r"\bcan't\s+(?:(?:do|handle|manage|face|cope\s+with)\s+(?:it|this|any\s+of\s+(?:it|this)|anything|everything)\s+)?any\s*more\b",
        r"\bmake\s+(?:it|the\s+pain)\s+(?:all\s+)?stop\b",
        r"\b(?:want|need)\s+(?:the\s+)?(?:pain|thoughts)\s+to\s+(?:stop|end)\b|\bpain\s+to\s+end\s+(?:forever|for\s+good)\b",
        r"\b(?:want|need|wish)\s+(?:it\s+all|everything|all\s+of\s+(?:it|this))\s+to\s+(?:stop|end|go\s+away)\b",
        r"\b(?:want|need|wish)\s+(?:it\s+all|everything|all\s+of\s+(?:it|this)|it|the\s+world|my\s+(?:head|mind|brain))\s+to\s+(?:go\s+(?:quiet|black|dark|silent)|"
        r"be\s+(?:quiet|silent)|fade|stop)\s+(?:forever|for\s+good|permanently|for\s+ever)\b",
        r"\b(?:want|need)\s+(?:it|this)\s+to\s+(?:stop|end)\s+(?:for\s+good|forever|permanently)\b",
        r"\b(?:death|dying|suicide|killing\s+myself|ending\s+it)\s+(?:is|seems|feels|looks)\s+(?:like\s+)?(?:the\s+)?"
        r"(?:only|best|easiest|last|right)\s+(?:way|option|answer|choice|escape|thing)",
        r"\bending\s+it(?:\s+all)?\s+(?:feels|seems|is|looks)\s+like\s+the\s+(?:answer|only|best)",
        r"\b(?:no|only\s+(?:one\s+)?|(?:can't|don't)\s+see\s+(?:a|any)|see\s+no|there's\s+no)\s*(?:other\s+)?(?:way\s+out|escape|way\s+to\s+escape)\b"
        r"(?!\s+(?:of|from)\s+(?:the|my|our|doing)\s+\w+)",
        r"\b(?:attempted|tried)\s+(?:suicide|before|to\s+(?:kill|end|take)\b)",
        r"\b(?:i|i've|i\s+have|i'd|i\s+had)\s+(?:\w+\s+)?attempted\b(?!\s+(?:to\s+(?!(?:kill|end|take|die|overdose|hang))|the|a(?!\s+(?:couple|few|while|year|month|week|long|number))|an|my|it|this|that|"
        r"cpr|resus|\w+ing\b|\w+ation\b))",
    ]),
    # "planning it for weeks" with nothing named that "it" could be
    _r("finish_the_job", "open", [
        r"\bfinish\s+(?:the\s+job|myself\s+off|it\s+(?:off|properly))\b|\bmake\s+it\s+(?:official|permanent|real|final)\b",
    ], context=r"\b(?:dead|die|dying|kill\w*|alive|suicid\w*|end\s+it|attempt\w*|already\s+gone)\b", anti_context=_CLINICAL_WORDS.pattern),
    _r("planning_it", "open", [
        r"\b(?:been|i've\s+been|i\s+have\s+been|i'm|i\s+am|was|i\s+was)\s+planning\s+(?:it|this)\s+(?:for\s+(?:weeks|months|ages|days|a\s+(?:while|long\s+time))|"
        r"(?:all|every)\s+(?:week|day|night))\b",
        r"\b(?:scared|afraid|frightened|terrified|worried)\s+(?:that\s+)?(?:[\w']+\s+){0,5}?(?:i'll|i\s+will|i\s+might|i'm\s+going\s+to)\s+go\s+through\s+with\s+it\b|"
        r"\b(?:nerve|courage|guts)\s+to\s+go\s+through\s+with\s+it\b",
    ], anti_context=r"\b(?:party|do|event|wedding|holiday|trip|project|launch|meeting|conference|surprise|celebration|birthday|rota|audit"
                    r"|restructure|session|course|teaching|handover|presentation|move|leaving|retirement|proposal|bid|change|pilot|service|away\s+day|qi)\b"),
    _r("attempt", "open", [
        r"\b(?:my|since\s+my|after\s+my)\s+(?:last|first|second|third|previous|recent|suicide)\s+attempt\b(?!\s+(?:at|to|on|of)\b)|"
        r"\b(?:i|i've|i\s+have|i'd|i\s+had)\s+(?:\w+\s+)?made\s+(?:an|another|a\s+\w+)\s+attempt\b(?!\s+(?:at|to|of)\b)|"
        r"\battempt\s+on\s+my\s+(?:own\s+)?life\b|"
        r"\b(?:since|after|before)\s+my\s+attempt\b(?!\s+(?:at|to|on|of)\b)",
    ], anti_context=r"\b(?:exams?|osce|test|driving|resit|pass|passed|fail|failed|cannula\w*|interview|application|portfolio|assignment|essay"
                    r"|dissertation|mrcp|mrcs|frcs|module)\b"),
    _r("thoughts_of_death", "open", [
        r"\b(?:thoughts?|thinking|think|thought|dream\w*|obsess\w*|fantasi[sz]\w*|imagin\w*|daydream\w*)\s+(?:of|about)\s+(?:dying|death|being\s+dead|not\s+being\s+"
        r"(?:here|alive|around)|not\s+waking\s+up|killing|ending\s+it|my\s+death|no\s+longer\s+being|(?:just\s+)?not\s+existing|"
        r"(?:hanging|drowning|overdosing|gassing)(?!\s+(?:up|out|on|around|about|round|the|a|an|some|pictures|washing|curtains|posters)\b))\b",
    ], negatable=True),
    _r("do_the_same", "open", [
        r"\b(?:think\w*|thought|thoughts|tempted|want\w*|urge\w*|plan\w*|consider\w*)\s+(?:about\s+|of\s+|to\s+)?(?:do|doing)\s+"
        r"(?:the\s+same(?:\s+thing)?|it\s+(?:myself|too)|that\s+(?:myself|too)|the\s+same\s+to\s+myself)\b",
        r"\b(?:think\w*|thought|thoughts|tempted|want\w*|urge\w*|plan\w*|consider\w*)\s+(?:about\s+|of\s+|to\s+)?(?:take|taking|try|trying)\s+"
        r"(?:one|it|that|the\s+same)\s+(?:myself|too)\b",
    ], context=_DANGER_WORDS.pattern),
    _r("someone_close_at_risk", "self", [
        r"\b(?:going\s+to|gonna|about\s+to|planning\s+to|plans\s+to|threaten\w*\s+to|wants\s+to|want\s+to|"
        r"said\s+(?:s?he|they)(?:'d|\s+would|\s+will|\s+was\s+going\s+to)|talking\s+about|thinking\s+about|tried\s+to)\s+"
        r"(?:kill|hurt|harm|end)\w*\s+(?:himself|herself|themselves|themself|(?:his|her|their)\s+(?:own\s+)?life)\b",
        r"\b(?:says?|said|saying|told\s+me|texted(?:\s+me)?|messaged(?:\s+me)?|keeps\s+saying)\s+(?:that\s+)?(?:s?he|they)\s+(?:wants?|wanted|"
        r"is\s+going|'s\s+going|are\s+going|'re\s+going|was\s+going|plans?|planned|is\s+planning|'s\s+planning|wishes|wished|is\s+ready|'s\s+ready)"
        r"\s+to\s+(?:die(?!\s+(?:of|from|laughing|on\s+(?:this|that)\s+hill)\b)|be\s+dead|end\s+it(?:\s+all)?|kill\s+(?:himself|herself|themselves)|"
        r"do\s+it\s+(?:tonight|today|now))",
        r"\b(?:is|'s|are|'re|has\s+been|have\s+been|feeling|feels)\s+(?:really\s+|very\s+|so\s+|actively\s+|feeling\s+)?suicidal\b"
        r"(?!\s+(?:last|before|in\s+the\s+past|years|when)\b|\s+(?:over|about)\s+(?:the\s+)?(?:football|match|result|game|score|rugby|cricket|exam|"
        r"weather|traffic|england|brexit|election)\b)",
        r"\b(?:s?he|they)(?:'d|\s+would|\s+says\s+(?:s?he|they)(?:'d|\s+would|'s|\s+is|\s+was))\s+(?:be\s+)?better\s+off\s+dead\b",
        r"\b(?:s?he|they)(?:'s|\s+is|'re|\s+are)\s+going\s+to\s+do\s+it\s+(?:tonight|today|now|this\s+weekend)\b(?=.*\b(?:goodbye|die|kill|suicid\w*|end\s+it|pills|tablets|bridge|jump))|"
        r"\b(?:goodbye|die|kill|suicid\w*|end\s+it|pills|tablets|bridge|jump)\b.*\b(?:s?he|they)(?:'s|\s+is|'re|\s+are)\s+going\s+to\s+do\s+it\s+(?:tonight|today|now|this\s+weekend)\b",
    ], context=_PERSONAL_WORDS.pattern, anti_context=_CLINICAL_WORDS.pattern),
    # "does anyone else think about killing themselves": asking whether others share it says the person does
    _r("anyone_else", "self", [
        r"\b(?:does|do|is|has)\s+(?:anyone|anybody|everyone|other\s+(?:people|nurses|doctors|staff)|others)\s+else\s+(?:ever\s+)?(?:\w+\s+){0,3}?"
        r"(?:kill\w*\s+themsel\w+|end\w*\s+(?:it|their\s+(?:own\s+)?(?:life|lives)|things)|want\s+to\s+die|suicid\w*|self[\s-]?harm\w*|(?:hurt|harm|cut)\w*\s+themsel\w+|"
        r"wish\s+they\s+(?:were\s+dead|didn't\s+wake|could\s+disappear)|not\s+(?:wanting|want)\s+to\s+(?:be\s+here|wake\s+up|live))",
    ]),
    # Statements about the whole of life: crisis, unless their own clause names a cause at work.
    _r("cannot_cope", "global", [r"\b(?:can't|unable\s+to|no\s+longer\s+able\s+to)\s+cope\b"], topic="overwhelmed"),
    _r("not_coping", "global", [r"\bnot\s+(?:really\s+)?coping\b"], topic="overwhelmed"),
    _r("breaking_point", "global", [
        r"\b(?:at|reached|reaching|hit|hitting|near|close\s+to|past|beyond)\s+(?:my\s+|a\s+|the\s+)?breaking\s+point\b"],
        topic="stress"),
    _r("falling_apart", "global", [r"\b(?:falling|fallen|fall|coming)\s+(?:apart|to\s+(?:pieces|bits))\b"], topic="overwhelmed"),
    _r("hopeless", "global", [r"\bhopeless(?:ness)?\b(?!\s+(?:at|with|case)\b)"], topic="low_mood", negatable=True),
    _r("too_much", "global", [
        r"\b(?:everything|it\s+all|it's\s+all|this\s+is\s+all|life)\s+(?:[\w']+\s+){0,3}?(?:is\s+|feels\s+|'s\s+|has\s+become\s+|"
        r"is\s+just\s+|just\s+feels\s+|seems\s+)?(?:just\s+|all\s+|so\s+|far\s+|way\s+)?too\s+(?:much|hard)\b",
        r"\beverything\s+(?:feels|is|seems)\s+(?:so\s+)?(?:pointless|meaningless)\b",
        r"\bnothing\s+(?:matters|means\s+anything)\b",
    ], topic="overwhelmed"),
    _r("broken", "global", [
        r"\b(?:i'm|i\s+am|i\s+feel|feel|feeling)\s+(?:so\s+|completely\s+|totally\s+|utterly\s+|just\s+|really\s+)?broken\b"
        r"(?!\s+(?:up|in|into|down\s+(?:the|into))\b)",
        r"\b(?:has|have|it's|is|this\s+job|work|the\s+job|nhs|this\s+place)\s+(?:has\s+|completely\s+|totally\s+|finally\s+)?broken\s+me\b",
    ], topic="low_mood"),
    _r("rock_bottom", "global", [r"\b(?:at|hit|reached|hitting)\s+rock\s+bottom\b"], topic="low_mood"),
    _r("worthless", "global", [r"\b(?:feel|feeling|i'm|i\s+am|so|completely|totally|utterly)\s+worthless\b"], topic="undervalued"),
    _r("no_future", "global", [
        r"\bcan't\s+see\s+(?:a|any)\s+(?:future|way\s+forward|way\s+through|light)\b|\bsee\s+no\s+(?:future|way\s+forward)\b",
        r"\bno\s+future\s+for\s+me\b|\bcan't\s+get\s+out\s+of\s+(?:this|the)\s+(?:hole|pit|darkness)\b",
        r"\blife\s+(?:is|feels|seems)\s+(?:so\s+)?(?:pointless|meaningless|hopeless)\b",
        r"\b(?:i\s+)?(?:hate|loathe|despise)\s+myself\b",
        r"\b(?:i've|i\s+have|i'd|i)\s+(?:just\s+|totally\s+|completely\s+)?given\s+up\b(?=\s*(?:$|[.,!?;]|completely|altogether|on\s+(?:everything|life|myself|it\s+all)))",
        r"\brather\s+(?:be\s+dead|die)\b",
        r"\bhow\s+(?:i'd|i\s+would|i\s+could)\s+do\s+it\b(?=\s*(?:$|[.,!?;]|and\s+(?:that|it)\s+(?:scares|frightens|terrifies)|"
        r"and\s+(?:when|where)\b|tonight\b)(?!\s*[,:;-]?\s*(?:i'd|i\s+would|first|by|with|using)\b))",
        r"\bcan't\s+(?:keep\s+)?(?:living|live|go\s+on\s+living)\s+like\s+this\b",
    ], topic="low_mood"),
    _r("how_much_longer", "global", [
        r"\b(?:don't|do\s+not)\s+know\s+how\s+(?:much\s+)?(?:longer|long)\s+i\s+can\s+(?:keep\s+going|go\s+on|carry\s+on|keep\s+doing\s+this|"
        r"do\s+this|hold\s+on|cope|last|keep\s+this\s+up|manage)\b|\bnot\s+sure\s+how\s+(?:much\s+)?(?:longer|long)\s+i\s+can\s+"
        r"(?:keep\s+going|go\s+on|carry\s+on|hold\s+on|cope|last)\b",
    ], topic="overwhelmed"),
    _r("giving_up", "global", [
        r"\b(?:want|wanna|ready|going)\s+to\s+give\s+up\b(?!\s+(?:on\s+(?:the|this|my|a|an|nursing|medicine|midwifery)\b|(?:my|the|a|this|that|some|smoking|"
        r"sugar|chocolate|caffeine|coffee|booze|drinking|alcohol|meat|social|work|nights|on\s+call)\b))",
        r"\b(?:tired|sick|weary)\s+of\s+fighting\b(?!\s+(?:for|with|about|over|against|the|my|our|to\s+get)\b)|"
        r"\b(?:don't|do\s+not)\s+want\s+to\s+fight\s+(?:any\s*more|any\s+longer)\b(?!.*\b(?:with|about|over)\b)",
    ], topic="low_mood"),
    _r("want_out", "global", [
        r"\b(?:i\s+)?(?:just\s+)?want\s+out\b(?=\s*(?:$|[.,!?;]|now|already|completely|of\s+(?:it\s+all|all\s+of\s+this)))",
        r"\b(?:life|everything|it\s+all|living|existing|being\s+alive)\s+(?:is|feels|has\s+become|seems)\s+(?:so\s+|just\s+|completely\s+)?unbearable\b",
    ], topic="overwhelmed", anti_context=_WORK_SCOPE.pattern + r"|\b(?:trust|nhs|nursing|joke)\b"),
    _r("life_over", "global", [
        r"\bmy\s+life\s+is\s+(?:over|finished|pointless|worthless|a\s+waste)\b",
        r"\b(?:had|have\s+had|'ve\s+had)\s+enough\s+of\s+(?:everything|it\s+all|all\s+of\s+it)\b(?=\s*(?:$|[.,!?;]|and\b|but\b|now\b|i\b|honestly\b))",
    ], topic="low_mood"),
    _r("lost_will_to_live", "global", [
        r"\blost\s+(?:the|all|my)\s+will\s+to\s+live\b(?!\s+(?:in|during|after|at|with)\s+(?:this|the|that|these)\s+"
        r"(?:meeting|training|call|session|presentation|webinar|lecture|queue|paperwork|audit)\b)",
    ], topic="low_mood", anti_context=r"\b(?:meetings?|session|training|teaching|lecture|webinar|teams\s+call|zoom|queue|paperwork|powerpoint"
                                      r"|e-?learning|induction|presentation|audit|spreadsheet|traffic|hold\s+music|on\s+hold)\b"),
    _r("breakdown", "global", [
        r"\b(?:having|had|on\s+the\s+verge\s+of|close\s+to|near|heading\s+for|about\s+to\s+have)\s+a\s+"
        r"(?:nervous\s+|mental\s+|complete\s+|total\s+)?breakdown\b"], topic="overwhelmed"),
)

# --------------------------------------------------------------------------- wellbeing rules (own strain, no risk to life)

_BULLY_VERBS = (
    r"bull(?:y|ies|ying|ied)|harass\w*|belittl\w*|humiliat\w*|intimidat\w*|undermin\w*|pick(?:s|ing)?\s+on|picked\s+on|"
    r"shout(?:s|ed|ing)?\s+at|scream(?:s|ed|ing)?\s+at|yell(?:s|ed|ing)?\s+at|swear(?:s|ing)?\s+at|swore\s+at|threaten\w*|"
    r"freez(?:e|es|ing)|froze|talk(?:s|ed|ing)?\s+down\s+to|mak(?:e|es|ing)\s+fun\s+of|made\s+fun\s+of|gaslight\w*|"
    r"exclud\w*|mock(?:s|ed|ing)?|victimis\w*|victimiz\w*|target(?:s|ed|ing)|spat\s+at|groped|assaulted|insulted|abused"
)
_CONCERN = (
    r"\bunsafe\s+(?:staffing|staff(?:ing)?\s+levels|practice|care|ward|shifts?|numbers|levels|conditions|environment)\b"
    r"|\b(?:staffing|the\s+ward|the\s+unit|care|the\s+shift)\s+(?:is|was|isn't|wasn't|feels)\s+(?:not\s+|un)?safe\b"
    r"|\bpatients?\s+(?:are|is|were|was|being|getting|could\s+(?:be|get))\s+(?:\w+\s+)?(?:at\s+risk|harmed|hurt|unsafe|"
    r"in\s+danger|neglected|put\s+at\s+risk|left|missed)\b"
    r"|\b(?:patient\s+safety|safety\s+of\s+(?:the\s+|our\s+|my\s+)?patients|patients'?\s+safety|safe\s+staffing)\b"
    r"|\bnear\s+miss(?:es)?\b|\bsafeguarding\s+concerns?\b|\bpoor\s+practice\b|\bneglect\b|\bconcerns?\s+about\b"
    r"|\bdangerous(?:ly)?\s+(?:short|understaffed|staffing|low|levels|practice|care)\b|\bunsafe\b|\bshort[\s-]?staffed\b|\bunderstaffed\b"
    r"|\bwe're\s+(?:always\s+|so\s+|really\s+)?short\b|\bpatients?\s+(?:are|is)\s+suffering\b"
    r"|\b(?:staffing|it|the\s+ward|nights|the\s+unit|the\s+rota)\s+(?:is|are|was|feels)\s+(?:really\s+|so\s+)?dangerous\b"
    r"|\b(?:drug\s+)?(?:errors?|mistakes?|incidents?)\b"
)
_NOT_ACTED = (
    r"\b(?:nothing\s+(?:changes|has\s+changed|changed|happens|has\s+happened|happened|gets\s+done|was\s+done|is\s+done|"
    r"has\s+been\s+done|is\s+being\s+done)|(?:no\s+one|nobody)\s+(?:listens|listened|acts|acted|does\s+anything|did\s+anything|"
    r"cares|takes\s+it\s+seriously|is\s+listening)|ignored|dismissed|brushed\s+(?:it\s+|me\s+)?off|"
    r"(?:won't|doesn't|didn't|don't|wouldn't|will\s+not)\s+(?:listen|act|do\s+anything|take\s+it\s+seriously)|"
    r"not\s+(?:been\s+)?(?:acted\s+on|listened\s+to|taken\s+seriously)|no\s+action|"
    r"told\s+(?:me\s+)?to\s+(?:stop|drop\s+it|keep\s+quiet|leave\s+it|not\s+make\s+a\s+fuss)|making\s+a\s+fuss|fobbed\s+off|"
    r"still\s+happening|keeps?\s+happening|(?:keep|keeps)\s+having|swept\s+under|"
    r"(?:don't|do\s+not)\s+know\s+who\s+to\s+(?:tell|report|speak|go)|"
    r"told\s+(?:me\s+)?not\s+to\s+(?:datix|report|escalate|raise|put\s+it|write\s+it|say))\b"
)

_WELLBEING_RULES: Tuple[_Rule, ...] = (
    _r("speak_up_fear", "open", [
        r"\b(?:scared|afraid|frightened|worried|nervous|terrified)\s+(?:to|of|about)\s+(?:speak(?:ing)?\s+up|report(?:ing)?|"
        r"rais(?:e|ing)\s+(?:it|this|a\s+concern|concerns)|whistle[\s-]?blow\w*|say(?:ing)?\s+(?:anything|something))\b",
        r"\b(?:don't|do\s+not)\s+feel\s+(?:safe|able|comfortable)\s+to\s+(?:speak\s+up|raise|report|say)\b",
        r"\bcover(?:ed|ing)?[\s-]+(?:it\s+|this\s+|things\s+)?up\b|\bcover[\s-]?up\b|\bswept\s+under\s+the\s+carpet\b",
        r"\bwhistle[\s-]?blow\w*",
    ], topic="patient_safety"),
    _r("concern_not_acted_on", "self", [
        r"(?:" + _CONCERN + r").*(?:" + _NOT_ACTED + r")",
        r"(?:" + _NOT_ACTED + r").*(?:" + _CONCERN + r")",
        r"\b(?:raised|reported|flagged|escalated|datixed|datix'd|told\s+(?:my\s+)?(?:manager|matron|sister|consultant|boss)"
        r"|spoke\s+up|spoken\s+up|complained)\b.*(?:" + _NOT_ACTED + r")",
        r"\b(?:i'm|i\s+am|i\s+feel|really|so)\s+(?:really\s+)?(?:worried|concerned|scared|anxious)\s+(?:that\s+|about\s+)?(?:[\w']+\s+){0,3}?"
        r"(?:" + _CONCERN.replace("|\\b(?:drug\\s+)?(?:errors?|mistakes?|incidents?)\\b", "") + r")",
        r"\btold\s+(?:me\s+)?not\s+to\s+(?:datix|report|escalate|raise\s+it|put\s+it\s+in\s+writing)\b",
    ], topic="patient_safety"),
    _r("bullying", "self", [
        r"\b(?:" + _BULLY_VERBS + r")\s+(?:\w+\s+){0,2}?me\b",
        r"\bhad\s+a\s+go\s+at\s+me\b|\b(?:making|made|makes|make)\s+my\s+life\s+(?:hell|a\s+misery|miserable|difficult|unbearable)\b|"
        r"\btold\s+me\s+off\b|\btold\s+off\s+in\s+front\s+of\b",
        r"\bmade\s+to\s+feel\s+(?:stupid|small|useless|worthless|incompetent|like\s+an?\s+idiot)\b",
        r"\b(?:horrible|nasty|rude|vile|awful|cruel|abusive|aggressive|hostile|condescending|patronising|dismissive|vicious)\s+"
        r"(?:to|towards)\s+me\b",
        r"\b(?:makes|made|making)\s+me\s+feel\s+(?:stupid|small|useless|worthless|incompetent|like\s+(?:an?\s+)?(?:idiot|rubbish))\b",
        r"\b(?:takes|took|taking)\s+(?:the\s+)?credit\s+for\s+my\s+work\b",
        r"\b(?:patient|relative|colleague|manager|someone|visitor|man|woman|family\s+member|consultant|registrar)\s+(?:\w+\s+)?"
        r"(?:hit|punched|kicked|slapped|bit|scratched|headbutted|grabbed|assaulted|attacked)\s+me\b",
        r"\bkill\s+yourself\b",
    ], topic="bullying"),
    _r("bullied", "open", [
        r"\b(?:i'm|i\s+am|i've\s+been|i\s+have\s+been|i\s+was|i\s+feel|i\s+get|i'm\s+getting|feel|feeling|being|getting|been|got)\s+"
        r"(?:(?!(?:not|never)\b)\w+\s+){0,2}?(?:bullied|harassed|belittled|humiliated|intimidated|picked\s+on|undermined|excluded|frozen\s+out|"
        r"left\s+out|threatened|shouted\s+at|screamed\s+at|sworn\s+at|victimi[sz]ed|targeted|discriminated\s+against|"
        r"ganged\s+up\s+on|gaslit|mocked|assaulted|attacked|abused|racially\s+abused|groped|spat\s+at)\b",
        r"(?<!stop\s)(?<!tackle\s)(?<!prevent\s)(?<!tackling\s)(?<!challenge\s)(?<!anti\s)(?<!anti-)(?<!combat\s)\b(?:the\s+)?bullying\b",
        r"(?<!anti[\s-])\b(?:racis[tm]|racial\s+abuse|sexis[tm]|homophob\w*|transphob\w*|misogyn\w*|microaggress\w*|"
        r"sexual(?:ly)?\s+harass\w*|inappropriate\s+(?:touching|comments|behaviour))\b",
        r"\b(?:toxic|hostile)\s+(?:culture|environment|team|manager|workplace|atmosphere)\b",
        r"\b(?:snide|nasty|cruel|spiteful|sexual|inappropriate|racist|sexist|homophobic|transphobic|lewd|sleazy)\s+(?:comments?|remarks?|jokes|messages)\b",
        r"\b(?:verbal|physical|racist|racial|sexual|homophobic)\s+abuse\b|\babuse\s+from\s+(?:patients|relatives|colleagues|my|a|the)\b",
        r"\b(?:singled\s+out|scapegoat\w*|blamed\s+for\s+everything|bad[\s-]?mouth\w*)\b",
    ], topic="bullying", negatable=True, victim=True),
    _r("stress", "open", [
        r"\bstr?e{0,2}s+e?d\b(?!\s+(?:that|the|how|to\s+\w+\s+that)\b)",
        r"\bstress(?:ed)?[\s-]+out\b|\bstress(?:es|ing)?\s+me\b|\b(?:the|my|work|job)\s+stress\b(?!\s+(?:test|ball)\b)",
        r"\bbecause\s+of\s+(?:the\s+)?stress\b",
        r"\b(?:feel|feeling|felt)\s+the\s+pressure\b|\bunder\s+(?:so\s+much|a\s+lot\s+of|too\s+much|huge|massive|constant|real|immense)\s+pressure\b",
        r"\bthe\s+pressure\s+(?:is|has\s+been)\s+(?:getting|too|unbearable|relentless|awful)\b",
        r"\bcrack(?:ing)?\s+up\b|\bgoing\s+to\s+crack\b|\b(?:about|close)\s+to\s+crack\w*\b|\bcracking\s+point\b",
        r"\b(?:wear(?:ing|s)?|grind(?:ing|s)?)\s+me\s+down\b|\bgetting\s+to\s+me\b|\btaking\s+(?:its|a)\s+toll\b|"
        r"\b(?:crushing|destroying|breaking)\s+me\b|\b(?:sick|fed\s+up)\s+(?:and\s+tired\s+)?of\s+(?:it|this|work|this\s+place|the\s+job|being)\b|\bfed\s+up\b|\bon\s+my\s+last\s+nerve\b|\bhanging\s+by\s+a\s+thread\b",
        r"\bfinding\s+it\s+(?:all\s+)?(?:really\s+|so\s+|very\s+|quite\s+)?(?:hard|difficult|tough)\b",
        r"\b(?:under|so\s+much|a\s+lot\s+of|too\s+much|lots\s+of|huge|massive|constant|unbearable|extreme|work|job|"
        r"work[\s-]related)\s+(?:of\s+)?stress\b",
        r"\bstress\s+(?:is|has\s+been|levels?|of\s+(?:it|work|the\s+job)|at\s+work)\b",
        r"\b(?:signed\s+off|off\s+sick|off\s+work|off)\s+with\s+stress\b",
        r"\b(?:so|too|really|very|incredibly|unbearably|massively|super)\s+stressful\b",
        r"\bat\s+the\s+end\s+of\s+my\s+tether\b",
        r"\b(?:at|reached|reaching|near|close\s+to)\s+(?:my\s+)?(?:limit|wits'?\s+end)\b",
        r"(?:\bstruggling|\b(?:really|so|massively|properly)\s+struggl(?:e|ed))\b(?!\s+to\s+(?!(?:cope|sleep|keep\s+going|get\s+out\s+of\s+bed|function|stay\s+afloat|switch\s+off|"
        r"concentrate|focus|keep\s+up|keep\s+my\s+head|manage|breathe|eat)\b))",
    ], topic="stress", negatable=True),
    _r("exhaustion", "open", [
        r"\bexh?[au]{1,2}s+t(?:ed|ion)\b|\bknacker\w*|\bshattered\b(?!\s+(?:the|a|my|his|her)\b)|\bdrained\b",
        r"\bworn\s+(?:out|down)\b|\brunning\s+on\s+(?:empty|fumes)\b",
        r"\b(?:so|really|very|constantly|always|permanently|extremely|utterly|bone|dog)\s+tired\b|\btired\s+all\s+the\s+time\b",
        r"\bdead\s+on\s+my\s+feet\b|\bnothing\s+left\s+(?:to\s+give|in\s+the\s+tank)\b|\bno\s+energy\b|\bwiped\s+out\b|\bfatigue\w*",
        r"\b(?:tired|sick)\s+of\s+(?:this|the)\s+(?:job|place|ward|nhs)\b",
        r"\brun\s+ragged\b|\b(?:run|rushed)\s+off\s+my\s+feet\b|\bfrazzled\b|\b(?:wiping|wipes|wiped|wipe)\s+me\s+out\b|\bsleep[\s-]deprived\b|\b(?:i'm|i\s+am|feel|feeling|totally|completely|absolutely)\s+done\s+in\b",
        r"\b(?:i'm|i\s+am|i\s+feel|feeling|feel|always|constantly)\s+(?:so\s+|really\s+|very\s+|completely\s+|utterly\s+|absolutely\s+|just\s+)?"
        r"(?:tired|weary|spent|depleted|flagging)\b(?!\s+of\b)",
        r"\brunning\s+on\s+(?:caffeine|autopilot|adrenaline)\b|\bno\s+(?:energy|reserves)\s+left\b",
    ], topic="exhaustion", negatable=True),
    _r("burnout", "open", [r"\bburn(?:t|ed|ing)?[\s-]*out\b|\bburnout\b|\bburn(?:t|ed|ing)?\s+myself\s+out\b"],
       topic="burnout", negatable=True),
    _r("undervalued", "open", [
        r"\bunder[\s-]?valued\b|\bunappreciated\b|\bunder[\s-]?appreciated\b",
        r"\b(?:don't|do\s+not|never)\s+feel\s+(?:valued|appreciated|listened\s+to|heard|respected|supported)\b",
        r"\bnot\s+(?:valued|appreciated|supported|respected)\b",
        r"\bfeel\s+(?:so\s+|completely\s+|totally\s+)?(?:invisible|worthless\s+at\s+work|like\s+a\s+number)\b",
        r"\btreated\s+like\s+(?:a\s+number|dirt|a\s+robot|rubbish|crap|a\s+skivvy|a\s+child)\b|\btaken\s+for\s+granted\b",
        r"\b(?:nobody|no\s+one)\s+(?:ever\s+)?(?:says|said)\s+thank\b|\b(?:nobody|no\s+one)\s+(?:here\s+)?cares\s+about\s+(?:staff|us|me)\b",
        r"\bfeel\s+(?:so\s+)?(?:isolated|alone|lonely)\s+(?:on|at|in)\b",
        r"\b(?:nobody|no\s+one)\s+(?:ever\s+|really\s+)?(?:appreciates|values|recognises|recognizes|notices|thanks|acknowledges|listens\s+to)\s+"
        r"(?:me|what\s+i\s+do|my\s+work|us|my\s+efforts|anything\s+i\s+do)\b",
        r"\b(?:never\s+get\s+any|zero|never\s+any|not\s+even\s+a)\s+(?:recognition|thanks|thank\s+you|appreciation|credit)\b",
        r"\bno\s+(?:recognition|appreciation)\b",
        r"\bfeel\s+(?:like\s+)?(?:a\s+|just\s+a\s+)?(?:cog|robot|skivvy|nobody|disposable|replaceable|expendable)\b",
        r"\b(?:overlooked|passed\s+over)\b|\b(?:unrecognised|unrecognized|unnoticed|unheard)\b",
        r"\b(?:had|get|getting|given|got)\s+(?:no|zero)\s+(?:support|supervision|induction)\b",
    ], topic="undervalued"),
    _r("out_of_depth", "open", [
        r"\bout\s+of\s+my\s+depth\b|\bin\s+over\s+my\s+head\b",
        r"\b(?:feel|feeling)\s+like\s+(?:a|an)\s+(?:fraud|imposter|impostor)\b|\bimpost[eo]r\s+syndrome\b",
        r"\b(?:i'm|feel|feeling|i\s+am)\s+(?:like\s+i'm\s+)?not\s+good\s+enough\b|\bfailing\s+at\s+(?:everything|work|my\s+job)\b",
        r"\b(?:confidence|self[\s-]?esteem)\s+(?:is\s+|has\s+been\s+|'s\s+)?(?:shot|gone|at\s+rock\s+bottom|in\s+tatters|knocked|"
        r"on\s+the\s+floor|destroyed)\b",
        r"\bfeel\s+(?:so\s+)?(?:useless|incompetent|inadequate)\b",
        r"\bout\s+of\s+my\s+league\b|\b(?:don't|do\s+not)\s+know\s+what\s+i'm\s+doing\b",
        r"\bfailing\s+(?:at\s+)?(?:my\s+patients|my\s+team|everyone|my\s+family)\b|"
        r"\b(?:feel|feeling|felt)\s+like\s+(?:a|an)\s+(?:failure|idiot|fake)\b|\b(?:i'm|i\s+am)\s+(?:such\s+)?a\s+failure\b",
        r"\bnot\s+(?:cut\s+out|good\s+enough|ready)\s+for\s+(?:this|the|my)\s+(?:job|role|post)\b",
        r"\b(?:thrown|dropped|chucked)\s+in\s+at\s+the\s+deep\s+end\b|\bway\s+over\s+my\s+head\b",
        r"\b(?:can't|cannot)\s+do\s+(?:this|my)\s+job\b",
    ], topic="out_of_depth"),
    _r("crying", "open", [
        r"\b(?:cry|cries|crying|cried|sobbing|sobbed|in\s+tears|burst\s+into\s+tears|tearful|teary|tearing\s+up|welling\s+up|"
        r"weeping|wept|in\s+floods)\b"
        r"(?!\s+(?:laughing|with\s+laughter|shame|out\s+loud)\b)"], topic="crying"),
    _r("overwhelmed", "open", [
        r"\bover\s?wh?e?le?m\w*",
        r"\bdrowning\b|\bgoing\s+under\b|\bhead\s+above\s+water\b|\bswamped\b|\bsnowed\s+under\b|\bon\s+top\s+of\s+me\b",
        r"\bcan't\s+keep\s+up\b|\bcan't\s+switch\s+off\b|\bstruggling\s+to\s+cope\b|\btoo\s+much\s+on\s+my\s+plate\b",
        r"\bcan't\s+(?:go\s+on|carry\s+on|keep\s+going)\s+working\s+like\s+this\b",
        r"\bcan't\s+do\s+(?:nights|this\s+job|the\s+job|this\s+role|the\s+hours|these\s+hours|the\s+shifts)\s+any\s*more\b",
        r"\b(?:hard|difficult|tough)\s+to\s+cope\b|\b(?:can't|cannot)\s+(?:get|keep)\s+on\s+top\s+of\b",
        r"\btoo\s+much\s+(?:to\s+do|work|pressure)\b|\bstretched\s+(?:too\s+|so\s+)?thin\b|\bpulled\s+in\s+(?:every|all|too\s+many)\s+directions\b",
    ], topic="overwhelmed", negatable=True),
    _r("dread", "open", [
        r"\bdread\w*\s+(?:going|coming|work|every|each|the\s+(?:\w+\s+)?(?:shifts?|ward|rota|job|day|nights?|week|handover|drive)|"
        r"my\s+(?:next\s+)?(?:shifts?|job|work|rota)|mondays?|sundays?|tomorrow|nights|shifts?|it\s+all|waking|walking)\b|"
        r"\b(?:sense\s+of|the|full\s+of|filled\s+with)\s+dread\b|\bknot\s+in\s+my\s+stomach\b",
        r"\b(?:terrified|scared|anxious|sick|petrified)\s+(?:of|about|at\s+the\s+thought\s+of)\s+(?:going|coming)\s+"
        r"(?:back|in|to\s+work|into\s+work)\b",
        r"\bcan't\s+face\s+(?:going\s+(?:back|in|to\s+work|into\s+work)|work|another\s+(?:shift|night|week|day\s+(?:at|on|in))|"
        r"the\s+(?:ward|shift|rota|team|job|place))\b",
        r"\b(?:don't|do\s+not)\s+want\s+to\s+go\s+(?:back|in|to\s+work|into\s+work)\b",
        r"\bsunday\s+(?:night\s+)?(?:dread|fear|scaries)\b",
        r"\b(?:feel|feeling|felt)\s+(?:physically\s+)?sick\s+(?:\w+\s+){0,3}?(?:before|about|at\s+the\s+thought)\b",
        r"\b(?:hate|hating|loathe|dread)\s+(?:going\s+(?:in|to\s+work|into\s+work|back)|my\s+job|work|this\s+job|coming\s+in)\b",
        r"\b(?:anxious|scared|nervous|frightened|terrified|worried)\s+(?:about|of)\s+(?:going\s+(?:in|back)|my\s+next\s+shift|the\s+next\s+shift|"
        r"returning|coming\s+back)\b",
        r"\b(?:don't|do\s+not)\s+want\s+to\s+(?:be|work)\s+here\s+(?:in|at|on)\s+(?:this|the|my)\s+"
        r"(?:job|trust|ward|team|role|hospital|place|department|unit)\b",
    ], topic="dread"),
    _r("sleep", "open", [
        r"\bcan't\s+(?:get\s+to\s+)?sleep\b|\b(?:not|barely|hardly)\s+sleeping\b|\b(?:haven't|not|hardly|barely|never)\s+slept\b",
        r"\b(?:lie|lay|lying|laying)\s+awake\b|\b(?:can't|cannot)\s+switch\s+(?:\w+\s+){0,2}off\b|\bup\s+all\s+night\s+(?:worrying|thinking|stressing)\b|"
        r"\b(?:my\s+)?sleep\s+(?:is|has\s+been)\s+(?:awful|terrible|rubbish|shocking|all\s+over\s+the\s+place|bad|poor|non[\s-]?existent|wrecked)\b|"
        r"\b(?:struggle|struggling)\s+to\s+(?:get\s+to\s+)?sleep\b|\b(?:haven't|not|hardly|barely)\s+been\s+sleeping\b|"
        r"\b(?:not|haven't|hasn't|no|never|without|can't\s+get)\s+(?:had\s+|got\s+|get\s+)?(?:a\s+)?(?:proper|decent|good|full)\s+night'?s?\s+sleep\b|\b(?:hardly\s+any|barely\s+any|not\s+enough)\s+sleep\b|\b(?:awake|up)\s+(?:at|till|until)\s+\d|\binsomnia\b|\bno\s+sleep\b|\bsleepless\b|\bnightmares\b",
        r"\bwak(?:e|ing)\s+up\s+(?:at\s+\d|every\s+night|in\s+a\s+panic|panicking|worrying|thinking\s+about\s+work)\b",
    ], topic="sleep"),
    _r("anxiety", "open", [
        r"\banxious\b|\banxiety\b|\bpanic(?:king|ky|\s+attacks?)\b|\bthe\s+panic\b|\bon\s+edge\b|\bon\s+tenterhooks\b",
        r"\bheart\s+(?:is\s+)?(?:racing|pounding)\b|\bhearts?\s+racing\b|\bnervous\s+wreck\b|\bpalpitations\b|\bpetrified\b",
        r"\b(?:still|can't\s+stop|keep|been|i'm)\s+shaking\b",
        r"\bcan't\s+stop\s+worrying\b|\bworr(?:ying|ied)\s+about\s+work\b|\bworried\s+sick\b|\b(?:work|money)\s+worries\b|"
        r"\b(?:constantly|always|permanently)\s+(?:worried|worrying|on\s+edge|nervous|scared)\b|\bworry(?:ing)?\s+(?:all\s+the\s+time|constantly|non[\s-]?stop)\b",
        r"\b(?:scared|terrified|worried|petrified|paranoid)\s+(?:of\s+making|i'll\s+make|i'm\s+going\s+to\s+make|about\s+making)\s+(?:a\s+)?(?:mistake|error)\b",
    ], topic="anxiety", negatable=True),
    _r("low_mood", "open", [
        r"\b(?:feel|feeling|felt|i'm|i\s+am|been|so|really)\s+(?:(?:so|really|very|pretty|quite|a\s+bit|a\s+little|totally|completely|"
        r"just|utterly|rather|incredibly|extremely|kind\s+of|kinda|bit|super|proper|absolutely)\s+)?(?:low|flat|down|empty|numb|hollow|miserable|sad|"
        r"unhappy|rubbish|awful|terrible|dreadful|lonely)\b"
        r"(?!\s+(?:on|to|for|with|the|numbers|staffing|stock)\b|\s+at\s+(?!(?:the\s+(?:moment|minute|mo)|times|work)\b))",
        r"\bdepress(?:ed|ion)\b",
        r"\blost\s+(?:all\s+)?(?:my\s+)?(?:motivation|interest|joy|spark|passion|love\s+for)\b",
        r"\b(?:don't|do\s+not)\s+feel\s+like\s+myself\b|\bnot\s+(?:feeling\s+)?myself\b",
        r"\beverything\s+(?:is|feels\s+like)\s+(?:an?\s+)?(?:effort|struggle)\b",
        r"\b(?:i'm|i\s+am|i\s+feel|feeling|i'm\s+just|i've\s+been|am)\s+(?:really\s+|just\s+|so\s+|honestly\s+)?not\s+"
        r"(?:ok|okay|alright|all\s+right)\b(?!\s+with\b)",
        r"\bnot\s+in\s+a\s+(?:good|great|nice)\s+(?:place|way|headspace)\b|\bin\s+a\s+(?:really\s+|very\s+)?bad\s+(?:way|place)\b",
        r"\blosing\s+(?:it|my\s+mind|the\s+plot)\b|\b(?:mentally|emotionally)\s+(?:drained|exhausted|fried|done|spent)\b",
        r"\bsick\s+of\s+feeling\b|\bdying\s+inside\b|\bguilt(?:y)?\b(?!\s+(?:pleasure|trip)\b)|\bmoral\s+(?:injury|distress)\b",
        r"\bcan't\s+get\s+out\s+of\s+bed\b|\bcan't\s+think\s+straight\b",
        r"\bgetting\s+me\s+down\b|\b(?:don't|do\s+not|no\s+longer|can't)\s+enjoy\s+(?:my\s+job|work|it|anything|nursing|the\s+job)\b",
        r"\bmental\s+health\s+(?:has\s+)?(?:taken\s+a\s+(?:hit|battering|knock)|is\s+(?:suffering|declining|shot)|(?:has\s+)?(?:gone|going)\s+downhill|deteriorat\w*)",
        r"\bhate\s+my\s+life\b",
        r"\bmental\s+health\s+(?:is|has\s+been)\s+(?:bad|poor|terrible|awful|suffering|going\s+downhill|struggling|"
        r"at\s+an\s+all[\s-]time\s+low)\b",
    ], topic="low_mood", negatable=True),
    _r("trauma", "open", [
        r"\bflashbacks?\b|\bkeeps?\s+(?:replaying|coming\s+back)\b|\bnightmares\s+about\b",
        r"\bcan't\s+stop\s+thinking\s+about\s+(?:the|what|that|it|him|her)\b",
        r"\b(?:haunted|traumati[sz]ed|shaken\s+up|shell[\s-]?shocked)\b|\bhaunt(?:ing|s)\s+me\b|\bptsd\b",
        r"\bkeep\s+(?:seeing|hearing|reliving|picturing)\b(?!\s+(?:about|of|from|that\s+(?:we|they|the)|good|great)\b)|\breliv(?:e|ing)\b|\bcan't\s+(?:unsee|forget)\b",
        r"\bcan't\s+get\s+(?:it|the\s+\w+|that|him|her)\s+out\s+of\s+my\s+head\b|\bcan't\s+stop\s+shaking\b",
    ], topic="trauma", victim=True),
    _r("alcohol", "open", [
        r"\bdrink\w*\s+(?:more\s+than\s+i\s+should|too\s+much|every\s+night|to\s+(?:cope|unwind|sleep|get\s+through|forget|"
        r"switch\s+off|numb))\b",
        r"\bneed\s+a\s+drink\s+(?:every|just|to)\b|\bhungover\s+at\s+work\b",
        r"\b(?:drinking|using)\s+(?:\w+\s+){0,3}?to\s+(?:get\s+through|cope|sleep|unwind|numb)\b",
        r"\b(?:drinking|drink)\s+(?:and\s+)?(?:i\s+)?can't\s+stop\b",
    ], topic="alcohol"),
)


# --------------------------------------------------------------------------- distress: deciding


def _guarded(rule: _Rule, text: str, m: "re.Match[str]", quotes: List[Tuple[int, int]], crisis: bool) -> bool:
    """True when this one match does not count (a denial, reported speech, someone else, clinical work)."""
    if any(a <= m.start() < b for a, b in quotes):
        return True
    left, right = _clause(text, m.start(), m.end())
    before, after = text[left:m.start()], text[m.end():right]
    if rule.negatable and _DENIAL.search(before):
        return True
    if rule.kind == "self":
        return False
    if rule.victim and _MINE.search(text[left:right]):
        return False
    if _OWN.search(before):
        return False  # "I self-harmed on the ward", "my self-harm has been a problem": the person's own
    if _CLINICAL_AFTER.match(after) or _CLINICAL_BEFORE.search(before):
        return True
    sentence = text[max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1:m.start()]
    if not crisis and _TOPIC_BEFORE.search(sentence) and not _FIRST.intersection(_tokens(m.group(0))):
        return True
    if crisis:
        third = _THIRD_CLINICAL | _THIRD_PERSONAL | (_THINGS if rule.kind == "global" else frozenset())
    else:
        third = _THIRD_ANY
    return _whose(before, m.group(0), after, third) != "first"


def _scoped(text: str, m: "re.Match[str]") -> bool:
    """A "global" statement that its own clause ties to a cause at work ("can't cope with the rota")."""
    left, right = _clause(text, m.start(), m.end())
    return bool(_WORK_SCOPE.search(text[left:right]))


def screen(text: Optional[str]) -> Assessment:
    """The tier of ``text``, the wellbeing topics seen in it and the rules that decided."""
    if not text or text.lstrip().startswith("/"):
        return Assessment(NONE)
    t = _prepare(text)
    if not t:
        return Assessment(NONE)
    quotes = _reported_spans(t)
    crisis_rules: List[str] = []
    topics: List[str] = []
    wellbeing_rules: List[str] = []

    for rule in _CRISIS_RULES:
        if rule.context is not None and not rule.context.search(t):
            continue
        if rule.anti_context is not None and rule.anti_context.search(t):
            continue
        for m in rule.pattern.finditer(t):
            if _guarded(rule, t, m, quotes, crisis=True):
                continue
            if rule.kind == "global" and _scoped(t, m):
                wellbeing_rules.append(rule.name)
                topics.append(rule.topic)
                continue
            crisis_rules.append(rule.name)
            break

    for rule in _WELLBEING_RULES:
        for m in rule.pattern.finditer(t):
            if not _guarded(rule, t, m, quotes, crisis=False):
                wellbeing_rules.append(rule.name)
                topics.append(rule.topic)
                break

    if "patient_safety" in topics and _BULLYING_WORDS.search(t) and not re.search(_CONCERN, t):
        topics = ["bullying" if x == "patient_safety" else x for x in topics]  # "I reported the bullying and nothing happened"
    ordered = tuple(x for x in TOPICS if x in topics)
    if crisis_rules:
        return Assessment(CRISIS, ordered, tuple(dict.fromkeys(crisis_rules)))
    if wellbeing_rules and _ALL_FINE.search(t) and not SPEAK_UP_TOPICS.intersection(ordered):
        return Assessment(NONE)
    if wellbeing_rules:
        return Assessment(WELLBEING, ordered, tuple(dict.fromkeys(wellbeing_rules)))
    return Assessment(NONE)


# What the crisis rules have judged and set aside: an explicit denial of risk ("I'm not suicidal, I
# just want help delegating", "no thoughts of harming myself") and the everyday figures of speech
# built on the same words ("I could kill for a coffee", "dying of boredom", "on the edge of my seat",
# "I won't be here next week, I'm on a course"). On these a model's guess of crisis does not overrule
# the rules. Anywhere else a confident model guess still gets the crisis reply, even on words the
# rules know: a missed crisis costs more than a crisis reply to an ordinary message
# (docs/clinical-safety.md, H18).
_DENIED_RISK = (
    r"\b(?:not|never|no|nothing|isnt|isn't|aren't|arent|am not|i'm not|im not)\b(?: \w+){0,3} "
    r"(?:suicidal|suicide|self harm(?:ing)?|harm(?:ing)? myself|hurt(?:ing)? myself|in crisis|depressed|"
    r"being bullied|in a dark place|thoughts of (?:harming|hurting|killing) myself)")
_FIGURES = (
    r"\b(?:kill|killing|murder|die|dying) (?:for|of|to)\b|\bkilling it\b|\bkilled it\b|could (?:kill|murder)\b|"
    r"\bdie of boredom|\bdying of boredom|\bedge of my seat\b|\bdriv(?:e|es|ing) me (?:mad|crazy|up the wall|nuts|round the bend)|"
    r"\bdisappear for (?:a|the) (?:week|day|weekend|bit|while|month)|\bjump(?:ing)? (?:at|on|ship)\b|\bjumping in to\b|"
    r"\bcut (?:myself|me) some slack\b|\bhopeless at\b|\bno point in (?:anything|something|it) (?:fancy|complicated|big)|"
    r"\b(?:won't|will not|not going to|not planning to) be (?:here|around|in) (?:next|on|after|this|until|till)\b"
    r"[^.!?]*\b(?:course|leave|holiday|day off|days off|training|conference|study day|wrap up|finish)\b|"
    r"lost the will to live (?:in|during|at|with) (?:this|that|the) (?:meeting|training|session|call|audit|lecture)")
_RULES_JUDGED = re.compile(f"(?:{_DENIED_RISK})|(?:{_FIGURES})")
# "I'm not suicidal, but ...": what follows a denial is not judged by it.
_BUT = re.compile(r"\b(?:but|though|although|except|yet|however)\b")


def rules_have_judged(text: Optional[str]) -> bool:
    """The message denies risk, or uses the words the rules know as a figure of speech: their verdict stands."""
    if not text or text.lstrip().startswith("/"):
        return False
    t = _prepare(text)
    m = _RULES_JUDGED.search(t)
    return bool(m) and not _BUT.search(t, m.end())


def assess(text: Optional[str]) -> Tier:
    """CRISIS, WELLBEING or NONE for one message (see the module docstring for how)."""
    return screen(text).tier


def is_distress(text: Optional[str]) -> bool:
    """True when ``text`` reads like a crisis that needs the crisis signposting now."""
    return assess(text) is CRISIS


# --------------------------------------------------------------------------- redaction

# Identifiers and their placeholders live in bot/redact.py; these names stay importable from here.
from bot.redact import Redaction, nhs_number_is_valid, redact  # noqa: E402,F401


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
