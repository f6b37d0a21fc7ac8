"""The matcher's vocabulary is data the salon extends (issue 14): `seed_salon` loads the bundled
defaults (knowledge/fixtures/vocabulary.yaml) into `VocabularyTerm` rows; a term added, edited or
switched off in admin changes the very next lookup, in any process (a trigger moves the knowledge
version); re-seeding keeps what the salon changed. Family words name an audience only where the
salon prices by audience, and an age said with them counts."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from knowledge import services
from knowledge.models import KnowledgeVersion, VocabularyTerm
from knowledge.seed import seed_vocabulary
from knowledge.vocabulary import default_terms, invalid_meaning

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:knowledge_vocabularyterm_changelist")


@pytest.fixture
def seeded(db):
    call_command("seed_salon", verbosity=0)


def _add(admin_client, phrase: str, means: str, asking_who: bool = False):
    form = {"phrase": phrase, "means": means, "active": "on"}
    if asking_who:
        form["asking_who"] = "on"
    return admin_client.post(reverse("admin:knowledge_vocabularyterm_add"), form)


def test_seeding_loads_the_bundled_terms_once(seeded):
    assert VocabularyTerm.objects.count() == len(default_terms())
    row = VocabularyTerm.objects.get(phrase="down payment")
    assert (row.means, row.source, row.active) == ("deposit", "seed", True)
    assert seed_vocabulary() == (0, 0)


def test_a_term_added_in_admin_is_used_by_the_next_lookup(seeded, admin_client):
    assert not services.lookup("do I pay a security payment").matched
    before = KnowledgeVersion.current()
    response = _add(admin_client, "Security  Payment", "deposit")
    assert response.status_code == 302
    assert KnowledgeVersion.current() != before
    row = VocabularyTerm.objects.get(phrase="security payment")
    assert row.source == "manual"
    result = services.lookup("do I pay a security payment")
    assert result.matched and "$50 deposit" in result.answer


def test_a_term_switched_off_in_admin_stops_counting(seeded, admin_client):
    assert services.lookup("what are your digits").matched
    row = VocabularyTerm.objects.get(phrase="digits")
    admin_client.post(CHANGELIST, {"action": "", **_changelist_form(row, active=False)})
    assert not VocabularyTerm.objects.get(pk=row.pk).active
    assert not services.lookup("what are your digits").matched


def _changelist_form(row: VocabularyTerm, active: bool) -> dict:
    """The list page's inline `active` checkbox for one row, as the browser posts it."""
    form = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(row.pk),
        "_save": "Save",
    }
    if active:
        form["form-0-active"] = "on"
    return form


def test_a_term_the_salon_edited_is_kept_when_seeding_again(seeded, admin_client):
    row = VocabularyTerm.objects.get(phrase="upfront")
    admin_client.post(
        reverse("admin:knowledge_vocabularyterm_change", args=[row.pk]),
        {"phrase": "upfront", "means": "", "active": "on"},
    )
    call_command("seed_salon", verbosity=0)
    row.refresh_from_db()
    assert (row.means, row.source) == ("", "manual")


def test_admin_refuses_a_meaning_the_matcher_cannot_read(seeded, admin_client):
    response = _add(admin_client, "rush fee", "?cost")
    assert response.status_code == 200 and "is not something a caller can ask for" in response.content.decode()
    assert not VocabularyTerm.objects.filter(phrase="rush fee").exists()
    assert invalid_meaning("audience:dogs") and invalid_meaning("Deposit!") and not invalid_meaning("deposit ?price")


def test_without_any_row_the_bundled_defaults_are_used(db):
    call_command("seed_salon", verbosity=0)
    VocabularyTerm.objects.all().delete()
    assert services.lookup("how do I reach you").matched


# --- family words and ages -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("How much is a blowout for my daughter?", "$55"),  # one price for everyone
        ("how much is a haircut for my husband", "$45"),  # haircuts are priced per audience
        ("what would a haircut for my mom cost", "$85"),
        ("my son is 7, how much is his haircut", "$30"),
        ("how much is a cut for my 8 year old", "$30"),
    ],
)
def test_family_words_say_who_a_service_is_for(seeded, question, fact):
    result = services.lookup(question)
    assert result.matched and fact in result.answer, question


@pytest.mark.parametrize(
    "question",
    [
        "how much is a haircut for my 15 year old daughter",  # not the children's price (under 12)
        "my son is 14, how much is his haircut",
        "what's the kids price for my 12yo",
        "how much is a blowout for my 8 year old",  # no price is said for children
        "Do you color kids' hair?",
    ],
)
def test_an_age_or_a_child_the_facts_do_not_cover_is_escalated(seeded, question):
    assert not services.lookup(question).matched, question
