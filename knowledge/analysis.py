"""Reading a text as concepts: a caller's question, an entry's question, a clause of an answer.

Matching (`matching.py`) compares what texts say, not their words, so every text is read here the
same way, knowing nothing of the knowledge entries: what a question means against them is the
index's to decide (`Index.analysis`), with the readings kept here. So this module never imports
`matching`.

Normalise (contractions, fillers, punctuation, ages), rewrite the salon's vocabulary
terms (`vocabulary.py`: data the salon extends in admin) and multi-word phrases, look words
and their lemmas up (`spelling.lemmas`), stem the rest lightly, map synonyms to shared
concepts (`lexicon.py`), and read off
- content concepts ("balayage", "check", "hours"), some of them soft ("salon", "hair");
- slots: days, holidays, audiences (men/women/children), service variants, staff members;
- intents: what kind of information is asked for (a price, a duration, a time, a person ...).
Also marked: a "when" that joins two clauses (no time is asked), the caller's own booking or
bill ("when is my appointment?"), and a word said right before a compound head ("color" in
"color consultations", "late" in "late cancellations"). "Today" weighs nothing in a question about
a policy or a named day (`_timeless`).
`informativeness` says how much a word nobody knows tells; `evidence` which intents a text can
answer; `clauses` and `_listed` cut an answer into the clauses a question must be covered by,
each item of a list after the first said with the list's lead.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from knowledge import concerns, lexicon, spelling
from knowledge.lexicon import (
    AVAILABILITY,
    COUNT,
    DAYPART,
    DURATION,
    HOURS,
    INTENTS,
    LOCATION,
    NOW,
    PERSON,
    PERSONAL,
    PHONE,
    PRICE,
    WHEN,
    WHEREABOUTS,
    WORK,
)
from knowledge.vocabulary import Term, default_terms

AGE = "age:"  # an age said in the question, `age:15`
UNKNOWN = "unknown:"  # a word neither the salon nor English knows, see `Index.analysis`
# Slots that make an entry narrower than a question which leaves them open.
NARROWING_SLOTS = ("day", "holiday", "audience", "variant")


def informativeness(word: str) -> float:
    """How much a word nobody knows tells, from 0 to 1, by its length: a letter or two ("r",
    "ya") is an abbreviation that says little, five letters or more ("olaplex") may be the name
    of a thing the salon never wrote down, as informative as any word the index has never seen."""
    return min(1.0, max(0, len(word) - 1) / 4)


# Chat spellings of a sound ("lite" for "light", "highlites"): a word the salon does not know is
# corrected toward the salon's words as it is written and as it would be spelled.
_RESPELLINGS = ((re.compile(r"ite(s?)$"), r"ight\1"),)


def respelled(word: str) -> str:
    """`word` with the chat spellings of a sound written out ("hilites" -> "hilights"), or as it is."""
    for pattern, spelled in _RESPELLINGS:
        word = pattern.sub(spelled, word)
    return word


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


def meaning_stem(word: str) -> str | None:
    """The stem by which other forms of `word` mean what it means, or None when that stem only
    drops a final "e" and is then another word of English ("sit" of "site": "sit still" says
    nothing of a website)."""
    stemmed = stem(word)
    return None if word == stemmed + "e" and spelling.another_word(stemmed, word) else stemmed


def _build_word_table() -> tuple[dict[str, str], dict[str, str]]:
    """Each synonym's concept by the word as written and by its `meaning_stem`."""
    by_surface: dict[str, str] = {}
    by_stem: dict[str, str] = {}
    for concept, words in lexicon.SYNONYMS.items():
        for word in words:
            by_surface[word] = concept
            if (stemmed := meaning_stem(word)) is not None:
                by_stem.setdefault(stemmed, concept)
    return by_surface, by_stem


_SYNONYM_SURFACE, _SYNONYM_STEM = _build_word_table()
_STOP_STEMS = frozenset(stem(w) for w in lexicon.STOPWORDS | lexicon.FILLERS) - set(_SYNONYM_STEM)
_EVALUATIVE = frozenset(stem(w) for w in lexicon.EVALUATIVE)
# Modifiers as they are read: a word no list holds is read as its stem ("same" as "sam").
_MODIFIERS = lexicon.MODIFIERS | frozenset(stem(w) for w in lexicon.MODIFIERS)
_MAX_PHRASE = max(len(k) for k in lexicon.PHRASES)
# Concepts the lexicon names itself (a word read as one of these is not "unlisted").
_KNOWN_CONCEPTS = (
    frozenset(lexicon.SYNONYMS)
    | lexicon.SOFT
    | _MODIFIERS
    | lexicon.COMPOUND_HEADS
    | frozenset(lexicon.IMPLIES)
    | frozenset(c for implied in lexicon.IMPLIES.values() for c in implied)
    | _EVALUATIVE
)

