"""What calls does when something happens below it, in apps that cannot import calls.

Help requests name their call by a plain id (`HelpRequest.call_id`), not a foreign key, because
helprequests sits below calls. So calls does here what the relation used to: it tells a call's
listeners when a help request asked during the call is answered, and clears the id when the
call is deleted (as SET_NULL did). Connected in calls/apps.py.
"""

from typing import Any

from calls.models import Call
from calls.services import answer_event, call_group
from core.broadcast import broadcast
from helprequests.models import HelpRequest


def push_answer_to_call(sender: type[HelpRequest], help_request: HelpRequest, **kwargs: Any) -> None:
    """`helprequests.signals.help_request_resolved`: a voice agent may be keeping this caller on
    the line (calls/consumers.py); it hears the answer after commit."""
    if help_request.call_id:
        broadcast(call_group(help_request.call_id), answer_event(help_request))


def forget_deleted_call(sender: type[Call], instance: Call, **kwargs: Any) -> None:
    """`post_delete` of a call: its help requests stay, no longer naming it."""
    HelpRequest.objects.filter(call_id=instance.pk).update(call_id=None)
