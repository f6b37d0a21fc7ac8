"""Lexical, offline matching of a caller's question against knowledge entries.

The receptionist must never state a wrong fact: an unmatched question becomes a help request and
a person answers it, while a wrong match sends the caller away misinformed. So matching is a
retrieval step, a chain of gates that can each only say "no", and a score that ranks what is
left and is compared with a threshold calibrated on labelled questions
(`manage.py calibrate_matcher`). The README's "How matching works" tells the why.

1. Analysis: `analysis.py` reads the question as concepts, slots and intents, as it reads every
   entry's question and answer. Then `Index.analysis` reads the question against the index:
   "tomorrow" becomes the weekday it is in the salon's timezone (for opening hours only,
   `relative_days.py`); a word that no list holds, no entry says and English does not know is
   corrected toward the salon's words when one is clearly meant ("balayahge"; a chat spelling as the
   word it spells, "highlites", `analysis.respelled`), or else set apart as
   `unknown`, where it weighs against a match by its share of the question (`informativeness`: "r"
   nothing, "olaplex" as much as any unseen word) instead of vetoing it; a word of English the
   salon never says ("parking") stays a content word that no entry covers. Family words ("my
   daughter") name an audience only where the index prices by audience, or with an age. A long turn
   that reaches no entry is read as its last clause with a topic word, unless that clause points
   back ("how much is that?"; not the "it" of "is it OK to", nor "she" in a turn that names only a
   relative); so is one whose words reach only entries that refuse it. A word no entry says that is
   the head of the only compound term the index holds with it stands for that term ("voucher" for
   "gift voucher"). A word right before a thing a learned "no" denies only says which kind of it
   ("tape-in extensions" when "we don't offer extensions"). An occasion a service is for narrows it
   only where the salon offers that service for it: "a blowout for our anniversary dinner" is the
   blowout, "an updo for prom" the special-event updo, "a bridal blowout" no service of the menu.
2. Retrieval (`Index`): an inverted index from each concept, and each intent an answer can
   satisfy, to the entries that have it. An entry can only answer a question if it has every
   content concept and intent of the question, so the candidates are the intersection of those
   postings (rarest first). Each candidate gets a cheap upper bound of its score and is dropped
   when it cannot pass the topic gates; the rest are scored in order of that bound until none can
   beat the best found, so a large knowledge base costs little more than a small one.
3. Gates, per candidate (any failure rules it out):
   - coverage: every content concept of the question appears in the entry, within its question
     plus one clause of its answer (sentences, and the comma/semicolon parts of a list, so "men's"
     and "color" cannot be picked from two different items of a menu; an item after the first is
     read with the list's lead, `_listed`; the items of one list together answer only a
     question offering alternatives, "cash or card", or asking who does one "and" another; a
     clause about a class of services, "all bridal services", covers each service of the menu
     the caller names as of it, "a bridal updo", and "color services" each kind of color,
     `lexicon.SERVICE_CLASSES`), and every intent is
     satisfied there (a price needs "$45" or "free", a "who" question needs a staff member's
     name ...). A caller asking about a dog, parking or gift cards therefore gets no match: no
     entry mentions them. A word the entry says only as the modifier of a compound ("color
     consultations") counts only if the caller names the compound's head too;
   - slot agreement: a day, holiday, audience, variant or person named in the question must be
     the entry's. An entry whose own question names a day/holiday/audience/variant does not
     answer a question that leaves it open ("hours on Monday" is not "your hours"), unless the
     index holds no alternative for what was asked (the only color service is single-process);
   - a staff member's availability, and the caller's own booking or bill, are never general
     facts; safety words and complaints are only answered by an entry whose own question says the
     same (e.g. an answer learned for it);
   - what the entry is about, unless the two questions are nearly the same: a seed fact's own
     question must share a topic word with the caller's (or be about the person a "who" asks
     for), its covering clause must share a concept with it, and when the caller's topic words
     meet only across the fact's question and a clause, the caller must name at least half (by
     weight) of the fact's question. A learned or hand-written answer is an answer to its own
     question, so the caller must name at least half of what that question is about ("Is there a
     college nearby?" does not reach "discounts for college students"), or all of what its answer
     says again of it (its subject: "dog" of "Can I bring my dog to my appointment?" answered
     "dogs are welcome"); a fact about a staff member answers "do you do X?" when one clause of
     it names X;
   - an anchor: the question must have one real topic word (not only "new", "free", "hair"),
     or be as general as the entry's own question ("what are your prices?" -> the menu).
4. Score in [0, 1] for entries that pass: 0.5 + 0.5 * focus, where focus is the mean of the
   weighted Dice overlap of the question with the entry's own question and of how much of the
   entry is about the question (the covering clause for a seed fact; the share of the entry's
   question named by the caller for a learned one). Concepts weigh by rarity (idf). An entry is
   matched at `MATCH_THRESHOLD`. The best entry wins; on a tie a learned or manual answer beats a
   seed fact, then the newest. A question whose normalised text equals an entry's question scores
   1.0 (a learned answer always matches the wording it was learned from). An entry that fails a
   gate scores below 0.5 (a share of the question-to-question overlap, to help debugging).
5. Parts: a turn that asks two or three things at once ("when do you open Sunday, and do you
   take cash?", "a men's cut and a beard trim, how much?") is answered by an entry for each
   (`Index.answers_in_parts`), or by none when any part is unknown; `services.lookup` gives
   their answers in turn, also when the whole turn's reading reached only one of them.

Everything works on plain `Document`s, so it is testable without a database; `services.py`
builds the index from the matchable `KnowledgeEntry` rows and caches it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property, lru_cache

from knowledge import concerns, lexicon, relative_days, spelling
from knowledge.analysis import (
    _EMPTY_IT,
    _PERSON_PRONOUN,
    _POINTS_BACK,
    _SYNONYM_SURFACE,
    AGE,
    NARROWING_SLOTS,
    UNKNOWN,
    Analysis,
    Vocabulary,
    _analyse,
    _concepts_of,
    _is_soft,
    _is_unlisted,
    _listed_sentences,
    _sentences_of_parts,
    _stated_parts,
    _turn_parts,
    _words,
    analyse,
    asides,
    evidence,
    informativeness,
    meaning_stem,
    respelled,
    stem,
)
from knowledge.lexicon import (
    ARRIVE,
    AVAILABILITY,
    BOOK,
    BRANCH,
    DAYPART,
    HOURS,
    INTENTS,
    PERSON,
    PERSONAL,
    STAFF,
    WALKIN,
    WHEN,
)

# An entry is matched at or above this score. Passing every gate gives at least 0.5; the
# threshold drops entries that pass the gates but are mostly about something else. Chosen with
# `manage.py calibrate_matcher` on the labelled development set (knowledge/tests/data): the
# middle of the widest score gap below which no wrong answer is given, and above which the most
# right ones are kept. Rerun it after changing the lexicon or the gates.
MATCH_THRESHOLD = 0.58
# Similarity to the entry's own question that counts as "nearly the same question". Needed when
# the question has no topic word of its own ("tell me about your services") or when the answer
# never mentions what was asked (a learned "No, sorry.").
SAME_QUESTION_MIN = 0.8
# A learned or manual entry answers its own question, and a fact whose answer clause does not hold
# every topic word of the caller's question is read through its own question: then the caller
# must name at least this share (by weight) of what that question is about.
TOPIC_SHARE_MIN = 0.5

SLOT_KINDS = ("day", "holiday", "audience", "variant", "person")
FAMILY = "family:"  # a relation who may be an audience (`family:children`), see `Index.analysis`
ADULT_AGE = 18  # an age said alone ("my 8 year old") below this is a child's
SOURCE_PREFERENCE = {"learned": 2, "manual": 2, "seed": 1}
# Entries that are an answer to their own question (a caller's or an editor's), not a stated fact.
KEYED_SOURCES = frozenset({"learned", "manual"})

INTENT_WEIGHT = 1.5
SOFT_WEIGHT = 0.3
# Words the index finds in neither the salon's vocabulary nor English weigh against a match by
# their share of the question's mass; past this share the question is about something unknown.
UNKNOWN_SHARE_MAX = 0.25
# Words no entry says, around a learned question's whole topic, may weigh up to this share of the
# caller's question (`Index._without_framing`).
FRAMING_SHARE_MAX = 0.4
# A learned answer that says no ("No, sorry, we only do hair.") answers every kind of question
# about what its question asked: "how much is a perm?" -> "We don't do perms."
_DENIAL = re.compile(r"^\W*(?:no\b|nope\b|sorry\b|unfortunately\b|we (?:do not|don't|can ?not|can't) )")


# The full stop of a title ("Mr. Harrington") ends no sentence.
_TITLE_STOP = re.compile(r"\b(Mr|Mrs|Ms|Mx|Dr|Prof|St)\.", re.IGNORECASE)
# A word heard as its homophone, and the word after it (`lexicon.HOMOPHONES`).
_HOMOPHONE = re.compile(r"\b(" + "|".join(lexicon.HOMOPHONES) + r")(?=\s+([a-z]+))", re.IGNORECASE)
# Who speaks, as a transcript or a relayed message labels a turn ("The caller says: ...",
# "Customer: ..."): not part of what is asked.
_SPEAKER_LABEL = re.compile(
    r"^\W*(?:the\s+)?(?:caller|customer|client)(?:\s+(?:says|said|asks|asked|writes|wrote))?\s*:", re.IGNORECASE
)
# An "or" clause closing a question, opening as a question does ("..., or are you closed then?").
_OR_GLOSS = re.compile(
    r"(,?\s+or\s+(?:are|is|do|does|did|will|would|can|could|have|has|was|were|shall|should)\b"
    r"(?:[^?!.]|\.(?!\s+[A-Z]|\s*$))*)(?=[?!.]|$)",
    re.IGNORECASE,
)

# A clause that tells of the caller ("I'm coming from the Marina", "my kids are off school", "got
# a party at six" or "gonna squeeze it into my lunch hour" with its "I've" or "I'm" dropped),
# after a conjunction or an interjection or none ("..., since I have a wedding to go to")
# (`Index._asked_part`).
_TELLS_OF_THE_CALLER = re.compile(
    r"^\s*(?:(?:and|but|so|so that|oh|well|also|anyway|because|cause|cuz|cos|coz|since|as)\s+)*"
    r"(?:i|i'm|im|i\u2019m|i've|ive|i'd|i'll|we|we're|we've|my|our|got|gotta|gonna)\b"
    # a reason given is the caller's too: "'cause with my two kids I never make it on time"
    r"|^\s*(?:(?:and|but|so|oh|well|also)\s+)*(?:because|['\u2019]?cause|cuz|coz)\b"
)


# A sentence of what someone the caller speaks for wants or has ("she'd like a deep conditioning on
# a Wednesday", "he only has an hour"), after a conjunction or none (`Index._turn`).
_WANTS_OF_THEIR_OWN = re.compile(
    r"^\s*(?:(?:and|but|so|well|also)\s+)*(?:he|she|they)"
    r"(?:'d|\u2019d|'ll|\u2019ll| would| will| wants?| needs?| only| has| have| is| was| likes?)\b"
)


# A clause going on to another of the same ("..., and partial?", "..., or for kids?", "what about Sunday?").
_ANOTHER_OF_THE_SAME = re.compile(r"^\W*(?:and|or|also|plus|what about|how about)\b", re.I)


# A clause that only refuses something ("not a haircut", "no colour"): never the one asked.
_REFUSED = re.compile(r"^\W*(?:(?:but|and|just)\s+)?(?:not|no|nothing|never)\s+(?!sure\b|certain\b|really\b)", re.I)


# "Is the salon open or is it closed?": an "it" after the salon in the same clause is the salon.
_IT_OF_THE_SALON = re.compile(r"\b(salon|shop|place)\b(.*?)\bit\b")


# A clause that sets the condition of the question after it ("if I cancel the same day, ...").
_CONDITION = re.compile(r"^\s*(?:(?:and|but|so|ok|okay|well)\s+)?(?:if|when|whenever|in case|suppose|say)\b", re.I)


# Words to someone else in the room (`_without_words_to_others`): a capitalised name with a comma or
# "!" after it, at a dash or a sentence's start, up to the next dash or the "sorry" that turns back.
_TO_SOMEONE_ELSE = re.compile(
    r"(?:^|[.!?]\s+|\s[-\u2013\u2014]+\s*|\u2014\s*)(?P<said>(?P<name>[A-Z][a-z]+)\s*[,!][^?\-\u2013\u2014]*?)"
    r"(?:\s[-\u2013\u2014]+|\u2014|(?=\b(?i:sorry)\b))"
)


# A caller correcting themselves: "Tuesday - no, sorry, I mean Monday", "Wednesday, sorry, Friday".
_CORRECTION = re.compile(
    r"\s*(?:[-\u2013\u2014,.;]+\s*)+(?:no|sorry|oops|wait|actually|i mean|i meant)\b"
    r"(?:[\s,.;!]+(?:no|sorry|oops|wait|actually|i mean|i meant)\b)*[\s,.;!]*",
    re.IGNORECASE,
)
_CORRECTIONS_MAX = 3
# What a correction takes back: the word right before it, or that word with the one before it.
_SLIP_OF_ONE = re.compile(r"[\w']+$")
_SLIP_OF_TWO = re.compile(r"[\w'-]+\s+[\w']+$")


# "Just Y, not X": what a caller says they only want, then what they do not (`_only_what_is_wanted`).
_ONLY_NOT = re.compile(
    r"\b(?:just|only|simply)\b[^.?!]*?[\s,](?P<not>(?:not|no|nothing)\s+"
    r"(?P<what>[^.?!,;:\u2013\u2014]+?)(?=\s+-\s|[.?!,;:\u2013\u2014]|$))",  # up to a mark or a dash
    re.IGNORECASE,
)
# "No X, just Y": what they do not want said first ("no cut, just edge me up").
_NO_BUT_ONLY = re.compile(
    r"\b(?P<not>(?:(?:i\s+)?(?:don'?t|don\u2019t|do\s+not)\s+(?:need|want)|not|no)\s+(?P<what>[^.?!,;:]+?))"
    r"(?:\s*[,;:.\-\u2013\u2014]+\s*)+(?:i\s+)?(?:just|only|simply)\b",
    re.IGNORECASE,
)
_NOT_WANTED_WORDS = 5
_REFUSALS_MAX = 3


def _only_what_is_wanted(text: str) -> tuple[str, str]:
    """`text` without what the caller said they do not want after or before saying what they only
    want ("I only want the roots done, not the whole head", "just a beard tidy, nothing on top",
    "just one colour, nothing fancy, no streaks", "no cut, just edge me up"), and those refused
    phrases: what is refused is not asked about. Only a short phrase up to the next mark is
    refused; ("text", "") when there is none. Whether the salon does the one without the other
    ("can I get just a cut, no wash?") is another question, so the caller must ask a price, a time
    or a person of what is wanted (`Index.analysis`)."""
    refused = []
    for _ in range(_REFUSALS_MAX):
        found = _ONLY_NOT.search(text) or _NO_BUT_ONLY.search(text)
        if not found or len(found.group("what").split()) > _NOT_WANTED_WORDS:
            break
        text = text[: found.start("not")] + text[found.end("not") :]
        refused.append(found.group("not"))
    return text, ", ".join(refused)


# What a question carries when it says harm or money going wrong only in a phrase: a risk word.
CONCERN = "complaint"


def _with_a_concern(query: Analysis, text: str) -> Analysis:
    """Harm or money going the wrong way said in a phrase, not a word ("I got charged a no-show
    fee", "it got in my eye"; `concerns.harm`, `concerns.money_going_wrong`), is read as a risk
    word, so only an entry whose own question says one answers it, as with "refund" or "rash".
    Money gone wrong at another salon is the caller's story ("my friend got charged half at some
    other salon when she forgot, what's your no-show charge?"); harm said anywhere counts.
    (A complaint's phrases, "20 minutes late", are triage's context, not the matcher's.)"""
    if query.risky:
        return query
    said = concerns.words(text)
    if not concerns.harm(said) and not (
        concerns.money_going_wrong(said)
        and concerns.money_going_wrong(
            concerns.words(" ".join(part for part in _turn_parts(text) if not concerns.about_elsewhere(part)))
        )
    ):
        return query
    return replace(query, concepts=query.concepts | {CONCERN})


# Where a turn that asks two things at once divides (`Index.answers_in_parts`): after a sentence,
# and before a second question joined to the first ("..., and do you take Google Pay?", "how
# long is a men's cut and do you do beards as well").
_ANOTHER_QUESTION = re.compile(
    r"(?<=\?)\s*|(?<=[.!])\s+|(?:,?\s+(?:and|also|plus|&)|,)\s+(?=(?:also\s+)?(?:what|whats|what's|how|when|where|who"
    r"|which|do|does|can|could|will|would|is|are|should)\b)",
    re.IGNORECASE,
)
# Words that join the services of one question, or compare them: "and", "or", "than", "vs".
# Services set side by side to be compared, not taken together (`Index._services_of`).
_COMPARES = re.compile(r"\b(?:or|than|vs|versus)\b", re.IGNORECASE)
_JOINS_SERVICES = re.compile(r"\b(?:and|or|than|vs|versus|plus|both|each)\b|&", re.IGNORECASE)
# From how many days named the hours asked are the week's (`_the_week`).
_DAYS_OF_THE_WEEK = 3
# Most things one turn is answered in parts for: beyond this the caller is better served by a person.
PARTS_MAX = 3


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    """One knowledge entry as the matcher sees it."""

    id: int
    question: str
    answer: str
    source: str = "manual"


@dataclass(frozen=True)
class Match:
    """The best candidate for a question, matched or not (a score below the threshold)."""

    document: Document | None
    score: float
    matched: bool
    reason: str = ""


@dataclass(frozen=True)
class _Unit:
    """One clause of an entry's answer. A question must be covered by the entry's own question
    plus one such clause (`concepts`, `satisfies`); `own` is what the clause alone is about;
    `bound` maps a concept said there only before a compound head to those heads."""

    concepts: frozenset[str]
    satisfies: frozenset[str]
    own: frozenset[str]
    bound: Mapping[str, frozenset[str]] = field(default_factory=dict)
    age_below: int | None = None  # "children's haircut (under 12)": for ages below this only
    # The items of one list together: only for a question offering alternatives ("do you take
    # cash or card?" is answered by "We accept cash, all major credit and debit cards, ..."),
    # so "men's" and "color" are still never taken from two items otherwise.
    alternatives: bool = False
    # The classes of services the clause speaks of ("bridal" of "all bridal services need ...").
    classes: frozenset[str] = frozenset()

    def covers(self, query: Analysis, services: frozenset[str] = frozenset()) -> bool:
        """`services`: what the salon's menu offers, each a service a class may be said of."""
        if self.alternatives and not query.alternatives:
            return False
        if not query.intents <= self.satisfies:
            return False
        if not query.hard <= self.concepts | _kinds_of_classes(query, self.classes, services):
            return False
        if self.age_below is not None and any(age >= self.age_below for age in _ages(query)):
            return False  # "my 15 year old daughter" is not a child under 12
        # "color" said here only in "color consultations" answers a question naming consultations
        return all(self.bound[c] & query.concepts for c in query.hard if c in self.bound)


@dataclass(frozen=True)
class _Entry:
    document: Document
    question: Analysis
    provides: frozenset[str]  # every concept of the entry and every intent one of its units satisfies
    units: tuple[_Unit, ...]
    keyed: bool  # learned or manual: an answer to its own question
    question_terms: frozenset[str]  # the concepts and intents of its own question
    topic: frozenset[str]  # what its own question is about (its anchors)
    # Of a learned or manual entry's topic, what its answer says again: the subject the person
    # answered about ("dog" in "Can I bring my dog to my appointment?" -> "dogs ... are welcome"),
    # less the words that only framed the question ("bring", "appointment"). Empty for a fact.
    restated: frozenset[str] = frozenset()
    denies: bool = False  # a learned or manual "No, we don't ...": true of every kind of what it names
    # The words of its question and answer long enough to be a slip's target (`Index._salon_words`).
    words: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Weights:
    """Weights of one entry that depend on the whole index (idf), so kept per index."""

    core: float  # its question's concepts less slots: the least it brings to a comparison
    topic: float  # what its question is about
    person: float  # the staff members among that


@dataclass(frozen=True)
class _Turn:
    """A long turn's parts and what each does, worked out once before its question is looked for
    (`Index._turn`, `Index._asked_part`)."""

    parts: tuple[str, ...]
    readings: tuple[Analysis, ...]  # each part as `Index._read` reads it
    asking: tuple[bool, ...]  # whether the part could be the caller asking (`analysis.asides`)
    tells: tuple[bool, ...]  # whether the part only tells the caller's story: never the question
    gone_wrong_away: tuple[bool, ...]  # whether the part tells of a result gone wrong at another salon
    elsewhere: frozenset[str]  # what only stated sentences set at another salon say
    story_days: frozenset[str]  # days said only in parts that tell
    story_audiences: frozenset[str]  # whom a service is for, said only in stated sentences
    # whether the part is a clause telling of the caller that asks nothing ("we've got a christening
    # on Sunday, so ...", "gonna fit a trim into my lunch break, ..."), in a sentence that asks
    of_the_caller: tuple[bool, ...]

    def told(self, position: int) -> bool:
        """Whether the part at `position` tells, as a sentence or as a clause of the caller's."""
        return self.tells[position] or self.of_the_caller[position]

    def excused_beside(self, position: int) -> frozenset[str]:
        """The safety words said beside the part at `position` only in telling of a result gone
        wrong at another salon: the caller's story, not a harm or a complaint here."""
        others = [i for i in range(len(self.parts)) if i != position]
        away = frozenset().union(*(self.readings[i].risky for i in others if self.gone_wrong_away[i]))
        return away - frozenset().union(*(self.readings[i].risky for i in others if not self.gone_wrong_away[i]))


# The words of a name as `Index._names_heard` reads them, and what may join two of them ("Glow & Shear").
_NAME_TOKEN = re.compile(r"[A-Za-z][A-Za-z']*|&")
_NAME_JOIN = re.compile(r"^(?:and|n|&)$", re.IGNORECASE)
_NOTHING: frozenset[int] = frozenset()
# Two words side by side, each of two letters or more (`Index._rejoined`); the second is looked
# at again as the first of the next pair.
_WORD_PAIR = re.compile(r"\b([A-Za-z]{2,})\s+(?=([A-Za-z]{2,})\b)")
# A tag after a statement asking the salon to confirm it: "..., correct?", "..., is that right?".
_TAG_QUESTION = re.compile(r",\s*(?:correct|is that correct|is that right|am i right|right)\s*\?", re.IGNORECASE)
_SERVICE_SLIP_MIN = 6  # letters of a service's name heard as two words two slips away (`Index._heard_as_two`)
# "ght" said as "t" ("web sight" is heard for "website"), `Index._heard_as_two`.
_SILENT_GH = re.compile(r"ght")
# What an age may change of a service: its price and its length (`Index._family_read`).
_OF_A_SERVICE = frozenset({lexicon.PRICE, lexicon.DURATION})
# What a day or a part of the day can change the answer to (`_a_day_changes_nothing`).
_TIMED = frozenset({HOURS, BOOK, WALKIN, AVAILABILITY, ARRIVE, lexicon.NOW})
# Coming to the salon: booked, or walking in ("pop in", "come by").
_VISITS = frozenset({BOOK, WALKIN})
# An answer saying the salon is closed (on a day, a holiday).
_CLOSED = re.compile(r"\b(?:closed|shut)\b", re.IGNORECASE)


class Index:
    """The matchable entries, analysed once, with an inverted index; `best()` answers a question."""

    def __init__(
        self, documents: Iterable[Document], vocabulary: Vocabulary | None = None, previous: Index | None = None
    ):
        """`previous`: an index of (mostly) the same documents, whose analysed entries are reused
        for the documents that did not change, so a rebuild after one learned answer is cheap."""
        self.vocabulary = vocabulary or Vocabulary()
        same_words = previous is not None and previous.vocabulary == self.vocabulary
        reuse = previous._prepared if same_words else {}
        # What each word the salon knows means, as the vocabulary reads it: shared by the indexes of
        # one vocabulary, so a rebuild reads only the words a new entry brought.
        self._meanings: dict[str, frozenset[str]] = previous._meanings if same_words else {}
        self.entries: list[_Entry] = [reuse.get(d) or self._prepare(d) for d in documents]
        self._prepared = {entry.document: entry for entry in self.entries}
        postings: dict[str, set[int]] = {}
        question_postings: dict[str, set[int]] = {}
        by_key: dict[str, list[int]] = {}
        df: Counter[str] = Counter()
        narrowed: Counter[str] = Counter()
        for position, entry in enumerate(self.entries):
            for term in entry.provides:
                postings.setdefault(term, set()).add(position)
            for term in entry.question.concepts:
                question_postings.setdefault(term, set()).add(position)
            if entry.question.key:
                by_key.setdefault(entry.question.key, []).append(position)
            df.update(entry.provides - INTENTS)
            if any(entry.question.slots(kind) for kind in NARROWING_SLOTS):
                narrowed.update(c for c in entry.question.anchors if ":" not in c)
        self._postings = {term: frozenset(ids) for term, ids in postings.items()}
        self._question_postings = {term: frozenset(ids) for term, ids in question_postings.items()}
        self._by_key = by_key
        # How many entries narrow each topic by a slot: "hours" has one per day, "color" only the
        # single-process one (so "how long does color take" may be answered by it).
        self._narrowed = narrowed
        n = max(len(self.entries), 1)
        self._idf = {c: math.log(1 + n / k) for c, k in df.items()}
        self._unseen_idf = math.log(1 + n)
        # Topics the index prices or describes per audience ("haircut": men's, women's, children's):
        # there a family word says which one is asked for; elsewhere it only says who it is for.
        self._audience_split = frozenset(
            c
            for entry in self.entries
            if entry.question.slots("audience")
            for c in entry.question.anchors
            if ":" not in c
        )
        self._analysed: dict[str, Analysis] = {}
        self._closed_days: dict[str, bool] = {}  # `_closed_on`, worked out once per day
        # What a learned "no" is about ("extension" for "No, we don't offer extensions"), with it
        self._denied: dict[str, set[int]] = {}
        for position, entry in enumerate(self.entries):
            if entry.denies:
                for concept in entry.restated:
                    self._denied.setdefault(concept, set()).add(position)
        # What the salon's menu offers: the topics of an entry whose own question asks only which
        # services there are ("What services do you offer?").
        self._services = frozenset(
            concept
            for entry in self.entries
            if not entry.question.anchors and "service" in entry.question.concepts
            for unit in entry.units
            for concept in unit.own
            if ":" not in concept and not _is_soft(concept) and concept not in INTENTS
        )
        # The learned and manual entries by the rarest word of what their question is about (and
        # of what their answer restates of it): a caller who names all of it names that word, so
        # these are the entries `_without_framing` may let answer, found without a scan.
        by_rarest: dict[str, set[int]] = {}
        for position, entry in enumerate(self.entries):
            for about in (entry.topic, entry.restated) if entry.keyed else ():
                if about:
                    rarest = max(sorted(about), key=lambda c: self._idf.get(c, self._unseen_idf))
                    by_rarest.setdefault(rarest, set()).add(position)
        self._lessons_by_rarest = {term: frozenset(ids) for term, ids in by_rarest.items()}
        self._weights = {
            id(entry): _Weights(
                self._mass(c for c in entry.question.concepts if ":" not in c),
                self._mass(entry.topic),
                self._mass(c for c in entry.topic if c.startswith("person:")),
            )
            for entry in self.entries
        }

    def _prepare(self, document: Document) -> _Entry:
        question = _with_a_concern(analyse(document.question, self.vocabulary), document.question)
        question_evidence = evidence(document.question, question) | question.intents
        keyed = document.source in KEYED_SOURCES
        denial = INTENTS if keyed and _DENIAL.match(document.answer.lower()) else frozenset()
        units = []
        provides = set(question.concepts) | question_evidence | denial
        question_age = _age_limit(document.question)
        for sentence in _listed_sentences(document.answer, self.vocabulary):
            items = []
            for clause in sentence:
                part = self._clause_reading(clause)
                satisfies = evidence(clause, part) | part.intents | denial
                provides |= part.concepts | satisfies
                limits = [limit for limit in (question_age, _age_limit(clause)) if limit is not None]
                items.append((part, satisfies, min(limits, default=None)))
                units.append(
                    _Unit(
                        question.concepts | part.concepts,
                        question_evidence | satisfies,
                        part.concepts | satisfies,
                        _bound(question, part),
                        min(limits, default=None),
                        classes=_classes(part),
                    )
                )
            if len(items) > 1:
                concepts = frozenset().union(*(part.concepts for part, _, _ in items))
                satisfies = frozenset().union(*(said for _, said, _ in items))
                limits = [limit for _, _, limit in items if limit is not None]
                units.append(
                    _Unit(
                        question.concepts | concepts,
                        question_evidence | satisfies,
                        concepts | satisfies,
                        _bound(question, *(part for part, _, _ in items)),
                        min(limits, default=None),
                        alternatives=True,
                        classes=frozenset().union(*(_classes(part) for part, _, _ in items)),
                    )
                )
        terms = question.concepts | question.intents
        restated = question.anchors & frozenset().union(*(u.own for u in units)) if keyed else frozenset()
        return _Entry(
            document,
            question,
            frozenset(provides),
            tuple(units),
            keyed,
            terms,
            question.anchors,
            restated,
            bool(denial),
            frozenset(w for w in _words(document.question + " " + document.answer) if w.isalpha() and len(w) >= 4),
        )

    def _clause_reading(self, clause: str) -> Analysis:
        """An answer's clause as `analyse` reads it, plus, when that reading took it as asking
        for a person ("our senior colorist, specializing in ... color correction"), what it says
        read plainly: a clause asks nothing, and may be the answer to either kind of question. A
        clause naming a staff member speaks of a stylist ("Sam knows sign language" answers "is
        there a stylist I can sign with?")."""
        part = self._with_class_members(analyse(clause, self.vocabulary))
        if part.slots("person"):
            part = replace(part, concepts=part.concepts | {STAFF}, loose=part.loose | {STAFF})
        if not (self.vocabulary.asks_who and PERSON in part.intents):
            return part
        plain = _analyse(_words(clause), self.vocabulary, who=False)
        return replace(part, concepts=part.concepts | plain.concepts, loose=part.loose | plain.loose)

    def _with_class_members(self, part: Analysis) -> Analysis:
        """A clause about a class of services ("color services") with the services that class
        always holds (`lexicon.SERVICE_CLASSES`): what it says of the class it says of each."""
        members = {
            concept
            for kind, head in part.kinds
            if head == "service" and kind in lexicon.SERVICE_CLASSES
            for word in lexicon.SERVICE_CLASSES[kind]
            for concept in _concepts_of(word, self.vocabulary)
        }
        if not members:
            return part
        return replace(part, concepts=part.concepts | members, loose=part.loose | members)

    def weight(self, concept: str) -> float:
        if concept in INTENTS:
            return INTENT_WEIGHT
        if concept.startswith(UNKNOWN):
            return self._unseen_idf * informativeness(concept[len(UNKNOWN) :])
        idf = self._idf.get(concept, self._unseen_idf)
        return idf * SOFT_WEIGHT if _is_soft(concept) else idf

    def _mass(self, concepts: Iterable[str]) -> float:
        return sum(self.weight(c) for c in concepts)

    def _dice(self, a: frozenset[str], b: frozenset[str]) -> float:
        total = self._mass(a) + self._mass(b)
        return 2 * self._mass(a & b) / total if total else 0.0

    def analysis(self, question: str, now: datetime | None = None) -> Analysis:
        """`question` read against this index: without what the caller took back, a salon word
        split in two joined again, dates and relative days as the holiday or weekday they are in
        the salon's timezone at `now` (default: the current time), slips corrected toward the
        salon's words, words unknown to the salon and to English set apart as `unknown`, and
        family words read as an audience only where the index prices by audience. Cached per
        question."""
        said = self._corrected(self._rejoined(self._names_heard(self._without_words_to_others(_as_heard(question)))))
        said = relative_days.day_runs(relative_days.named_dates(said, self.vocabulary.timezone, now))
        text = relative_days.resolve(said, self.vocabulary.timezone, now)
        found = self._analysed.get(text)
        if found is None:
            found = self._reading(text, said)
            if len(self._analysed) < 20_000:
                self._analysed[text] = found
        return found

    def _reading(self, text: str, said: str) -> Analysis:
        """`analysis` of `text` (`said` before relative days were resolved), each step tried only
        while no entry answers yet; whether one does is worked out once per reading."""
        answers = lru_cache(maxsize=None)(self._answers)
        found = self._read(text)
        if text != said and HOURS not in found.concepts:
            # "can I get in today?" asks for a free chair, not for today's opening hours
            text = said
            found = self._read(said)
        wanted, refused = _only_what_is_wanted(text)
        if refused and not self._read(refused).risky and not answers(found):
            if (reread := self._read(wanted)).intents:  # "how much is just a cut, no wash?", not "can I ..."
                text, found = wanted, reread
        # What the turn's parts are read from: without its asides and glosses, even when the
        # rest is not yet answered as a whole.
        told = text if answers(found) else self._without_asides(text)
        if told != text and answers(reread := self._read(told)):
            text, found = told, reread
        if not answers(found) and (plain := self._without_a_gloss(told)) != told:
            told = plain
            if answers(reread := self._read(plain)):
                text, found = plain, reread
        parts = _turn_parts(told)
        if len(parts) > 1 and not answers(found):
            found = self._asked_part(parts, found, told)
        if self._denied_kinds(found) and not answers(found):
            found = self._kind_of_denied(found)
        if found.concepts & lexicon.OCCASIONS and not answers(found):
            found = self._for_an_occasion(found, text)
        if not answers(found):
            found = self._a_visit_on_a_closed_day(found)
        if not answers(found):
            found = self._one_of_the_named(found, answers)
        if not answers(found):
            found = self._a_policy_on_an_open_day(found, answers)
        if not answers(found):
            found = _the_week(found)
        return _with_a_concern(found, said)  # harm said anywhere in the turn, an aside too

    @staticmethod
    def _one_of_the_named(found: Analysis, answers: Callable[[Analysis], bool]) -> Analysis:
        """A "who" question naming two staff members or more asks which of them it is ("Priya or
        Sam, who does keratin?"): read as of the one an entry answers it for, when exactly one
        does; otherwise as said."""
        named = found.slots("person")
        if PERSON not in found.intents or len(named) < 2:
            return found
        readings = [found.without(named - {person}) for person in sorted(named)]
        answered = [reading for reading in readings if answers(reading)]
        return answered[0] if len(answered) == 1 else found

    def _a_policy_on_an_open_day(self, found: Analysis, answers: Callable[[Analysis], bool]) -> Analysis:
        """A policy asked of a weekday the salon is open ("if I'm running late on a Saturday, what
        happens?", "can I pay by card on Sundays?") is the policy: the salon's policies hold
        whatever the day. Not of a day it is closed, nor with the hours asked too, nor walking in
        on a day, which asks whether a chair is free then; and "late" only of the caller arriving
        ("what's the latest you're there on a Wednesday?" asks the hours)."""
        days = found.slots("day")
        policies = found.concepts & lexicon.POLICIES
        if ARRIVE not in found.concepts:
            policies -= {"late"}
        if not days or not policies or WALKIN in policies or HOURS in found.concepts or WHEN in found.intents:
            return found
        if any(self._closed_on(day) for day in days):
            return found
        reread = found.without(days)
        return reread if answers(reread) else found

    def _without_asides(self, text: str) -> str:
        """`text` without the caller's asides: clauses that ask nothing (`analysis.asides`) and say
        nothing any entry says, nor anything that may refuse an answer (`_may_refuse`: "I'm
        bringing my puppy"): "what's a deep conditioning cost - sorry, the oven's beeping - and is
        it quick?". One said before the first question stays when a question points back ("I have
        tape-ins, can you colour them?"), since it may be what they point to."""
        parts = asides(text)
        first_asking = next((i for i, (_, asking) in enumerate(parts) if asking), len(parts))
        pointing = any(_POINTS_BACK.search(_EMPTY_IT.sub(" ", part.lower())) for part, asking in parts if asking)
        told = text
        for i, (part, asking) in enumerate(parts):
            read = self._read(part)
            if asking or read.intents or not read.concepts or (pointing and i < first_asking):
                continue
            if not any(c in self._postings or self._may_refuse(c, read) for c in read.concepts):
                told = told.replace(part, " ", 1)
        return told if told.strip(" ,.!?;:-\u2013\u2014") else text

    def _without_a_gloss(self, text: str) -> str:
        """`text` without an "or" question tacked on to a yes-or-no one that only says the
        caller's guess at the answer in other words ("are you open on Christmas Day, or are you
        having a break like everyone else?"): one that asks nothing, names nothing any entry says
        and nothing that may refuse an answer (`_may_refuse`), beyond the other side of what the
        question names: a way of the same thing (`lexicon.IMPLIES`: "can the tip go on my card, or
        does it have to be cash?", both ways to pay). "Is there a deposit, or do I pay on the
        day?" names what else is asked, so it stays."""
        plain = text
        for gloss in _OR_GLOSS.finditer(text):
            read = self._read(gloss.group(1))
            said = self._read(text.replace(gloss.group(1), " ", 1)).concepts
            other_side = {c for c in read.concepts if c in said or set(lexicon.IMPLIES.get(c, ())) & said}
            if read.intents or any(
                c in self._postings or self._may_refuse(c, read) for c in read.concepts - other_side
            ):
                continue
            plain = plain.replace(gloss.group(1), " ", 1)
        return plain

    @staticmethod
    def _may_refuse(concept: str, asked: Analysis, excused: frozenset[str] = frozenset()) -> bool:
        """Whether a concept said beside the question may change or refuse its answer: a slot (a
        day, an audience, an age ...), a safety or complaint word, the caller's own booking, a
        staff member's availability, a part of the day, another branch, an animal, a need of the
        caller's, or arriving late when a policy is asked."""
        return (
            ":" in concept
            or (concerns.risky(concept) and concept not in excused)
            or concept in (PERSONAL, AVAILABILITY, DAYPART, BRANCH)
            or concept in lexicon.ANIMALS | lexicon.NEEDS
            or (concept == ARRIVE and bool(asked.concepts & lexicon.POLICIES))
        )

    def _corrected(self, text: str) -> str:
        """`text` without what the caller took back: a day, a holiday, a variant or another slot
        said right before a correction, alone or with the word it says the kind of ("Tuesday - no,
        sorry, I mean Monday", "the full highlights - no, sorry, the single-process colour"), when
        a value of the same kind follows it. Anything else before a "no" or a "sorry" stays said."""
        for _ in range(_CORRECTIONS_MAX):
            found = _CORRECTION.search(text)
            if not found:
                return text
            before, after = text[: found.start()], text[found.end() :]
            slip = next(
                (
                    slip
                    for slip in (_SLIP_OF_ONE.search(before), _SLIP_OF_TWO.search(before))
                    if slip and self._slot_kinds(slip.group(0)) & self._slot_kinds(after)
                ),
                None,
            )
            if slip is None:
                return text
            text = before[: slip.start()] + after
        return text

    def _without_words_to_others(self, text: str) -> str:
        """`text` without what the caller said to someone else in the room: a stretch opened by a
        name said to that person ("— Oscar, no, leave the cat alone —", "Ruby! Shoes on! — sorry,
        where are you?") and closed by a dash or by the "sorry" that turns back to the call. The
        name is a word no entry says and nothing that may refuse an answer (a day, a service, a
        staff member's name, an animal is none), so "— Monday, no, Tuesday —" and "Maya, does she
        do balayage?" stay as said."""
        for aside in reversed(list(_TO_SOMEONE_ELSE.finditer(text))):
            name = self._read(aside.group("name"))
            if name.concepts and not any(c in self._postings or self._may_refuse(c, name) for c in name.concepts):
                text = text[: aside.start("said")] + " " + text[aside.end() :]
        return text

    @cached_property
    def _names(self) -> tuple[frozenset[str], ...]:
        """The words of each name the salon's profile holds: the salon's own, and each person's."""
        people = {slug for slugs in self.vocabulary.people.values() for slug in slugs}
        names = [self.vocabulary.salon_words, *(frozenset(slug.split("-")) for slug in sorted(people))]
        return tuple(name for name in names if len(name) > 1)

    def _names_heard(self, text: str) -> str:
        """`text` with a name of the salon's profile written as it is where speech-to-text heard
        one of its words a little wrong right beside another of its words: "glow and sheer" is
        Glow & Shear, "glowing shear salon" too, "maya chan" is Maya Chen. A word is taken for
        the name's only beside another word of the same name said as it is, and only when it is
        a form of that word or one slip from it, so "a sheer fringe" or a "Chan" alone stays as
        said."""
        tokens = list(_NAME_TOKEN.finditer(text))
        fixes: dict[int, str] = {}
        for i, found in enumerate(tokens):
            said = found.group(0).lower()
            for name in self._names:
                if said not in name:
                    continue
                for j in (i - 2, i - 1, i + 1, i + 2):
                    if not 0 <= j < len(tokens) or (abs(i - j) == 2 and not _NAME_JOIN.match(tokens[(i + j) // 2][0])):
                        continue
                    heard = tokens[j].group(0).lower()
                    if heard not in name and (meant := _heard_as(heard, name - {said})):
                        fixes[j] = meant
        for j in sorted(fixes, reverse=True):
            text = text[: tokens[j].start()] + fixes[j] + text[tokens[j].end() :]
        return text

    def _rejoined(self, text: str) -> str:
        """`text` with a salon word speech-to-text split in two joined again ("fill more street"
        for "Fillmore Street", "kera tin" for "keratin"): two words that together are one, and
        that are neither both salon words themselves ("hair cut") nor said together in a phrase
        the lexicon or the vocabulary knows ("walk in"): those are read as they are; nor two words
        that together are a slip of one (`_heard_as_two`)."""
        words = self._salon_meanings

        def joined(found: re.Match) -> str:
            first, second = found.group(1), found.group(2)
            whole = (first + second).lower()
            pair = (first.lower(), second.lower())
            if whole in words and pair not in self._phrase_pairs and not (pair[0] in words and pair[1] in words):
                return first  # the space goes; the second word stays where it is
            return found.group(0)

        return self._heard_as_two(_WORD_PAIR.sub(joined, text))

    def _heard_as_two(self, text: str) -> str:
        """`text` with a salon word speech-to-text heard as two words of English joined again when
        the two together are a slip of it ("cancel nation" for "cancellation", "web sight" for
        "website", a silent "gh" said as none): a string English does not know, one slip from a
        salon word that means something and begins as the first word does (but for its last
        letter; "cut run" is no "lutrun"), that the corrector (`spelling.Corrector`) clearly takes
        it to, made of two words of content (no small word: "on Saturday" is no slip of
        "Saturdays") that are not both the salon's, and neither a form of it ("open new" is not
        "opened"). A service's name, long enough that two words near it are a split of it, may be
        further off ("bali age" for "balayage", "kerra tin" for "keratin")."""
        words = self._salon_meanings
        out, end = [], 0
        for found in _WORD_PAIR.finditer(text):
            first, second = found.group(1), found.group(2)
            after = found.end() + len(second)
            if found.start() < end or text[after : after + 1] in ("'", "\u2019"):  # "isn't" is no word "isn"
                continue
            pair = (first.lower(), second.lower())
            whole = _SILENT_GH.sub("t", pair[0] + pair[1])
            if (
                len(whole) < spelling.REJOINED_MIN_LENGTH
                or min(map(len, pair)) < 3
                or any(word in lexicon.STOPWORDS | lexicon.FILLERS | lexicon.QUESTION_LEADS for word in pair)
                or pair in self._phrase_pairs
                or (pair[0] in words and pair[1] in words)
                or spelling.is_english(whole)
            ):
                continue
            fixed = _corrector(self._salon_words).correct(whole)
            if (
                fixed
                and words[fixed]
                and stem(fixed) not in map(stem, pair)
                and (
                    self._a_service_named_at_length(fixed)
                    # the slip is in how the rest was heard
                    or (fixed.startswith(pair[0][:-1]) and spelling.one_edit(whole, fixed))
                )
            ):
                out.append(text[end : found.start()] + fixed)
                end = after
        return "".join(out) + text[end:]

    def _a_service_named_at_length(self, word: str) -> bool:
        """Whether `word` names one of the menu's services and is long enough that two slips in
        hearing it (`_heard_as_two`) still leave it the clearly closest word (`_SERVICE_SLIP_MIN`)."""
        return len(word) >= _SERVICE_SLIP_MIN and bool(self._salon_meanings.get(word, frozenset()) & self._services)

    def _slot_kinds(self, text: str) -> set[str]:
        return {c.partition(":")[0] for c in self._read(text).concepts if ":" in c and not c.startswith("num:")}

    def _read(self, text: str) -> Analysis:
        query = analyse(text, self.vocabulary)
        strange = self._strange(query)
        if strange:
            corrector = _corrector(self._salon_words)
            fixes = {
                word: fix
                for _, word in strange
                if (fix := corrector.correct(word) or corrector.correct(respelled(word)))
            }
            if fixes:
                text = re.sub(r"[A-Za-z]+", lambda m: fixes.get(m.group(0).lower(), m.group(0)), text)
                query = analyse(text, self.vocabulary)
                strange = self._strange(query)
            # A slip for an English word ("parkng") is that word: a thing no entry covers.
            unknown = {(c, w) for c, w in strange if len(w) < 4 or not spelling.near_english(w)}
            if unknown:
                dropped = {c for c, _ in unknown}
                query = replace(
                    query,
                    concepts=query.concepts - dropped,
                    loose=query.loose - dropped,
                    modifiers=frozenset(m for m in query.modifiers if m[0] not in dropped),
                    unknown=frozenset(w for _, w in unknown),
                )
        return self._family_read(self._by_head(self._visit_as_the_service(query)))

    def _visit_as_the_service(self, query: Analysis) -> Analysis:
        """A question of what a service's visit costs or how long it is ("how long is a balayage
        appointment?", "how much is an appointment for a beard trim?") asks it of the service: the
        appointment said next to the service is the service, not booking. Only when the question
        names nothing else, so "how far ahead should I book a balayage?" still asks of booking."""
        if BOOK not in query.concepts or not query.intents or not query.intents <= _OF_A_SERVICE:
            return query
        named = query.anchors - {BOOK}
        beside = {kind for kind, head in query.kinds if head == BOOK} | {
            head for kind, head in query.kinds if kind == BOOK
        }
        if not named or not named <= self._services | frozenset(query.slots("variant")) or not beside & self._services:
            return query
        return query.without({BOOK})

    def _by_head(self, query: Analysis) -> Analysis:
        """A word no entry says, said alone, that is the head of just one of the salon's compound
        terms the index holds, stands for that term: "voucher" for "gift voucher", as "the
        voucher" is said once "gift voucher" was. English compounds name a kind of their last
        word, so a caller who leaves the kind out still means the only kind the salon knows."""
        term = {
            c: next(iter(heads))
            for c, _ in query.unlisted
            if c not in self._postings and len(heads := self._heads.get(c, ())) == 1
        }
        if not term:
            return query
        return replace(
            query,
            concepts=frozenset(term.get(c, c) for c in query.concepts),
            loose=frozenset(term.get(c, c) for c in query.loose),
            modifiers=frozenset((term.get(c, c), head) for c, head in query.modifiers),
            unlisted=frozenset(pair for pair in query.unlisted if pair[0] not in term),
        )

    @cached_property
    def _heads(self) -> dict[str, frozenset[str]]:
        """The stem of each compound's head ("voucher" of "gift voucher"), with the concepts of
        the compounds it ends that some entry has. A compound here is a term of one concept in two
        words, a noun or adjective then a word that is only a noun, with no small word: "hold the
        date", "part of town", "running behind" or "high light" (a sound-alike) mean more than a
        kind of their last word, and so do an evaluative adjective's idioms ("good hands")."""
        heads: dict[str, set[str]] = {}
        tables = (lexicon.PHRASES, self.vocabulary.phrases(who=False))
        small = lexicon.STOPWORDS | lexicon.FILLERS
        for said, meaning in (item for table in tables for item in table.items()):
            if len(said) != 2 or len(meaning) != 1 or not meaning[0].startswith("@") or small.intersection(said):
                continue
            concept = meaning[0][1:]
            modifier, head = said
            meant_by = meaning_stem(head)
            if (
                concept in self._postings
                and spelling.only_a_thing(head)
                and spelling.can_modify(modifier)
                and modifier not in lexicon.EVALUATIVE  # "good hands" is no kind of hand
                and meant_by
            ):
                heads.setdefault(meant_by, set()).add(concept)
        return {head: frozenset(concepts) for head, concepts in heads.items()}

    def _answers(self, query: Analysis) -> bool:
        """Whether some entry answers `query` (a question whose words reach no entry, or only
        entries that refuse it, is worth reading again as its last clause)."""
        if not self._candidates(query):
            return False
        ranked = self._ranked(query, every=False)
        return bool(ranked) and ranked[0][1].matched

    def _asked_part(self, parts: list[str], whole: Analysis, text: str) -> Analysis:
        """A long turn read as its question: the last clause with a topic word, when no entry
        answers the whole turn and that clause reaches one ("so my husband keeps putting it off,
        how much is a beard trim?"). Three steps, each a method: what every part of the turn
        does (`_turn`: which parts only tell the caller's story), which part is the question
        (`_passes_over` skips the others, from the last part back), and what the rest of the turn
        adds to it (`_with_the_turn`: only what can refuse or narrow an answer). A clause that
        points back ("how much is that?", "can you color them?") depends on what it points to
        (`_pointed_to`); "he" or "she" keeps the whole turn unless the only person it names is a
        relative ("my mum ..., she usually gets a blow-dry"), whom the family words already read.
        A clause that tells of the caller and reaches no entry is not what is asked: the clause
        before it is read."""
        turn = self._turn(parts, text, whole)
        for position in range(len(parts) - 1, -1, -1):
            asked = turn.readings[position]
            if self._passes_over(turn, position):
                continue
            said = _IT_OF_THE_SALON.sub(r"\1\2", _EMPTY_IT.sub(" ", parts[position].lower()))
            excused = turn.excused_beside(position)
            if _POINTS_BACK.search(said) or not asked.concepts:  # "how much is that?", "what's the cost?"
                pointed = self._pointed_to(turn, position, excused)
                return pointed if pointed is not None else self._without_the_story(whole, parts, excused)
            if _PERSON_PRONOUN.search(said) and not self._relative_only(whole, text):
                return self._without_the_story(whole, parts, excused)
            asked = self._with_the_turn(turn, position, whole, excused)
            if self._candidates(asked):
                return asked
            if not _TELLS_OF_THE_CALLER.match(parts[position].lower()):
                return whole
        return whole

    def _turn(self, parts: list[str], text: str, whole: Analysis) -> _Turn:
        """What each part of a long turn does, for `_asked_part`.

        A part tells, and is never the question asked, when it is a stated sentence set at
        another salon ("Who owns the salon? At my last place the owner never cut hair."), one
        that only tells (`_only_tells`: "How long is a men's cut? He'll only go if it's quick.")
        or tells of the caller ("Is the keratin formaldehyde-free? I have curly hair.") or of what
        someone of the caller's wants, when the turn names no one of the salon's ("I'm calling for
        my boss. She'd like a deep conditioning on a Wednesday. What does that cost?"), or, in a
        turn with no question mark, a clause telling of the caller that asks nothing ("Kindly
        share the salon's number, I will call back in the evening."). A result gone wrong
        somewhere else ("every salon I go to ruins my curls") is the caller's story, not a
        complaint (`concerns.complaint_about_elsewhere`), and so is each clause of a stated
        sentence telling of one that does not speak of this salon ("I had a box-dye accident,
        it's gone all brassy and uneven.")."""
        readings = tuple(self._read(part) for part in parts)
        stated = _stated_parts(text)
        asking = tuple(could_ask for _, could_ask in _asking_parts(parts))
        gone_wrong_away = tuple(
            concerns.complaint_about_elsewhere(part)
            or (told and concerns.complaint_about_elsewhere(sentence) and not concerns.of_this_salon(part))
            for part, told, sentence in zip(parts, stated, _sentences_of_parts(text), strict=True)
        )
        in_questions = _said_where(readings, [not s for s in stated])
        set_elsewhere = [told and concerns.about_elsewhere(part) for part, told in zip(parts, stated, strict=True)]
        theirs = self._relative_only(whole, text)
        tells = tuple(
            away
            or (told and bool(self._only_tells(reading, in_questions) or _TELLS_OF_THE_CALLER.match(part.lower())))
            or (told and theirs and bool(_WANTS_OF_THEIR_OWN.match(part.lower())))
            or ("?" not in text and i > 0 and not could_ask and bool(_TELLS_OF_THE_CALLER.match(part.lower())))
            for i, (part, reading, told, away, could_ask) in enumerate(
                zip(parts, readings, stated, set_elsewhere, asking, strict=True)
            )
        )
        story, questions = _said_where(readings, tells), _said_where(readings, [not t for t in tells])
        return _Turn(
            tuple(parts),
            readings,
            asking,
            tells,
            gone_wrong_away,
            elsewhere=_said_where(readings, set_elsewhere) - _said_where(readings, [not s for s in set_elsewhere]),
            story_days=frozenset(c for c in story - questions if _is_a_day(c)),
            # read in the whole turn, where "my daughter" of a stated sentence may be the audience
            # of the service a question names
            story_audiences=frozenset(
                c for c in whole.concepts - in_questions if c.startswith("audience:") and any(stated)
            ),
            of_the_caller=tuple(
                not could_ask and bool(_TELLS_OF_THE_CALLER.match(part.lower()))
                for part, could_ask in zip(parts, asking, strict=True)
            ),
        )

    def _passes_over(self, turn: _Turn, position: int) -> bool:
        """Whether the part at `position` is not the question of the turn: it names no topic (and
        does not point back at what the caller told: "My wife keeps hinting about full highlights.
        What's that going to set me back?", or ask of it naming nothing at all: "... What's the
        cost?"), it tells, it restates another part, it tells of another salon and asks nothing
        ("... the last salon I went to spoilt my hair and ..."), it is a slot alone said of what
        was asked before ("..., and partial?"), it is an audience alone that does not ask ("how
        late can I be, with my two kids I always am": what it may narrow is kept beside the
        question) or it refuses something ("..., not a haircut")."""
        part, asked = turn.parts[position], turn.readings[position]
        only_points_back = (
            not asked.anchors
            and bool(asked.intents)
            and all(turn.told(i) or not turn.readings[i].concepts for i in range(len(turn.parts)) if i != position)
            and (not asked.concepts or bool(_POINTS_BACK.search(_EMPTY_IT.sub(" ", part.lower()))))
        )
        return (
            (not asked.anchors and not only_points_back)
            or turn.tells[position]
            or self._restates(asked, list(turn.parts), position)
            or (not asked.intents and concerns.about_elsewhere(part))
            or (position > 0 and bool(_ANOTHER_OF_THE_SAME.match(part)) and all(":" in c for c in asked.anchors))
            or (
                not turn.asking[position]
                and not asked.intents
                and all(c.startswith("audience:") for c in asked.anchors)
            )
            or bool(_REFUSED.match(part))
        )

    def _with_the_turn(self, turn: _Turn, position: int, whole: Analysis, excused: frozenset[str]) -> Analysis:
        """The question at `position` with what the rest of the turn says that can refuse or narrow
        its answer (`_may_refuse`: days, holidays, audiences, ages, people, animals, a need of the
        caller's, safety words, the caller's own booking, arriving late), and with the condition
        said right before it ("if I cancel the same day, do I pay?") and what the parts after it
        ask ("the keratin thing, how long does it take"). What the caller's story says that
        changes nothing of the question is not kept (`_kept_beside`)."""
        asked = turn.readings[position]
        if position and _CONDITION.match(turn.parts[position - 1]) and not turn.tells[position - 1]:
            condition = turn.readings[position - 1]
            asked = replace(asked, concepts=asked.concepts | condition.concepts, loose=asked.loose | condition.loose)
        kept = self._kept_beside(turn, position, asked, whole.concepts, excused)
        # what a clause before it asks that names nothing is asked too ("which one takes longer, a
        # root touch-up or ...?")
        then_asked = frozenset().union(
            *(
                reading.intents
                for i, (reading, could_ask) in enumerate(zip(turn.readings, turn.asking, strict=True))
                if not turn.tells[i] and (i > position or (i < position and could_ask and not reading.anchors))
            )
        )
        return replace(
            asked, concepts=asked.concepts | kept, loose=asked.loose | kept, intents=asked.intents | then_asked
        )

    def _kept_beside(
        self, turn: _Turn, position: int, asked: Analysis, said: frozenset[str], excused: frozenset[str]
    ) -> set[str]:
        """Of what is `said` beside the question at `position`, what can refuse or narrow its
        answer (`_may_refuse`), less what the caller's story says that changes nothing of it.

        What only a stated sentence set at another salon says refuses nothing here but a harm or a
        complaint. A day said only in the caller's story ("How long is a root touch-up? My boss
        gives me a long lunch on Thursdays.") or in a clause of the question's own sentence that
        tells of the caller ("we've got a christening on Sunday, so how much is an updo?")
        qualifies only a question of time, and a day the salon is closed always. Whom a service
        is for, said only in the story ("the kids are screaming in the background. Are you open
        Mondays?") or in such a clause ("how late can I be, because with twins I'm always behind"),
        changes nothing but a service's price or length, and nothing of a service the question
        names the audience of ("How long is a women's haircut? I have to pick my kid up at
        three.")."""
        told_of_the_caller = (
            frozenset(
                c
                for i, reading in enumerate(turn.readings)
                if i != position and turn.of_the_caller[i]
                for c in reading.concepts
            )
            - asked.concepts
        )
        told_days = frozenset(c for c in told_of_the_caller if _is_a_day(c))
        told_audiences = frozenset(c for c in told_of_the_caller if c.startswith("audience:"))
        return {
            c
            for c in said
            if self._may_refuse(c, asked, excused)
            and (c not in turn.elsewhere or concerns.risky(c))
            and not (c in turn.story_days | told_days and _a_day_changes_nothing(asked) and not self._closed_on(c))
            and not (
                c in turn.story_audiences | told_audiences
                and (not asked.concepts & self._services or asked.slots("audience"))
            )
        }

    def _closed_on(self, day: str) -> bool:
        """Whether the salon's hours say it is closed on `day` (a weekday): a caller who tells of
        coming then is told so by a person, not given a price for a day the door is shut."""
        if day not in self._closed_days:
            hours = frozenset({HOURS, day})
            self._closed_days[day] = self._hours_say_closed(Analysis("", hours, frozenset(), loose=hours))
        return self._closed_days[day]

    def _pointed_to(self, turn: _Turn, position: int, excused: frozenset[str]) -> Analysis | None:
        """The question of a clause that points back ("how much is it?", "is there a charge for
        it?") read with what it points to: the topics of the nearest clause before it that names
        what an entry's own question may name ("it's his first proper haircut" -> the haircut),
        with what the rest of the turn says that may refuse an answer (`_kept_beside`); None when
        nothing before it names one, or no entry has all of that, or another clause complains of
        this salon ("my colour faded in a week, I want it fixed": a person answers that)."""
        asked = turn.readings[position]
        told = [i for i in range(len(turn.parts)) if i != position]
        if any(
            concerns.complaint(concerns.words(turn.parts[i])) and not concerns.complaint_about_elsewhere(turn.parts[i])
            for i in told
        ):
            return None
        for before in range(position - 1, -1, -1):
            named = frozenset(c for c in turn.readings[before].anchors if c in self._question_postings)
            if not named:
                continue
            named = (named & self._services) or named  # "my wife keeps talking about balayage": the balayage
            others = frozenset().union(*(turn.readings[i].concepts for i in told))
            kept = self._kept_beside(turn, position, asked, others, excused)
            read = replace(asked, concepts=asked.concepts | named | kept, loose=asked.loose | named | kept)
            return read if self._candidates(read) else None
        return None

    def _restates(self, part: Analysis, parts: list[str], position: int) -> bool:
        """Whether a part only says again a day, a holiday or another slot that another part says,
        and asks nothing itself ("open on New Year's Day, the first of January?"): a gloss, not
        the question ("what do you charge for kids?" asks, though "my son" said who)."""
        if part.intents or not all(":" in c for c in part.anchors):
            return False
        others = frozenset().union(*(self._read(p).concepts for i, p in enumerate(parts) if i != position))
        return part.anchors <= others

    def _only_tells(self, part: Analysis, in_questions: frozenset[str]) -> bool:
        """Whether a stated sentence beside a question only tells ("Can I pay by cheque? I've
        always paid that way, dear."): it asks nothing, and names nothing an entry has that the
        questions do not name too. One that names something else may be what the caller wants."""
        return not part.intents and all(c not in self._postings or c in in_questions for c in part.concepts)

    def _without_the_story(self, whole: Analysis, parts: list[str], excused: frozenset[str]) -> Analysis:
        """A turn whose question points back at a result gone wrong somewhere else ("my box dye
        went patchy and brassy, who specialises in fixing that sort of thing?"): what it points to
        is the service named there (the colour), not how it went wrong or where. So the words said
        only in such a clause that no entry has, or that are its excused bad-result words, are
        dropped, when an entry then answers; otherwise the whole turn stands."""
        story = frozenset().union(
            *(self._read(part).concepts for part in parts if concerns.complaint_about_elsewhere(part))
        )
        if not story:
            return whole
        rest = frozenset().union(
            *(self._read(part).concepts for part in parts if not concerns.complaint_about_elsewhere(part))
        )
        dropped = {c for c in story - rest if c in excused or (c not in self._postings and ":" not in c)}
        reread = whole.without(dropped)
        return reread if dropped and self._answers(reread) else whole

    def _relative_only(self, whole: Analysis, text: str) -> bool:
        """Whether the only person a turn names, besides the caller, is a relative, a friend or a
        neighbour, or a child (a family word or an age), not a staff member or a stylist."""
        said = analyse(text, self.vocabulary).concepts | whole.concepts  # the whole turn: an aside may name them
        relative = any(c.startswith(FAMILY) or c == lexicon.RELATIVE for c in said) or bool(_ages(whole))
        return relative and not whole.slots("person") and STAFF not in whole.concepts

    def _denied_kinds(self, query: Analysis) -> set[str]:
        """The words of `query` said right before something a learned "no" denies (no safety word
        or slot)."""
        if not self._denied:
            return set()
        return {
            concept
            for concept, head in query.kinds
            if head in self._denied and concept in query.hard and not concerns.risky(concept) and ":" not in concept
        }

    def _kind_of_denied(self, query: Analysis) -> Analysis:
        """A question about a kind of something a learned answer says the salon does not do, read
        as about that thing ("how much are tape-in extensions?" when "No, we don't offer
        extensions"): the word before it only says which kind, and no kind of it is done. Kept
        only when that learned "no" is then the answer; a safety word or a slot is never dropped."""
        kinds = self._denied_kinds(query)
        reread = query.without(kinds)
        ranked = self._ranked(reread, every=False) if self._candidates(reread) else []
        if ranked and ranked[0][1].matched and self._prepared[ranked[0][1].document].denies:
            return reread
        return query

    def _a_visit_on_a_closed_day(self, query: Analysis) -> Analysis:
        """A visit or a booking asked of a day or a holiday and of nothing else ("can we pop in on
        Christmas?", "could I get an appointment on a Monday?") is asked of the salon's hours
        that day when those say it is closed: a closed door answers any visit. Open hours say
        nothing of a free chair, so then the question stays with a person."""
        days = {c for c in query.anchors if c.startswith(("day:", "holiday:"))}
        if not days or not query.anchors & _VISITS or query.intents or query.anchors - days - _VISITS:
            return query  # a holiday alone may be what a thing is for ("a present for Christmas")
        reread = replace(query, concepts=query.concepts - _VISITS | {HOURS}, loose=query.loose - _VISITS)
        return reread if self._hours_say_closed(reread) else query

    def _hours_say_closed(self, asked: Analysis) -> bool:
        """Whether the entry answering `asked`, a question of the hours, says the salon is closed."""
        ranked = self._ranked(asked, every=False)
        return bool(ranked and ranked[0][1].matched and _CLOSED.search(ranked[0][1].document.answer))

    def _for_an_occasion(self, query: Analysis, text: str) -> Analysis:
        """A service asked for an occasion the salon offers it for no differently ("how much is a
        blowout for prom?", "... for our anniversary dinner") is that service: what it is for says
        why it is wanted, not which service. Not when the occasion says which kind of the service
        ("a bridal blowout", "prom hair"), and kept only when the service, so read, is answered;
        where the salon offers the service for the occasion (the special-event updo), the
        question is answered as asked and never comes here. A word no entry says right before the
        occasion says which kind of occasion ("a charity gala", "a retirement party"), so it goes
        with it; not a word that may be whose occasion it is ("my dog's birthday", typed "dogs"),
        a slot or a safety word."""
        occasions = query.concepts & lexicon.OCCASIONS
        named = query.hard & self._services - occasions
        if not named or any(kind in occasions and head in named for kind, head in query.kinds):
            return query
        said = text.lower().replace("\u2019", "'")
        unsaid = {
            c
            for c, word in query.unlisted
            if c not in self._postings and not word.endswith("s") and not re.search(rf"\b{re.escape(word)}'s\b", said)
        }
        kinds_of_occasion = {
            kind
            for kind, head in query.kinds
            if head in occasions and kind in unsaid and ":" not in kind and not concerns.risky(kind)
        }
        reread = query.without(occasions | kinds_of_occasion)
        return reread if self._answers(reread) else query

    def _strange(self, query: Analysis) -> list[tuple[str, str]]:
        """Unlisted words that no entry says and English does not know: slips, chat forms, names."""
        return sorted((c, w) for c, w in query.unlisted if c not in self._postings and not spelling.is_english(w))

    def _family_read(self, query: Analysis) -> Analysis:
        """A family word names an audience where the index prices by audience, or when an age is
        said of a service ("my 15 year old daughter"); elsewhere it is only who the service is
        for."""
        family = {c for c in query.concepts if c.startswith(FAMILY)}
        if not family and not query.slots("audience") and any(age < ADULT_AGE for age in _ages(query)):
            family = {FAMILY + "children"}  # "for my 8 year old": a child, whoever it is
            query = replace(query, concepts=query.concepts | family)
        if not family:
            return query
        # An age narrows whether a service is done, what it costs and how long it takes ("colour
        # for a ten year old" may be another price), not who is best at it ("my son is 14, who's
        # good with curls?") nor when a policy asks something of it ("how far ahead" a test).
        narrows = bool(query.anchors & self._audience_split) or bool(_ages(query) and query.intents <= _OF_A_SERVICE)
        meant = {"audience:" + c[len(FAMILY) :] for c in family} if narrows else {lexicon.RELATIVE}
        return replace(
            query,
            concepts=query.concepts - family | meant,
            loose=query.loose - family | meant,
            modifiers=frozenset(m for m in query.modifiers if m[0] not in family),
        )

    @cached_property
    def _salon_meanings(self) -> dict[str, frozenset[str]]:
        return dict(self._salon_words)

    @cached_property
    def _phrase_pairs(self) -> frozenset[tuple[str, str]]:
        """Every two words said side by side in a phrase of the lexicon or the vocabulary."""
        phrases = [*lexicon.PHRASES, *self.vocabulary.phrases(who=True)]
        return frozenset(pair for said in phrases for pair in zip(said, said[1:], strict=False))

    @cached_property
    def _salon_words(self) -> frozenset[tuple[str, frozenset[str]]]:
        """Every word the salon knows (its lexicon, vocabulary, staff, entries), with its meaning:
        what a slip is corrected toward."""
        words = {w for w in [*lexicon.SURFACE, *_SYNONYM_SURFACE, *self.vocabulary.people] if w.isalpha()}
        # a word said only inside a phrase ("lights" of the slip "hi lights") is no salon word alone
        words |= {
            w
            for said in [*lexicon.PHRASES, *self.vocabulary.phrases(who=True)]
            for w in said
            if len(said) == 1 or not _is_unlisted(w, stem(w))
        }
        words = words.union(*(entry.words for entry in self.entries)) - lexicon.STOPWORDS - lexicon.FILLERS
        meanings = self._meanings
        for word in words - meanings.keys():
            meanings[word] = frozenset(_concepts_of(word, self.vocabulary))
        return frozenset((w, meanings[w]) for w in words if w.isalpha() and len(w) >= 4)

    def prepare_corrections(self) -> None:
        """Build now what the first slip a caller makes would otherwise wait for: the corrector
        toward this index's words (a second at 20,000 entries, a few milliseconds on a rebuild)."""
        _corrector(self._salon_words)

    def best(self, question: str, now: datetime | None = None) -> Match:
        """The best entry for `question`; `matched` only when it passes every gate and the threshold.
        `now`: the moment "tomorrow" is counted from (default: the current time)."""
        return self._best_of(self.analysis(question, now))

    def _best_of(self, query: Analysis) -> Match:
        """`best` of a question already read."""
        ranked = self._ranked(query, every=False)
        if not ranked:
            return Match(None, 0.0, False, "no entry has every word, intent and topic of the question")
        match = ranked[0][1]
        if match.matched and self._another_staff_member_answers(query, match):
            return replace(match, matched=False, reason="two staff members answer: which one is for a person to say")
        return match

    def answers_in_parts(self, question: str, now: datetime | None = None) -> list[Match]:
        """For a turn that asks two or more things at once, the best entry for each, in the order
        asked; empty unless every part is matched by an entry of its own.

        The parts are the turn's questions ("What time do you open Saturday, and do you take
        Google Pay?"), each read with what the turn only tells, or else the menu's services one
        question names together ("how much is a men's haircut and a beard trim?", "is balayage
        more expensive than full highlights?"), each asked what the question asks. A part no entry
        answers leaves the whole turn to a person: half an answer would look like all of it."""
        question = _as_heard(question)
        for parts in (self._questions_of(question, now), self._services_of(question, now)):
            if not 2 <= len(parts) <= PARTS_MAX or not all(match.matched for match in parts):
                continue
            answered = list({match.document: match for match in parts}.values())
            if len(answered) == len(parts):
                return answered
        return []

    def _questions_of(self, question: str, now: datetime | None) -> list[Match]:
        """The best match of each question of the turn, read after what the turn tells. A question
        naming only a day, a variant or another slot ("and on Sunday?", "how much would a full
        head be?") is said of what the turn asked before, so then the turn is not read in parts;
        one that names nothing and points back ("Does Sam do beard trims, and what does one
        cost?") asks about the services the question before it names."""
        pieces = [piece.strip(" ,") for piece in _ANOTHER_QUESTION.split(question) if piece and piece.strip(" ,.")]
        if len(pieces) < 2:
            return []  # one question, as most lookups are: nothing more to read
        asking = [piece.rstrip().endswith("?") or any(asks for _, asks in asides(piece)) for piece in pieces]
        if sum(asking) < 2:
            return []
        told = " ".join(piece for piece, asks in zip(pieces, asking, strict=True) if not asks)
        asked = [piece for piece, asks in zip(pieces, asking, strict=True) if asks]
        reads = [self.analysis(f"{told} {piece}".strip(), now) for piece in asked]
        for i in range(1, len(reads)):
            services = reads[i - 1].hard & self._services
            if not reads[i].anchors and services and _POINTS_BACK.search(asked[i].lower()):
                reads[i] = replace(reads[i], concepts=reads[i].concepts | services, loose=reads[i].loose | services)
        if any(all(":" in c for c in read.anchors) for read in reads):
            return []
        return [self._best_of(read) for read in reads]

    def _services_of(self, question: str, now: datetime | None) -> list[Match]:
        """The best match of the question asked of each service it names with "and", "or" or
        "than", when those services (as the entries' own questions name them) are all it names
        but for words that join them ("the two together", "each") and each is named in full
        (`_of_unsaid_kind`)."""
        if not _JOINS_SERVICES.search(question):
            return []
        query = self.analysis(question, now)
        if not query.intents or not query.intents <= _OF_A_SERVICE:
            return []
        named = query.hard - lexicon.JOINING
        asked_of = frozenset().union(*(self._question_postings.get(c, _NOTHING) for c in named & self._services))
        items = {
            read.hard
            for position in asked_of
            if (read := self.entries[position].question).hard <= named and read.intents & query.intents
        }
        items = [item for item in items if not any(item < other for other in items)]
        if len(items) < 2 or frozenset().union(*items) != named:
            return []
        if any(item <= frozenset().union(*(other for other in items if other != item)) for item in items):
            return []  # each must name something the others do not
        if not _COMPARES.search(question) and any(self._of_unsaid_kind(item) for item in items):
            return []
        said = [analyse(word, self.vocabulary).concepts for word in _words(question)]
        items.sort(key=lambda item: next((i for i, concepts in enumerate(said) if concepts & item), len(said)))
        ranked = [self._ranked(self._of_one_service(query, item), every=False) for item in items]
        parts = [found[0][1] if found else Match(None, 0.0, False) for found in ranked]
        if any(self._holds_another(part, items, query) for part in parts):
            return []
        return parts

    def _of_unsaid_kind(self, item: frozenset[str]) -> bool:
        """Whether a service named in a turn of several is one the menu has in kinds the caller did
        not say ("a cut" of "how much would a cut plus full highlights come to?": men's, women's or
        children's): alone, the list of its kinds answers, and so it does beside another it is
        compared with ("is balayage cheaper than highlights?"); asked together with another,
        what it all comes to is not known, so a person answers."""
        found = [self._question_postings.get(c, _NOTHING) for c in item]
        return any(
            item < (hard := self.entries[position].question.hard) and all(":" in c for c in hard - item)
            for position in frozenset.intersection(*found)
        )

    def _holds_another(self, part: Match, items: list[frozenset[str]], query: Analysis) -> bool:
        """Whether the entry answering one part names, in its own question, what another part's
        service is a kind of (`lexicon.KIND_OF`), which the caller did not name: the "women's
        haircut and style" holds a blowout ("a women's haircut and blow-dry" is that one
        service), while "is a blowout cheaper than a women's haircut and style?" names both."""
        if part.document is None:
            return False
        own = self._prepared[part.document].question.concepts
        return any(
            (kind := lexicon.KIND_OF.get(c)) in own and kind not in query.concepts
            for item in items
            if not item <= own
            for c in item
        )

    @staticmethod
    def _of_one_service(query: Analysis, item: frozenset[str]) -> Analysis:
        """`query` asked of one of the services it names, `item`."""
        concepts = item | (query.concepts - query.hard)
        return replace(
            query,
            key="",
            concepts=concepts,
            loose=query.loose & concepts,
            modifiers=frozenset(pair for pair in query.modifiers if pair[0] in concepts),
            unlisted=frozenset(pair for pair in query.unlisted if pair[0] in concepts),
            kinds=frozenset(pair for pair in query.kinds if set(pair) <= concepts),
            alternatives=False,
        )

    def _another_staff_member_answers(self, query: Analysis, match: Match) -> bool:
        """Whether a "who" question naming no one is answered by the entries of two staff members
        ("who should I see for a haircut?": Sam's men's cuts and Maya's precision cuts), so that
        giving either one's entry would choose for the caller."""
        if PERSON not in query.intents or query.slots("person"):
            return False
        person = self._prepared[match.document].question.slots("person")
        if not person:
            return False
        return any(
            other.matched and (staff := self._prepared[other.document].question.slots("person")) and staff != person
            for _, other in self._ranked(query, every=True)
        )

    def matches(self, question: str, now: datetime | None = None) -> list[Match]:
        """Every entry that answers `question` (score at or above the threshold), best first."""
        return [match for _, match in self._ranked(self.analysis(question, now), every=True) if match.matched]

    def related(self, question: str, limit: int) -> list[tuple[Document, float]]:
        """The entries holding the largest share (by weight) of the question's topic words, with
        that share, best first, whatever the gates say; each names every day, holiday, audience,
        variant and person the question names. Never an answer by itself: the shortlist a model
        chooses from when the matcher is not sure (`knowledge.grounding`)."""
        query = self.analysis(question)
        mass = self._mass(query.anchors)
        slots = {concept for concept in query.anchors if ":" in concept}
        shared: Counter[int] = Counter()
        for concept in query.anchors:
            for position in self._postings.get(concept, _NOTHING):
                shared[position] += self.weight(concept)
        ranked = sorted(
            (
                (share / mass, self._mass(query.anchors & self.entries[position].question.concepts), position)
                for position, share in shared.items()
                if slots <= self.entries[position].provides
            ),
            reverse=True,
        )
        return [(self.entries[position].document, round(share, 4)) for share, _, position in ranked[:limit]]

    def _ranked(self, query: Analysis, every: bool) -> list[tuple[tuple, Match]]:
        """Candidates scored best first. Each is first given a cheap upper bound of its score (its
        overlap with the caller's question can only shrink, and what the entry is about counts at
        most 1), and dropped when it cannot pass the topic gates; then they are scored in order of
        that bound until no bound can beat the best score found (`every`: the threshold)."""
        asked = query.terms
        weights = {term: self.weight(term) for term in asked}
        asked_mass = sum(weights.values())
        bounded = []
        for position in self._candidates(query):
            entry = self.entries[position]
            if query.key and query.key == entry.question.key:
                bounded.append((1.0, position))
                continue
            shared = sum(weights[term] for term in asked & entry.question_terms)
            own = self._weights[id(entry)].core + sum(weights[term] for term in asked & entry.question.intents)
            similarity = 2 * shared / (asked_mass + max(shared, own)) if shared else 0.0
            if similarity < SAME_QUESTION_MIN and not self._about_the_same(query, entry):
                continue  # fails a topic gate whatever the rest
            bounded.append((0.75 + 0.25 * similarity, position))
        bounded.sort(reverse=True)
        ranked: list[tuple[tuple, Match]] = []
        floor = MATCH_THRESHOLD if every else 0.0
        for bound, position in bounded:
            if bound < floor:
                break
            entry = self.entries[position]
            score, reason = self._score(query, entry)
            rank = (score, SOURCE_PREFERENCE.get(entry.document.source, 0), entry.document.id)
            ranked.append((rank, Match(entry.document, round(score, 4), score >= MATCH_THRESHOLD, reason)))
            if not every:
                floor = max(floor, score)
        ranked.sort(key=lambda item: item[0], reverse=True)
        return ranked

    def _about_the_same(self, query: Analysis, entry: _Entry) -> bool:
        """The topic gates (short of "nearly the same question"): a learned answer's question must
        be mostly named by the caller; a fact's question must share a topic with the caller's."""
        if entry.keyed:
            return self._named_share(query, entry) >= TOPIC_SHARE_MIN
        return _same_topic(query, entry)

    def _candidates(self, query: Analysis) -> set[int]:
        """Entries that could pass the coverage gate (they have every hard concept and intent of
        the question), plus those asked in the very same words, and the lessons that name no service
        when the question names one (`_for_every_service`). Exact, not a shortlist."""
        found = set(self._by_key.get(query.key, ())) if query.key else set()
        found |= self._all_named_lessons(query)
        if query.hard:
            # a service named as of a class ("bridal updo") may be covered by what is said of the class
            of_a_class = frozenset(
                head for kind, head in query.kinds if head in self._services and kind in query.hard and kind != head
            )
            required, postings = (query.hard - of_a_class) | query.intents, self._postings
        elif query.concepts:
            # Only soft words: an entry can answer only if its own question is this general too.
            required, postings = query.concepts, self._question_postings
        else:
            return found
        lists = sorted((postings.get(term, _NOTHING) for term in required), key=len)
        if not lists[0]:
            return found
        candidates = set(lists[0])
        for ids in lists[1:]:
            candidates &= ids
            if not candidates:
                break
        named = query.hard & self._services
        if named and query.hard - named:  # a lesson that names no service (`_for_every_service`)
            without = query.without(named)
            candidates |= self._candidates(without) & self._lessons_for_every_service
        return found | candidates

    def _all_named_lessons(self, query: Analysis) -> set[int]:
        """The learned or manual entries whose whole topic the caller names, whatever else they
        say: those `_without_framing` may let answer."""
        near = set().union(*(self._lessons_by_rarest.get(c, _NOTHING) for c in query.concepts))
        return {p for p in near if self._named_share(query, self.entries[p]) >= 1.0 - 1e-9}

    @cached_property
    def _lessons_for_every_service(self) -> frozenset[int]:
        """The learned or manual entries that name no service (`_for_every_service`), found once
        per index rather than on every lookup."""
        return frozenset(
            i for i, entry in enumerate(self.entries) if entry.keyed and not entry.provides & self._services
        )

    def _score(self, query: Analysis, entry: _Entry) -> tuple[float, str]:
        """(score, reason): 1.0 for the same wording; >= 0.5 only when every gate passes; below
        0.5 (a share of the question-to-question similarity, for display) when one fails."""
        if query.key and query.key == entry.question.key:
            return 1.0, "same question"
        asked = query.terms
        if not asked:
            return 0.0, "nothing to match"
        similarity = self._dice(asked, self._question_side(query, entry))
        failed = self._refusal(query, entry)
        if (
            not failed
            and query.unknown
            and self._mass(asked - query.concepts - query.intents) > (UNKNOWN_SHARE_MAX * self._mass(asked))
        ):
            failed = "too much of the question is words the salon does not know"
        if not failed:
            units = [u for u in entry.units if u.covers(query, self._services)]
            if not units and (general := self._for_every_service(query, entry)) is not None:
                units = [u for u in entry.units if u.covers(general, self._services)]
            if not units and (framed := self._without_framing(query, entry)) is not None:
                units = [u for u in entry.units if u.covers(framed, self._services)]
            if not units:
                failed = "the entry does not cover every word or what is asked"
        if not failed:
            if entry.keyed:
                about = self._named_share(query, entry)
                if about < TOPIC_SHARE_MIN and similarity < SAME_QUESTION_MIN:
                    failed = "the caller names too little of what the learned question asked"
                elif entry.restated and not entry.restated & query.concepts:
                    failed = "the caller names nothing of what the learned answer is about"
            else:
                # How much the covering clause is about the question; what a clause can answer (a
                # price, a name) counts only when it was asked for.
                about = max(self._dice(asked, (u.own - INTENTS) | (u.satisfies & query.intents)) for u in units)
                if similarity < SAME_QUESTION_MIN:
                    failed = self._off_topic_fact(query, entry, units, about)
        if not failed and not query.anchors and similarity < SAME_QUESTION_MIN and not _as_general(query, entry):
            failed = "the question has no topic word of its own"
        if failed:
            return 0.49 * similarity, failed
        return 0.5 + 0.5 * (similarity + about) / 2, "covered"

    def _for_every_service(self, query: Analysis, entry: _Entry) -> Analysis | None:
        """A lesson that names no service ("Do you offer a senior discount?" -> "10% off for
        clients 65 and over") holds for each of them, so a caller who says which it is for ("a
        seniors discount on haircuts") asks it all the same: `query` without the services, when
        what is left still has a topic of its own. None for a seed fact, or when
        the lesson names a service (it may be true of that one only)."""
        named = query.hard & self._services
        if not entry.keyed or not named or entry.provides & self._services:
            return None
        general = query.without(named)
        return general if general.anchors else None

    def _without_framing(self, query: Analysis, entry: _Entry) -> Analysis | None:
        """A learned or manual answer asked in other words: a caller who names all of what its
        question is about, and around it words that no entry of the salon says and that may not
        refuse an answer ("can my gran get inside easily? she uses a wheelchair": "easily",
        "inside"), asks it all the same, while those words weigh less than a share of the question
        (`FRAMING_SHARE_MAX`). `query` without them, or None. A word some entry says names
        something the salon knows of, so it still has to be covered (the "senior" of a senior
        discount is not framing a student discount)."""
        extras = query.hard - entry.provides
        if not entry.keyed or not extras or self._named_share(query, entry) < 1.0 - 1e-9:
            return None
        if any(c in self._postings or self._may_refuse(c, query) for c in extras):
            return None
        if self._mass(extras) > FRAMING_SHARE_MAX * self._mass(query.terms):
            return None
        return query.without(extras)

    def _off_topic_fact(self, query: Analysis, entry: _Entry, units: list[_Unit], about: float) -> str:
        """Why a seed fact that covers the question's words is still about something else, or ""."""
        if not about:
            return "the answer does not speak about what is asked"
        if not _same_topic(query, entry):
            return "the fact's own question is about something else"
        said = [u.own | _kinds_of_classes(query, u.classes, self._services) for u in units]
        if not any(query.anchors <= own for own in said) and self._named_share(query, entry) < TOPIC_SHARE_MIN:
            # "how far in advance should I book?": "book" from the question, "ahead" from a clause
            # about cancelling
            return "the caller's words meet only across the fact's question and answer"
        return ""

    @staticmethod
    def _question_side(query: Analysis, entry: _Entry) -> frozenset[str]:
        """What of the entry's own question a caller's question is compared with: its concepts,
        less the slots the caller leaves open (when the entry is not refused for them, it holds the
        only option), and the intents the caller asks (an entry may tell more than was asked)."""
        terms = entry.question.concepts | (entry.question.intents & query.intents)
        open_slots = {c for c in entry.question.concepts if c.partition(":")[0] in NARROWING_SLOTS} - query.concepts
        if PERSON in query.intents:  # "who does color?": Jordan is the answer, not a word to repeat
            open_slots |= entry.question.slots("person") - query.concepts
        return terms - open_slots if open_slots else terms

    def _named_share(self, query: Analysis, entry: _Entry) -> float:
        """The share (by weight) of what the entry's own question is about that the caller names.
        A slot counts as named when the caller names a value of its kind (the slot check has made
        sure it agrees: "Christmas" names "holidays"); a staff member is the answer to "who".
        For a learned or manual entry, naming all of what its answer restates of its question
        (`_Entry.restated`) is naming the whole: the words around it only framed the question."""
        weights = self._weights[id(entry)]
        mass = weights.topic
        named = entry.topic & query.concepts
        if PERSON in query.intents:
            mass -= weights.person
            named = {c for c in named if not c.startswith("person:")}
        named_kinds = {c.partition(":")[0] for c in query.concepts if ":" in c}
        if named_kinds:
            named = set(named) | {c for c in entry.topic if ":" in c and c.partition(":")[0] in named_kinds}
            if PERSON in query.intents:
                named = {c for c in named if not c.startswith("person:")}
        if entry.restated and entry.restated <= named:
            return 1.0
        return self._mass(named) / mass if mass > 1e-9 else 0.0

    def _refusal(self, query: Analysis, entry: _Entry) -> str:
        """Why `entry` cannot answer `query` whatever its wording, or "": safety, slots, availability."""
        if query.risky - entry.question.concepts:
            return "a safety or complaint word the entry's question does not share"
        for kind in SLOT_KINDS:
            named = query.slots(kind)
            if not named <= entry.provides:
                return f"the question names a {kind} the entry does not"
            if kind in NARROWING_SLOTS and not named and entry.question.slots(kind) and self._narrows(query, entry):
                return f"the entry is about a {kind} the question leaves open"
        if PERSONAL in query.concepts and PERSONAL not in entry.question.concepts:
            return "the caller's own booking or bill is not a general fact"
        if AVAILABILITY in query.concepts and query.slots("person"):
            if not ({AVAILABILITY} | query.slots("person")) <= entry.question.concepts:
                return "a staff member's availability is not a general fact"
        return ""

    def _narrows(self, query: Analysis, entry: _Entry) -> bool:
        """Whether the entry's slot leaves out alternatives to what the caller asked about: yes,
        unless every topic they share is narrowed by this entry alone in the whole index."""
        shared = [c for c in query.anchors & entry.question.concepts if ":" not in c]
        return not shared or any(self._narrowed[c] > 1 for c in shared)


def _as_heard(question: str) -> str:
    """`question` as the caller said it: without a speaker's label, with a word heard as its
    homophone put back ("wood you", "what thyme"), a title's full stop ending no sentence, and
    without a tag asking to confirm ("There's no deposit for that, correct?")."""
    heard = _TITLE_STOP.sub(r"\1", _HOMOPHONE.sub(_meant_word, _SPEAKER_LABEL.sub(" ", question)))
    return _TAG_QUESTION.sub("?", heard)


def _meant_word(heard: re.Match) -> str:
    """The word a homophone stands for, when the word after it says it is that one."""
    meant, before = lexicon.HOMOPHONES[heard.group(1).lower()]
    return meant if heard.group(2).lower() in before else heard.group(1)


def _heard_as(heard: str, words: frozenset[str]) -> str | None:
    """The one of `words` that `heard` is a form of ("glowing": "glow") or one slip from ("sheer":
    "shear"), if any."""
    if len(heard) < 3:
        return None
    near = [
        w for w in sorted(words) if w in spelling.lemmas(heard) or stem(heard) == stem(w) or spelling.one_edit(heard, w)
    ]
    return near[0] if len(near) == 1 else None


def _said_where(readings: Iterable[Analysis], where: Iterable[bool]) -> frozenset[str]:
    """Every concept of the readings whose flag in `where` is set."""
    return frozenset().union(*(reading.concepts for reading, flag in zip(readings, where, strict=True) if flag))


def _is_a_day(concept: str) -> bool:
    """A weekday or a part of the day ("day:saturday", the evening)."""
    return concept.startswith("day:") or concept == DAYPART


def _asking_parts(parts: list[str]) -> list[tuple[str, bool]]:
    """Each part with whether it could be the caller asking (`analysis.asides`, per part)."""
    return [next(iter(asides(part)), (part, False)) for part in parts]


def _the_week(query: Analysis) -> Analysis:
    """The hours of three days or more ("are you open weekdays?", "Monday to Friday?") are asked
    of the week: its hours say each of them, where no one clause of them names them all."""
    days = query.slots("day")
    if HOURS not in query.concepts or len(days) < _DAYS_OF_THE_WEEK:
        return query
    return query.without(days)


def _a_day_changes_nothing(asked: Analysis) -> bool:
    """Whether a question asks something a day cannot change: a price or a length, or anything
    but the hours, a visit, a booking, a free chair or arriving (`_TIMED`)."""
    if asked.intents and asked.intents <= _OF_A_SERVICE:
        return True
    return WHEN not in asked.intents and not asked.concepts & _TIMED


def _kinds_of_classes(query: Analysis, classes: frozenset[str], services: frozenset[str]) -> frozenset[str]:
    """The services a question names as of one of `classes` ("bridal updo", with "bridal" said
    right before "updo"): what a clause says of all bridal services it says of a bridal updo."""
    if not classes:
        return frozenset()
    return frozenset(head for kind, head in query.kinds if kind in classes and head in services)


_AGE_LIMIT = re.compile(r"\bunder\s+(\d{1,2})\b|\b(\d{1,2})\s+(?:and|or)\s+(?:under|younger)\b")


def _age_limit(text: str) -> int | None:
    """The age a text is for those below: "under 12" -> 12, "12 and under" -> 13."""
    found = _AGE_LIMIT.search(text.lower())
    if found is None:
        return None
    return int(found.group(1)) if found.group(1) else int(found.group(2)) + 1


def _ages(query: Analysis) -> list[int]:
    return [int(c[len(AGE) :]) for c in query.concepts if c.startswith(AGE)]


@lru_cache(maxsize=4)
def _corrector(words: frozenset[tuple[str, frozenset[str]]]) -> spelling.Corrector:
    """One corrector per set of salon words: rebuilt only when an entry brings new words."""
    return spelling.Corrector(dict(words))


def _classes(part: Analysis) -> frozenset[str]:
    """The classes of services a clause speaks of: a topic said right before "services"."""
    return frozenset(kind for kind, head in part.kinds if head == "service" and ":" not in kind and not _is_soft(kind))


def _bound(*parts: Analysis) -> dict[str, frozenset[str]]:
    """Concepts that `parts` say only right before a compound head, with those heads."""
    loose = frozenset().union(*(p.loose for p in parts))
    bound: dict[str, set[str]] = {}
    for part in parts:
        for concept, head in part.modifiers:
            if concept not in loose:
                bound.setdefault(concept, set()).add(head)
    return {concept: frozenset(heads) for concept, heads in bound.items()}


def _same_topic(query: Analysis, entry: _Entry) -> bool:
    """A fact answers a question about what its own question is about: they share a topic word,
    or the caller asks "who" and the fact is about a person ("who does fades?" -> Sam's
    specialties), or asks whether the salon does something that one clause of a staff member's
    specialties names ("do you do color correction?" -> "Jordan ... specializing in ... color
    correction"), or both are general. "What's the charge if I'm late?" shares no word with
    "what if I need to cancel?", whose answer mentions late cancellations."""
    about_a_person = bool(entry.question.slots("person"))
    return (
        bool(query.anchors & entry.question.concepts)
        or (about_a_person and PERSON in query.intents)
        or (about_a_person and not query.intents and any(query.anchors <= u.own for u in entry.units))
        or _as_general(query, entry)
    )


def _as_general(query: Analysis, entry: _Entry) -> bool:
    """A question with no topic word of its own ("what are your prices?") reaches an entry whose
    own question is as general and says the same ("what services do you offer?")."""
    return bool(query.concepts) and not entry.question.anchors and query.concepts <= entry.question.concepts


# --- question to question -----------------------------------------------------------------------


def same_question(a: str, b: str, vocabulary: Vocabulary | None = None) -> bool:
    """Whether two callers' questions ask the same thing, so that one answer serves both.

    Used to attach a new help request to a pending one instead of alerting a supervisor twice.
    Stricter than matching an entry, because a wrong pairing texts a caller someone else's answer:
    the same wording, or the same topic concepts, slots, risk words, intents and numbers, with
    only the words around them free (synonyms, inflections, fillers, soft words like "salon").
    At least one topic word must also be said in both: the lexicon groups some words loosely to
    find facts (a manicure and a pedicure are both "nail"), which must not make them one question.
    So "can I buy a gift card" is "are gift cards sold here", but neither "can I buy shampoo" nor
    "can I buy a gift card online". A question with no topic word needs the same wording.
    """
    x, y = analyse(a, vocabulary), analyse(b, vocabulary)
    if x.key and x.key == y.key:
        return True
    if not x.anchors or x.hard != y.hard or x.intents != y.intents:
        return False
    if set(re.findall(r"\d+", a)) != set(re.findall(r"\d+", b)):  # "3 hours" is only a duration once analysed
        return False
    said_a, said_b = ({stem(word) for word in _words(text) if analyse(word, vocabulary).anchors} for text in (a, b))
    return bool(said_a & said_b)


def question_topic(question: str, vocabulary: Vocabulary | None = None) -> str:
    """A name that two questions share whenever `same_question` calls them the same (their hard
    concepts and intents; same wording implies both), so work that must see every question like
    this one can be partitioned by it (help requests take a lock by topic while coalescing)."""
    analysis = analyse(question, vocabulary)
    return " ".join(sorted(analysis.hard)) + " | " + " ".join(sorted(analysis.intents))


# --- public helpers for callers outside the matcher ---------------------------------------------


def matches(index: Index, question: str) -> list[Match]:
    """Every entry of `index` that answers `question`, best first (ranked as `Index.best` ranks).

    For checks that must see all the facts a question reaches, not only the winner: a learned
    answer is compared with every seed fact its question would match (`knowledge.contradictions`).
    """
    return index.matches(question)