_CONTRACTIONS = [
    # the plural "you" of spoken English: "y'all", "you lot", "yous"
    (r"\by'?all\b|\byou (?:all|lot|guys)\b|\byouse?\b", "you"),
    # typed without the apostrophe ("wheres", "dont", "im"); not "its", "ill" or "id", words too
    (r"\b(what|where|who|when|how|that|there|here)s\b", r"\1"),
    (r"\b(do|does|did|is|are|was|were|would|could|should|have|has)nt\b", r"\1 not"),
    (r"\bcant\b", "can not"),
    (r"\bim\b", "i am"),
    (r"\bive\b", "i have"),
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
# "3 hours", "twenty minutes", "twenty-five mins", "a few minutes": how long, said in a text
_AMOUNT = (
    r"(?:\d+(?:\.\d+)?|an?|half an?|a few|a couple(?: of)?|(?:thirty|forty|fifty|sixty|"
    + "|".join(lexicon.NUMBER_WORDS)
    + r")(?:[\s-](?:one|two|three|four|five|six|seven|eight|nine))?)"
)
_DURATION_TEXT = re.compile(rf"\b{_AMOUNT}\s+(?:and a half\s+)?(?:hours?|hrs?|minutes?|mins?)\b")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
# An age said with a person ("my 15 year old", "she's 15", "age 8"): read as `age:N`, so an entry
# for children "under 12" is not given for a 15-year-old.
_NUMBER = r"(\d{1,2}|" + "|".join(lexicon.NUMBER_WORDS) + r")"
_AGE = re.compile(
    rf"\b{_NUMBER}[\s-]*(?:years?|yrs?|yr)[\s-]*olds?\b|\b{_NUMBER}\s*y/?o\b|\b(?:aged?|ages)\s+{_NUMBER}\b"
)
_AGE_OF = re.compile(
    rf"\b(he|she|(?:grand|step)?(?:son|daughter)|kid|child|boy|girl|niece|nephew)"
    r"(?:(?:'s|\s+is)(?:\s+(?:just\s+)?(?:turned|turning|going\s+on))?|\s+(?:just\s+)?(?:turned|turns|turning)"
    r"|\s+(?:has|have|having))"  # "my son have 6 years": the age said as in French or Spanish
    rf"\s+{_NUMBER}(?:\s+(?:years?|yrs?)(?:\s+old)?)?\b"
)
# "under twelves", "under-5s": an age limit said with a plural number
_PLURAL_AGE = re.compile(rf"\b(under|over)[\s-]+{_NUMBER}s\b")
_AGE_TOKEN = "agedyears"


def _age_token(said: str) -> str:
    return f" {_AGE_TOKEN}{int(said) if said.isdigit() else lexicon.NUMBER_WORDS.index(said)} "


# The caller asks about their own booking, stylist or bill ("when is my appointment?", "do I have
# a booking?", "am I booked in?") or asks the salon to change it or look it up: marked with a word
# the lexicon reads as `PERSONAL`.
_RECORD = r"(?:appointment|appt|booking|reservation|stylist|colou?rist|barber|hairdresser|balance|bill|total|order)s?"
_PERSONAL = re.compile(
    rf"(?:\b(?:is|was|are|were)\s+|'s\s+)my\s+(?:next\s+|upcoming\s+|last\s+)?{_RECORD}\b"
    rf"|\b(?:do|did)\s+i\s+(?:still\s+)?have\s+(?:an?|my|any)\s+{_RECORD}\b"
    r"|\bam\s+i\s+(?:booked|scheduled|on the (?:list|schedule|books))\b"
    # asked to act on it: "please cancel my appointment", "can you move my booking" (not "can I ...")
    r"|\b(?:please|pls|plz|(?:can|could|would|will)\s+(?:you|u))\s+(?:just\s+)?"
    rf"(?:cancel|reschedule|move|change|push\s+back|rebook)\s+(?:my|our)\s+{_RECORD}\b"
    # or to look it up: "can you look up my appointment?", "pull up my booking"
    rf"|\b(?:look\s+up|pull\s+up|check\s+on|look\s+for|find)\s+(?:my|our)\s+{_RECORD}\b"
)


# The day of the caller's own booking ("cancel my Saturday appointment", "my appt tmrw morning")
# says which booking is meant, not a day a policy or a price is asked for: the day is dropped.
_DAY_WORD = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?|tomorrow|tmrw|tmr|today|tonight)"
_DAYPART_WORD = r"(?:morning|afternoon|evening|night)s?"
_WHEN_OF_IT = rf"(?:{_DAY_WORD}(?:\s+{_DAYPART_WORD})?|{_DAYPART_WORD})"
_DAY_OF_MY_BOOKING = re.compile(
    rf"\b(my|our)\s+(?:next\s+|this\s+)?{_WHEN_OF_IT}\s+(appointment|appt|booking|reservation)s?\b"
    rf"|\b(my|our)\s+(appointment|appt|booking|reservation)s?(?:\s+(?:on|for|this|next))*\s+{_WHEN_OF_IT}\b"
)


def _without_the_day_of_my_booking(text: str) -> str:
    return _DAY_OF_MY_BOOKING.sub(lambda m: f"{m.group(1) or m.group(3)} {m.group(2) or m.group(4)}", text)


# "when a chair is free" says available, not no charge.
_FREE_AS_AVAILABLE = re.compile(
    r"\b(chairs?|seats?|spots?|slots?|stations?|stylists?|someone|anyone|somebody|anybody|one)\s+(is|are|gets?)\s+free\b"
)


# "First" ending a clause is an adverb, "beforehand" ("could I talk to somebody about colour first,
# and would that cost anything?"), and says nothing; before a noun it qualifies it ("my first color
# appointment").
# A spoken "-ing" written without its "g" ("havin' a break", "what're you chargin"), with or
# without the apostrophe: a word English does not know whose "-ing" form it does (`_with_the_g`).
_DROPPED_G = re.compile(r"\b([a-z]{2,}in)['\u2019]?(?![a-z'\u2019])")


