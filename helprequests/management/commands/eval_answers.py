"""`manage.py eval_answers [FILE]`: judge the receptionist's answers on a questions file.

Runs in-process against the configured database, inside one transaction that is rolled back at
the end, so nothing it does (uses counted, help requests opened, answers learned, texts queued)
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

Exit status 1 on any wrong answer, unescalated unknown, wrong priority or stolen question, and
when fewer than `--min-correct` of the answerable questions (or of the learned wordings) are
answered; the last line is the summary.
"""

from __future__ import annotations

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
        if self.lessons:
            line += (
                f", learned {self.learned}/{self.asked} paraphrases ({self.lessons} lessons), "
                f"learn-wrong {self.learn_wrong}, stolen {self.stolen}/{self.unrelated} unrelated"
            )
        return line


class _RollBack(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Evaluate knowledge lookup, triage and learning on a questions file (default: "
        "../shared/eval/questions.yaml). Nothing is kept: everything runs in a rolled-back transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(DEFAULT_FILE), help="A questions YAML file.")
        parser.add_argument(
            "--learning",
            help="A file of learning checks (default: FILE's own, or the project's set when FILE has none).",
        )
        parser.add_argument("--no-learning", action="store_true", help="Skip the learning check.")
        parser.add_argument(
            "--min-correct",
            type=float,
            default=0.95,
            help="Smallest share of answerable questions (and of learned wordings) that must be answered.",
        )

    def handle(self, *args, file: str, learning: str | None, no_learning: bool, min_correct: float, **options):
        verbose = options["verbosity"] > 1
        try:
            questions = evalset.load(file)
            lessons = [] if no_learning else self._lessons(questions, learning)
        except evalset.EvalFileError as exc:
            raise CommandError(str(exc)) from None
        if not KnowledgeEntry.objects.filter(source=KnowledgeEntry.Source.SEED, active=True).exists():
            raise CommandError("The knowledge base has no seed facts: run `manage.py seed_salon` first.")

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

        for failure in tally.failures:
            self.stdout.write(failure)
        self.stdout.write(tally.summary())
        problems = self._problems(tally, min_correct)
        if problems:
            raise CommandError("Evaluation failed: " + "; ".join(problems) + ".")

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
            tally.prio += 1
            got = str(triage(question.q).priority)
            if got in question.priority.split("|"):
                tally.prio_ok += 1
            else:
                tally.failures.append(f"PRIORITY {question.q!r} -> {got!r}, want {question.priority}")

    # --- learning -------------------------------------------------------------------------------

    def _lessons(self, questions: evalset.EvalSet, learning: str | None) -> list[evalset.Lesson]:
        if learning:
            return evalset.load(learning).lessons
        return questions.lessons or evalset.load(evalset.DEFAULT_LEARNING_FILE).lessons

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

    # --- verdict --------------------------------------------------------------------------------

    @staticmethod
    def _problems(tally: Tally, min_correct: float) -> list[str]:
        problems = []
        if tally.wrong:
            problems.append(f"{tally.wrong} wrong answer(s)")
        if tally.escalated < tally.unknown:
            problems.append(f"{tally.unknown - tally.escalated} unknown question(s) not escalated")
        if tally.prio_ok < tally.prio:
            problems.append(f"{tally.prio - tally.prio_ok} wrong priorit(y/ies)")
        if tally.answerable and tally.correct < min_correct * tally.answerable:
            problems.append(f"{tally.correct}/{tally.answerable} answerable answered, below {min_correct:.0%}")
        if tally.learn_wrong:
            problems.append(f"{tally.learn_wrong} wrong answer(s) in the learning check")
        if tally.stolen:
            problems.append(f"{tally.stolen} unrelated question(s) answered with a learned answer")
        if tally.asked and tally.learned < min_correct * tally.asked:
            problems.append(f"{tally.learned}/{tally.asked} learned wordings answered, below {min_correct:.0%}")
        return problems

    def _trace(self, verbose: bool, line: str) -> None:
        if verbose:
            self.stdout.write(line)
