"""The supervisor console in Django admin: answer help requests, manage supervisors, watch the outbox.

One module an area; importing them here is what registers their pages when Django's admin
autodiscovery imports this package.
"""

from helprequests.admin import requests, supervisors, texts, webhooks  # noqa: F401