def _with_the_g(found: re.Match) -> str:
    word = found.group(1)
    return word + "g" if not spelling.is_english(word) and spelling.is_english(word + "g") else found.group(0)


_FIRST_AS_BEFOREHAND = re.compile(r"\bfirst\b(?=\s*(?:[,.;:!?)]|$|(?:and|then|or|so|but|before|please|pls|thanks)\b))")


# A beard trimmed, said verb first ("trim my dad's beard", "tidy up his beard", "a trim of the
# beard"), is a beard trim; whose beard it is stays said after it.
_BEARD_TRIMMED = re.compile(
    r"\b(?:trim|trimmed|trimming|tidy(?: up)?|tidied(?: up)?|neaten|shape up|clean up)\s+"
    r"((?:(?:my|his|her|your|their|our|a|the|[a-z]+'s)\s+){0,2})beards?\b"
    r"|\b(?:trim|tidy(?: up)?|tidy-up|shape up|clean up)\s+of\s+"
    r"((?:(?:my|his|her|your|their|our|the|[a-z]+'s)\s+){0,2})beards?\b"
)

# A beard said first and groomed by pronoun after ("his beard's out of hand, what to tidy it up?").
_BEARD_POINTED_TO = re.compile(
    r"\bbeards?\b(?P<between>[^.?!]{0,80}?)\b(?:trim|tidy|neaten|shape|clean)\s+(?:it|that|them)(?:\s+up)?\b"
)


# A phone a caller pays with is a wallet on it, not the salon's number ("use Google Pay on our
# phones", "tap to pay with my phone").
_PAID_BY_PHONE = re.compile(
    r"\b((?:apple|google|samsung) pay|pay|paying|tap)\b([^,.;!?]*?)\s+(?:on|with|from|using|via)\s+"
    r"(?:my|our|your|their|his|her|a|the)\s+(?:phones?|mobiles?|cell ?phones?|iphones?|androids?)\b"
)


def _lowered(text: str) -> str:
    """Lower case, one apostrophe, and letters without their accents ("fiancée" is "fiancee")."""
    t = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    if not t.isascii():
        t = "".join(ch for ch in unicodedata.normalize("NFKD", t) if not unicodedata.combining(ch))
    return _FREE_AS_AVAILABLE.sub(r"\1 \2 available", t)


# Numbers said in words beyond twenty ("one hundred and twenty", "forty-five"), as a transcript of
# speech gives them, are the digits they say: a price or a time is then read as if typed.
_UNIT = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "|".join(lexicon.TENS_WORDS)
_BELOW_HUNDRED = rf"(?:({_TENS})(?:[\s-]+({_UNIT}))?|({'|'.join(lexicon.NUMBER_WORDS[1:])}))"
_SPOKEN_NUMBER = re.compile(
    rf"\b(?:(a|{_UNIT})\s+hundred(?:\s+and)?(?:\s+{_BELOW_HUNDRED})?|({_TENS})(?:[\s-]+({_UNIT}))?)\b"
)


def _spoken_number(m: re.Match[str]) -> str:
    """The digits of a number said in words that `_SPOKEN_NUMBER` found."""
    hundreds, tens, tens_unit, small, bare_tens, bare_unit = m.groups()
    value = 100 * (1 if hundreds == "a" else lexicon.NUMBER_WORDS.index(hundreds)) if hundreds else 0
    tens, unit = (tens, tens_unit) if hundreds else (bare_tens, bare_unit)
    if tens:
        value += 10 * (lexicon.TENS_WORDS.index(tens) + 2) + (lexicon.NUMBER_WORDS.index(unit) if unit else 0)
    elif small:
        value += lexicon.NUMBER_WORDS.index(small)
    return str(value)


# "What does a wedding updo run?": what a thing runs (you) is what it costs.
_WHAT_IT_RUNS = re.compile(r"\b(what|how much)\s+(does|do|would|will|did)\s+((?:[\w'-]+\s+){1,5}?)run\b")

# A sum of money stated ("is it $120?", "120 bucks") asks what the thing costs, whether the
# caller's figure is right or not; the entry's own price is the answer.
_DOLLAR_SIGN = re.compile(r"\$\s?(?=\d)")


# A "when" that opens a sentence asks ("Saturdays get busy. When should I book?"), as it does after
# "so" (`lexicon.QUESTION_LEADS`); the marks are gone once the text is words.
_WHEN_OPENING_A_SENTENCE = re.compile(r"([.?!;])\s*when\b")


def _words(text: str) -> list[str]:
    t = _DROPPED_G.sub(_with_the_g, _lowered(text))
    t = _BEARD_TRIMMED.sub(lambda m: f"beard trim {m.group(1) or m.group(2) or ''}", _FIRST_AS_BEFOREHAND.sub(" ", t))
    t = _BEARD_POINTED_TO.sub(r"beard\g<between>beard trim", t)
    t = _DOLLAR_SIGN.sub(" dollars ", _SPOKEN_NUMBER.sub(_spoken_number, t))
    t = _WHAT_IT_RUNS.sub(r"\1 \2 \3cost", t)
    t = _without_the_day_of_my_booking(t)
    t = _PAID_BY_PHONE.sub(r"\1\2 mobilepay", t)
    t = _PERSONAL.sub(lambda m: f"{m.group(0)} personalrecord ", t)
    t = _PLURAL_AGE.sub(r"\1 \2", t)
    t = _AGE.sub(lambda m: _age_token(next(group for group in m.groups() if group)), t)
    t = _AGE_OF.sub(lambda m: m.group(1) + _age_token(m.group(2)), t)
    t = _CLOCK.sub(lambda m: f" {m.group(1)} {m.group(3)}m ", t)
    t = _DURATION_TEXT.sub(" duration ", t)  # "3 hours" is a duration, not opening hours
    for pattern, repl in _CONTRACTIONS:
        t = re.sub(pattern, repl, t)
    t = _ORDINAL.sub(r"\1", t)
    t = _WHEN_OPENING_A_SENTENCE.sub(r"\1 so when", t)
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return t.split()


