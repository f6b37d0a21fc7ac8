"""`manage.py eval_answers FILE`: per-item failures, a summary line, a verdict, and no trace left."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from helprequests.models import HelpRequest, Message
from knowledge.models import KnowledgeEntry

pytestmark = pytest.mark.django_db

EVAL_FILE = Path(settings.BASE_DIR).parent / "shared" / "eval" / "questions.yaml"
DEV_FILE = Path(settings.BASE_DIR) / "knowledge" / "tests" / "data" / "dev_questions.yaml"


def run(*args) -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("eval_answers", *args, stdout=out)
    except CommandError as exc:
        return out.getvalue(), exc
    return out.getvalue(), None


def write(tmp_path, text: str) -> str:
    path = tmp_path / "questions.yaml"
    path.write_text(text)
    return str(path)


def _state() -> tuple:
    return (
        HelpRequest.objects.count(),
        Message.objects.count(),
        list(KnowledgeEntry.objects.order_by("id").values_list("id", "times_used", "active")),
    )


@pytest.mark.parametrize("path", [EVAL_FILE, DEV_FILE], ids=["shared eval file", "development set"])
def test_the_question_files_pass_with_the_learning_check(salon, path):
    if not path.exists():
        pytest.skip(f"{path} is not there")
    out, error = run(str(path))
    assert error is None, out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("score: correct ") and ", wrong 0, " in summary
    assert "learned " in summary and "stolen 0/" in summary and "learn-wrong 0" in summary


def test_nothing_is_kept(salon, outbox):
    before = _state()
    out, error = run(str(DEV_FILE))
    assert error is None, out
    assert _state() == before
    assert outbox == []  # the help requests' texts were never handed over


def test_each_failure_is_printed_and_fails_the_run(salon, tmp_path):
    path = write(
        tmp_path,
        """
- {q: "How much for a blowout?", expect: answer, facts: ["$99"]}
- {q: "How much is a beard trim?", expect: escalate}
- {q: "Do you braid hair for weddings on the moon?", expect: answer, facts: ["moon"]}
- {q: "My scalp is bleeding after the color", expect: escalate, priority: low}
- {q: "Do you sell candles?", expect: escalate}
""",
    )
    out, error = run(path, "--no-learning")
    assert "WRONG  'How much for a blowout?' -> " in out
    assert "WRONG  'How much is a beard trim?' should escalate" in out
    assert "MISSED 'Do you braid hair for weddings on the moon?'" in out
    assert "PRIORITY 'My scalp is bleeding after the color' -> 'urgent', want low" in out
    assert out.strip().splitlines()[-1] == (
        "score: correct 0/2 answerable, wrong 2, escalated 2/3 unknown, priority 0/1"
    )
    assert error is not None and "2 wrong answer(s)" in str(error) and "wrong priorit" in str(error)


def test_a_missed_answer_fails_only_below_min_correct(salon, tmp_path):
    path = write(
        tmp_path,
        """
- {q: "How much for a blowout?", expect: answer, facts: ["55"]}
- {q: "Do you braid hair for weddings on the moon?", expect: answer, facts: ["moon"]}
""",
    )
    out, error = run(path, "--no-learning")
    assert error is not None and "1/2 answerable answered, below 95%" in str(error)
    out, error = run(path, "--no-learning", "--min-correct", "0.5")
    assert error is None, out


def test_lessons_in_the_file_are_taught_through_help_requests_and_asked(salon, tmp_path):
    path = write(
        tmp_path,
        """
- {q: "How much for a blowout?", expect: answer, facts: ["55"]}
- teach: {q: "Do you have a valet?", a: "Yes, valet parking is $10 on weekends."}
  ask: ["Is there valet service?", "do you guys have a valet"]
  unrelated: ["How much for a blowout?", "Is there parking nearby?"]
""",
    )
    out, error = run(path)
    assert error is None, out
    assert (
        out.strip()
        .splitlines()[-1]
        .endswith("learned 2/2 paraphrases (1 lessons), learn-wrong 0, stolen 0/2 unrelated")
    )
    assert not KnowledgeEntry.objects.filter(source="learned").exists()


def test_a_learning_check_that_fails_is_reported(salon, tmp_path):
    path = write(
        tmp_path,
        """
- teach: {q: "Do you have a valet?", a: "Yes, valet parking is $10 on weekends."}
  ask: ["What time do you open on Sunday?"]
  unrelated: ["Do you have a valet service?"]
- teach: {q: "How much for a blowout?", a: "It is $60 now."}
  ask: ["What does a blowout cost?"]
""",
    )
    out, error = run(path)
    assert "LEARN-WRONG 'What time do you open on Sunday?'" in out
    assert "STOLEN 'Do you have a valet service?'" in out
    assert "SETUP  'How much for a blowout?' is answered before it was taught" in out
    assert error is not None


def test_bad_files_and_an_empty_knowledge_base_are_clear_errors(db, tmp_path):
    with pytest.raises(CommandError, match="no evaluation file"):
        call_command("eval_answers", str(tmp_path / "missing.yaml"))
    with pytest.raises(CommandError, match="neither 'q' nor 'teach'"):
        call_command("eval_answers", write(tmp_path, "- {question: hi}\n"))
    with pytest.raises(CommandError, match="seed_salon"):
        call_command("eval_answers", write(tmp_path, '- {q: "Hi?", expect: escalate}\n'))
