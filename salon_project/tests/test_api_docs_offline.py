"""/api/v1/docs works without internet: Swagger UI comes from django-ninja's own static files,
served by this site, never from a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_swagger_ui_from_this_site_only(client):
    page = client.get("/api/v1/docs").content.decode()

    scripts = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page)
    assert "/static/ninja/swagger-ui-bundle.js" in scripts
    assert "/static/ninja/swagger-ui.css" in scripts
    assert [url for url in scripts if "//" in url] == []  # nothing from another host
    for url in scripts:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not among the site's static files"