def _rewrite_phrases(words: list[str], vocabulary: Vocabulary, who: bool = False) -> list[str]:
    """Multi-word expressions (and the salon's vocabulary terms, single words too) rewritten to
    their concepts, longest first; a vocabulary term wins over the lexicon at the same length.
    `who`: the question asks for a person, so terms meant only then apply."""
    out: list[str] = []
    terms = vocabulary.phrases(who)
    longest = max(_MAX_PHRASE, vocabulary.longest)
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            replacement = _phrase(tuple(words[i : i + size]), terms)
            if replacement is not None:
                out.extend(replacement)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _phrase(said: tuple[str, ...], terms: Mapping[tuple[str, ...], tuple[str, ...]]) -> tuple[str, ...] | None:
    """What `said` is rewritten to, if it is a term or a phrase; its last word may be inflected
    ("skin fades" is the term "skin fade", "how many hour" the phrase "how many hours")."""
    for form in (said, *(said[:-1] + (base,) for base in spelling.lemmas(said[-1]))):
        found = terms.get(form)
        if found is None and len(form) > 1:
            found = lexicon.PHRASES.get(form, lexicon.PHRASES.get(form[:-1] + (form[-1] + "s",)))
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Vocabulary:
    """What the matcher learns from the salon: staff names and the salon's name (the business
    profile), its timezone (for "tomorrow"), and its vocabulary terms (`knowledge.vocabulary`:
    the database's rows, or the bundled defaults)."""

    people: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # name word -> person slugs
    salon_words: frozenset[str] = frozenset()
    terms: tuple[Term, ...] = field(default_factory=default_terms)
    timezone: str = "UTC"

    def __hash__(self) -> int:
        # Hashable (the mapping is never changed after construction) so analyses can be cached;
        # computed once, since every cached analysis looks it up.
        return self._hash

    @cached_property
    def _hash(self) -> int:
        return hash((tuple(sorted(self.people.items())), self.salon_words, self.terms, self.timezone))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Vocabulary):
            return NotImplemented
        fields = ("people", "salon_words", "terms", "timezone")
        return all(getattr(self, name) == getattr(other, name) for name in fields)

    @cached_property
    def _phrase_tables(self) -> tuple[dict[tuple[str, ...], tuple[str, ...]], dict[tuple[str, ...], tuple[str, ...]]]:
        """(terms for any question, terms for a question asking for a person), as word tuples
        normalised like a caller's text, mapped to tokens `_concepts_of` reads unstemmed."""
        always: dict[tuple[str, ...], tuple[str, ...]] = {}
        for_who: dict[tuple[str, ...], tuple[str, ...]] = {}
        for term in self.terms:
            said = tuple(_words(term.phrase))
            if said:
                meaning = tuple(c if c.startswith("?") or ":" in c else "@" + c for c in term.means.split())
                (for_who if term.asking_who else always)[said] = meaning
        return always, {**always, **for_who}

    def phrases(self, who: bool = False) -> dict[tuple[str, ...], tuple[str, ...]]:
        return self._phrase_tables[1 if who else 0]

    @cached_property
    def longest(self) -> int:
        return max((len(said) for said in self._phrase_tables[1]), default=1)

    @cached_property
    def asks_who(self) -> bool:
        """Whether some term means something only in a question asking for a person."""
        return any(term.asking_who for term in self.terms)

    @classmethod
    def from_profile(cls, profile: Mapping | None, terms: Iterable[Term] | None = None) -> Vocabulary:
        """`terms`: the salon's vocabulary (default: the bundled one)."""
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
        return cls(
            {w: tuple(sorted(s)) for w, s in people.items()},
            salon_words,
            tuple(terms) if terms is not None else default_terms(),
            str(profile.get("timezone") or "UTC"),
        )


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
    """What a text says, as concepts. `key` is the normalised text, for exact-wording matches.

    `modifiers` are (concept, head) pairs for a word said right before a compound head ("color"
    in "color consultations"); `loose` are the concepts said at least once on their own.
    `unlisted` are (concept, word) pairs for words no list knows (read as their stem): what an
    index makes of them depends on its entries (`Index.analysis`). `unknown` are the words an
    index found in neither the salon's vocabulary nor English: they only weigh against a match.
    `kinds` are (concept, next concept) pairs for a word said right before the next one with a
    meaning, a small word or none between ("tape" and "extension" in "tape-in extensions")."""

    key: str
    concepts: frozenset[str]
    intents: frozenset[str]
    modifiers: frozenset[tuple[str, str]] = frozenset()
    loose: frozenset[str] = frozenset()
    unlisted: frozenset[tuple[str, str]] = frozenset()
    unknown: frozenset[str] = frozenset()
    kinds: frozenset[tuple[str, str]] = frozenset()
    alternatives: bool = False  # "or" between two things ("cash or card"), see `_Unit.alternatives`

    @property
    def terms(self) -> frozenset[str]:
        """What a match is weighed on: concepts, intents, and each unknown word as `unknown:`."""
        return self.concepts | self.intents | frozenset(UNKNOWN + word for word in self.unknown)

    def slots(self, kind: str) -> frozenset[str]:
        return frozenset(c for c in self.concepts if c.startswith(kind + ":"))

    @property
    def hard(self) -> frozenset[str]:
        """Concepts an answer must contain: everything but soft words and numbers."""
        return frozenset(c for c in self.concepts if not _is_soft(c))

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(c for c in self.hard if c not in _MODIFIERS)

    @property
    def risky(self) -> frozenset[str]:
        return frozenset(c for c in self.concepts if concerns.risky(c))

    def without(self, dropped: Iterable[str]) -> Analysis:
        """This reading as if `dropped` had not been said: gone from the concepts, the loose ones,
        the modifiers and the unlisted words."""
        dropped = frozenset(dropped)
        return replace(
            self,
            concepts=self.concepts - dropped,
            loose=self.loose - dropped,
            modifiers=frozenset(m for m in self.modifiers if m[0] not in dropped),
            unlisted=frozenset(pair for pair in self.unlisted if pair[0] not in dropped),
        )


