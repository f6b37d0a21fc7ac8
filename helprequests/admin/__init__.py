"""The supervisor console in Django admin: answer help requests, manage supervisors, read the
texts received (the texts sent and the webhooks are `outbound.admin`).

One module an area; importing them here is what registers their pages when Django's admin
autodiscovery imports this package.
"""

from helprequests.admin import requests, supervisors, texts  # noqa: F401
