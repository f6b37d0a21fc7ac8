"""What helprequests does for the outbound side, which knows help requests only by id
(`Message.help_request_id`): it says when a text about a request is no longer wanted, and it
clears the id of a request that is deleted (as the foreign key's SET_NULL did before texts moved
to `outbound`). Connected in helprequests/apps.py.
"""

from typing import Any

from helprequests.models import HelpRequest
from outbound.models import Message

# Texts about a request still waiting for its answer, pointless once it stopped waiting: the
# escalation ladder's, and the caller's "you'll hear from us by 10:30" sent while closed.
WAITING_KINDS = (Message.Kind.SUPERVISOR_REMINDER, Message.Kind.SUPERVISOR_ESCALATION, Message.Kind.CALLER_RECEIVED)


def skip_if_no_longer_waiting(sender: type[Message], message: Message, **kwargs: Any) -> str | None:
    """`outbound.delivery.text_due`: why a waiting kind of text is not sent, once its request
    stopped waiting (answered or timed out)."""
    if message.kind not in WAITING_KINDS:
        return None
    if HelpRequest.objects.filter(pk=message.help_request_id, status=HelpRequest.Status.PENDING).exists():
        return None
    return "Not sent: the request was answered (or timed out) before this went out."


def forget_deleted_request(sender: type[HelpRequest], instance: HelpRequest, **kwargs: Any) -> None:
    """`post_delete` of a help request: its texts stay, no longer naming it."""
    Message.objects.filter(help_request_id=instance.pk).update(help_request_id=None)