def _is_soft(concept: str) -> bool:
    return (
        concept in lexicon.SOFT
        or concept.startswith(("num:", AGE))
        or concept == lexicon.DURATION_WORD
        or concept.startswith(UNKNOWN)
    )


@lru_cache(maxsize=1)
def _bundled_vocabulary() -> Vocabulary:
    """The vocabulary of a text read without a salon's: the bundled defaults, built once (its
    phrase tables are read from every term)."""
    return Vocabulary()


@lru_cache(maxsize=50_000)
def analyse(text: str, vocabulary: Vocabulary | None = None) -> Analysis:
    """Concepts and intents of `text` (a caller's question, an entry's question or a sentence).

    Cached: an Analysis is immutable, and the same texts come back again and again (each new
    help request is compared with every pending question, word by word)."""
    vocabulary = vocabulary or _bundled_vocabulary()
    words = _words(text)
    analysis = _analyse(words, vocabulary, who=False)
    if vocabulary.asks_who and PERSON in analysis.intents:
        analysis = _analyse(words, vocabulary, who=True)
    return analysis


def _analyse(words: list[str], vocabulary: Vocabulary, who: bool) -> Analysis:
    concepts: set[str] = set()
    intents: set[str] = set()
    modifiers: set[tuple[str, str]] = set()
    loose: set[str] = set()
    unlisted: set[tuple[str, str]] = set()
    tokens = _rewrite_phrases(words, vocabulary, who)
    read = [
        ()
        if (word == "when" and i and tokens[i - 1] not in lexicon.QUESTION_LEADS | lexicon.FILLERS)
        or _relative_where(tokens, i, vocabulary)
        else _concepts_of(word, vocabulary)  # "... when I book": a conjunction, asks for no time
        for i, word in enumerate(tokens)
    ]
    read = [_role_dealt_with(tokens, i, found) for i, found in enumerate(read)]
    for word, found in zip(tokens, read, strict=True):
        if len(found) == 1 and _is_unlisted(word, found[0]):
            unlisted.add((found[0], word))
    for i, found in enumerate(read):
        heads = lexicon.COMPOUND_HEADS.intersection(read[i + 1]) if i + 1 < len(read) else ()
        for concept in found:
            if concept in INTENTS:
                intents.add(concept)
                continue
            concepts.add(concept)
            if heads and ":" not in concept and not _is_soft(concept) and concept not in heads:
                modifiers.update((concept, head) for head in heads)
            else:
                loose.add(concept)
    for concept in list(concepts):
        implied = lexicon.IMPLIES.get(concept, ())
        concepts.update(implied)
        loose.update(implied)
    names_person = any(c.startswith("person:") for c in concepts)
    if WORK in concepts:
        # "is Jordan working" asks for availability, "who works there" for the team; "how does
        # it work" for neither
        concepts.discard(WORK)
        if names_person:
            concepts.add(AVAILABILITY)
        elif PERSON in intents:
            concepts.add(lexicon.STAFF)
            loose.add(lexicon.STAFF)
    if PERSON in intents:  # "who's best for highlights" asks who does them, not for a ranking
        concepts -= _EVALUATIVE
        if not names_person:  # "who should I book with for balayage?": booking is the channel
            concepts.discard(lexicon.BOOK)
    if WHEREABOUTS in concepts:  # "where are you?" is the salon's location; "where do I park?" is not
        concepts.discard(WHEREABOUTS)
        loose.discard(WHEREABOUTS)
        if not any(not _is_soft(c) for c in concepts):
            concepts.add("location")
            loose.add("location")
    if DAYPART in concepts and HOURS in concepts:  # "open Friday night" is answered by the times
        concepts.discard(DAYPART)
        intents.add(WHEN)
    if NOW in concepts and _timeless(concepts, intents):
        concepts.discard(NOW)
        loose.discard(NOW)
    key = " ".join(w for w in words if w not in lexicon.FILLERS)
    unlisted = {pair for pair in unlisted if pair[0] in concepts}
    return Analysis(
        key,
        frozenset(concepts),
        frozenset(intents),
        frozenset(modifiers),
        frozenset(loose),
        frozenset(unlisted),
        kinds=_kinds(read),
        alternatives=_alternatives(tokens, read, PERSON in intents),
    )


