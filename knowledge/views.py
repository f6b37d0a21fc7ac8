"""Console pages (placeholder until built)."""

from django.contrib.admin.views.decorators import staff_member_required

from salon_project.console import render_page


@staff_member_required
def learned_answers(request):
    return render_page(request, "console/base.html", "learned_answers", "")
