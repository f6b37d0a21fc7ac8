"""Does a new answer contradict a seed fact? Small, general fact extraction and comparison.

A supervisor's answer is learned so the next caller gets it at once; if it states a different
price, time, duration or day than the business profile, or says "yes" where the profile says
"no", one of the two is wrong and a person must decide which before callers hear it.

How: the seed entries that the new entry's question would match (`matching.matches`) are the
facts it speaks about. From each seed answer the clause that is about the question is taken
(the one sharing the most weighted concepts with it, so "Saturday from 9 AM to 6 PM" of the
week's hours, "Men's haircut is $45." of the menu); when no single clause stands out the whole
answer counts. Then, per kind of fact:

- values (`$45`, `50%`, `10 AM` or "closed", `90 minutes`, `Monday`): every value of a kind the
  new answer states must be one the seed states about the question, whenever the seed states
  any of that kind ("$50" vs "$45" conflicts, "$45" vs "$85, $45 and $30" does not);
- yes/no: for a yes/no question (or an answer that begins with yes/no) the new answer's stance
  must be the seed clause's ("Yes, we take checks" vs "We do not accept checks").

Deliberately regexes, not language understanding: it errs towards flagging, which costs a
supervisor one click, while the seed fact keeps answering in the meantime.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from knowledge.analysis import analyse, clauses, evidence
from knowledge.matching import Document, Index, matches

# --- facts stated in a text ---------------------------------------------------------------------

KINDS = ("price", "percentage", "time", "duration", "day")

_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_UNIT_MINUTES = {"min": 1, "minute": 1, "hr": 60, "hour": 60, "day": 1440, "week": 10080}

_MONEY = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?|\b(\d+(?:\.\d{1,2})?)\s?(?:dollars|bucks)\b")
# "free" is a price of $0, unless it is about availability ("when a chair is free").
_FREE = re.compile(r"(?<!feel )\bfree\b(?!\s*,?\s*(?:when|if|but|on|at)\b)|\bno (?:charge|cost)\b|\bcomplimentary\b")
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?)\s?(?:%|percent\b)")
_CLOCK = re.compile(r"\b(\d{1,2})(?::([0-5]\d))?\s*([ap])\.?\s?m\b\.?")
_CLOCK_24 = re.compile(r"\b([01]?\d|2[0-3]):([0-5]\d)\b")
_NAMED_TIME = {"noon": 12 * 60, "midday": 12 * 60, "midnight": 0}
_CLOSED = re.compile(r"\bclosed\b")
_AMOUNT = r"\d+(?:\.\d+)?|half an?|" + "|".join(_NUMBER_WORDS)
_DURATION = re.compile(
    rf"\b(?P<n>{_AMOUNT})\s+(?P<half1>and a half\s+)?(?P<unit>min(?:ute)?s?|h(?:ou)?rs?|days?|weeks?)\b"
    r"(?P<half2>\s+and a half\b)?(?:,?\s*(?:and\s+)?(?P<extra>\d+)\s*min(?:ute)?s?\b)?"
)
_DAY = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b")


@dataclass(frozen=True)
class Facts:
    """The values a text states, by kind (see `KINDS`)."""

    values: dict[str, frozenset]

    def of(self, kind: str) -> frozenset:
        return self.values.get(kind, frozenset())

    def __or__(self, other: Facts) -> Facts:
        return Facts({kind: self.of(kind) | other.of(kind) for kind in KINDS})


def facts(text: str) -> Facts:
    """Prices, percentages, clock times (or "closed"), durations in minutes and days in `text`."""
    t = text.lower().replace("\u2019", "'")
    prices = {_money(m) for m in _MONEY.finditer(t)}
    if _FREE.search(t):
        prices.add(Decimal(0))
    times: set = set()
    for m in _CLOCK.finditer(t):
        times.add(int(m.group(1)) % 12 * 60 + (720 if m.group(3) == "p" else 0) + int(m.group(2) or 0))
    for m in _CLOCK_24.finditer(_CLOCK.sub(" ", t)):
        times.add(int(m.group(1)) * 60 + int(m.group(2)))
    times |= {minutes for word, minutes in _NAMED_TIME.items() if re.search(rf"\b{word}\b", t)}
    if _CLOSED.search(t):
        times.add("closed")
    return Facts(
        {
            "price": frozenset(prices),
            "percentage": frozenset(_decimal(m.group(1)) for m in _PERCENT.finditer(t)),
            "time": frozenset(times),
            "duration": frozenset(_minutes(m) for m in _DURATION.finditer(t)),
            "day": frozenset(m.group(1) for m in _DAY.finditer(t)),
        }
    )


def _money(m: re.Match) -> Decimal:
    if m.group(3):
        return _decimal(m.group(3))
    return _decimal(f"{m.group(1).replace(',', '')}.{m.group(2) or 0}")


def _decimal(text: str) -> Decimal:
    """ "45.00" -> 45, "12.5" -> 12.5: equal amounts compare (and print) equal."""
    value = Decimal(text)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _minutes(m: re.Match) -> int:
    n = m.group("n")
    if n.startswith("half"):
        amount = 0.5
    else:
        amount = float(n) if n[0].isdigit() else float(_NUMBER_WORDS[n])
    if m.group("half1") or m.group("half2"):
        amount += 0.5
    return round(amount * _UNIT_MINUTES[m.group("unit").rstrip("s")]) + int(m.group("extra") or 0)


def show(kind: str, value: Decimal | int | str) -> str:
    """A value as a person would write it: "$45", "50%", "9:30 AM", "closed", "90 minutes"."""
    if kind == "price":
        return f"${value:,}" if value else "free"
    if kind == "percentage":
        return f"{value}%"
    if kind == "time":
        if value == "closed":
            return "closed"
        hour, minute = divmod(value, 60)
        return f"{hour % 12 or 12}{f':{minute:02d}' if minute else ''} {'AM' if hour < 12 else 'PM'}"
    if kind == "duration":
        if value % 60:
            return f"{value} minutes"
        return "1 hour" if value == 60 else f"{value // 60} hours"
    return str(value).capitalize()


# --- yes or no ----------------------------------------------------------------------------------

_YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|absolutely|definitely|of course|certainly)\b")
_NO = re.compile(r"^\W*(?:no|nope|sorry|unfortunately)\b(?!-)")
# A negation cue; "no-show", "no charge" and "no cost" say nothing about yes or no.
_NEGATION = re.compile(r"\b(?:not|never|none|nor|cannot|closed|except)\b|n't\b|\bno\b(?!-|\s+(?:charge|cost)\b)")
_YES_NO_QUESTION = re.compile(
    r"^(?:(?:hi|hey|hello|um+|uh+|so|oh|ok|okay|yeah|quick question|and|also)\b\W*)*"
    r"(?:do|does|did|can|could|is|are|was|were|will|would|should|shall|may|might|have|has|must|am)\b"
)


def answer_stance(text: str) -> str | None:
    """ "yes" or "no" when the answer starts with one, else None."""
    t = text.lower().strip()
    if _YES.match(t):
        return "yes"
    if _NO.match(t):
        return "no"
    return None


def polarity(text: str) -> str:
    """ "no" when a clause is negated ("We do not accept checks", "We're closed"), else "yes"."""
    return "no" if answer_stance(text) == "no" or _NEGATION.search(text.lower().replace("\u2019", "'")) else "yes"


def is_yes_no_question(question: str) -> bool:
    return bool(_YES_NO_QUESTION.match(question.lower().strip()))


# --- the part of an answer that is about a question ---------------------------------------------

_CONTRAST = re.compile(r"\s+but\s+", re.IGNORECASE)


def parts(answer: str) -> list[str]:
    """The answer's clauses, with "A but B" cut in two: "Tips are appreciated but never required"
    says yes about tips and no about requiring them."""
    return [p for clause in clauses(answer) for p in _CONTRAST.split(clause) if p.strip()]


def focus(question: str, answer: str, index: Index) -> str | None:
    """The one clause of `answer` most about `question` (weighted shared concepts), or None when
    no single clause stands out (then the whole answer speaks for itself)."""
    pieces = parts(answer)
    if len(pieces) == 1:
        return pieces[0]
    query = analyse(question, index.vocabulary)
    asked = query.hard | query.intents
    scored = []
    for piece in pieces:
        analysis = analyse(piece, index.vocabulary)
        own = analysis.concepts | (evidence(piece, analysis) & query.intents)
        scored.append((sum(index.weight(c) for c in own & asked), piece))
    scored.sort(key=lambda item: item[0], reverse=True)
    best, runner_up = scored[0][0], scored[1][0]
    return scored[0][1] if best > 0 and best > runner_up else None


# --- the check ----------------------------------------------------------------------------------


QUOTE_LIMIT = 200


@dataclass(frozen=True)
class Contradiction:
    """A seed fact the new answer disagrees with (`said`: the seed's words about it), and how."""

    seed: Document
    said: str
    differences: tuple[str, ...]

    def describe(self) -> str:
        """'Contradicts seed entry #11 "Our men's haircut is $45 ...": price $50 here vs. $45 in the seed.'"""
        return f'Contradicts seed entry #{self.seed.id} "{self.said}": {"; ".join(self.differences)}.'


@dataclass(frozen=True)
class _SeedView:
    document: Document
    facts: Facts
    stance: str | None
    focus: str | None

    @property
    def said(self) -> str:
        """The seed's answer; when it is long (a menu), the clause about the question."""
        answer = self.document.answer
        if len(answer) <= QUOTE_LIMIT:
            return answer
        if self.focus:
            return f"… {self.focus.strip()} …"
        return answer[: QUOTE_LIMIT - 1].rstrip() + "…"


def find_conflicts(question: str, answer: str, index: Index) -> list[Contradiction]:
    """The seed facts that `question` reaches in `index` and that `answer` contradicts."""
    seeds = [m.document for m in matches(index, question) if m.document and m.document.source == "seed"]
    if not seeds:
        return []
    views = [_view(question, seed, index) for seed in seeds]
    stated = facts(answer)
    differences: dict[int, list[str]] = {}

    agreed = False
    for kind in KINDS:
        ours = stated.of(kind)
        stating = [v for v in views if v.facts.of(kind)]
        if not ours or not stating:
            continue
        if ours <= stating[0].facts.of(kind):  # the best-matched seed that states this kind decides
            agreed = True
            continue
        for view in stating:  # ... and every seed stating otherwise is named
            if not ours <= view.facts.of(kind):
                differences.setdefault(view.document.id, []).append(
                    f"{kind} {_values(kind, ours)} here vs. {_values(kind, view.facts.of(kind))} in the seed"
                )

    # Yes/no is read only when no stated value already agreed ("Is there a charge?" "No, it's
    # complimentary" agrees on the price, whatever "no" seems to say).
    if not agreed and (is_yes_no_question(question) or answer_stance(answer)):
        ours = answer_stance(answer) or _stance(question, answer, index)
        seed_view = next((v for v in views if v.stance), None)
        if ours and seed_view and seed_view.stance != ours:
            said = f'"{ours}" here vs. "{seed_view.stance}" in the seed'
            differences.setdefault(seed_view.document.id, []).append(said)

    return [
        Contradiction(view.document, view.said, tuple(differences[view.document.id]))
        for view in views
        if view.document.id in differences
    ]


def _view(question: str, seed: Document, index: Index) -> _SeedView:
    """What the seed entry says about the question: its focus clause's facts (a kind the focus
    does not state is taken from the whole answer) and its stance, when a clause stands out."""
    whole = facts(seed.answer)
    clause = focus(question, seed.answer, index)
    if clause is None:
        return _SeedView(seed, whole, None, None)
    focused = facts(clause)
    values = {kind: focused.of(kind) or whole.of(kind) for kind in KINDS}
    return _SeedView(seed, Facts(values), polarity(clause), clause)


def _stance(question: str, answer: str, index: Index) -> str | None:
    clause = focus(question, answer, index)
    return polarity(clause) if clause is not None else None


def _values(kind: str, values: Iterable) -> str:
    ordered = sorted(values, key=lambda v: (isinstance(v, str), v if not isinstance(v, str) else 0))
    return ", ".join(show(kind, v) for v in ordered)