def _relative_where(tokens: list[str], i: int, vocabulary: Vocabulary) -> bool:
    """Whether the "where" at `i` begins a relative clause ("a site online where I can look things
    up"): a thing named right before it, a subject right after. It asks for no place. Not when
    only "is" or "are" follows the subject: "the salon, where it is?" asks where, in the word order
    of other languages."""
    if tokens[i] != "where" or not 0 < i < len(tokens) - 1 or tokens[i + 1] not in lexicon.RELATIVE_SUBJECTS:
        return False
    if tokens[i + 2 : i + 3] in (["is"], ["are"]) and len(tokens) <= i + 4:
        return False
    before = tokens[i - 1]
    named = _concepts_of(before, vocabulary)
    return before not in lexicon.QUESTION_LEADS and bool(named) and not any(c in INTENTS for c in named)


def _role_dealt_with(tokens: list[str], i: int, found: tuple[str, ...]) -> tuple[str, ...]:
    """A role ("stylist", "colorist") asks for a person unless a verb of dealing with someone
    already there comes before it (`lexicon.DEALT_WITH`: "do I tip the stylist?"): then it is only
    who is dealt with. "who", which is nothing but the asking, always asks."""
    if PERSON not in found or len(found) == 1:
        return found
    j = i - 1
    while j >= 0 and tokens[j] in lexicon.DEALT_WITH_BETWEEN:
        j -= 1
    if j >= 0 and tokens[j].removeprefix("@") in lexicon.DEALT_WITH:  # "@consultation": a term's concept
        return tuple(c for c in found if c != PERSON)
    return found


def _alternatives(tokens: list[str], read: list[tuple[str, ...]], asks_who: bool = False) -> bool:
    """Whether the question offers alternatives: an "or" with a content word within three words
    before it and five after it ("cash or is it card only", "apple pay or is it like only
    cards"), not "or" alone ("... or not" is a filler). Asking
    who does one thing "and" another ("who does men's cuts and fades?") asks for the person whose
    list holds both, so there an "and" joins the items of one list too, as it does between two
    holidays ("are you open on Thanksgiving and Christmas Day?": the list of holidays answers)."""
    joins = ("or", "and") if asks_who else ("or",)

    def content(found: tuple[str, ...]) -> bool:
        return any(c not in INTENTS and not _is_soft(c) for c in found)

    def holidays(found: Iterable[tuple[str, ...]]) -> bool:
        return any(c.startswith("holiday:") for f in found for c in f)

    return any(
        (word in joins or (word == "and" and holidays(read[max(0, i - 3) : i]) and holidays(read[i + 1 : i + 6])))
        and any(content(f) for f in read[max(0, i - 3) : i])
        and any(content(f) for f in read[i + 1 : i + 6])
        for i, word in enumerate(tokens)
    )


def _kinds(read: list[tuple[str, ...]]) -> frozenset[tuple[str, str]]:
    """(concept, next concept) for each word with a meaning and the next one, at most one word
    without a meaning between them: what may say which kind of the next thing is meant."""
    meant = [(i, found) for i, found in enumerate(read) if found]
    return frozenset(
        (concept, head)
        for (i, found), (j, following) in zip(meant, meant[1:], strict=False)
        if j - i <= 2
        for concept in found
        for head in following
        if concept not in INTENTS and head not in INTENTS
    )


def _timeless(concepts: set[str], intents: set[str]) -> bool:
    """Whether a present-time word ("today", "this week") changes nothing about the answer: a day
    is named ("open on Sunday this week" is Sunday's hours), or the question is about a policy, and
    not about a free chair, a staff member or the caller's own booking."""
    if AVAILABILITY in concepts or PERSONAL in concepts or PERSON in intents:
        return False
    if any(c.startswith("person:") for c in concepts):
        return False
    return any(c.startswith("day:") for c in concepts) or bool(concepts & lexicon.POLICIES)


def _is_unlisted(word: str, concept: str) -> bool:
    """Whether `concept` is the bare stem of a word no list of the lexicon or vocabulary holds."""
    return word.isalpha() and concept == stem(word) and concept not in _KNOWN_CONCEPTS and not concerns.risky(concept)


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
    if word.startswith(_AGE_TOKEN) and word[len(_AGE_TOKEN) :].isdigit():
        return (AGE + word[len(_AGE_TOKEN) :],)
    forms = spelling.lemmas(word)  # "ringlets" -> "ringlet", "children" -> "child"
    for form in forms:
        if form in _SYNONYM_SURFACE:
            return (_SYNONYM_SURFACE[form],)
    if any(form in lexicon.STOPWORDS or form in lexicon.FILLERS for form in forms):
        return ()
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
    # a street address, or where something is relative to something else
    LOCATION: re.compile(
        r"\b\d+\s+(?:[a-z]+\s+){1,3}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|way|drive|dr|place|pl)\b"
        r"|\b(?:on|at|off)\s+(?:[a-z]+\s+){1,2}(?:street|st|avenue|ave|road|rd|boulevard|blvd|lane|way|drive|square)\b"
        r"|\b(?:behind|beside|opposite|across from|next to|next door|around the corner|upstairs|downstairs"
        r"|(?:at|in) the (?:back|front|end|corner|basement)|(?:out|round|around|in) back"
        r"|on the (?:ground|first|second|top) floor|(?:in|out)side (?:the|our) (?:front )?(?:door|entrance)"
        r"|by the (?:front )?(?:door|window|entrance|desk)"
        r"|blocks? (?:away|from)|down the (?:street|road|block|hall))\b"
    ),
    PHONE: re.compile(r"\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b"),
    COUNT: re.compile(r"\b\d+\b|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b"),
}


