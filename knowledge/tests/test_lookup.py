"""Lookup through the database: the public eval set, learning, deactivation, the shared cache."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from knowledge import services
from knowledge.matching import MATCH_THRESHOLD
from knowledge.models import KnowledgeEntry, KnowledgeVersion, LookupRecord

pytestmark = pytest.mark.django_db

EVAL_FILE = Path(settings.BASE_DIR).parent / "shared" / "eval" / "questions.yaml"


def _eval_items() -> list:
    if not EVAL_FILE.exists():
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{EVAL_FILE} is not there"))]
    items = yaml.safe_load(EVAL_FILE.read_text())
    return [pytest.param(item, id=f"{item['expect']}: {item['q']}") for item in items]


def has_facts(answer: str | None, facts: list[str]) -> bool:
    """The eval's own rule: every fact present (case-insensitive), "a|b" meaning either."""
    text = (answer or "").lower()
    return all(any(alt.lower() in text for alt in fact.split("|")) for fact in facts)


@pytest.fixture
def seeded(db):
    call_command("seed_salon", verbosity=0)


@pytest.mark.parametrize("item", _eval_items())
def test_eval_question(seeded, item):
    result = services.lookup(item["q"])
    if item["expect"] == "answer":
        assert result.matched, f"missed (score {result.score})"
        assert has_facts(result.answer, item.get("facts", [])), f"wrong answer: {result.answer!r}"
        assert result.source == "seed" and result.entry_id is not None
        assert MATCH_THRESHOLD <= result.score <= 1
    else:
        assert not result.matched, f"should escalate, got {result.answer!r}"
        assert result.answer is None and result.entry_id is None and result.source is None


def test_no_eval_question_is_written_into_the_knowledge_app():
    """Matching must generalise: no sentence of the eval set may sit in code, fixture or lexicon."""
    if not EVAL_FILE.exists():
        pytest.skip(f"{EVAL_FILE} is not there")
    questions = [item["q"].lower() for item in yaml.safe_load(EVAL_FILE.read_text())]
    app = Path(services.__file__).resolve().parent
    for path in [*app.rglob("*.py"), *app.glob("fixtures/*")]:
        text = path.read_text().lower()
        assert not [q for q in questions if q in text], path
    seeded_questions = {q.lower() for q in KnowledgeEntry.objects.values_list("question", flat=True)}
    assert not seeded_questions & set(questions)


def test_a_match_counts_a_use(seeded):
    result = services.lookup("What does a blowout cost?")
    assert result.matched
    entry = KnowledgeEntry.objects.get(pk=result.entry_id)
    assert entry.times_used == 1 and entry.last_used_at is not None
    services.lookup("What does a blowout cost?")
    entry.refresh_from_db()
    assert entry.times_used == 2


def test_a_learned_answer_counts_at_once_for_the_same_and_close_wording(seeded):
    assert not services.lookup("Do you have a parking lot?").matched

    entry = services.learn_answer(
        question="Do you have a parking lot?",
        answer="Yes, there's a free lot behind the building.",
        help_request_id=None,
    )

    assert entry.source == "learned" and entry.active and entry.help_request_id is None
    for wording in (
        "Do you have a parking lot?",
        "do you have a parking lot",
        "Is there a parking lot?",
        "Um, can I park in your lot?",
    ):
        result = services.lookup(wording)
        assert result.matched, wording
        assert (result.entry_id, result.source) == (entry.pk, "learned")
        assert result.answer == "Yes, there's a free lot behind the building."
    assert services.lookup("Do you have a parking lot?").score == 1.0
    # ... and it answers nothing else
    assert not services.lookup("Can I buy a gift card?").matched
    assert services.lookup("What does a blowout cost?").source == "seed"


def test_a_deactivated_entry_stops_matching(seeded):
    result = services.lookup("Can I pay by check?")
    assert result.matched

    services.deactivate_entry(result.entry_id)

    assert not services.lookup("Can I pay by check?").matched
    services.update_entry(result.entry_id, active=True)
    assert services.lookup("Can I pay by check?").matched


def test_changes_made_elsewhere_are_seen_without_invalidation(seeded):
    """Another process writes straight to the table: the next lookup still sees it, because the
    index is checked against the table on every lookup, not only on this process's signals."""
    services.lookup("warm the cache")
    KnowledgeEntry.objects.create(question="Do you have wifi?", answer="Yes, ask at the desk for the password.")
    assert services.lookup("Is there wifi?").matched

    KnowledgeEntry.objects.filter(question="Do you have wifi?").update(active=False)  # no save(), no signal
    assert not services.lookup("Is there wifi?").matched


def test_an_answer_changed_by_a_bulk_update_is_returned_at_once(seeded):
    result = services.lookup("What does a blowout cost?")
    KnowledgeEntry.objects.filter(pk=result.entry_id).update(answer="A blowout is $40 this week.")
    assert services.lookup("What does a blowout cost?").answer == "A blowout is $40 this week."


def test_counting_uses_does_not_make_the_index_stale(seeded):
    services.lookup("warm the cache")
    before = KnowledgeVersion.current()
    assert services.lookup("What does a blowout cost?").matched
    assert KnowledgeVersion.current() == before


