"""Synthetic knowledge entries: load for the lookup benchmark and noise for robustness tests.

Each entry reads like an answer a supervisor taught ("Do you offer zorvane on Saturdays?" ->
"Yes, zorvane is on Saturdays from 10 AM."). Its topic is a made-up word, so it never states a
fact about the demo salon's real services, but the words around it are the common ones of a
salon (days, prices, hair, staff, booking), so the matcher's postings for those are as loaded as
in a busy knowledge base. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from knowledge.analysis import analyse, stem

_ONSETS = ("b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "kl", "tr", "sn", "gr")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ea")
_CODAS = ("", "n", "r", "l", "x", "m", "rt", "nd", "sk", "v")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_STAFF = ("Maya", "Jordan", "Priya", "Sam")
_TEMPLATES = (
    ("Do you offer {t}?", "Yes, we offer {t} on {day}s."),
    ("How much is a {t} treatment?", "A {t} treatment is ${n}."),
    ("Can I bring my {t} to the salon?", "Yes, a {t} is welcome at the salon."),
    ("Is there a {t} near the salon?", "There is a {t} two blocks away on {T} Street."),
    ("Who does {t} hair?", "{staff} does {t} hair."),
    ("Do you sell {t} shampoo?", "No, we don't sell {t} shampoo."),
    ("How long does a {t} take?", "A {t} takes about {n} minutes."),
    ("Are you open for {t} on {day}?", "Yes, {t} is on {day}s from 10 AM to 2 PM."),
    ("Do you do {t} for kids?", "Yes, {t} for kids is ${n}."),
    ("What is the {t} policy?", "The {t} policy is posted at the front desk."),
)


def word(rng: random.Random) -> str:
    """A pronounceable made-up word of two or three syllables ("zorvane", "klaitesk") that the
    matcher reads as a word of its own, not as one of its lexicon ("paide" would stem to "paid")."""
    while True:
        syllables = rng.randint(2, 3)
        made_up = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables)) + rng.choice(_CODAS)
        if analyse(made_up).concepts == {stem(made_up)}:
            return made_up


def entries(count: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """`count` (question, answer) pairs."""
    rng = random.Random(seed)
    for _ in range(count):
        question, answer = rng.choice(_TEMPLATES)
        topic = word(rng)
        values = {"t": topic, "T": topic.capitalize(), "day": rng.choice(_DAYS), "staff": rng.choice(_STAFF)}
        values["n"] = str(rng.choice((15, 20, 25, 30, 45, 60, 75, 90, 120)))
        yield question.format(**values), answer.format(**values)