def evidence(text: str, analysis: Analysis) -> frozenset[str]:
    """The intents this text can answer: it states a price, a time, a staff member's name ..."""
    lowered = _lowered(text)
    found = {intent for intent, pattern in _EVIDENCE_PATTERNS.items() if pattern.search(lowered)}
    if analysis.slots("person"):
        found.add(PERSON)
    return frozenset(found)


# Sentences end a clause, and so do semicolons, colons and the commas of a list; a comma before
# a phrase that describes what precedes it ("our colorist, specializing in balayage") does not.
_SENTENCE_END = r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|[;:]\s+"
_LIST_COMMA = r",(?!\d)(?!\s*(?:[a-z]+ing|in|at|on|between|near|with|including|especially|from)\b)\s*"
_CLAUSE_END = re.compile(_SENTENCE_END + "|" + _LIST_COMMA)
# The word that ends a list's lead: "We're closed on | Thanksgiving Day, Christmas Day ...",
# "... specializing in | men's cuts, fades and beard trims", "We accept | cash, ...".
_LEAD_END = frozenset(
    {"in", "on", "at", "for", "of", "with", "is", "are", "accept", "offer", "include", "includes", "including"}
)


def clauses(text: str) -> list[str]:
    """Sentences, and the comma- or semicolon-separated parts of each: the items of a list stay
    apart, so one item's words never combine with another's ("Sam ..., Jordan (colorist)")."""
    parts = [p.strip() for p in _CLAUSE_END.split(text.strip())]
    return [p for p in parts if p] or [text]


def _listed(text: str, vocabulary: Vocabulary) -> list[str]:
    """`clauses`, where each item of a list after the first is said with the list's lead: "We're
    closed on Thanksgiving Day, Christmas Day and New Year's Day" gives "We're closed on Christmas
    Day and New Year's Day", so Christmas is closed too; the items still never combine. A lead
    that holds an item's words itself (a number, a day, an audience: "open Tuesday from 10 AM to")
    is not carried."""
    return [clause for sentence in _listed_sentences(text, vocabulary) for clause in sentence]


def _listed_sentences(text: str, vocabulary: Vocabulary) -> list[list[str]]:
    """`_listed`, grouped by sentence (a semicolon or colon ends one too)."""
    out: list[list[str]] = []
    for sentence in re.split(_SENTENCE_END, text.strip()):
        parts = [p.strip() for p in re.split(_LIST_COMMA, sentence) if p.strip()]
        if not parts:
            continue
        lead = _lead(parts[0], vocabulary) if len(parts) > 1 else ""
        out.append([parts[0], *(f"{lead} {part}" if lead else part for part in parts[1:])])
    return out or [[text]]


def _lead(first: str, vocabulary: Vocabulary) -> str:
    words = first.split()
    ends = [i for i, word in enumerate(words[:-1]) if word.lower() in _LEAD_END]
    if not ends:
        return ""
    lead = " ".join(words[: ends[-1] + 1])
    narrowing = any(analyse(lead, vocabulary).slots(kind) for kind in NARROWING_SLOTS)
    return "" if narrowing or re.search(r"\d", lead) else lead


# Where a caller's turn divides into clauses, and words by which a clause points back to another.
# A conjunction before the caller speaking of themselves starts a clause too ("my last salon was a
# nightmare with colour and I'm looking for someone ...").
_TURN_PARTS = re.compile(
    r"[.?!;:,]+|\s[-\u2013\u2014]+\s|\u2014"
    r"|\s(?:and|but|so|because|cause|cuz|cos|coz)\s+(?=(?:i|i'm|i\u2019m|i've|i'd|we|we're|my|our)\b)",
    re.IGNORECASE,
)


# Words after which "I" goes on the same clause ("can I", "if I", "what I", "I think I").
_I_WITHIN = frozenset(
    {"can", "could", "do", "did", "does", "should", "would", "will", "may", "might", "shall", "must", "am"}
    | {"if", "when", "whenever", "before", "after", "until", "till", "where", "what", "how", "why", "who"}
    | {
        "which",
        "so",
        "and",
        "but",
        "or",
        "that",
        "than",
        "as",
        "because",
        "cause",
        "cuz",
        "cos",
        "coz",
        "while",
        "once",
    }
    | {"since", "think", "guess", "hope", "wish", "mean", "say", "know", "unless", "whether", "where"}
)


def _turn_parts(text: str) -> list[str]:
    """The clauses of a turn: split at punctuation and at a conjunction before the caller speaks
    of themselves (`_TURN_PARTS`), and, in speech written without marks, where "I" starts a new
    clause ("how long does a men's cut take i got a lunch break of forty minutes")."""
    parts = []
    for part in _TURN_PARTS.split(text):
        words = part.split(" ")
        start = 0
        for i in range(1, len(words)):
            if words[i] in ("i", "i'm", "i've") and words[i - 1].lower() not in _I_WITHIN and words[i - 1]:
                parts.append(" ".join(words[start:i]))
                start = i
        parts.append(" ".join(words[start:]))
    return [part for part in parts if part.strip()]


