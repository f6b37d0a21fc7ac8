"""`manage.py calibrate_matcher`: precision and recall of the matcher per threshold, on labelled data.

The data is the development set (knowledge/tests/data/dev_questions.yaml and dev_learning.yaml,
written for this project; never the shared eval file, which is kept for checking). The index is
built in memory from the salon profile's facts, plus one learned entry per lesson, exactly as
the services build it from the database.

For each labelled question, the best entry that passes every gate (score >= 0.5) is an
observation: its score, and whether answering with it would be right (an `answer` item whose
facts it contains; a learned wording that gets the taught answer) or wrong (anything matched for
an `escalate` item, an answer without the facts, another entry for a learned wording, the taught
answer for an unrelated question). At threshold t every observation with score >= t is given.

The recommended threshold is the middle of the gap between the highest-scoring wrong
observation and the next right one above it: no wrong answer on the development set, the most
right ones, and the widest margin either side. `MATCH_THRESHOLD` in knowledge/matching.py should
be that value; `--check` fails when it is not, or when it lets a wrong answer through.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge import evalset, matching
from knowledge.analysis import Vocabulary
from knowledge.matching import Document, Index
from knowledge.seed import DEFAULT_FIXTURE, SeedError, build_facts, load_profile

DATA = Path(evalset.__file__).resolve().parent / "tests" / "data"
DEFAULT_QUESTIONS = DATA / "dev_questions.yaml"
DEFAULT_LEARNING = DATA / "dev_learning.yaml"
GATE_FLOOR = 0.5  # every entry that passes the gates scores at least this


@dataclass(frozen=True)
class Observation:
    question: str
    score: float  # of the best entry passing the gates; 0 when none does
    right: bool | None  # True right, False wrong, None: nothing to judge (no entry passes)


@dataclass(frozen=True)
class Calibration:
    observations: list[Observation]
    answerable: int  # questions that should be answered (answer items and learned wordings)
    # entries that pass the gates for a question but would be a wrong answer, and lose today to a
    # better one: what only the ranking keeps from the caller
    runners_up: list[Observation]

    def at(self, threshold: float) -> tuple[int, int]:
        """(right, wrong) answers given at `threshold`."""
        given = [o for o in self.observations if o.right is not None and o.score >= threshold]
        return sum(o.right for o in given), sum(not o.right for o in given)

    def recommended(self) -> tuple[float, float, float]:
        """(threshold, highest wrong score, lowest right score above it)."""
        wrong = [o.score for o in self.observations if o.right is False]
        ceiling = max(wrong, default=GATE_FLOOR)
        above = [o.score for o in self.observations if o.right and o.score > ceiling]
        floor = min(above, default=1.0)
        return round((ceiling + floor) / 2, 3), ceiling, floor


def build_index(profile: dict, lessons: list[evalset.Lesson]) -> tuple[Index, dict[str, int]]:
    """The salon's facts, plus one learned entry per lesson (its id by the lesson's question)."""
    documents = [Document(i, f.question, f.answer, "seed") for i, f in enumerate(build_facts(profile), start=1)]
    learned = {}
    for i, lesson in enumerate(lessons, start=len(documents) + 1):
        documents.append(Document(i, lesson.question, lesson.answer, "learned"))
        learned[lesson.question] = i
    return Index(documents, Vocabulary.from_profile(profile)), learned


def _best(index: Index, question: str) -> matching.Match | None:
    """The best entry passing every gate, whatever the threshold."""
    match = index.best(question)
    return match if match.document is not None and match.score >= GATE_FLOOR else None


def _wrong_runners_up(index: Index, item: evalset.Question, best: matching.Match | None) -> list[Observation]:
    query = index.analysis(item.q)
    found = []
    for entry in index.entries:
        score = index._score(query, entry)[0]
        if score < GATE_FLOOR or (best is not None and entry.document == best.document):
            continue
        if item.expect == "escalate" or not evalset.has_facts(entry.document.answer, item.facts):
            found.append(Observation(f"{item.q} -> {entry.document.question}", round(score, 4), False))
    return found


def calibrate(profile: dict, questions: list[evalset.Question], lessons: list[evalset.Lesson]) -> Calibration:
    """Questions against the salon's facts alone; learned wordings once every lesson is taught."""
    observations, runners_up = [], []
    answerable = 0
    facts_only, _ = build_index(profile, [])
    for item in questions:
        match = _best(facts_only, item.q)
        runners_up += _wrong_runners_up(facts_only, item, match)
        if item.expect == "answer":
            answerable += 1
            right = None if match is None else evalset.has_facts(match.document.answer, item.facts)
        else:
            right = None if match is None else False
        observations.append(Observation(item.q, match.score if match else 0.0, right))
    index, learned = build_index(profile, lessons)
    for lesson in lessons:
        entry_id = learned[lesson.question]
        for wording in lesson.ask:
            answerable += 1
            match = _best(index, wording)
            right = None if match is None else match.document.id == entry_id
            observations.append(Observation(wording, match.score if match else 0.0, right))
        for wording in lesson.unrelated:
            match = _best(index, wording)
            stolen = match is not None and match.document.id == entry_id
            observations.append(Observation(wording, match.score if stolen else 0.0, False if stolen else None))
    return Calibration(observations, answerable, runners_up)


