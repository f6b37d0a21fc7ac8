"""The vocabulary a salon can extend: words and phrases callers use, and what they mean.

Kept as data, not code: the defaults are knowledge/fixtures/vocabulary.yaml, which `seed_salon`
loads into `VocabularyTerm` rows; the salon adds, edits or switches off terms in admin, and the
matcher's index reads the active rows (`services`), rebuilt when they change. The matcher
(`analysis.Vocabulary`) reads each term as a phrase, rewritten to the concepts it `means`
before anything else, longest first. An empty meaning is a filler ("pls", "or nah"): it weighs
nothing in a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from core.datafiles import read_yaml

DEFAULT_VOCABULARY = Path(__file__).resolve().parent / "fixtures" / "vocabulary.yaml"
INTENT_WORDS = frozenset({"?price", "?duration", "?when", "?person", "?location", "?phone", "?count"})
SLOT_VALUES = {"audience": frozenset({"men", "women", "children"}), "family": frozenset({"men", "women", "children"})}
_PLAIN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class VocabularyError(ValueError):
    """The vocabulary file cannot be read or a group is malformed; the message says which."""


@dataclass(frozen=True)
class Term:
    """A word or phrase as a caller says it, and what it means (space-separated concepts)."""

    phrase: str
    means: str = ""
    asking_who: bool = False  # the meaning holds only in a question asking for a person


def load_terms(path: str | Path = DEFAULT_VOCABULARY) -> tuple[Term, ...]:
    """The terms of a vocabulary file, in file order (a later group's phrase wins a repeat)."""
    groups = read_yaml(path, "vocabulary file", VocabularyError)
    if not isinstance(groups, list):
        raise VocabularyError(f"The vocabulary file {path} must be a YAML list of groups.")
    terms: dict[str, Term] = {}
    for number, group in enumerate(groups, start=1):
        if not isinstance(group, dict) or not isinstance(group.get("words"), list) or "means" not in group:
            raise VocabularyError(f"Group {number} of {path} needs 'means' and a list of 'words'.")
        means = " ".join(str(group["means"] or "").split())
        problem = invalid_meaning(means)
        if problem:
            raise VocabularyError(f"Group {number} of {path}: {problem}")
        for word in group["words"]:
            phrase = " ".join(str(word).lower().split())
            if phrase:
                terms[phrase] = Term(phrase, means, bool(group.get("asking_who", False)))
    return tuple(terms.values())


@lru_cache(maxsize=1)
def default_terms() -> tuple[Term, ...]:
    """The bundled defaults: what a salon starts with, and what an index without a database uses."""
    return load_terms(DEFAULT_VOCABULARY)


def invalid_meaning(means: str) -> str:
    """Why `means` is not a meaning the matcher can read, or "" (a sentence for the admin form)."""
    for concept in means.split():
        kind, colon, value = concept.partition(":")
        if concept.startswith("?"):
            if concept not in INTENT_WORDS:
                return f"{concept} is not something a caller can ask for; use one of {', '.join(sorted(INTENT_WORDS))}."
        elif colon:
            if value not in SLOT_VALUES.get(kind, ()):
                return f"{concept} is not known; use audience: or family: with men, women or children."
        elif not _PLAIN.match(concept):
            return f"{concept} must be a plain lowercase word (letters, digits, hyphens)."
    return ""
