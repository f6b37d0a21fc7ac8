"""`/console/`: the live supervisor console pages (staff only), one view per page, each in the
app whose data it shows. They share templates/console/base.html and the /ws/console/ feed."""

from django.urls import path

from calls import transfer_views
from calls import views as call_views
from helprequests import analytics, teaching
from helprequests import views as help_request_views
from knowledge import views as knowledge_views

app_name = "console"

urlpatterns = [
    path("", help_request_views.queue, name="queue"),
    path("queue/items/", help_request_views.queue_items, name="queue_items"),
    path("queue/<int:help_request_id>/answer/", help_request_views.answer, name="answer"),
    path("history/", help_request_views.history, name="history"),
    path("texts/", help_request_views.texts, name="texts"),
    path("callers/<str:phone>/", help_request_views.caller, name="caller"),
    path("callers/<str:phone>/items/", help_request_views.caller_items, name="caller-items"),
    path("callers/<str:phone>/text/", help_request_views.text_caller, name="text-caller"),
    path("learned/", knowledge_views.learned_answers, name="learned"),
    path("learned/<int:entry_id>/", knowledge_views.change_entry, name="change-entry"),
    path("calls/", call_views.calls_page, name="calls"),
    path("calls/items/", call_views.call_items, name="call-items"),
    path("transfers/", transfer_views.transfers_page, name="transfers"),
    path("transfers/items/", transfer_views.transfer_items, name="transfer-items"),
    path("analytics/", analytics.analytics_page, name="analytics"),
    path("teach/", teaching.teach, name="teach"),
    path("try/", teaching.try_question, name="try"),
]