class Command(BaseCommand):
    help = "Print precision and recall of knowledge matching per threshold on the development set."

    def add_arguments(self, parser):
        parser.add_argument("--questions", nargs="*", default=[str(DEFAULT_QUESTIONS)], help="Labelled questions.")
        parser.add_argument("--learning", nargs="*", default=[str(DEFAULT_LEARNING)], help="Learning checks.")
        parser.add_argument("--profile", default=str(DEFAULT_FIXTURE), help="The salon profile to index.")
        parser.add_argument("--step", type=float, default=0.025, help="Threshold step of the table.")
        parser.add_argument("--check", action="store_true", help="Fail unless MATCH_THRESHOLD is the recommended one.")

    def handle(self, *args, questions, learning, profile, step, check, **options):
        try:
            loaded = [evalset.load(path) for path in [*questions, *learning]]
            salon = load_profile(profile)
        except (evalset.EvalFileError, SeedError) as exc:
            raise CommandError(str(exc)) from None
        items = [q for data in loaded for q in data.questions]
        lessons = [lesson for data in loaded for lesson in data.lessons]
        calibration = calibrate(salon, items, lessons)

        self.stdout.write(
            f"{len(items)} questions and {len(lessons)} lessons ({calibration.answerable} to answer, "
            f"{len(calibration.observations) - calibration.answerable} to refuse or leave alone)"
        )
        self.stdout.write(f"{'threshold':>9}  {'right':>5}  {'wrong':>5}  {'precision':>9}  {'recall':>6}")
        threshold = GATE_FLOOR
        while threshold <= 1.0 + 1e-9:
            right, wrong = calibration.at(threshold)
            precision = right / (right + wrong) if right + wrong else 1.0
            mark = "  <- MATCH_THRESHOLD" if abs(threshold - matching.MATCH_THRESHOLD) < step / 2 else ""
            self.stdout.write(
                f"{threshold:9.3f}  {right:5d}  {wrong:5d}  {precision:9.3f}  "
                f"{right / max(calibration.answerable, 1):6.3f}{mark}"
            )
            threshold = round(threshold + step, 6)

        recommended, ceiling, floor = calibration.recommended()
        for o in sorted(calibration.observations, key=lambda o: -o.score):
            if o.right is False and o.score >= GATE_FLOOR:
                self.stdout.write(f"  wrong if given: {o.score:.3f} {o.question!r}")
        above = sorted(
            (o for o in calibration.runners_up if o.score >= matching.MATCH_THRESHOLD), key=lambda o: -o.score
        )
        self.stdout.write(
            f"{len(calibration.runners_up)} runners-up would be wrong answers (they pass the gates but lose to a "
            f"better entry); {len(above)} of them score at or above MATCH_THRESHOLD, e.g.:"
        )
        for o in above[:5]:
            self.stdout.write(f"  {o.score:.3f} {o.question!r}")
        right, wrong = calibration.at(matching.MATCH_THRESHOLD)
        self.stdout.write(
            f"highest wrong score {ceiling:.3f}, lowest right score above it {floor:.3f}: "
            f"recommended threshold {recommended:.3f}; MATCH_THRESHOLD is {matching.MATCH_THRESHOLD} "
            f"({right}/{calibration.answerable} right, {wrong} wrong)"
        )
        if check and (wrong or not ceiling < matching.MATCH_THRESHOLD <= floor):
            raise CommandError(
                f"MATCH_THRESHOLD {matching.MATCH_THRESHOLD} is not in the calibrated gap ({ceiling:.3f}, {floor:.3f}]."
            )