# A sentence and the mark that ends it (none at the end of a turn).
_SENTENCE = re.compile(r"[^.?!]*(?:[.?!]+|$)")
# A stated sentence that still asks: "I'd like to know ...", "I need a price for ...", "I was
# hoping someone ...", "I wanted to check how late ...".
# Knowing is asked for ("I'd like to know if ...", "let me know"), not said ("I don't know this
# holiday"); a need asks unless it is the caller's own errand ("I'll need to sort childcare");
# not wanting something ("I don't want to get charged") asks nothing, nor does what someone else
# would like ("she'd like a deep conditioning"), nor wanting to be sure of what the caller said
# before ("..., right? I just want to double check before Friday.").
_STATED_ASK = re.compile(
    r"\b(?:(?:to|me|us)\s+know|know\s+(?:if|whether|what|when|where|how|who|which|why|about)"
    r"|need(?!\s+(?:to|tae|ta)\s+(?!know|find|check|ask|book|get\s+(?:a|an|my|the)\s))"
    r"|wonder\w*|tell|(?<!n't\s)(?<!n\u2019t\s)(?<!not\s)want(?:ed)?(?!\s+to\s+(?:double[\s-]?check|make\s+sure|be\s+sure|confirm)\s*(?:[.,;!]|$|before\b|by\b))|looking|interested|please|pls|hoping|find\s+out"
    r"|check(?:ing)?\s+(?:if|whether|what|when|where|how|who|about|on)"
    r"|(?:(?<!\bhe\s)(?<!\bshe\s)(?<!\bthey\s)would|(?<!\bhe)(?<!\bshe)(?<!\bthey)(?:'d|\u2019d)|i)\s+like|ask(?:ing|ed)?\s+(?:about|for|if|whether|you|what|how|when|who))\b",
    re.I,
)


def _sentences_of_parts(text: str) -> list[str]:
    """For each of the turn's parts (`_turn_parts`), the sentence it lies in."""
    sentences = [s for s in _SENTENCE.findall(text) if _turn_parts(s)]
    return [sentence for sentence in sentences for _ in _turn_parts(sentence)]


def _stated_parts(text: str) -> list[bool]:
    """For each of the turn's parts (`_turn_parts`), whether it lies in a sentence that states and
    does not ask, in a turn that asks with a question mark: "How long is a men's cut? He'll only
    go if it's quick." A sentence ending in "?" asks; one ending otherwise, or a turn's unmarked
    last words after a question, tell, unless they ask in words ("I'd like to know ...")."""
    sentences = [s for s in _SENTENCE.findall(text) if _turn_parts(s)]
    asks = [s.rstrip().endswith("?") for s in sentences]
    stated = []
    for sentence, asking in zip(sentences, asks, strict=True):
        telling = any(asks) and not asking and not _STATED_ASK.search(sentence)
        stated += [telling] * len(_turn_parts(sentence))
    return stated


# A clause that opens like a question ("do you ...", "how long ...", "is it ..."), marked or not.
_ASKING_OPENING = re.compile(
    r"^\W*(?:(?:and|but|so|or|also|oh|um|uh|well|okay|ok|hi|hey|hello)\W+)*"
    r"(?:what|whats|what's|how|when|where|who|whose|which|why|do|does|did|can|could|will|would|is|are|was|were"
    r"|am|have|has|should|shall|may|might|any|got)\b",
    re.I,
)


def asides(text: str) -> list[tuple[str, bool]]:
    """Each of the turn's parts (`_turn_parts`) with whether it could be the caller asking: it ends
    with a question mark, opens as a question does, or asks in words ("I'd like to know ...").
    The others only tell ("sorry, the oven's beeping", "I get a bit flustered on the phone")."""
    out = []
    for sentence in _SENTENCE.findall(text):
        parts = _turn_parts(sentence)
        marked = sentence.rstrip().endswith("?")
        for i, part in enumerate(parts):
            asking = (marked and i == len(parts) - 1) or bool(_ASKING_OPENING.match(part) or _STATED_ASK.search(part))
            out.append((part, asking))
    return out


_POINTS_BACK = re.compile(r"\b(?:it|its|that|this|them|they|those|these|one|ones|such)\b")
# "Is it fine to ...", "would it be possible to ...", "it's OK if ...": the "it" English puts
# before an adjective and what follows it, which points to nothing said before.
_EMPTY_IT = re.compile(
    r"\b(?:(?:is|was) it|would it be|will it be|it(?:'s|\u2019s| is| would be| will be))"
    r"\s+(?!going\b)[a-z]+\s+(?:to|if)\b"
    r"|\b(?:it|that|this)(?:'s|\u2019s| is)\s+called\b"  # naming what the clause says: "balayage I think it's called"
    r"|\b(?:is|was) it\s+[a-z]+\s+(?:that|who)\b"  # a cleft: "is it you that's open on a Monday?"
    r"|\b(?:which\s+)?ones?\s+(?:of|a)\s+(?=your|you|the|unnu)"  # one of a group: "which one of your stylists"
    r"|\bthis (?:time|once)\b"  # on this occasion: "I want somebody experienced this time"
)
# A person the turn named before: who it is decides whether a clause saying it points back.
_PERSON_PRONOUN = re.compile(r"\b(?:he|she|him|her)\b")
