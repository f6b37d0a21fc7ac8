"""The profile as forms in admin (issue 16): what the owner types is checked field by field with
a sentence, saved as one diff, and every answer stating it follows; a salon file can be tried
first and loaded; the profile downloads as a salon file; a fresh install asks what to do."""

import pytest
import yaml
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile

from knowledge import services
from knowledge.models import KnowledgeEntry, SalonProfile
from knowledge.profile import export_profile
from knowledge.profile_forms import ProfileForms

pytestmark = pytest.mark.django_db
PAGE = "/admin/knowledge/salonprofile/"
Supervisor = apps.get_model("helprequests", "Supervisor")


def _form_data(profile: dict) -> dict:
    """What the profile page posts when the owner saves it without touching anything."""
    forms = ProfileForms(profile)
    data = {}
    for form in [forms.salon, *(f for formset in forms.formsets.values() for f in formset.forms)]:
        for field in form:
            value = field.value()
            if isinstance(value, bool) or field.widget_type == "checkbox":
                if value:
                    data[field.html_name] = "on"
            elif value is not None:
                data[field.html_name] = value
    for formset in forms.formsets.values():
        management = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[management[name].html_name] = management[name].value()
    return data


@pytest.fixture
def page(salon, admin_client):
    return admin_client


def _service_row(data: dict, name: str) -> int:
    return next(i for i in range(100) if data.get(f"services-{i}-name") == name)


def test_the_profile_page_shows_her_salon_as_forms(page):
    html = page.get(PAGE).content.decode()
    assert 'value="Glow &amp; Shear Salon"' in html
    assert 'name="services-3-price"' in html and 'value="Blowout"' in html
    assert 'name="days-1-opens"' in html and 'value="10:00"' in html
    assert 'name="supervisors-0-phone"' in html and "+14155550101" in html


def test_saving_the_page_as_it_is_changes_nothing(page):
    before = list(KnowledgeEntry.objects.order_by("pk").values())
    response = page.post(PAGE, _form_data(export_profile()), follow=True)
    assert "Nothing changed." in response.content.decode()
    assert list(KnowledgeEntry.objects.order_by("pk").values()) == before


def test_a_price_changed_in_the_form_is_what_every_entry_stating_it_answers(page):
    data = _form_data(export_profile())
    data[f"services-{_service_row(data, 'Blowout')}-price"] = "60"

    response = page.post(PAGE, data, follow=True)

    assert "Saved." in response.content.decode()
    assert "$60" in services.lookup("What do you charge for a blowout?").answer
    assert "Blowout is $60." in services.lookup("What services do you offer?").answer


def test_a_weekday_marked_closed_in_the_form_is_what_the_hours_answers_say(page):
    data = _form_data(export_profile())
    data["days-3-closed"] = "on"  # Thursday

    page.post(PAGE, data)

    assert services.lookup("Are you open on Thursday?").answer == "We're closed on Thursdays."
    assert "closed on Mondays and Thursdays" in services.lookup("What are your opening hours?").answer


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("services-3-price", "$60", "without &quot;$&quot;"),
        ("days-1-opens", "19:00", "closing must come after opening"),
        ("services-3-name", "Men's haircut", "listed twice"),
        ("supervisors-0-phone", "555", "not a valid phone number"),
        ("supervisors-1-expertise", "color, extensions", "“extensions” is not a topic questions are routed by"),
    ],
)
def test_a_mistake_is_shown_at_its_field_and_nothing_is_saved(page, field, value, error):
    before = SalonProfile.objects.get().profile
    data = _form_data(before | {"supervisors": export_profile()["supervisors"]})
    data[field] = value

    supervisors = list(Supervisor.objects.order_by("pk").values())

    response = page.post(PAGE, data)

    assert response.status_code == 200 and error in response.content.decode()
    assert SalonProfile.objects.get().profile == before
    assert list(Supervisor.objects.order_by("pk").values()) == supervisors


def test_known_topics_typed_in_the_form_are_saved(page):
    data = _form_data(export_profile())
    data["supervisors-1-expertise"] = "Color, general"

    assert "Saved." in page.post(PAGE, data, follow=True).content.decode()
    assert Supervisor.objects.get(name="Jordan Alvarez").expertise == ["color", "general"]


