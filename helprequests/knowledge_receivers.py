"""What helprequests does for knowledge, which knows help requests only by id
(`KnowledgeEntry.help_request_id`, the request an answer was learned from): it clears the id of
a request that is deleted, as the foreign key's SET_NULL did. Connected in helprequests/apps.py.
"""

from typing import Any

from helprequests.models import HelpRequest
from knowledge.models import KnowledgeEntry


def forget_deleted_request(sender: type[HelpRequest], instance: HelpRequest, **kwargs: Any) -> None:
    """`post_delete` of a help request: what was learned from it stays, no longer naming it."""
    KnowledgeEntry.objects.filter(help_request_id=instance.pk).update(help_request_id=None)
