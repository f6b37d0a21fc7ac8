"""The site's frame, as staff and visitors meet it: `/` leads somewhere, the admin's "View site"
goes to the console, and admin sections are headed in words, not Python package names."""

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_user("maya", password="pw", is_staff=True, is_superuser=True))
    return client


def test_the_root_sends_staff_to_the_console_and_everyone_else_to_the_call_page(client, staff):
    assert staff.get("/").headers["Location"] == "/console/"
    staff.logout()
    assert client.get("/").headers["Location"] == "/call/"


def test_view_site_in_the_admin_leads_to_the_console(staff):
    page = staff.get("/admin/").content.decode()
    assert '<a href="/console/">View site</a>' in page


def test_admin_sections_are_named_for_people(staff):
    page = staff.get("/admin/").content.decode()
    for heading in ("Knowledge base", "Help requests and texts", "Calls", "API access"):
        assert f">{heading}</a>" in page, heading
    assert ">Helprequests<" not in page and ">Salon_Project<" not in page
