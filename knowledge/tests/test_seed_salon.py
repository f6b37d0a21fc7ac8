"""`seed_salon` loads the business profile: one natural question/answer entry per fact, the
salon profile row and the supervisors, and a second run changes nothing."""

from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from knowledge.models import KnowledgeEntry, SalonProfile
from knowledge.seed import DEFAULT_FIXTURE, build_facts, load_profile
from knowledge.services import deactivate_entry

pytestmark = pytest.mark.django_db


def _snapshot():
    return list(
        KnowledgeEntry.objects.order_by("seed_key").values_list(
            "seed_key", "question", "answer", "category", "active", "updated_at"
        )
    )


def _supervisors():
    return apps.get_model("helprequests", "Supervisor").objects


def test_bundled_fixture_is_the_demo_salon():
    shared = Path(settings.BASE_DIR).parent / "shared" / "salon" / "business.yaml"
    if not shared.exists():
        pytest.skip("the shared demo salon is not checked out next to the project")
    assert yaml.safe_load(DEFAULT_FIXTURE.read_text()) == yaml.safe_load(shared.read_text())


def test_seed_writes_profile_one_entry_per_fact_and_supervisors():
    call_command("seed_salon", verbosity=0)

    profile = SalonProfile.objects.get()
    assert profile.name == "Glow & Shear Salon"
    assert profile.phone == "+14155550142"
    assert profile.timezone == "America/Los_Angeles"
    assert profile.profile["services"][0]["name"] == "Women's haircut and style"

    facts = build_facts(load_profile())
    entries = KnowledgeEntry.objects.filter(source="seed", active=True)
    assert entries.count() == len(facts)
    keys = set(entries.values_list("seed_key", flat=True))
    days = {f"hours.{d}" for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")}
    assert days | {"hours.week", "holidays", "contact.address", "contact.phone", "staff.owner", "services.menu"} <= keys
    assert {"service.balayage", "service.mens-haircut", "policy.cancellation", "staff.maya-chen"} <= keys
    assert len([k for k in keys if k.startswith("service.")]) == 13
    assert len([k for k in keys if k.startswith("policy.")]) == 8
    assert {e.category for e in entries} == {"hours", "services", "staff", "location", "contact", "policies"}

    supervisors = {s.phone: s for s in _supervisors().all()}
    assert set(supervisors) == {"+14155550101", "+14155550102", "+14155550103", "+14155550104"}
    maya = supervisors["+14155550101"]
    assert maya.name == "Maya Chen" and maya.is_owner and maya.available
    assert maya.expertise == ["general", "policies", "complaint", "bridal", "pricing"]
    assert not supervisors["+14155550102"].is_owner


def test_answers_are_spoken_sentences_stating_the_fact():
    call_command("seed_salon", verbosity=0)
    answer = {e.seed_key: e.answer for e in KnowledgeEntry.objects.all()}
    question = {e.seed_key: e.question for e in KnowledgeEntry.objects.all()}

    assert answer["hours.monday"] == "We're closed on Mondays."
    assert answer["hours.thursday"] == "On Thursdays we're open from 10 AM to 8 PM."
    assert question["service.balayage"] == "How much is a balayage and how long does it take?"
    assert answer["service.balayage"] == "Our balayage starts at $240 and takes about 3 hours (180 minutes)."
    assert "2 and a half hours (150 minutes)" in answer["service.full-highlights"]
    assert "(415) 555-0142" in answer["contact.phone"]
    assert "2150 Fillmore Street" in answer["contact.address"]
    assert "Maya Chen" in answer["staff.owner"]
    assert "Christmas" in answer["holidays"] and answer["holidays"].startswith("We're closed")
    for key, text in answer.items():
        assert text[0].isupper() and text.endswith("."), key
        assert question[key].endswith("?"), key


def test_running_twice_changes_nothing():
    call_command("seed_salon", verbosity=0)
    entries, profile = _snapshot(), SalonProfile.objects.get().updated_at
    supervisors = list(_supervisors().order_by("id").values())

    call_command("seed_salon", "--demo", verbosity=0)

    assert _snapshot() == entries
    assert SalonProfile.objects.get().updated_at == profile
    assert list(_supervisors().order_by("id").values()) == supervisors
    assert SalonProfile.objects.count() == 1


def test_a_salon_file_updates_changed_facts_and_switches_vanished_ones_off_then_on(tmp_path):
    call_command("seed_salon", verbosity=0)
    learned = KnowledgeEntry.objects.create(question="Is there valet parking?", answer="No.", source="learned")
    tipping = KnowledgeEntry.objects.get(seed_key="policy.tipping")
    profile = load_profile()
    profile["services"][7]["price"] = 260  # balayage
    del profile["policies"]["tipping"]
    changed = tmp_path / "salon.yaml"
    changed.write_text(yaml.safe_dump(profile))

    call_command("seed_salon", str(changed), verbosity=0)

    assert "$260" in KnowledgeEntry.objects.get(seed_key="service.balayage").answer
    assert not KnowledgeEntry.objects.get(seed_key="policy.tipping").active
    assert KnowledgeEntry.objects.get(pk=learned.pk).active  # only seed entries are the file's to manage
    assert SalonProfile.objects.get().profile["services"][7]["price"] == 260

    # Without a file, a salon that has a profile keeps it: the demo is not loaded over it.
    call_command("seed_salon", verbosity=0)
    assert "$260" in KnowledgeEntry.objects.get(seed_key="service.balayage").answer

    # Asked for, the demo comes back: the fact that left the file and returned is on again, same entry.
    call_command("seed_salon", "--demo", verbosity=0)
    assert KnowledgeEntry.objects.get(pk=tipping.pk).active
    assert "$240" in KnowledgeEntry.objects.get(seed_key="service.balayage").answer


def test_reseed_keeps_a_supervisors_availability():
    call_command("seed_salon", verbosity=0)
    _supervisors().filter(phone="+14155550102").update(available=False)

    call_command("seed_salon", "--demo", verbosity=0)

    assert _supervisors().get(phone="+14155550102").available is False


def test_a_missing_or_broken_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no salon profile"):
        call_command("seed_salon", str(tmp_path / "missing.yaml"), verbosity=0)
    broken = tmp_path / "broken.yaml"
    broken.write_text("- just\n- a list\n")
    with pytest.raises(CommandError, match="must be a mapping"):
        call_command("seed_salon", str(broken), verbosity=0)
    assert not KnowledgeEntry.objects.exists()


def test_prints_a_short_summary(capsys):
    call_command("seed_salon")
    out = capsys.readouterr().out
    assert "Knowledge: 44 added" in out and "salon profile created" in out and "Supervisors: 4 added" in out


def test_unreadable_hours_are_refused_not_guessed(tmp_path):
    profile = load_profile()
    profile["hours"]["monday"] = "9-5"
    odd = tmp_path / "salon.yaml"
    odd.write_text(yaml.safe_dump(profile))
    with pytest.raises(CommandError, match="hours for monday"):
        call_command("seed_salon", str(odd), verbosity=0)


def test_reseeding_keeps_a_seed_fact_a_supervisor_switched_off(db):
    call_command("seed_salon", verbosity=0)
    entry = KnowledgeEntry.objects.get(seed_key="hours.monday")
    deactivate_entry(entry.pk)

    call_command("seed_salon", "--demo", verbosity=0)

    entry.refresh_from_db()
    assert entry.active is False
