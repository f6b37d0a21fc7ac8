"""The owner makes the receptionist hers in a real browser (Chromium, against daphne): she fixes
a mistake the profile page points out, changes a price and a day's hours, adds a stylist, saves
once, and the receptionist answers the new facts at once."""

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import call_command

from conftest import screenshot
from knowledge import services

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owner(django_user_model):
    call_command("seed_salon", verbosity=0)
    # Hashed as the real settings hash, since the daphne process checks it.
    django_user_model.objects.create(
        username="owner",
        password=make_password("console-pass", hasher="pbkdf2_sha256"),
        is_staff=True,
        is_superuser=True,
    )


def test_the_owner_fills_the_profile_forms_and_the_answers_follow(owner, staff_login, console_site):
    page = staff_login("owner")
    page.goto(f"{console_site}/admin/knowledge/salonprofile/")
    blowout = page.locator("#services-rows input[value='Blowout']").get_attribute("name").removesuffix("-name")

    page.fill(f"input[name={blowout}-price]", "$60")
    page.click("input[name=save]")
    page.locator('text=without "$"').wait_for()  # pointed out at the field; nothing saved

    page.fill(f"input[name={blowout}-price]", "60")
    page.uncheck("input[name=days-0-closed]")  # Mondays: open from now on
    page.fill("input[name=days-0-opens]", "11:00")
    page.fill("input[name=days-0-closes]", "17:00")
    page.check("input[name=days-6-closed]")  # Sundays: closed
    page.fill("input[name=staff-4-name]", "Lena Park")
    page.fill("input[name=staff-4-role]", "Stylist")
    page.fill("input[name=staff-4-specialties]", "curly hair, perms")
    page.click("input[name=save]")
    page.locator(".messagelist .success:has-text('Saved.')").wait_for()
    screenshot(page, "salon-profile-desktop")

    assert "$60" in services.lookup("What do you charge for a blowout?").answer
    assert "Blowout is $60." in services.lookup("What services do you offer?").answer
    assert services.lookup("Are you open on Monday?").answer == "On Mondays we're open from 11 AM to 5 PM."
    assert services.lookup("Are you open on Sunday?").answer == "We're closed on Sundays."
    assert "closed on Sundays" in services.lookup("What are your opening hours?").answer
    assert services.lookup("Who is Lena?").answer.startswith("Lena Park is our stylist")
    assert "Lena Park" in services.lookup("Who are your stylists?").answer
    assert page.input_value(f"input[name={blowout}-price]") == "60"  # the page shows what was saved
