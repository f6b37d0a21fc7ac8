"""Lexical, offline matching of a caller's question against knowledge entries.

The receptionist must never state a wrong fact: an unmatched question becomes a help request and
a person answers it, while a wrong match sends the caller away misinformed. So matching is built
as a chain of gates that each can only say "no", followed by a score that ranks what is left:

1. Analysis: normalise (contractions, fillers, punctuation), rewrite multi-word phrases, stem
   lightly, map synonyms to shared concepts (`lexicon.py`), and read off
   - content concepts ("balayage", "check", "hours"), some of them soft ("salon", "hair");
   - slots: days, holidays, audiences (men/women/children), service variants, staff members;
   - intents: what kind of information is asked for (a price, a duration, a time, a person ...).
2. Gates, per entry (any failure rules the entry out):
   - coverage: every content concept of the question appears in the entry, within its question
     plus one clause of its answer (sentences, and the comma/semicolon parts of a list, so "men's"
     and "color" cannot be picked from two different items of a menu), and every intent is
     satisfied there (a price needs "$45" or "free", a "who" question needs a staff member's
     name ...). A caller asking about a dog, parking or gift cards therefore gets no match: no
     entry mentions them;
   - slot agreement: a day, holiday, audience, variant or person named in the question must be
     the entry's; an entry whose own question names a day/holiday/audience/variant does not answer
     a question that leaves it open ("hours on Monday" is not "your hours");
   - a staff member's availability is never a general fact; safety words and complaints are only
     answered by an entry whose own question says the same (e.g. an answer learned for it);
   - the answer must speak about what is asked: the covering clause shares a concept with the
     question, or the entry's question is nearly the caller's (a learned "No." still answers the
     question it was learned for);
   - an anchor: the question must have one real topic word (not only "new", "free", "hair").
3. Score in [0, 1] for entries that pass: 0.5 + 0.5 * focus, where focus is the mean of two
   weighted Dice overlaps (rare words weigh more): question vs. the entry's own question, and
   question vs. the answer clause that covers it. An entry is matched at `MATCH_THRESHOLD`.
   The best entry wins; on a tie a learned or manual answer beats a seed fact, then the newest.
   A question whose normalised text equals an entry's question scores 1.0 (a learned answer
   always matches the wording it was learned from). An entry that fails a gate scores below 0.5
   (a share of the question-to-question overlap, shown to help debugging).

Everything works on plain `Document`s, so it is testable without a database; `services.py`
builds the index from the active `KnowledgeEntry` rows and caches it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from knowledge import lexicon
from knowledge.lexicon import AVAILABILITY, COUNT, DURATION, LOCATION, PERSON, PHONE, PRICE, WHEN, WORK

# An entry is matched at or above this score. Passing every gate gives 0.5 and the gates make the
# decisions that matter; the threshold only drops entries that barely touch the question (focus
# under 0.1: the caller's words are a small fraction of what the entry is about).
MATCH_THRESHOLD = 0.55
# Similarity to the entry's own question that counts as "nearly the same question". Needed when
# the question has no topic word of its own ("tell me about your services") or when the answer
# never mentions what was asked (a learned "No, sorry.").
SAME_QUESTION_MIN = 0.8

SLOT_KINDS = ("day", "holiday", "audience", "variant", "person")
# Slots that make an entry narrower than a question which leaves them open.
NARROWING_SLOTS = ("day", "holiday", "audience", "variant")
SOURCE_PREFERENCE = {"learned": 2, "manual": 2, "seed": 1}

INTENT_WEIGHT = 1.5
SOFT_WEIGHT = 0.3


# --- text analysis ------------------------------------------------------------------------------


def stem(word: str) -> str:
    """A small suffix stripper: plurals, -ing, -ed, -able/-ible and a final -e, so "closing",
    "closed" and "close" meet, and so do "access" and "accessible". Deliberately light: a wrong
    conflation could make two facts look alike."""
    if not word.isalpha() or len(word) <= 3:
        return word
    w = word
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith(("sses", "shes", "ches", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed", "ible", "able"):
        base = w[: -len(suffix)]
        if w.endswith(suffix) and len(base) >= (4 if suffix.endswith("ble") else 3) and re.search(r"[aeiouy]", base):
            w = base
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":  # cutting -> cut
                w = w[:-1]
            break
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def _build_word_table() -> tuple[dict[str, str], dict[str, str]]:
    by_surface: dict[str, str] = {}
    by_stem: dict[str, str] = {}
    for concept, words in lexicon.SYNONYMS.items():
        for word in words:
            by_surface[word] = concept
            by_stem.setdefault(stem(word), concept)
    return by_surface, by_stem


_SYNONYM_SURFACE, _SYNONYM_STEM = _build_word_table()
_STOP_STEMS = frozenset(stem(w) for w in lexicon.STOPWORDS | lexicon.FILLERS) - set(_SYNONYM_STEM)
_RISK = frozenset(stem(w) for w in lexicon.RISK_WORDS)
_MAX_PHRASE = max(len(k) for k in lexicon.PHRASES)

_CONTRACTIONS = [
    (r"\bcan't\b", "can not"),
    (r"\bwon't\b", "will not"),
    (r"n't\b", " not"),
    (r"'re\b", " are"),
    (r"'ve\b", " have"),
    (r"'ll\b", " will"),
    (r"'d\b", " would"),
    (r"'m\b", " am"),
    (r"'s\b", ""),  # possessive or "is": both carry no meaning here
    (r"s'(?=\s|$)", "s"),
]
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s?m\b\.?")
_DURATION_TEXT = re.compile(
    r"\b(?:\d+(?:\.\d+)?|an?|one|two|three|four|five|half an?)\s+(?:and a half\s+)?(?:hours?|hrs?|minutes?|mins?)\b"
)
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")


def _words(text: str) -> list[str]:
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    t = _CLOCK.sub(lambda m: f" {m.group(1)} {m.group(3)}m ", t)
    t = _DURATION_TEXT.sub(" duration ", t)  # "3 hours" is a duration, not opening hours
    for pattern, repl in _CONTRACTIONS:
        t = re.sub(pattern, repl, t)
    t = _ORDINAL.sub(r"\1", t)
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return t.split()


def _rewrite_phrases(words: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_PHRASE, len(words) - i), 1, -1):
            replacement = lexicon.PHRASES.get(tuple(words[i : i + size]))
            if replacement is not None:
                out.extend(replacement)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


@dataclass(frozen=True)
class Vocabulary:
    """What the matcher learns from the business profile: staff names and the salon's name."""

    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name word -> person slugs
    salon_words: frozenset[str] = frozenset()

    @classmethod
    def from_profile(cls, profile: Mapping | None) -> Vocabulary:
        profile = profile or {}
        people: dict[str, set[str]] = {}
        for person in [*(profile.get("staff") or []), *(profile.get("supervisors") or [])]:
            name = str((person or {}).get("name") or "").strip()
            if not name:
                continue
            words = [w for w in _words(name) if _is_plain_word(w)]
            slug = "-".join(_words(name))
            for word in words:
                people.setdefault(word, set()).add(slug)
        salon_words = frozenset(w for w in _words(str(profile.get("name") or "")) if _is_plain_word(w))
        return cls({w: tuple(sorted(s)) for w, s in people.items()}, salon_words)


