"""What every console page view shares: staff only, the admin's header and the tab bar."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest, template: str, title: str, tab: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    """Render a console page (a template extending console/base.html) in the admin's frame;
    `tab` is the tab bar entry to mark as current."""
    return render(
        request,
        template,
        {**admin.site.each_context(request), "page_title": title, "active_tab": tab, **(context or {})},
    )
