from django.contrib import admin
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from calls.web_callers import call_the_salon
from salon_project.api import api

admin.site.site_header = "Salon Front Desk"
admin.site.site_title = "Salon Front Desk"
admin.site.index_title = "Administration"
# The admin's "View site" link: staff go to the live console (/console/), the supervisor console.
admin.site.site_url = "/console/"


def home(request: HttpRequest) -> HttpResponseRedirect:
    """`/`: staff to the console, everyone else to the public "call the salon" page."""
    return HttpResponseRedirect("/console/" if request.user.is_staff else "/call/")


@csrf_exempt  # it changes nothing; a POST to a wrong path is a 404, not a CSRF page
def api_path_not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """A path under /api/ that no endpoint has (e.g. `/calls/abc`, `/calls/-1`: ids are positive
    integers): the API's JSON error, not the site's HTML 404 page."""
    detail = f"There is no API endpoint at {request.path}; see /api/v1/docs."
    return JsonResponse({"detail": detail}, status=404)


urlpatterns = [
    path("", home, name="home"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_path_not_found),
    path("console/", include("salon_project.console_urls")),
    path("call/", call_the_salon, name="call-the-salon"),
]
