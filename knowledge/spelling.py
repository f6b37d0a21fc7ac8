"""Word forms and slips of the pen or of speech-to-text, for the matcher (`knowledge.analysis`, `knowledge.matching`).

Three questions about a single word, each answered once per word (cached) or once per index:

- `lemmas`: its dictionary forms ("ringlets" -> "ringlet", "cutting" -> "cut", "children" ->
  "child"), from lemminflect's bundled tables, so irregular forms meet their synonyms;
- `is_english`: whether it is a word of English at all (symspellpy's bundled frequency
  dictionary, 82,765 words). A word the salon does not know but English does ("parking",
  "extensions", "shave") is a thing the caller asks about that no fact covers: it must keep a
  question from being answered. A string English does not know either ("pls", "balayahge",
  "olaplex") is a slip, an abbreviation or a name;
- `Corrector.correct`: the salon's own word a slip stands for ("balayahge" -> "balayage",
  "keratine" -> "keratin", "hilights" -> "highlights"), only when that is unambiguous.

A correction never turns a word into a word English already has, and never chooses between two
salon words, or a salon word and a closer English one: a wrong correction could answer a
question the caller never asked, while no correction only costs an escalation.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from importlib.resources import files

from lemminflect import getAllLemmas
from symspellpy import SymSpell, Verbosity

# The order in which a word's lemmas are tried against the lexicon.
_POS_ORDER = ("NOUN", "VERB", "ADJ", "ADV", "AUX", "PROPN")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=100_000)
def lemmas(word: str) -> tuple[str, ...]:
    """The dictionary forms lemminflect knows for `word`, nouns first, without the word itself:
    "highlights" -> ("highlight",), "leaves" -> ("leaf", "leave"), "children" -> ("child",)."""
    if not word.isalpha() or len(word) <= 3:
        return ()
    found = getAllLemmas(word)
    forms = dict.fromkeys(form for pos in _POS_ORDER for form in found.get(pos, ()) if form != word)
    return tuple(forms)


def another_word(form: str, word: str) -> bool:
    """Whether `form` is a word of English of its own, not `word` or one of its forms ("sit" is
    not "site"; "hour" is "hours", "wed" is "wedding")."""
    return bool(getAllLemmas(form)) and not {form, *lemmas(form)} & {word, *lemmas(word)}


@lru_cache(maxsize=10_000)
def only_a_thing(word: str) -> bool:
    """Whether English reads `word` as a noun and never as an adjective or adverb ("voucher",
    "event"; not "dry", "light" or "behind"), so that it names a thing whatever its place."""
    readings = [getAllLemmas(form) for form in (word, *lemmas(word))]  # "lights" is "light" too
    return "NOUN" in readings[0] and not any({"ADJ", "ADV"} & set(found) for found in readings)


@lru_cache(maxsize=10_000)
def can_modify(word: str) -> bool:
    """Whether `word` can come first in a compound noun: a noun or an adjective ("gift", "special";
    not "first" alone as a verb would be)."""
    found = getAllLemmas(word)
    return "NOUN" in found or "ADJ" in found


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    path = files("symspellpy") / "frequency_dictionary_en_82_765.txt"
    with path.open(encoding="utf-8") as lines:
        return frozenset(line.split(" ", 1)[0] for line in lines if line.strip())


@lru_cache(maxsize=100_000)
def is_english(word: str) -> bool:
    """Whether `word` is in the English dictionary (as written, or as its lemma)."""
    english = _english()
    return word in english or any(form in english for form in lemmas(word))


def _edits1(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from `word`."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + transposes + replaces + inserts) - {word}


def one_edit(word: str, other: str) -> bool:
    """Whether `other` is one deletion, transposition, substitution or insertion from `word`."""
    return other in _edits1(word)


@lru_cache(maxsize=100_000)
def near_english(word: str) -> bool:
    """Whether an English word is one edit away: the caller likely misspelled that word."""
    english = _english()
    return any(candidate in english for candidate in _edits1(word))


# Two words heard for one salon word are joined only when together this long: shorter strings
# are a slip's distance from too many words.
REJOINED_MIN_LENGTH = 6


def max_edits(word: str) -> int:
    """How many slips a word of this length may carry and still be recognised: none below four
    letters (too many words are that close), one up to six, two from seven."""
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


class _Dictionary:
    """Every salon word any corrector of this process was given, in one SymSpell dictionary that
    only grows. Building one costs seconds at 20,000 learned entries, and the index is rebuilt on
    every learned answer: growing the one dictionary by that answer's new words costs nothing a
    caller would notice. A corrector takes from it only the candidates it holds itself."""

    def __init__(self):
        self._symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        self._held: set[str] = set()
        self._lock = threading.Lock()  # SymSpell's tables are plain dicts: no reading mid-growth

    def add(self, words: Iterable[str]) -> None:
        new = {w for w in words if w.isalpha() and len(w) >= 4} - self._held
        if new:
            with self._lock:
                for word in new:
                    self._symspell.create_dictionary_entry(word, 1)
                self._held |= new

    def near(self, word: str, limit: int) -> list[tuple[int, str]]:
        """Every held word within `limit` edits of `word`: (distance, word)."""
        with self._lock:
            found = self._symspell.lookup(word, Verbosity.ALL, max_edit_distance=limit)
        return [(s.distance, s.term) for s in found]


_DICTIONARY = _Dictionary()


class Corrector:
    """Corrects a slip toward the salon's own words (its lexicon, its entries, its vocabulary).

    `words` maps each word the salon knows to what it means (its concepts), so that two spellings
    of one concept ("color", "colour") do not make a correction ambiguous."""

    def __init__(self, words: dict[str, frozenset[str]]):
        self._meaning = words
        _DICTIONARY.add(words)
        self._cache: dict[str, str | None] = {}

    def correct(self, word: str) -> str | None:
        """The salon word `word` is a slip for, or None: no candidate within `max_edits`, several
        meaning different things, or an English word closer than the salon's."""
        if word in self._cache:
            return self._cache[word]
        result = None
        if limit := max_edits(word):
            near = [(distance, term) for distance, term in _DICTIONARY.near(word, limit) if term in self._meaning]
            if near:
                closest = min(distance for distance, _ in near)
                if not (closest > 1 and near_english(word)):
                    candidates = [term for distance, term in near if distance == closest]
                    result = _clearly_closest(word, candidates, self._meaning)
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result


# How much more alike (difflib's ratio) the best of several equally distant candidates must be
# than the next one with another meaning: "hilights" is "highlights" (0.89), not "heights" (0.80).
CLEAR_MARGIN = 0.05


def _clearly_closest(word: str, candidates: list[str], meaning: dict[str, frozenset[str]]) -> str | None:
    """Of equally distant candidates, the one clearly most like `word`, or None when two with
    different meanings are about as alike."""
    ranked = sorted(candidates, key=lambda term: (-SequenceMatcher(None, word, term).ratio(), len(term), term))
    best = ranked[0]
    rivals = [term for term in ranked[1:] if meaning[term] != meaning[best]]
    if rivals and SequenceMatcher(None, word, best).ratio() - SequenceMatcher(None, word, rivals[0]).ratio() < (
        CLEAR_MARGIN
    ):
        return None
    return best