def test_a_hand_edited_answer_shows_its_conflict_and_the_owner_decides(page):
    blowout = KnowledgeEntry.objects.get(seed_key="service.blowout")
    services.update_entry(blowout.pk, answer="Our blowout is $58 and takes about 45 minutes.")
    data = _form_data(export_profile())
    data[f"services-{_service_row(data, 'Blowout')}-price"] = "60"

    html = page.post(PAGE, data, follow=True).content.decode()

    assert "edited by hand" in html and "Our blowout is $58" in html and "Our blowout is $60" in html
    page.post(f"{PAGE}conflicts/{blowout.pk}/", {"keep": "profile"})
    blowout.refresh_from_db()
    assert blowout.answer == "Our blowout is $60 and takes about 45 minutes."
    assert 'id="conflicts"' not in page.get(PAGE).content.decode()


def test_a_salon_file_is_tried_first_then_loaded(page):
    profile = export_profile()
    profile["services"][3]["price"] = 65
    text = yaml.safe_dump(profile)
    before = list(KnowledgeEntry.objects.order_by("pk").values())

    response = page.post(f"{PAGE}import/", {"file": SimpleUploadedFile("mysalon.yaml", text.encode())})

    html = response.content.decode()
    assert "nothing is changed yet" in html and "update service.blowout" in html
    assert list(KnowledgeEntry.objects.order_by("pk").values()) == before
    page.post(f"{PAGE}import/", {"text": response.context["form"].initial["text"], "load": "Load it"})
    assert "$65" in KnowledgeEntry.objects.get(seed_key="service.blowout").answer


def test_a_salon_file_with_a_topic_no_question_has_is_refused_when_tried_and_when_loaded(page):
    profile = export_profile()
    profile["supervisors"][1]["expertise"] = ["extensions"]
    text = yaml.safe_dump(profile)
    supervisors = list(Supervisor.objects.order_by("pk").values())

    for load in ({}, {"load": "Load it"}):
        html = page.post(f"{PAGE}import/", {"text": text, **load}).content.decode()
        assert "Supervisor Jordan Alvarez: “extensions” is not a topic questions are routed by" in html
    assert list(Supervisor.objects.order_by("pk").values()) == supervisors


def test_the_profile_downloads_as_a_salon_file(page):
    response = page.get(f"{PAGE}export/")
    assert response["Content-Disposition"] == 'attachment; filename="salon.yaml"'
    assert yaml.safe_load(response.content)["name"] == "Glow & Shear Salon"


def test_a_fresh_install_asks_to_set_up_her_salon_or_keep_the_demo(admin_client):
    assert admin_client.get(PAGE)["Location"].endswith("/first-run/")
    data = _form_data({"timezone": "UTC"})
    data.update(
        {
            "salon-name": "Lena's Hair Studio",
            "salon-timezone": "America/Chicago",
            "days-1-opens": "09:00",
            "days-1-closes": "17:00",
            "services-0-name": "Haircut",
            "services-0-price": "40",
            "supervisors-0-name": "Lena Park",
            "supervisors-0-phone": "+1-312-555-0188",
            "supervisors-0-owner": "on",
            "setup": "1",
        }
    )

    admin_client.post(PAGE, data)

    assert SalonProfile.objects.get().name == "Lena's Hair Studio"
    assert services.lookup("How much is a haircut?").answer == "Our haircut is $40."
    assert services.lookup("Are you open on Tuesday?").answer == "On Tuesdays we're open from 9 AM to 5 PM."


def test_keeping_the_demo_on_a_fresh_install(admin_client):
    admin_client.post(f"{PAGE}first-run/")
    assert SalonProfile.objects.get().name == "Glow & Shear Salon"


def test_editing_a_profile_fact_by_hand_says_where_to_change_it_for_every_answer(page):
    monday = KnowledgeEntry.objects.get(seed_key="hours.monday")
    url = f"/admin/knowledge/knowledgeentry/{monday.pk}/change/"
    data = {"question": monday.question, "answer": "On Mondays we're open from 11 AM to 5 PM.", "category": "hours"}

    html = page.post(url, data | {"active": "on"}, follow=True).content.decode()

    assert "change the fact in the salon profile so that every answer follows" in html
    monday.refresh_from_db()
    assert monday.answer == "On Mondays we're open from 11 AM to 5 PM." and monday.edited_by_hand
    assert "The profile says" in page.get(url).content.decode()
