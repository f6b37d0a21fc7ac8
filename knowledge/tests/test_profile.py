"""Her salon, her facts (issue 16): the profile is saved as a diff that keeps what people did to
the entries, a restart never undoes her edits, a salon file can be tried (dry run) and loaded
again without changing anything, and every answer stating a fact follows the profile at once."""

import copy
import threading
import time

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from core.errors import Conflict
from knowledge import profile as salon_profile
from knowledge import services
from knowledge.models import KnowledgeEntry, SalonProfile
from knowledge.profile import (
    ALREADY_SET_UP,
    ProfileError,
    apply_profile,
    clean_price,
    export_profile,
    resolve_conflict,
)
from knowledge.seed import DEFAULT_FIXTURE, SeedError, load_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(salon):
    return export_profile()


def _entry(key: str) -> KnowledgeEntry:
    return KnowledgeEntry.objects.get(seed_key=key)


def _answer(question: str) -> str:
    result = services.lookup(question)
    assert result.matched, question
    return result.answer


def _supervisors():
    return apps.get_model("helprequests", "Supervisor").objects


def _everything():
    entries = list(KnowledgeEntry.objects.order_by("pk").values())
    return entries, SalonProfile.objects.get().profile, list(_supervisors().order_by("pk").values())


def test_a_restart_keeps_the_owners_edits(demo):
    demo["hours"]["monday"] = "11:00-17:00"
    apply_profile(demo)
    services.update_entry(_entry("service.blowout").pk, answer="Our blowout is $65 and takes about 45 minutes.")

    call_command("seed_salon", verbosity=0)  # what `make run` does on every start

    assert _entry("hours.monday").answer == "On Mondays we're open from 11 AM to 5 PM."
    assert _entry("service.blowout").answer == "Our blowout is $65 and takes about 45 minutes."
    assert SalonProfile.objects.get().profile["hours"]["monday"] == "11:00-17:00"


def test_a_new_price_is_what_every_entry_stating_it_answers(demo):
    blowout = _entry("service.blowout")
    blowout.times_used = 7
    blowout.save()
    untouched = {e.seed_key: (e.pk, e.updated_at) for e in KnowledgeEntry.objects.all()}
    next(s for s in demo["services"] if s["name"] == "Blowout")["price"] = 60

    changes = apply_profile(demo)

    assert changes.updated == ["service.blowout", "services.menu"]
    blowout.refresh_from_db()
    assert (blowout.pk, blowout.times_used) == (untouched["service.blowout"][0], 7)
    assert "$60" in _answer("What do you charge for a blowout?")
    assert "Blowout is $60." in _answer("What services do you offer?")
    assert "$55" not in _entry("services.menu").answer
    for key, (pk, updated_at) in untouched.items():  # the others are not even written
        if key not in changes.updated:
            assert (_entry(key).pk, _entry(key).updated_at) == (pk, updated_at)


def test_a_weekday_marked_closed_is_what_the_hours_answers_say(demo):
    demo["hours"]["tuesday"] = "closed"

    apply_profile(demo)

    assert _answer("Are you open on Tuesday?") == "We're closed on Tuesdays."
    week = _answer("What are your opening hours?")
    assert "closed on Mondays and Tuesdays" in week and "Wednesday" in week


def test_a_new_staff_member_is_answered_like_the_others(demo):
    demo["staff"].append({"name": "Lena Park", "role": "Stylist", "specialties": ["curly hair", "perms"]})

    apply_profile(demo)

    assert _answer("Who is Lena?").startswith("Lena Park is our stylist")
    assert "Lena Park" in _answer("Who are your stylists?")
    assert "Lena Park" in _answer("Who does perms?")


def test_a_hand_edited_entry_is_kept_and_the_conflict_waits_for_the_owner(demo):
    edited = "Our blowout is $58, with a free rinse, and takes about 45 minutes."
    services.update_entry(_entry("service.blowout").pk, answer=edited)
    next(s for s in demo["services"] if s["name"] == "Blowout")["price"] = 60

    changes = apply_profile(demo)

    assert changes.conflicts == ["service.blowout"]
    entry = _entry("service.blowout")
    assert entry.answer == edited  # not overwritten silently
    assert entry.profile_proposal["answer"] == "Our blowout is $60 and takes about 45 minutes."
    assert list(salon_profile.conflicts()) == [entry]
    assert apply_profile(demo).conflicts == []  # saving again asks nothing new

    resolve_conflict(entry.pk, keep="profile")

    entry.refresh_from_db()
    assert entry.answer == "Our blowout is $60 and takes about 45 minutes." and entry.profile_proposal is None
    assert not entry.edited_by_hand


