"""The format of answer-evaluation files, shared by `eval_answers` and `calibrate_matcher`.

A file is a YAML list. Two kinds of item:

- a question (the format of ``../shared/eval/questions.yaml``)::

      - {q: "How much for a blowout?", expect: answer, facts: ["55"]}
      - {q: "Is there parking nearby?", expect: escalate, priority: "low|medium"}

  ``expect: answer``: the lookup must match and the answer contain every fact (case-insensitive;
  "a|b" means either). ``expect: escalate``: the lookup must not match; ``priority`` (optional,
  "a|b" = any of) is what triage must give the help request.

- a learning check::

      - teach: {q: "Is there parking?", a: "Yes, a garage on Clay Street."}
        ask: ["Where can I park my car?"]        # must now be answered with teach.a
        unrelated: ["What's your address?"]      # must not be answered with teach.a

The split. ``knowledge/tests/data/dev_voices.yaml`` (tuning allowed) and
``heldout_questions.yaml`` (never used for tuning) are one pool of questions in other voices,
divided by `split_of`: a hash of each question's text (a lesson's: its ``teach.q``), not a
person's choice, so nobody can move a question that fails to the side where it does not count.
A test checks every item is in the file its hash names.
"""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from core.datafiles import read_yaml

DATA = Path(__file__).resolve().parent / "tests" / "data"
# The learning checks used when a questions file has none of its own.
DEFAULT_LEARNING_FILE = DATA / "dev_learning.yaml"
DEV_VOICES_FILE = DATA / "dev_voices.yaml"
HELDOUT_FILE = DATA / "heldout_questions.yaml"

DEV, HELDOUT = "dev", "held-out"


class EvalFileError(ValueError):
    """The file cannot be read or an item is malformed; the message says which."""


@dataclass(frozen=True)
class Question:
    q: str
    expect: str  # "answer" or "escalate"
    facts: tuple[str, ...] = ()
    priority: str | None = None  # "a|b": any of these priorities is right


@dataclass(frozen=True)
class Lesson:
    question: str
    answer: str
    ask: tuple[str, ...]
    unrelated: tuple[str, ...]


@dataclass(frozen=True)
class EvalSet:
    questions: list[Question]
    lessons: list[Lesson]


def has_facts(answer: str | None, facts: tuple[str, ...] | list[str]) -> bool:
    """The eval's rule: every fact present (case-insensitive), "a|b" meaning either."""
    text = (answer or "").lower()
    return all(any(alt.lower() in text for alt in fact.split("|")) for fact in facts)


def split_of(text: str) -> str:
    """`HELDOUT` for about one question in three, else `DEV`: the first byte of the SHA-256 of the
    text, NFKC-normalised, case-folded and with runs of whitespace made one space, modulo 3.

    Only the wording decides, so the side of a question is fixed the moment it is written and a
    rewording is a new question that may land on either side.
    """
    normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return HELDOUT if hashlib.sha256(normalised.encode("utf-8")).digest()[0] % 3 == 0 else DEV


def load(path: str | Path) -> EvalSet:
    items = read_yaml(path, "evaluation file", EvalFileError)
    if not isinstance(items, list):
        raise EvalFileError(f"The evaluation file {path} must be a YAML list of items.")
    questions, lessons = [], []
    for number, item in enumerate(items, start=1):
        if isinstance(item, dict) and "teach" in item:
            lessons.append(_lesson(item, number, path))
        elif isinstance(item, dict) and "q" in item:
            questions.append(_question(item, number, path))
        else:
            raise EvalFileError(f"Item {number} of {path} has neither 'q' nor 'teach'.")
    return EvalSet(questions, lessons)


def sentences(path: str | Path) -> set[str]:
    """Every sentence a file asks (questions, lessons, their rewordings and unrelated questions),
    in one spacing and case: what must not be shared between two files of different splits."""
    loaded = load(path)
    found = {q.q for q in loaded.questions}
    for lesson in loaded.lessons:
        found |= {lesson.question, *lesson.ask, *lesson.unrelated}
    return {" ".join(s.casefold().split()) for s in found}


def _question(item: dict, number: int, path: Path) -> Question:
    expect = item.get("expect")
    if expect not in ("answer", "escalate") or not str(item.get("q") or "").strip():
        raise EvalFileError(f"Item {number} of {path} needs a question 'q' and 'expect: answer|escalate'.")
    facts = item.get("facts") or []
    if not isinstance(facts, list):
        raise EvalFileError(f"Item {number} of {path}: 'facts' must be a list.")
    priority = item.get("priority")
    return Question(str(item["q"]), expect, tuple(str(f) for f in facts), str(priority) if priority else None)


def _lesson(item: dict, number: int, path: Path) -> Lesson:
    teach = item.get("teach")
    if not isinstance(teach, dict) or not str(teach.get("q") or "").strip() or not str(teach.get("a") or "").strip():
        raise EvalFileError(f"Item {number} of {path}: 'teach' needs a question 'q' and an answer 'a'.")
    ask, unrelated = item.get("ask") or [], item.get("unrelated") or []
    if not isinstance(ask, list) or not isinstance(unrelated, list) or not ask:
        raise EvalFileError(f"Item {number} of {path}: 'ask' must be a non-empty list, 'unrelated' a list.")
    return Lesson(str(teach["q"]), str(teach["a"]), tuple(map(str, ask)), tuple(map(str, unrelated)))
