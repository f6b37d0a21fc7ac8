"""Test settings: the real settings, with texts kept in memory and tasks run in-process.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the suite on
PostgreSQL and Redis. Tests that need a real Celery worker switch eager mode off themselves.
"""

import os

from salon_project.settings import *  # noqa: F403
from salon_project.settings import DATABASES, EMBEDDED, VAR_DIR, celery_state

SMS_BACKEND = "outbound.sms.InMemoryBackend"
CELERY_TASK_ALWAYS_EAGER = True
WEBHOOKS_ALLOW_PRIVATE = True
# The test client speaks plain http, even where the environment would make these production
# settings (a SECRET_KEY exported in the shell turns PRODUCTION on; see settings.py).
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
RETRY_BACKOFF_SECONDS = 1
# MD5 keeps the suite fast; PBKDF2 is there for users a daphne process (on the real settings)
# must log in (see the staff_login fixture).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "django.contrib.auth.hashers.PBKDF2PasswordHasher"]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so a worker process started by a test sees the same database; one per
    # test run, so two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}

# The test database's own embedded broker and beat schedule, where a worker a test starts on it
# (DATABASE_URL = the test database) looks for them.
_test_database = {**DATABASES["default"]}
_test_database["NAME"] = DATABASES["default"].get("TEST", {}).get("NAME") or f"test_{_test_database['NAME']}"
CELERY_BROKER_DIR, _embedded_broker_options, CELERY_BEAT_SCHEDULE_FILENAME = celery_state(_test_database)
if EMBEDDED:
    CELERY_BROKER_TRANSPORT_OPTIONS = _embedded_broker_options