def test_keeping_the_hand_edit_settles_the_conflict(demo):
    edited = "Our blowout is $58 and takes about 45 minutes."
    services.update_entry(_entry("service.blowout").pk, answer=edited)
    next(s for s in demo["services"] if s["name"] == "Blowout")["price"] = 60
    apply_profile(demo)

    resolve_conflict(_entry("service.blowout").pk, keep="hand_edit")

    assert _entry("service.blowout").answer == edited
    assert apply_profile(demo).conflicts == []
    with pytest.raises(Conflict, match="no conflict"):
        resolve_conflict(_entry("service.blowout").pk, keep="profile")


def test_a_hand_edit_of_a_fact_the_profile_did_not_change_stands(demo):
    services.update_entry(_entry("policy.tipping").pk, answer="Tips are welcome, in cash or on the card.")
    demo["hours"]["monday"] = "12:00-16:00"

    changes = apply_profile(demo)

    assert changes.conflicts == [] and "policy.tipping" not in changes.updated
    assert _entry("policy.tipping").answer == "Tips are welcome, in cash or on the card."


def test_a_removed_fact_is_switched_off_and_comes_back_on_with_its_id(demo):
    tipping = _entry("policy.tipping")
    without = copy.deepcopy(demo)
    del without["policies"]["tipping"]

    assert apply_profile(without).removed == ["policy.tipping"]
    assert not _entry("policy.tipping").active
    assert apply_profile(demo).restored == ["policy.tipping"]
    assert _entry("policy.tipping").pk == tipping.pk and _entry("policy.tipping").active


def test_an_import_dry_run_changes_nothing_and_a_real_import_is_idempotent(demo, tmp_path):
    changed = copy.deepcopy(demo)
    changed["services"][0]["price"] = 90
    changed["supervisors"] = changed["supervisors"][:3] + [
        {"name": "Lena Park", "phone": "+1-415-555-0109", "expertise": ["curly"]}
    ]
    changed["supervisors"][1]["expertise"] = ["color"]
    path = tmp_path / "mysalon.yaml"
    path.write_text(yaml.safe_dump(changed))
    before = _everything()

    call_command("seed_salon", str(path), "--dry-run", verbosity=0)
    assert _everything() == before
    dry = apply_profile(changed, dry_run=True)
    assert _everything() == before
    assert dry.updated and dry.supervisors_added == ["Lena Park"] and dry.supervisors_removed == ["Sam Okafor"]
    assert dry.supervisors_changed == ["Jordan Alvarez"]

    call_command("seed_salon", str(path), verbosity=0)
    after = _everything()
    assert "$90" in _entry("service.womens-haircut-and-style").answer
    assert set(_supervisors().values_list("name", flat=True)) == {
        "Maya Chen",
        "Jordan Alvarez",
        "Priya Natarajan",
        "Lena Park",
    }
    assert _supervisors().get(name="Jordan Alvarez").expertise == ["color"]

    again = apply_profile(changed)
    assert not again.changed and again.summary().startswith("Knowledge: 0 added, 0 updated, 44 unchanged")
    assert _everything() == after


def test_the_export_loads_back_as_the_same_salon(demo, tmp_path):
    path = tmp_path / "export.yaml"
    call_command("export_salon", str(path), verbosity=0)
    before = _everything()

    assert not apply_profile(yaml.safe_load(path.read_text())).changed
    assert _everything() == before
    assert yaml.safe_load(path.read_text())["supervisors"][0]["phone"] == "+14155550101"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda p: p["hours"].update(tuesday="19:00-10:00"), "closing must come after opening"),
        (lambda p: p["services"][3].update(price="$60"), 'without "\\$"'),
        (lambda p: p["services"].append({"name": "Blowout", "price": 50}), "'Blowout' is listed twice"),
        (lambda p: p.update(timezone="Pacific"), "not a timezone"),
        (lambda p: p.update(holiday_dates=[{"date": "25/12/2026", "name": "Christmas Day"}]), "YYYY-MM-DD"),
        (lambda p: p["services"][0].update(performed_by=["Lena"]), "Lena does .* not on the staff list"),
        (lambda p: p["supervisors"].append({"name": "Bo", "phone": "+1-415-555-0101"}), "two supervisors"),
    ],
)
def test_mistakes_are_refused_with_a_sentence_and_nothing_changes(demo, change, problem):
    before = _everything()
    change(demo)
    with pytest.raises(ProfileError, match=problem):
        apply_profile(demo)
    assert _everything() == before


