"""The held-out split: decided by each question's text, so no item can be moved by hand."""

from pathlib import Path

import pytest

from knowledge import evalset

SHARED_EVAL = Path(__file__).resolve().parents[3] / "shared" / "eval" / "questions.yaml"
# Two sets in other voices were split this way; the held-out sides of both share one file.
DEV_VOICES_2_FILE = evalset.DATA / "dev_voices_2.yaml"
SPLIT_FILES = {evalset.DEV: [evalset.DEV_VOICES_FILE, DEV_VOICES_2_FILE], evalset.HELDOUT: [evalset.HELDOUT_FILE]}


def _keys(path: Path) -> list[str]:
    """The text that decides each item's side: a question's `q`, a lesson's `teach.q`."""
    loaded = evalset.load(path)
    return [q.q for q in loaded.questions] + [lesson.question for lesson in loaded.lessons]


@pytest.mark.parametrize("side", [evalset.DEV, evalset.HELDOUT])
def test_every_item_is_in_the_file_its_hash_names(side):
    for path in SPLIT_FILES[side]:
        misplaced = [key for key in _keys(path) if evalset.split_of(key) != side]
        assert not misplaced, f"these belong in the {side} file, not {path.name}: {misplaced}"


def test_the_split_depends_on_the_words_only_and_is_fixed():
    """Case, spacing and Unicode forms do not move a question; the hash itself must never change
    (it would reshuffle both files), so two known values are pinned."""
    assert evalset.split_of("Blowout price?") == evalset.DEV
    assert evalset.split_of("  blowout PRICE?\t") == evalset.DEV
    assert evalset.split_of("keratin cost") == evalset.HELDOUT
    assert evalset.split_of("Keratin Cost") == evalset.split_of("ｋｅｒａｔｉｎ cost") == evalset.HELDOUT


def test_about_a_third_is_held_out_with_every_kind_of_item():
    dev, heldout = ([evalset.load(path) for path in SPLIT_FILES[side]] for side in (evalset.DEV, evalset.HELDOUT))
    held = sum(len(part.questions) for part in heldout)
    total = held + sum(len(part.questions) for part in dev)
    assert total >= 150
    assert 0.25 <= held / total <= 0.42
    for part in dev + heldout:
        kinds = {q.expect for q in part.questions} | {q.priority for q in part.questions if q.priority}
        assert {"answer", "escalate", "urgent", "high"} <= kinds
        assert part.lessons


def test_no_sentence_is_shared_with_another_question_file():
    """The new voices are new: not in the project's dev set, not in the shared eval file, and no
    question sits on both sides."""
    dev, heldout = (set().union(*map(evalset.sentences, paths)) for paths in SPLIT_FILES.values())
    assert not dev & heldout
    assert not evalset.sentences(evalset.DEV_VOICES_FILE) & evalset.sentences(DEV_VOICES_2_FILE)
    others = [evalset.DATA / "dev_questions.yaml", evalset.DEFAULT_LEARNING_FILE]
    if SHARED_EVAL.exists():
        others.append(SHARED_EVAL)
    for other in others:
        assert not (dev | heldout) & evalset.sentences(other), other.name
