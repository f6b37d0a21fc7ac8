"""`manage.py eval_answers [FILE ...] [--heldout [FILE]]`: judge the receptionist's answers.

Runs in-process against the configured database, each file inside its own transaction that is
rolled back at the end, so nothing it does (uses counted, help requests opened, answers learned, texts queued)
is kept. For each question, as `../shared/eval/score.py` judges it through the API:

- `expect: answer`: `knowledge.services.lookup` must match and the answer contain every fact,
  else MISSED (no match) or WRONG (a match without the facts);
- `expect: escalate`: the lookup must not match (else WRONG), and `priority`, when given, must be
  what `helprequests.triage.triage` says (else PRIORITY).

Then the learning check: each lesson's question is asked (it must not be known yet), opened as a
help request and resolved with `learn` through `helprequests.services`, as a supervisor would;
once every lesson is taught, each `ask` wording must be answered with the taught answer
(LEARN-MISSED, or LEARN-WRONG when another answer is given) and no `unrelated` question may get it
(STOLEN). Lessons come from FILE, or from `--learning FILE` (default: the project's own set when
FILE has none).

A FILE is a development file: every failing item is printed, and the run fails (exit status 1) on any wrong
answer, unescalated unknown, wrong priority or stolen question, and when fewer than
`--min-correct` of the answerable questions (or of the learned wordings) are answered.

A `--heldout` file (alone: the project's `knowledge/tests/data/heldout_questions.yaml`) is never
used for tuning, so its questions are not printed, only its counts (`--reveal` prints them, and
spends them: a question someone has tuned against is no longer held out). It fails the run only on
what is unsafe on any split: a wrong answer, an unknown not escalated, an urgent case not triaged
urgent, a wrong or stolen learned answer. Shares below `--min-correct` and other priorities are
reported on a line of their own, not failed: a held-out file measures, a development file gates.
Its lessons are its own only. With several files, or any held-out one, every summary line says
which split and file it is for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from helprequests.services import create_help_request, resolve_help_request
from helprequests.triage import triage
from knowledge import evalset
from knowledge.models import KnowledgeEntry
from knowledge.services import lookup

DEFAULT_FILE = Path(settings.BASE_DIR).parent / "shared" / "eval" / "questions.yaml"
CALLER_PHONE = "+14155550199"


@dataclass
class Tally:
    answerable: int = 0
    correct: int = 0
    wrong: int = 0
    unknown: int = 0
    escalated: int = 0
    prio: int = 0
    prio_ok: int = 0
    urgent: int = 0  # escalations whose only right priority is urgent
    urgent_ok: int = 0
    lessons: int = 0
    asked: int = 0
    learned: int = 0
    learn_wrong: int = 0
    unrelated: int = 0
    stolen: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        line = (
            f"score: correct {self.correct}/{self.answerable} answerable, wrong {self.wrong}, "
            f"escalated {self.escalated}/{self.unknown} unknown, priority {self.prio_ok}/{self.prio}"
        )
        if self.urgent:
            line += f", urgent {self.urgent_ok}/{self.urgent}"
        if self.lessons:
            line += (
                f", learned {self.learned}/{self.asked} paraphrases ({self.lessons} lessons), "
                f"learn-wrong {self.learn_wrong}, stolen {self.stolen}/{self.unrelated} unrelated"
            )
        return line

    def unsafe(self) -> list[str]:
        """What fails a run on every split: a caller told something false or a guess, a learned
        answer given to the wrong question, a person hurt left in the queue of general questions."""
        problems = []
        if self.wrong:
            problems.append(f"{self.wrong} wrong answer(s)")
        if self.escalated < self.unknown:
            problems.append(f"{self.unknown - self.escalated} unknown question(s) not escalated")
        if self.urgent_ok < self.urgent:
            problems.append(f"{self.urgent - self.urgent_ok} urgent case(s) not triaged urgent")
        if self.learn_wrong:
            problems.append(f"{self.learn_wrong} wrong answer(s) in the learning check")
        if self.stolen:
            problems.append(f"{self.stolen} unrelated question(s) answered with a learned answer")
        return problems

    def shortfalls(self, min_correct: float) -> list[str]:
        """What fails a development file and is only reported for a held-out one: questions
        passed to a person that could have been answered, and priorities other than urgent."""
        problems = []
        other_priorities = (self.prio - self.prio_ok) - (self.urgent - self.urgent_ok)
        if other_priorities:
            problems.append(f"{other_priorities} wrong priorit(y/ies)")
        if self.answerable and self.correct < min_correct * self.answerable:
            problems.append(f"{self.correct}/{self.answerable} answerable answered, below {min_correct:.0%}")
        if self.asked and self.learned < min_correct * self.asked:
            problems.append(f"{self.learned}/{self.asked} learned wordings answered, below {min_correct:.0%}")
        return problems


@dataclass(frozen=True)
class FileToJudge:
    """One questions file, the side of the split it is judged as, and the lessons it teaches."""

    path: str
    split: str
    questions: evalset.EvalSet
    lessons: list[evalset.Lesson]

    @property
    def heldout(self) -> bool:
        return self.split == evalset.HELDOUT


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Evaluate knowledge lookup, triage and learning on questions files (default: "
        "../shared/eval/questions.yaml), held-out files reported apart. Nothing is kept: everything "
        "runs in a rolled-back transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            metavar="FILE",
            help="Development questions files (default: ../shared/eval/questions.yaml, unless --heldout is given).",
        )
        parser.add_argument(
            "--heldout",
            action="append",
            nargs="?",
            const=os.path.relpath(evalset.HELDOUT_FILE),
            default=[],
            metavar="FILE",
            help="A held-out questions file, counts only (alone: the project's held-out split). Repeatable.",
        )
        parser.add_argument(
            "--reveal",
            action="store_true",
            help="Also print the held-out files' failing questions (which spends them as held-out).",
        )
        parser.add_argument(
            "--learning",
            help="Learning checks for the development files (default: each FILE's own, or the project's set).",
        )
        parser.add_argument("--no-learning", action="store_true", help="Skip the learning check.")
        parser.add_argument(
            "--min-correct",
            type=float,
            default=0.95,
            help="Smallest share of answerable questions (and of learned wordings) that must be answered.",
        )

    def handle(
        self,
        *args,
        files: list[str],
        heldout: list[str],
        reveal: bool,
        learning: str | None,
        no_learning: bool,
        min_correct: float,
        **options,
    ):
        verbose = options["verbosity"] > 1
        splits = [(path, evalset.DEV) for path in files or ([] if heldout else [str(DEFAULT_FILE)])]
        splits += [(path, evalset.HELDOUT) for path in heldout]
        try:
            judged = [self._file(path, split, learning, no_learning) for path, split in splits]
        except evalset.EvalFileError as exc:
            raise CommandError(str(exc)) from None
        if not KnowledgeEntry.objects.filter(source=KnowledgeEntry.Source.SEED, active=True).exists():
            raise CommandError("The knowledge base has no seed facts: run `manage.py seed_salon` first.")

        labelled = len(judged) > 1 or bool(heldout)
        problems = []
        for file in judged:
            label = f"{'HELD-OUT' if file.heldout else 'dev'} {file.path}: " if labelled else ""
            shown = reveal or not file.heldout
            tally = self._evaluate(file.questions, file.lessons, verbose and shown)
            problems += [label + problem for problem in self._report(file, tally, label, shown, min_correct)]
        if problems:
            raise CommandError("Evaluation failed: " + "; ".join(problems) + ".")

    def _report(self, file: FileToJudge, tally: Tally, label: str, shown: bool, min_correct: float) -> list[str]:
        """Print what the file's split may show; return what fails the run."""
        if shown:
            for failure in tally.failures:
                self.stdout.write(failure)
        elif tally.failures:
            self.stdout.write(
                f"{label}{len(tally.failures)} failing item(s) not shown: held-out questions are "
                "never used for tuning (--reveal prints them, and spends them)"
            )
        self.stdout.write(label + tally.summary())
        shortfalls = tally.shortfalls(min_correct)
        if file.heldout:
            if shortfalls:
                self.stdout.write(f"{label}below target, reported, not failed: " + "; ".join(shortfalls))
            shortfalls = []
        return tally.unsafe() + shortfalls

    def _evaluate(self, questions: evalset.EvalSet, lessons: list[evalset.Lesson], verbose: bool) -> Tally:
        """Every question, then the learning check, in one transaction that is rolled back."""
        tally = Tally()
        try:
            with transaction.atomic():
                for question in questions.questions:
                    self._judge(question, tally, verbose)
                if lessons:
                    self._learning_check(lessons, tally, verbose)
                raise _RollBack
        except _RollBack:
            pass
        return tally

    # --- questions ------------------------------------------------------------------------------

    def _judge(self, question: evalset.Question, tally: Tally, verbose: bool) -> None:
        result = lookup(question.q)
        if question.expect == "answer":
            tally.answerable += 1
            if result.matched and evalset.has_facts(result.answer, question.facts):
                tally.correct += 1
                self._trace(verbose, f"ok     {question.q!r} -> {result.answer!r} ({result.score})")
            elif result.matched:
                tally.wrong += 1
                tally.failures.append(f"WRONG  {question.q!r} -> {result.answer!r} (score {result.score})")
            else:
                tally.failures.append(f"MISSED {question.q!r} (score {result.score})")
        else:
            tally.unknown += 1
            if result.matched:
                tally.wrong += 1
                tally.failures.append(
                    f"WRONG  {question.q!r} should escalate, got {result.answer!r} (score {result.score})"
                )
            else:
                tally.escalated += 1
                self._trace(verbose, f"ok     {question.q!r} escalated ({result.score})")
        if question.expect == "escalate" and question.priority:
            wanted = question.priority.split("|")
            urgent = wanted == ["urgent"]
            tally.prio += 1
            tally.urgent += urgent
            got = str(triage(question.q).priority)
            if got in wanted:
                tally.prio_ok += 1
                tally.urgent_ok += urgent
            else:
                tally.failures.append(f"PRIORITY {question.q!r} -> {got!r}, want {question.priority}")

    # --- learning -------------------------------------------------------------------------------

    @staticmethod
    def _file(path: str, split: str, learning: str | None, no_learning: bool) -> FileToJudge:
        """Load a file and choose its lessons: a held-out file's own only (the project's lessons
        are tuned on); a development file's `--learning`, else its own, else the project's set."""
        questions = evalset.load(path)
        if no_learning:
            lessons = []
        elif split == evalset.HELDOUT:
            lessons = questions.lessons
        elif learning:
            lessons = evalset.load(learning).lessons
        else:
            lessons = questions.lessons or evalset.load(evalset.DEFAULT_LEARNING_FILE).lessons
        return FileToJudge(path, split, questions, lessons)

    def _learning_check(self, lessons: list[evalset.Lesson], tally: Tally, verbose: bool) -> None:
        """Teach every lesson through the help-request services, then ask."""
        taught: list[tuple[evalset.Lesson, int]] = []
        for lesson in lessons:
            before = lookup(lesson.question)
            if before.matched:
                tally.failures.append(
                    f"SETUP  {lesson.question!r} is answered before it was taught ({before.answer!r}): "
                    "a learning check needs an unknown question"
                )
                tally.learn_wrong += 1
                continue
            created = create_help_request(question=lesson.question, caller_phone=CALLER_PHONE, actor="eval")
            resolved = resolve_help_request(created.help_request.pk, answer=lesson.answer, learn=True, actor="eval")
            taught.append((lesson, resolved.knowledge_entry_id))
        tally.lessons = len(taught)
        for lesson, entry_id in taught:
            for wording in lesson.ask:
                tally.asked += 1
                result = lookup(wording)
                if result.matched and result.entry_id == entry_id:
                    tally.learned += 1
                    self._trace(verbose, f"ok     learned {wording!r} ({result.score})")
                elif result.matched:
                    tally.learn_wrong += 1
                    tally.failures.append(
                        f"LEARN-WRONG {wording!r} (taught {lesson.question!r}) -> {result.answer!r} "
                        f"(score {result.score})"
                    )
                else:
                    tally.failures.append(
                        f"LEARN-MISSED {wording!r} (taught {lesson.question!r}, score {result.score})"
                    )
            for wording in lesson.unrelated:
                tally.unrelated += 1
                result = lookup(wording)
                if result.matched and result.entry_id == entry_id:
                    tally.stolen += 1
                    tally.failures.append(
                        f"STOLEN {wording!r} was answered with what was taught for {lesson.question!r}"
                    )
                else:
                    self._trace(verbose, f"ok     unrelated {wording!r} -> {result.answer!r}")

    def _trace(self, verbose: bool, line: str) -> None:
        if verbose:
            self.stdout.write(line)
