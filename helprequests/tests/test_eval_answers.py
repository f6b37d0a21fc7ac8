"""`manage.py eval_answers FILE`: per-item failures, a summary line, a verdict, and no trace left."""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from helprequests.models import HelpRequest
from knowledge import evalset
from knowledge.models import KnowledgeEntry
from outbound.models import Message

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


def test_nothing_is_kept(salon, sent_texts):
    before = _state()
    out, error = run(str(DEV_FILE))
    assert error is None, out
    assert _state() == before
    assert sent_texts == []  # the help requests' texts were never handed over


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


# --- held-out files ----------------------------------------------------------------------------

MIXED = """
- {q: "How much for a blowout?", expect: answer, facts: ["55"]}
- {q: "Do you braid hair for weddings on the moon?", expect: answer, facts: ["moon"]}
- {q: "Do you sell candles?", expect: escalate, priority: medium}
"""


def test_a_heldout_file_prints_counts_not_questions_and_reports_misses_without_failing(salon, tmp_path):
    path = write(tmp_path, MIXED)
    out, error = run("--heldout", path)
    assert error is None, out
    assert "moon" not in out and "candles" not in out
    lines = out.strip().splitlines()
    assert f"HELD-OUT {path}: 2 failing item(s) not shown" in lines[0]
    assert lines[1] == f"HELD-OUT {path}: score: correct 1/2 answerable, wrong 0, escalated 1/1 unknown, priority 0/1"
    assert lines[2] == (
        f"HELD-OUT {path}: below target, reported, not failed: "
        "1 wrong priorit(y/ies); 1/2 answerable answered, below 95%"
    )


def test_the_same_file_as_a_development_file_fails_on_those_misses(salon, tmp_path):
    out, error = run(write(tmp_path, MIXED), "--no-learning")
    assert "MISSED 'Do you braid hair for weddings on the moon?'" in out
    assert error is not None and "1 wrong priorit(y/ies)" in str(error) and "below 95%" in str(error)


def test_a_heldout_file_fails_on_what_is_unsafe_and_reveal_names_the_questions(salon, tmp_path):
    path = write(
        tmp_path,
        """
- {q: "How much for a blowout?", expect: answer, facts: ["$99"]}
- {q: "How much is a beard trim?", expect: escalate}
- {q: "Do you sell candles?", expect: escalate, priority: urgent}
""",
    )
    out, error = run("--heldout", path)
    assert "blowout" not in out and "candles" not in out
    assert (
        f"HELD-OUT {path}: score: correct 0/1 answerable, wrong 2, escalated 1/2 unknown, priority 0/1, urgent 0/1"
        in out
    )
    assert error is not None
    message = str(error)
    assert f"HELD-OUT {path}: 2 wrong answer(s)" in message
    assert "1 unknown question(s) not escalated" in message and "1 urgent case(s) not triaged urgent" in message

    out, error = run("--heldout", path, "--reveal")
    assert "WRONG  'How much for a blowout?'" in out and "PRIORITY 'Do you sell candles?'" in out
    assert error is not None


def test_development_and_heldout_files_get_a_labelled_summary_each(salon, tmp_path):
    dev = tmp_path / "dev.yaml"
    dev.write_text('- {q: "Do you braid hair for weddings on the moon?", expect: answer, facts: ["moon"]}\n')
    heldout = write(tmp_path, '- {q: "How much for a blowout?", expect: answer, facts: ["55"]}\n')
    out, error = run(str(dev), "--heldout", heldout, "--no-learning")
    lines = out.strip().splitlines()
    assert lines == [
        "MISSED 'Do you braid hair for weddings on the moon?' (score 0.0)",
        f"dev {dev}: score: correct 0/1 answerable, wrong 0, escalated 0/0 unknown, priority 0/0",
        f"HELD-OUT {heldout}: score: correct 1/1 answerable, wrong 0, escalated 0/0 unknown, priority 0/0",
    ]
    assert error is not None and str(error) == f"Evaluation failed: dev {dev}: 0/1 answerable answered, below 95%."


def test_a_heldout_file_teaches_its_own_lessons_only(salon, tmp_path):
    path = write(tmp_path, '- {q: "How much for a blowout?", expect: answer, facts: ["55"]}\n')
    out, error = run("--heldout", path)
    assert error is None, out
    assert "learned" not in out  # the project's lessons are tuned on: not used for a held-out file
    out, error = run(path)
    assert "learned " in out.strip().splitlines()[-1]


def test_heldout_alone_judges_the_projects_heldout_split(salon):
    out, _ = run("--heldout", "--no-learning")
    summary = [line for line in out.splitlines() if ": score: " in line]
    assert summary == [line for line in summary if line.startswith("HELD-OUT ")]
    assert len(summary) == 1 and summary[0].startswith(
        f"HELD-OUT {os.path.relpath(evalset.HELDOUT_FILE)}: score: correct "
    )
    assert "MISSED" not in out and "WRONG" not in out and "PRIORITY" not in out
