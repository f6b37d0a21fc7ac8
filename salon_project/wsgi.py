"""WSGI entry point, for serving plain HTTP from a WSGI server beside daphne if wanted."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_project.settings")
application = get_wsgi_application()
