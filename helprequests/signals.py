"""What helprequests tells the apps above it, which it may not import (calls).

`help_request_resolved(sender=HelpRequest, help_request=...)`: a help request was just answered
(each member of an answered group, late answers too). Sent inside the resolving transaction, so
a receiver's writes commit or roll back with the answer; a receiver that tells someone outside
the database (a push to a call's listeners) does so after commit, as `core.broadcast` does.
"""

from django.dispatch import Signal

help_request_resolved = Signal()
