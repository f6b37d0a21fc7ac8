"""The admin's supervisor list at 1280 px wide (Chromium, against daphne): every column is on
screen beside the admin's sidebar, none scrolled out of sight."""

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_column_of_the_supervisor_list_fits_at_1280_px(staff_login, console_site):
    call_command("seed_salon", verbosity=0)
    page = staff_login("maya", viewport={"width": 1280, "height": 900})
    User.objects.filter(username="maya").update(is_superuser=True)

    page.goto(f"{console_site}/admin/helprequests/supervisor/")

    headings = page.locator("#result_list thead th .text").all_inner_texts()  # without the sort markers
    assert [h.strip().lower() for h in headings[1:]] == [
        "name", "phone", "expertise", "available", "owner", "open", "login"
    ]  # fmt: skip
    results = page.locator("#changelist .results")
    assert results.evaluate("element => element.scrollWidth <= element.clientWidth")
    screenshot(page, "admin-supervisors-desktop")
