"""Console pages (placeholder until built)."""

from django.contrib.admin.views.decorators import staff_member_required

from salon_project.console import render_page


@staff_member_required
def queue(request):
    return render_page(request, "console/base.html", "queue", "")


@staff_member_required
def history(request):
    return render_page(request, "console/base.html", "history", "")