def _is_plain_word(word: str) -> bool:
    """A name word that does not collide with the lexicon (a stylist called "May" stays a word)."""
    return (
        len(word) > 1
        and word not in lexicon.STOPWORDS
        and word not in lexicon.FILLERS
        and word not in lexicon.SURFACE
        and word not in _SYNONYM_SURFACE
    )


@dataclass(frozen=True)
class Analysis:
    """What a text says, as concepts. `key` is the normalised text, for exact-wording matches."""

    key: str
    concepts: frozenset[str]
    intents: frozenset[str]

    def slots(self, kind: str) -> frozenset[str]:
        return frozenset(c for c in self.concepts if c.startswith(kind + ":"))

    @property
    def hard(self) -> frozenset[str]:
        """Concepts an answer must contain: everything but soft words and numbers."""
        return frozenset(c for c in self.concepts if not _is_soft(c))

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(c for c in self.hard if c not in lexicon.MODIFIERS)

    @property
    def risky(self) -> frozenset[str]:
        return self.concepts & _RISK


def _is_soft(concept: str) -> bool:
    return concept in lexicon.SOFT or concept.startswith("num:") or concept == lexicon.DURATION_WORD


def analyse(text: str, vocabulary: Vocabulary | None = None) -> Analysis:
    """Concepts and intents of `text` (a caller's question, an entry's question or a sentence)."""
    vocabulary = vocabulary or Vocabulary()
    concepts: set[str] = set()
    intents: set[str] = set()
    words = _words(text)
    for word in _rewrite_phrases(words):
        for concept in _concepts_of(word, vocabulary):
            (intents if concept in lexicon.INTENTS else concepts).add(concept)
    if WORK in concepts:  # "is Jordan working" asks for availability; "how does it work" does not
        concepts.discard(WORK)
        if any(c.startswith("person:") for c in concepts):
            concepts.add(AVAILABILITY)
    key = " ".join(w for w in words if w not in lexicon.FILLERS)
    return Analysis(key, frozenset(concepts), frozenset(intents))