def test_the_knowledge_version_moves_on_a_change_to_what_the_index_reads_and_nothing_else(seeded):
    """The triggers' column list (INDEXED_COLUMNS in the migrations) is what `_build` reads: a
    column left out would serve a stale index, one too many would rebuild it on every use."""
    read = {*services.INDEXED_FIELDS, *(name for name, _ in services.MATCHABLE.children)}
    entry = KnowledgeEntry.objects.order_by("id").first()
    moved = set()
    for field in KnowledgeEntry._meta.concrete_fields:
        if field.primary_key:
            continue
        before = KnowledgeVersion.current()
        with connection.cursor() as cursor:  # a column named in SET fires `UPDATE OF` even unchanged
            column = connection.ops.quote_name(field.column)
            cursor.execute(f"UPDATE {KnowledgeEntry._meta.db_table} SET {column} = {column} WHERE id = %s", [entry.pk])
        if KnowledgeVersion.current() != before:
            moved.add(field.name)
    assert moved == read


def test_a_lost_version_row_comes_back_with_a_new_stamp(seeded):
    """A flush (tests, a restore) empties the version table: the index is rebuilt, never reused."""
    services.lookup("warm the cache")
    stamp = KnowledgeVersion.current()
    KnowledgeVersion.objects.all().delete()
    KnowledgeEntry.objects.create(question="Do you have wifi?", answer="Yes, ask at the desk for the password.")
    assert KnowledgeVersion.current() != stamp
    assert services.lookup("Is there wifi?").matched


def test_a_rolled_back_change_never_leaves_its_index_looking_current(seeded):
    """An index read inside a transaction that then rolls back saw entries that never existed;
    the next committed change must not make that index look current again."""
    with transaction.atomic():
        KnowledgeEntry.objects.create(question="Do you have wifi?", answer="Yes, ask at the desk.")
        assert services.lookup("Is there wifi?").matched
        transaction.set_rollback(True)
    KnowledgeEntry.objects.create(question="Do you sell hair dryers?", answer="No, only styling products.")
    assert services.lookup("Do you sell hair dryers?").matched
    assert not services.lookup("Is there wifi?").matched


def test_an_entry_switched_off_after_the_index_was_read_is_not_answered(seeded, monkeypatch):
    result = services.lookup("Can I pay by check?")
    stale = KnowledgeVersion.current()
    KnowledgeEntry.objects.filter(pk=result.entry_id).update(active=False)
    monkeypatch.setattr(KnowledgeVersion, "current", classmethod(lambda cls: stale))  # the race
    after = services.lookup("Can I pay by check?")
    assert not after.matched and after.answer is None
    assert KnowledgeEntry.objects.get(pk=result.entry_id).times_used == 1


def test_a_lookup_on_a_stale_index_is_matched_again_and_recorded_once(seeded):
    """The version check rides on the lookup's record: a process whose index is stale finds out
    there, writes nothing, rebuilds and matches again."""
    first = services.lookup("What does a blowout cost?")
    KnowledgeEntry.objects.create(question="Do you have wifi?", answer="Yes, ask at the desk.")  # elsewhere
    records = LookupRecord.objects.count()

    assert services.lookup("What does a blowout cost?").entry_id == first.entry_id
    assert LookupRecord.objects.count() == records + 1
    assert KnowledgeEntry.objects.get(pk=first.entry_id).times_used == 2
    assert services.lookup("Is there wifi?").matched


def test_a_record_against_a_changed_version_writes_nothing(seeded):
    entry_id = services.lookup("What does a blowout cost?").entry_id
    stale = KnowledgeVersion.current()
    KnowledgeEntry.objects.create(question="Do you have wifi?", answer="Yes, ask at the desk.")
    records = LookupRecord.objects.count()

    assert LookupRecord.record("blowout price", entry_id, 0.9, index_stamp=stale) is None
    assert LookupRecord.objects.count() == records
    assert KnowledgeEntry.objects.get(pk=entry_id).times_used == 1
    current = KnowledgeVersion.current()
    assert LookupRecord.record("blowout price", entry_id, 0.9, index_stamp=current) is True
    assert LookupRecord.record("blowout price", entry_id, 0.9, index_stamp=None) is True  # no check
    assert KnowledgeEntry.objects.get(pk=entry_id).times_used == 3


def test_every_lookup_is_recorded_for_the_analytics(seeded):
    answered = services.lookup("What does a blowout cost?")
    services.lookup("Do you groom dogs?")
    records = list(LookupRecord.objects.order_by("id").values_list("question", "matched", "entry_id"))
    assert records == [("What does a blowout cost?", True, answered.entry_id), ("Do you groom dogs?", False, None)]


def test_an_edited_answer_is_returned_at_once(seeded):
    entry = services.create_entry(
        question="Do you sell gift certificates?", answer="Yes, in any amount.", category="retail"
    )
    assert entry.source == "manual" and entry.category == "retail"
    assert services.lookup("Can I buy a gift certificate?").answer == "Yes, in any amount."

    services.update_entry(entry.pk, answer="Yes, from $25.")

    assert services.lookup("Can I buy a gift certificate?").answer == "Yes, from $25."


def test_lookup_without_any_entries_is_unmatched(db):
    result = services.lookup("When are you open?")
    assert (result.matched, result.answer, result.entry_id, result.source) == (False, None, None, None)


def test_blank_question_or_answer_is_refused(db):
    from core.errors import Invalid

    with pytest.raises(Invalid):
        services.learn_answer(question="  ", answer="Yes.", help_request_id=None)
    with pytest.raises(Invalid):
        services.create_entry(question="Parking?", answer="")