def test_prices_are_numbers_and_said_once_with_their_dollar_sign():
    assert clean_price("60") == 60 and clean_price(12.5) == 12.5 and clean_price("") is None
    with pytest.raises(SeedError, match="without"):
        clean_price("$60")


def test_holiday_dates_are_spoken_after_the_holidays_sentence(demo):
    demo["holiday_dates"] = [{"date": "2026-12-25", "name": "Christmas Day"}]
    apply_profile(demo)
    assert _entry("holidays").answer == (
        "We're closed on Thanksgiving Day, Christmas Day and New Year's Day. "
        "Our holiday closures: Christmas Day, Friday, December 25, 2026."
    )


def test_seed_salon_loads_the_demo_only_into_an_empty_database(db, capsys):
    call_command("seed_salon")
    assert SalonProfile.objects.get().name == "Glow & Shear Salon"
    SalonProfile.objects.update(name="Lena's Hair Studio")
    call_command("seed_salon")
    assert "Kept the salon profile of Lena's Hair Studio" in capsys.readouterr().out
    assert SalonProfile.objects.get().name == "Lena's Hair Studio"
    with pytest.raises(CommandError, match="not both"):
        call_command("seed_salon", "x.yaml", "--demo")


def test_hours_are_read_by_the_one_hours_parser_and_midnight_is_said_so(demo):
    demo["hours"]["friday"] = "18:00-24:00"
    apply_profile(demo)
    assert _entry("hours.friday").answer == "On Fridays we're open from 6 PM to midnight."
    assert SalonProfile.objects.get().profile["hours"]["friday"] == "18:00-24:00"


UNKNOWN_TOPIC = "Supervisor Jordan Alvarez: “extensions” is not a topic questions are routed by; use any of: medical"


def test_a_salon_file_giving_a_supervisor_a_topic_no_question_has_is_refused_with_the_sentence(demo, tmp_path):
    demo["supervisors"][1]["expertise"] = ["color", "extensions"]
    path = tmp_path / "mysalon.yaml"
    path.write_text(yaml.safe_dump(demo))
    before = _everything()

    for dry_run in (["--dry-run"], []):
        with pytest.raises(CommandError, match=UNKNOWN_TOPIC):
            call_command("seed_salon", str(path), *dry_run, verbosity=0)
        with pytest.raises(ProfileError, match=UNKNOWN_TOPIC):
            apply_profile(demo, dry_run=bool(dry_run))
    assert _everything() == before


def test_known_topics_general_included_are_saved_from_a_salon_file(demo):
    demo["supervisors"][1]["expertise"] = ["color", "general"]
    assert apply_profile(demo).supervisors_changed == ["Jordan Alvarez"]
    assert _supervisors().get(name="Jordan Alvarez").expertise == ["color", "general"]


def test_the_database_keeps_the_salon_to_one_row(demo):
    with pytest.raises(IntegrityError), transaction.atomic():
        SalonProfile.objects.create(name="A second salon")
    with pytest.raises(IntegrityError), transaction.atomic():
        SalonProfile.objects.create(name="A second salon", singleton=False)
    assert list(SalonProfile.objects.values_list("name", flat=True)) == ["Glow & Shear Salon"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="real concurrency needs PostgreSQL")
def test_two_first_run_setups_at_the_same_moment_set_up_one_salon_and_the_second_is_told():
    """The second setup reads "no salon yet" while the first one's row is not committed; its insert
    waits on the one-row key and, once the first commits, is refused with a sentence."""
    first_saved, commit_first, outcome = threading.Event(), threading.Event(), {}

    def set_up(who: str, profile: dict, hold: bool) -> None:
        try:
            with transaction.atomic():
                outcome[who] = apply_profile(profile)
                if hold:
                    first_saved.set()
                    commit_first.wait(60)
        except ProfileError as exc:
            outcome[who] = exc
        finally:
            connections.close_all()

    demo = load_profile(DEFAULT_FIXTURE)
    first = threading.Thread(target=set_up, args=("first", demo, True))
    first.start()
    assert first_saved.wait(60)
    second = threading.Thread(target=set_up, args=("second", {**demo, "name": "Lena's Hair Studio"}, False))
    second.start()
    while second.is_alive() and not _waiting_on_a_lock():  # the second insert waits on the first's row
        time.sleep(0.01)
    commit_first.set()
    first.join(60)
    second.join(60)

    assert outcome["first"].profile == "created"
    assert isinstance(outcome["second"], ProfileError) and outcome["second"].problems == [ALREADY_SET_UP]
    assert list(SalonProfile.objects.values_list("name", flat=True)) == ["Glow & Shear Salon"]


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0
