from django.contrib import admin
from django.urls import include, path

from calls.web_callers import call_the_salon
from salon_project.api import api

admin.site.site_header = "Salon Front Desk"
admin.site.site_title = "Salon Front Desk"
admin.site.index_title = "Supervisor console"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("console/", include("salon_project.console_urls")),
    path("call/", call_the_salon, name="call-the-salon"),
]