def _concepts_of(word: str, vocabulary: Vocabulary) -> tuple[str, ...]:
    if word.startswith("?") or ":" in word:
        return (word,)
    if word.startswith("@"):
        return (word[1:],)
    if word in vocabulary.people:
        return tuple(f"person:{slug}" for slug in vocabulary.people[word])
    if word in vocabulary.salon_words:
        return ("salon",)
    if word in lexicon.SURFACE:
        return lexicon.SURFACE[word]
    if word in _SYNONYM_SURFACE:
        return (_SYNONYM_SURFACE[word],)
    if word in lexicon.STOPWORDS or word in lexicon.FILLERS:
        return ()
    if word.isdigit():
        return (f"num:{int(word)}",)
    stemmed = stem(word)
    if stemmed in _SYNONYM_STEM:
        return (_SYNONYM_STEM[stemmed],)
    if stemmed in _STOP_STEMS:
        return ()
    return (stemmed,)


# What in an answer satisfies each intent.
_EVIDENCE_PATTERNS = {
    PRICE: re.compile(r"\$\s?\d|\b\d+\s?(?:dollars|bucks)\b|%|\bpercent\b|\bfree\b|\bno charge\b|\bcomplimentary\b"),
    DURATION: re.compile(
        r"\b(?:\d+(?:\.\d+)?|an?|one|two|three|half an?)\s+(?:and a half\s+)?(?:hours?|hrs?|minutes?|mins?|days?)\b"
    ),
    WHEN: re.compile(
        r"\b\d{1,2}(?::\d{2})?\s*(?:am|pm|a\.m\.|p\.m\.)|\b\d{1,2}:\d{2}\b|\bnoon\b|\bmidnight\b|\bclosed\b"
        r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b"
        r"|\b\d+\s+(?:hours?|minutes?|days?)\s+(?:ahead|before|in advance)"
    ),
    LOCATION: re.compile(
        r"\b\d+\s+(?:[a-z]+\s+){1,3}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|way|drive|dr|place|pl)\b"
    ),
    PHONE: re.compile(r"\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b"),
    COUNT: re.compile(r"\b\d+\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"),
}


def evidence(text: str, analysis: Analysis) -> frozenset[str]:
    """The intents this text can answer: it states a price, a time, a staff member's name ..."""
    lowered = text.lower()
    found = {intent for intent, pattern in _EVIDENCE_PATTERNS.items() if pattern.search(lowered)}
    if analysis.slots("person"):
        found.add(PERSON)
    return frozenset(found)


_CLAUSE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|[;:]\s+|,(?!\d)\s*")


