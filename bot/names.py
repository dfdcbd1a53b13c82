"""Finding people's names in what staff type, so they can be redacted before storage.

People describe situations with the names of colleagues and patients in them ("Sam keeps
turning up late and Priya covers for him", "jo in bay 3 was kicking off"). Those names are
other people's data. :func:`find_names` returns the character spans of personal names: a
given name from ``names_first.txt`` plus, when one follows, a surname.

Two kinds of given name are told apart, because precision matters as much as recall: a
redacted "will" or "may" would wreck the sense of what was written.

unambiguous names ("Priya", "Sam", "jo")
    A name whenever it appears, capitalised or not, unless its context shows it is a
    place ("Jasmine ward", "St Mary's", "Alexandra Hospital", "Mary Seacole programme") or
    a word after an article ("a jo..." is not how people write a name; "the John Radcliffe"
    is a hospital).
word-like names (``_WORDLIKE``: will, may, grace, rose, amber, mark, pat...)
    A name only when capitalised *and* something around it says it is a person: a cue
    before ("told Grace", "with Will", "my manager Sue"), a verb after ("Mark said",
    "Sue keeps"), a capitalised surname ("Rose Thompson"), a possessive ("Will's idea"),
    or a neighbouring name in a list ("Priya, Pat and I"). At the start of a sentence the
    capital says nothing, so a stronger sign is needed ("Grace said" but not "Grace under
    pressure", "May I ask"). In lower case they are always words.

Month names (may, june, april...) need a verb of speaking or a personal cue, and are never
names after "in", "by", "since", "end of" or next to a number. Ward, bay and role words,
days of the week and the coaching dimensions are never names.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import FrozenSet, List, Optional, Sequence, Tuple

__all__ = ["NAMES_FILE", "find_names", "first_names", "is_wordlike"]

NAMES_FILE = Path(__file__).parent / "names_first.txt"


def _words(text: str) -> FrozenSet[str]:
    return frozenset(text.split())


# --------------------------------------------------------------------------- word lists

# Given names that are also ordinary English (or NHS) words: names only with a person's context.
# Abstract: the word can start a sentence as itself ("Hope is...", "Amber was the rating").
_ABSTRACT = _words(
    """
    hope faith grace joy charity mercy patience prudence peace comfort favour blessing gift precious
    goodness memory promise innocent wisdom justice miracle victory beauty treasure delight harmony
    destiny trinity lovely princess honey cherry sherry verity
    summer autumn eve sky chance art page lane miles max kit cat rich hunter christian
    amber ruby jade pearl ebony olive rose rosemary holly ivy iris daisy violet hazel heather poppy willow
    saffron basil asia chelsea jordan florence victoria eden lourdes mercedes sultana nike nacho prem
    fang hung teddy kitty dolly penny sandy sunny glen dale heath reed cliff rod norm grant chase
    """
)
# Months (and their short forms that are also given names): dates far more often than people.
_MONTHS = _words("may june april august jan jun")
# Personal: as a capitalised word at a sentence start it is nearly always the person ("Will is off").
_PERSONAL = _words(
    """
    will bill mark pat rob sue jack frank guy ray don victor wade dean robin lance nick ed al em mo
    dawn dom tara dev mal cal des si lil ally dot pip sal sash ted tia abi ida ama ana yu thu bob carol drew
    bimbo
    """
)
_SEASONS = _words("summer autumn")
_WORDLIKE = _ABSTRACT | _MONTHS | _PERSONAL

# Words that are never names here, whatever a future list says.
_NEVER = _words(
    """
    sister nurse matron ward bay unit nan gran mum dad sir madam doctor porter reg
    monday tuesday wednesday thursday friday saturday sunday
    """
)

# A name directly before one of these is a place, a programme or an eponym:
# "Jasmine ward", "Alexandra Hospital", "Mary Seacole programme", "Fraser guidelines".
_PLACE_AFTER = _words(
    """
    ward wards unit units wing centre center clinic clinics suite lodge hospital hospitals infirmary
    hospice building block theatre theatres street road avenue drive crescent gardens court house
    surgery practice medical trust college school university academy institute foundation programme
    programmes program course award awards scheme fellowship library chapel station room rooms bay
    bays guidelines guideline competence score scale criteria syndrome disease report review inquiry
    enquiry model framework cycle lecture prize memorial line nurse nurses
    """
)
# A name directly after one of these is part of a place or a title: "St Mary's", "Queen Elizabeth".
_PLACE_BEFORE = _words("st saint queen king prince princess royal mount port fort lake cape san santa christmas")
# After these the word is used as a word: "the sam...", "a rose", "every grace".
_DETERMINERS = _words("a an the this these those some any each every no per another")
# A given name and surname that name a programme, a hospital or a charity on their own, even
# in lower case or misspelt ("mary secole", "edward jener"): first name -> surnames.
_ORGANISATIONS = {
    "mary": ("seacole",), "edward": ("jenner",), "rosalind": ("franklin",), "elizabeth": ("garrett", "anderson"),
    "florence": ("nightingale",), "marie": ("curie",), "john": ("radcliffe",), "hywel": ("dda",),
    "james": ("paget", "cook"), "george": ("eliot",), "william": ("harvey",), "aneurin": ("bevan",),
    "ronald": ("mcdonald",),
}
# Before a month, a date is meant: "in May", "end of June", "next April".
_MONTH_BEFORE = _words(
    """
    in on since until till by from during last next early mid late end start beginning before after
    through throughout this of for every each between around about into
    """
)

# Before a word-like name, a sign it is a person: "told Grace", "with Will", "my manager Sue".
_CUES_PERSONAL = _words(
    """
    told tell tells telling asked ask asks asking thanked thank thanks cheers hi hey hello dear cc
    emailed email texted text messaged message rang ring phoned phone named colleague colleagues
    manager managers mentor mentee preceptor preceptee supervisor supervisee buddy deputy friend
    student hca hcas nurse lead boss consultant registrar physio porter receptionist secretary
    coordinator trainee apprentice assistant praised praising congratulated reassured warned
    reminded remind invited encouraged mentoring coaching supervising managing manages challenged
    challenge support supports supporting supported met meet involve involved involving
    """
)
_CUES_GENERAL = _words("with and & or by between including plus unlike whereas")
# "spoke to Will", "covered for Grace": the preposition is a cue after one of these.
_SPEAK_VERBS = _words(
    """
    spoke speak speaks speaking talked talk talks talking said say says explained explain apologised
    apologized apologise apologize listened listen listening wrote write writing chatted chat
    complained complain escalated escalate reported report handed hand went go going
    """
)
_COVER_VERBS = _words(
    "cover covers covered covering filled filling deputised deputising subbing feel felt worried worry"
)

# After a name, verbs of a person's speech, thought or conduct: "Grace said", "May asked".
_VERBS_HUMAN = _words(
    """
    said says told tells asked asks rang rings phoned called calls emailed emails texted texts
    messaged replied responded answered shouted yelled screamed snapped cried laughed smiled sighed
    complained moaned whinged refused agreed disagreed admitted apologised apologized mentioned
    explained insisted reckons reckoned thinks thought believes wants wanted wishes confided
    disclosed reported raised escalated covered covers swapped forgot forgets arrived quit resigned
    stormed walked volunteered offered argued swore blamed ignores ignored criticised criticized
    undermines undermined interrupted interrupts shadowed mentored thanked praised
    didn't doesn't won't wouldn't can't couldn't isn't wasn't hasn't hadn't shouldn't
    """
)
# Other verbs after a name: enough mid-sentence ("and Grace is off"), not at a sentence start.
_VERBS_OTHER = _words(
    """
    is was has had will would can could should might must does did seems seemed looks looked
    got gets needs needed feels felt came comes went goes left leaves joined joins works worked
    manages managed leads led supports supported helped helps handed started starts stopped
    missed misses turned turns keeps kept takes took makes made gave gives tried tries knows
    knew likes liked loves loved hates hated sees saw wrote writes sent sends found finds
    """
)
_ADVERBS = _words(
    """
    just always never also then really still usually often sometimes actually basically literally
    apparently finally even only already probably definitely constantly clearly obviously
    """
)

# Capitalised words that are never a surname after a given name.
_NOT_SURNAMES = _words(
    """
    i i'm i've i'll i'd a an the and or but so then if when while because as at in on to from with
    for of by about after before under over into onto through without within between against
    around across behind beyond near off out up down he she they we you it his her their our my
    your its this that these those there here what why how who where which is was are were has had
    have do did does can could should would may might must not no yes ok okay hi hello thanks thank
    please dear today tomorrow yesterday tonight also just still again always never really very
    anyway maybe perhaps however though although now later soon first last next every all both each
    some any one two three everyone someone nobody nothing something everything
    nhs a&e ed icu itu hdu hca hr gp ot slt dn rn fy1 fy2 sho spr cpd
    team trust hospital sister matron nurse doctor dr mr mrs ms miss mx prof manager consultant
    registrar staff charge band datix teams zoom ward bay unit
    holding leading inspiring evaluating connecting sharing engaging developing influencing
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """
) | _PLACE_AFTER | _VERBS_HUMAN | _VERBS_OTHER
# Capitalised abbreviations of four letters or more that are not surnames.
_ACRONYMS = _words("dnacpr camhs copd sats news picu nicu scbu pals ftsu dols cpap bipap hcsw datix resus")
# Surname particles: "Maria dela Cruz", "Ahmed bin Said", "Anna van Dijk".
_PARTICLES = _words("van von de da del della dela di du le la bin binti al el ap mac")
# Common surnames in the UK that are not English words, for a lower-case "jo smith".
_SURNAMES = _words(
    """
    smith jones williams taylor davies evans thomas johnson roberts robinson thompson wright walker
    wilson edwards hughes lewis harris clarke clark patel jackson turner martin cooper morris moore
    allen james scott phillips watson davis parker price bennett griffiths mitchell kelly richardson
    bailey collins murphy miller cox richards khan marshall anderson simpson ellis adams singh begum
    wilkinson foster chapman powell webb rogers mason ali hussain campbell matthews owen palmer
    holmes barnes knight lloyd butler russell barker fisher stevens jenkins murray dixon harvey
    graham pearson ahmed fletcher walsh kaur gibson howard andrews stewart elliott reynolds saunders
    payne pearce lawrence atkinson bradley spencer dawson burton o'brien watts perry ryan wells
    armstrong francis rees hayes hudson newman barrett webster gregory lowe riley parsons reid
    holland hawkins harding robertson newton oliver kennedy williamson gardner shah cooke bates
    henderson parry burgess walton burns nicholson shepherd freeman warren nicholls hamilton byrne
    sutton mcdonald yates hodgson robson curtis hopkins o'connor harper coleman watkins chambers
    o'neill griffin hardy wheeler osborne johnston gordon doyle wallace hutchinson burke pritchard
    gilbert willis higgins miah uddin rahman islam akhtar iqbal mahmood chaudhry sharma kumar gupta
    mistry chauhan joshi mehta desai nair menon pillai jacob joseph mathew varghese kurian chen wang
    zhang liu wong chan nguyen tran kowalski nowak okafor adeyemi okonkwo mensah boateng asante owusu
    adebayo eze nwosu ibrahim mohamed hassan abdi santos silva fernandes rodrigues garcia martinez
    lopez gonzalez reyes cruz bautista mendoza ramos flores villanueva aquino torres rivera macdonald
    mackenzie fraser mclean morrison paterson stevenson davidson ferguson o'sullivan mccarthy
    """
)

_SENTENCE_END = frozenset(".!?:;…")
_OPENERS = frozenset("\"'“‘([-•*–—")
_LIST_JOINS = frozenset([",", "and", "&", "or", "/"])
# Letters that have no decomposition in Unicode.
_PLAIN_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ß": "ss",
                                "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "’": "'", "‘": "'"})

# Placeholders left by earlier redaction, words, numbers (with ordinals), any other mark.
_TOKEN = re.compile(r"\[[^\]\n]{1,40}\]|[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:st|nd|rd|th)?|[^\w\s]")


# --------------------------------------------------------------------------- the list


@lru_cache(maxsize=1)
def first_names() -> FrozenSet[str]:
    """The given names in ``names_first.txt`` (read once), less any word that is never a name."""
    names = set()
    for line in NAMES_FILE.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(_key(line))
    return frozenset(names - _NEVER)


def is_wordlike(name: str) -> bool:
    """True for a given name that is also an ordinary word ("will", "grace", "may")."""
    return _key(name) in _WORDLIKE


def _key(word: str) -> str:
    """``word`` as the list spells it: lower case, accents and curly apostrophes gone."""
    word = unicodedata.normalize("NFKD", word.translate(_PLAIN_LETTERS))
    return "".join(ch for ch in word if not unicodedata.combining(ch)).lower()


# --------------------------------------------------------------------------- tokens


class _Tok:
    __slots__ = ("start", "end", "text", "key", "word", "cap", "upper", "possessive", "start_of_sentence")

    def __init__(self, m: "re.Match[str]") -> None:
        self.start, self.end, self.text = m.start(), m.end(), m.group()
        self.word = self.text[0].isalpha()
        self.possessive = False
        if self.word and len(self.text) > 2 and self.text[-2:].replace("’", "'") == "'s":
            self.possessive = True
            self.end -= 2
            self.text = self.text[:-2]
        self.key = _key(self.text) if self.word else self.text
        self.cap = self.word and self.text[0].isupper()
        self.upper = self.word and len(self.text) > 1 and self.text.isupper()
        self.start_of_sentence = False


def _tokens(text: str) -> List[_Tok]:
    toks = [_Tok(m) for m in _TOKEN.finditer(text)]
    for tok in toks:  # "mary_seacole", "/start_reflection": identifiers and commands, not names
        before, after = text[max(tok.start - 2, 0):tok.start], text[tok.end:tok.end + 1]
        command = before.endswith("/") and not before[:-1].strip("_").isalnum()
        if tok.word and (before.endswith("_") or after == "_" or command):
            tok.word = False
    for i, tok in enumerate(toks):
        j = i - 1
        while j >= 0 and toks[j].text in _OPENERS and "\n" not in text[toks[j].end:toks[j + 1].start]:
            j -= 1
        tok.start_of_sentence = j < 0 or toks[j].text in _SENTENCE_END or "\n" in text[toks[j].end:tok.start]
    return toks


# --------------------------------------------------------------------------- deciding


def _status(tok: _Tok, names: FrozenSet[str]) -> Optional[str]:
    """"name", "wordlike" or None for a token; hyphenated names count when every part is a name."""
    if not tok.word or tok.key in _NEVER:
        return None
    if tok.key in names:
        return "wordlike" if tok.key in _WORDLIKE else "name"
    parts = tok.key.split("-")
    if len(parts) > 1 and all(p in names for p in parts):
        return "wordlike" if all(p in _WORDLIKE for p in parts) else "name"
    return None


def _at(toks: Sequence[_Tok], i: int) -> Optional[_Tok]:
    return toks[i] if 0 <= i < len(toks) else None


def _is_number(tok: Optional[_Tok]) -> bool:
    return tok is not None and tok.text[0].isdigit()


def _surname_like(tok: Optional[_Tok], first: _Tok) -> bool:
    """A capitalised word that can be a surname after ``first`` (or a known surname in lower case)."""
    if tok is None or not tok.word or tok.start_of_sentence:
        return False
    if tok.upper and (len(tok.text) < 4 or tok.key in _ACRONYMS):
        return False  # "Don PPE", "Sam NEWS"; "John SMITH" is a surname
    if tok.cap:
        return tok.key not in _NOT_SURNAMES and not (len(tok.text) == 1 and tok.text in "IA")
    return not first.cap and tok.key in _SURNAMES


def _extent(toks: Sequence[_Tok], i: int) -> int:
    """Index of the last token of the name starting at ``i`` (a surname or two may follow)."""
    first, last = toks[i], i
    if first.possessive:
        return last
    for _ in range(2):
        nxt = _at(toks, last + 1)
        if nxt is None:
            break
        after = _at(toks, last + 2)
        if nxt.word and nxt.key in _PARTICLES and not nxt.cap and after is not None and after.cap \
                and _surname_like(after, first):
            last += 2
        elif _surname_like(nxt, first):
            last += 1
        else:
            break
        if toks[last].possessive:
            break
    return last


def _placey(toks: Sequence[_Tok], i: int, last: int) -> bool:
    """The name at ``i``..``last`` is part of a place, a programme or an eponym."""
    before, after = _at(toks, i - 1), _at(toks, last + 1)
    if before is not None and before.word and before.key.rstrip(".") in _PLACE_BEFORE:
        return True
    if after is not None and after.word and after.key in _PLACE_AFTER:
        return True
    if before is not None and before.key == "." and _at(toks, i - 2) is not None and _at(toks, i - 2).key == "st":
        return True
    return False


def _organisation(toks: Sequence[_Tok], i: int) -> bool:
    """The name at ``i`` begins a programme or hospital named after someone ("Mary Seacole")."""
    nxt = _at(toks, i + 1)
    if nxt is None or not nxt.word:
        return False
    return any(difflib.SequenceMatcher(None, nxt.key, surname).ratio() >= 0.8
               for surname in _ORGANISATIONS.get(toks[i].key, ()))


def _verb_after(toks: Sequence[_Tok], i: int) -> Tuple[bool, bool]:
    """(human verb, any verb) just after token ``i``, allowing one adverb between."""
    j = i + 1
    nxt = _at(toks, j)
    if nxt is not None and nxt.word and nxt.key in _ADVERBS:
        j += 1
        nxt = _at(toks, j)
    if nxt is None or not nxt.word or nxt.cap:
        return False, False
    key = nxt.key
    if key in ("keeps", "kept", "keep"):
        after = _at(toks, j + 1)
        human = after is not None and after.word and (after.key.endswith("ing") or after.key == "on")
        return human, True
    if key in ("and", "&"):
        after = _at(toks, j + 1)
        pronoun = after is not None and after.key in ("i", "me", "myself")
        return pronoun, pronoun
    return key in _VERBS_HUMAN, key in _VERBS_HUMAN or key in _VERBS_OTHER


def _cue_before(toks: Sequence[_Tok], i: int, month: bool) -> bool:
    """A word before token ``i`` that says a person follows."""
    prev = _at(toks, i - 1)
    if prev is not None and prev.key == "," and _at(toks, i - 2) is not None \
            and _at(toks, i - 2).key in ("hi", "hey", "hello", "thanks", "cheers", "dear", "morning"):
        return True
    if prev is None or not prev.word:
        return prev is not None and prev.key == "&" and not month
    key = prev.key
    if key in _CUES_PERSONAL:
        return True
    two = _at(toks, i - 2)
    if key in ("to", "with") and two is not None and two.key in _SPEAK_VERBS:
        return True
    if key == "for" and two is not None and two.key in _COVER_VERBS:
        return True
    return not month and key in _CUES_GENERAL


def _month_date(toks: Sequence[_Tok], i: int) -> bool:
    """A month name used for a date: next to a number, or after "in", "by", "end of"..."""
    prev, nxt = _at(toks, i - 1), _at(toks, i + 1)
    if _is_number(prev) or _is_number(nxt):
        return True
    if prev is not None and prev.key in _MONTH_BEFORE:
        return True
    return nxt is not None and nxt.key in ("bank", "holiday", "half", "half-term", "day", "rota", "rotas")


def _modal_question(toks: Sequence[_Tok], i: int) -> bool:
    """'Will you...?', 'May I...?': a sentence-initial modal starting a question."""
    if toks[i].key not in ("will", "may"):
        return False
    for tok in toks[i + 1:]:
        if tok.text in _SENTENCE_END or tok.text == "?":
            return tok.text == "?"
    return False


def _wordlike_is_name(toks: Sequence[_Tok], i: int, allow_upper: bool = False) -> bool:
    """Whether the word-like name (or upper-case name, with ``allow_upper``) at ``i`` is a person."""
    tok = toks[i]
    if not tok.cap or (tok.upper and not allow_upper):
        return False  # "grace", and "ED", "TIA" in otherwise ordinary text
    key = tok.key
    month = key in _MONTHS
    if month and _month_date(toks, i):
        return False
    prev = _at(toks, i - 1)
    if prev is not None and prev.key in _DETERMINERS:
        return False
    if prev is not None and prev.key in ("my", "our", "your", "his", "her", "their") and not month:
        # "my Grace" is rare; "my colleague Grace" is caught by the cue itself.
        return False
    human, anyverb = _verb_after(toks, i)
    # "Will's idea" (a person's), not "at Guy's" or "Guy's and St Thomas'" (a hospital).
    after = _at(toks, i + 1)
    owner = (tok.possessive and after is not None and after.word and not after.cap
             and after.key not in _NOT_SURNAMES)
    surname = _surname_like(_at(toks, i + 1), tok) and not _modal_question(toks, i)
    if tok.start_of_sentence:
        if key in ("will", "may") and _modal_question(toks, i):
            return False
        if key in _PERSONAL:
            return anyverb or surname or owner
        return human or surname or (owner and not month and key not in _SEASONS)
    if month:
        return human or surname or _cue_before(toks, i, month=True)
    return human or anyverb or surname or owner or _cue_before(toks, i, month=False)


def find_names(text: str) -> List[Tuple[int, int]]:
    """Character spans (start, end) of personal names in ``text``, in order.

    A span is a given name from the list, with a following surname when there is one
    ("Priya Patel", "jo smith"). A possessive "'s" is left outside the span.
    """
    if not text:
        return []
    names = first_names()
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 12 and sum(ch.isupper() for ch in letters) > 0.8 * len(letters):
        # SHOUTED TEXT says nothing by its capitals: read it as if typed in lower case.
        text = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    toks = _tokens(text)

    found: dict = {}  # first token index -> last token index
    pending: List[int] = []  # word-like names still undecided, for the list rule
    for i, tok in enumerate(toks):
        status = _status(tok, names)
        if status is None:
            continue
        prev = _at(toks, i - 1)
        last = _extent(toks, i)
        if _placey(toks, i, last) or _organisation(toks, i):
            continue
        if status == "name" and not tok.upper:
            if prev is not None and prev.key in _DETERMINERS and (not tok.cap or last > i):
                continue  # "a jo...", "the John Radcliffe"
            found[i] = last
        elif _wordlike_is_name(toks, i, allow_upper=status == "name"):
            found[i] = last  # a word-like name with a person's context; "SAM said" 
        elif tok.cap and tok.key not in _MONTHS and not (prev is not None and prev.key in _DETERMINERS):
            pending.append(i)

    # "Priya, Pat and I", "Will and Priya": an undecided word-like name in a list with a name.
    # One pass each way reaches along any chain ("Grace, Hope, Joy and Priya").
    named = {j for first, last in found.items() for j in range(first, last + 1)}
    for order in (pending, pending[::-1]):
        for i in order:
            if i in named:
                continue
            for step in (-1, 1):
                join = _at(toks, i + step)
                if join is not None and join.key in _LIST_JOINS and i + 2 * step in named:
                    found[i] = i
                    named.add(i)
                    break

    spans: List[Tuple[int, int]] = []
    covered = -1
    for i in sorted(found):
        if i <= covered:
            continue
        last = found[i]
        spans.append((toks[i].start, toks[last].end))
        covered = last
    return spans
