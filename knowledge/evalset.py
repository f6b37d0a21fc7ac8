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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

# The learning checks used when a questions file has none of its own.
DEFAULT_LEARNING_FILE = Path(__file__).resolve().parent / "tests" / "data" / "dev_learning.yaml"


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


def load(path: str | Path) -> EvalSet:
    path = Path(path)
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EvalFileError(f"There is no evaluation file at {path}.") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise EvalFileError(f"The evaluation file {path} cannot be read: {exc}") from None
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