def clauses(text: str) -> list[str]:
    """Sentences, and the comma- or semicolon-separated parts of each: the items of a list stay
    apart, so one item's words never combine with another's ("Sam ..., Jordan (colorist)")."""
    parts = [p.strip() for p in _CLAUSE_END.split(text.strip())]
    return [p for p in parts if p] or [text]


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
    plus one such clause (`concepts`, `satisfies`); `own` is what the clause alone is about."""

    concepts: frozenset[str]
    satisfies: frozenset[str]
    own: frozenset[str]


@dataclass(frozen=True)
class _Entry:
    document: Document
    question: Analysis
    all_concepts: frozenset[str]
    units: tuple[_Unit, ...]


class Index:
    """The active entries, analysed once; `best()` answers a question against them."""

    def __init__(self, documents: Iterable[Document], vocabulary: Vocabulary | None = None):
        self.vocabulary = vocabulary or Vocabulary()
        self.entries = [self._prepare(d) for d in documents]
        df: Counter[str] = Counter()
        for entry in self.entries:
            df.update(entry.all_concepts)
        n = max(len(self.entries), 1)
        self._idf = {c: math.log(1 + n / k) for c, k in df.items()}
        self._unseen_idf = math.log(1 + n)

    def _prepare(self, document: Document) -> _Entry:
        question = analyse(document.question, self.vocabulary)
        question_evidence = evidence(document.question, question) | question.intents
        units = []
        all_concepts = set(question.concepts)
        for clause in clauses(document.answer):
            part = analyse(clause, self.vocabulary)
            all_concepts |= part.concepts
            satisfies = evidence(clause, part) | part.intents
            units.append(
                _Unit(question.concepts | part.concepts, question_evidence | satisfies, part.concepts | satisfies)
            )
        return _Entry(document, question, frozenset(all_concepts), tuple(units))

    def weight(self, concept: str) -> float:
        if concept in lexicon.INTENTS:
            return INTENT_WEIGHT
        idf = self._idf.get(concept, self._unseen_idf)
        return idf * SOFT_WEIGHT if _is_soft(concept) else idf

    def _dice(self, a: frozenset[str], b: frozenset[str]) -> float:
        total = sum(self.weight(c) for c in a) + sum(self.weight(c) for c in b)
        return 2 * sum(self.weight(c) for c in a & b) / total if total else 0.0

    def best(self, question: str) -> Match:
        """The best entry for `question`; `matched` only when it passes every gate and the threshold."""
        query = analyse(question, self.vocabulary)
        best = Match(None, 0.0, False, "no entries")
        best_rank: tuple = (-1.0,)
        for entry in self.entries:
            score, reason = self._score(query, entry)
            rank = (score, SOURCE_PREFERENCE.get(entry.document.source, 0), entry.document.id)
            if rank > best_rank:
                best_rank = rank
                best = Match(entry.document, round(score, 4), score >= MATCH_THRESHOLD, reason)
        return best

    def _score(self, query: Analysis, entry: _Entry) -> tuple[float, str]:
        """(score, reason): 1.0 for the same wording; >= 0.5 only when every gate passes; below
        0.5 (a share of the question-to-question similarity, for display) when one fails."""
        if query.key and query.key == entry.question.key:
            return 1.0, "same question"
        asked = query.concepts | query.intents
        if not asked:
            return 0.0, "nothing to match"
        similarity = self._dice(asked, entry.question.concepts | entry.question.intents)
        units = [u for u in entry.units if query.hard <= u.concepts and query.intents <= u.satisfies]
        # How much the covering clause is about the question; what a clause can answer (a price,
        # a name) counts only when it was asked for.
        aboutness = max(
            (self._dice(asked, (u.own - lexicon.INTENTS) | (u.own & query.intents)) for u in units), default=0.0
        )
        failed = _failed_gate(query, entry, units, similarity, aboutness)
        if failed:
            return 0.49 * similarity, failed
        return 0.5 + 0.5 * (similarity + aboutness) / 2, "covered"


def _failed_gate(query: Analysis, entry: _Entry, units: list[_Unit], similarity: float, aboutness: float) -> str:
    """Why `entry` cannot answer `query`, or "" when it can. Each rule only ever refuses."""
    if query.risky - entry.question.concepts:
        return "a safety or complaint word the entry's question does not share"
    for kind in SLOT_KINDS:
        named = query.slots(kind)
        if not named <= entry.all_concepts:
            return f"the question names a {kind} the entry does not"
        if kind in NARROWING_SLOTS and not named and entry.question.slots(kind):
            return f"the entry is about a {kind} the question leaves open"
    if AVAILABILITY in query.concepts and query.slots("person"):
        if not ({AVAILABILITY} | query.slots("person")) <= entry.question.concepts:
            return "a staff member's availability is not a general fact"
    if not units:
        return "the entry does not cover every word or what is asked"
    if not aboutness and similarity < SAME_QUESTION_MIN:
        return "the answer does not speak about what is asked"
    if not query.anchors and similarity < SAME_QUESTION_MIN:
        return "the question has no topic word of its own"
    return ""
