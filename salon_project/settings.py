"""Django settings. Every value that varies between machines comes from `salon_project.env`.

Embedded default (no DATABASE_URL, no REDIS_URL): SQLite file, in-memory channel layer and a
Celery broker kept in files under `var/`, so `make run` needs no server but its own processes.
Production: PostgreSQL through psycopg's pool, Redis for Celery and Channels.
"""

from pathlib import Path

import dj_database_url

from salon_project import env
from salon_project.env import BASE_DIR, ConfigurationError

VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

DEBUG = env.boolean("DEBUG", default=False)
SECRET_KEY = env.string("SECRET_KEY") or "embedded-default-not-for-production"
ALLOWED_HOSTS = env.string_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", ["http://127.0.0.1:8000", "http://localhost:8000"])

# --- Security: production is served over HTTPS ----------------------------------------------
# Production means PRODUCTION=1, or (by default) a SECRET_KEY of its own with DEBUG off. The
# embedded `make run` has neither and serves plain http://127.0.0.1:8000, so its cookies are not
# Secure there; each setting below can still be set on its own. `manage.py check --deploy` passes
# with the production defaults (salon_project/tests/test_security.py).
PRODUCTION = env.boolean("PRODUCTION", default=not DEBUG and env.string("SECRET_KEY") is not None)
# Django's own deploy check asks for 50 characters; here production refuses to start below that.
SECRET_KEY_MIN_LENGTH = 50
if PRODUCTION and (env.string("SECRET_KEY") is None or len(SECRET_KEY) < SECRET_KEY_MIN_LENGTH):
    raise ConfigurationError(
        f"Production needs a SECRET_KEY of its own of at least {SECRET_KEY_MIN_LENGTH} random characters"
        + ("." if env.string("SECRET_KEY") is None else f", and the one set has {len(SECRET_KEY)}.")
    )
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=PRODUCTION)
# A load balancer's plain-http health check must not be redirected.
SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
SESSION_COOKIE_SECURE = env.boolean("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.boolean("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
# Only sends the `preload` directive; joining browsers' preload lists is a separate, manual step.
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", default=PRODUCTION)
# Behind a TLS-terminating proxy (the production layout), the header it sets to say the client used
# https; the proxy must overwrite any such header from the client. "off" when daphne faces clients.
_proxy_ssl_header = env.string("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto" if PRODUCTION else None)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
    if _proxy_ssl_header and _proxy_ssl_header.lower() not in ("off", "none", "0", "false")
    else None
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Before "channels": its `runworker` (the LiveKit voice worker) shadows Channels' own.
    "voice_worker",
    "channels",
    # django-ninja's own copy of Swagger UI (static/ninja/): /api/v1/docs works offline, no CDN.
    "ninja",
    "core",
    "outbound",
    "salon_project",
    "knowledge",
    "helprequests",
    "calls",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Pages show the salon's wall clock (knowledge.SalonProfile.timezone); TIME_ZONE stays UTC.
    "knowledge.salon_time.SalonTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "salon_project.urls"
ASGI_APPLICATION = "salon_project.asgi.application"
WSGI_APPLICATION = "salon_project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env.string("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
except ValueError as exc:
    raise ConfigurationError(f"DATABASE_URL is not a database URL Django understands: {exc}") from None
if _database["ENGINE"] == "django.db.backends.postgresql":
    # Under ASGI a persistent connection per thread leaks; psycopg's pool shares them instead.
    _database["OPTIONS"] = {"pool": {"min_size": 1, "max_size": env.integer("DATABASE_POOL_SIZE", 10, minimum=1)}}
    if env.boolean("DATABASE_PREPARED_STATEMENTS", True):
        # Lets `core.sql.prepared_cursor` prepare the hot statements (Django's own queries
        # bind on the client and are never prepared). Off behind a transaction-mode pooler.
        _database["OPTIONS"]["prepare_threshold"] = 5
elif _database["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write the same file: WAL plus immediate transactions
    # turn "database is locked" into a short wait.
    # Opening the file costs about a sixth of a lookup (README, "Speed"), so connections are kept. They
    # cannot pile up: the API's threads are a fixed pool, and a connection opened in one of the
    # per-request threads Django makes for pages closes when that thread ends.
    _database["CONN_MAX_AGE"] = None
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# daphne serves static files itself (salon_project/asgi.py) unless a proxy does it in production.
SERVE_STATIC = env.boolean("SERVE_STATIC", default=True)

LOGIN_URL = "/admin/login/"

# --- Redis: Celery broker and Channels layer ------------------------------------------------
REDIS_URL = env.string("REDIS_URL")
EMBEDDED = REDIS_URL is None
# Rate limits count in the cache: Redis, shared by every web process, or this process's memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

if EMBEDDED:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}}


def celery_state(database: dict) -> tuple[Path, dict, str]:
    """The embedded broker's folder, its transport options and the beat schedule file for
    `database` (a DATABASES entry): one set per database, so a worker never takes the jobs of, or
    acts on the ids of, another database's web server (a `make demo`, a test run, another
    checkout's var/). Beside a SQLite file `x.sqlite3` they live in `x.sqlite3.celery/`; for a
    server database in var/celery-<host>-<port>-<name>/."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        home = Path(database["NAME"]).resolve().with_name(Path(database["NAME"]).name + ".celery")
    else:
        server = f"{database.get('HOST') or 'localhost'}-{database.get('PORT') or 'default'}-{database['NAME']}"
        home = VAR_DIR / f"celery-{server}".replace("/", "_")
    broker = home / "broker"
    options = {
        "data_folder_in": str(broker),
        "data_folder_out": str(broker),
        "control_folder": str(broker / "control"),
        "store_processed": False,
        # How often an idle worker looks for a job: the latency of a text in embedded mode.
        "polling_interval": 0.2,
    }
    return broker, options, str(home / "beat-schedule")


CELERY_BROKER_DIR, _embedded_broker_options, CELERY_BEAT_SCHEDULE_FILENAME = celery_state(_database)
# salonfs: kombu's filesystem transport with atomic writes (salon_project/broker.py says why).
CELERY_BROKER_URL = REDIS_URL or "salonfs://"
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2} if REDIS_URL else _embedded_broker_options
CELERY_TASK_ALWAYS_EAGER = env.boolean("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# How long enqueueing may wait for the broker before leaving the job to the relay instead.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}

# --- Product behaviour ----------------------------------------------------------------------
HELP_REQUEST_TIMEOUT_SECONDS = env.integer("HELP_REQUEST_TIMEOUT_SECONDS", 1800, minimum=1)
# Deadlines count the salon's open hours (its profile's hours, timezone and holiday dates;
# knowledge/opening_hours.py): a question is due this much open time after it is asked, or after
# the next opening when asked while closed. A salon with no hours uses the seconds above.
HELP_REQUEST_TIMEOUT_WORKING_MINUTES = env.integer("HELP_REQUEST_TIMEOUT_WORKING_MINUTES", 30, minimum=1)
# The escalation ladder, in the same working time counted from the question (0 turns a step off):
# the assigned supervisor is reminded, then the next one by the routing rule and the owner are
# told; an urgent request (the owner alerted at once) is then told to everyone available.
LADDER_REMIND_AFTER_WORKING_MINUTES = env.integer("LADDER_REMIND_AFTER_WORKING_MINUTES", 10, minimum=0)
LADDER_ESCALATE_AFTER_WORKING_MINUTES = env.integer("LADDER_ESCALATE_AFTER_WORKING_MINUTES", 20, minimum=0)
LADDER_URGENT_EVERYONE_AFTER_WORKING_MINUTES = env.integer("LADDER_URGENT_EVERYONE_AFTER_WORKING_MINUTES", 5, minimum=0)
PHONE_DEFAULT_REGION = (env.string("PHONE_DEFAULT_REGION", "US") or "US").upper()
# A queued text or webhook untouched for this long is handed to a worker again by the relay.
RELAY_AFTER_SECONDS = env.integer("RELAY_AFTER_SECONDS", 60, minimum=1)
# Failed texts and webhooks are retried after base, 2×base, 4×base … seconds.
RETRY_BACKOFF_SECONDS = env.integer("RETRY_BACKOFF_SECONDS", 10, minimum=1)
SMS_MAX_ATTEMPTS = env.integer("SMS_MAX_ATTEMPTS", 5, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env.integer("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_TIMEOUT_SECONDS = env.integer("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOKS_ALLOW_PRIVATE = env.boolean("WEBHOOKS_ALLOW_PRIVATE", default=EMBEDDED)

TWILIO_ACCOUNT_SID = env.string("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = env.string("TWILIO_AUTH_TOKEN")
TWILIO_FROM_NUMBER = env.string("TWILIO_FROM_NUMBER")
# The public URL Twilio posts inbound texts to, exactly as configured there (signatures cover it);
# unset: the URL the request arrived at, which a proxy in front may have changed.
TWILIO_WEBHOOK_URL = env.string("TWILIO_WEBHOOK_URL")
_SMS_BACKENDS = {
    "console": "outbound.sms.ConsoleBackend",
    "twilio": "outbound.sms.TwilioBackend",
    "memory": "outbound.sms.InMemoryBackend",
}
_default_sms = "twilio" if TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN else "console"
_sms_choice = env.string("SMS_BACKEND", _default_sms) or _default_sms
SMS_BACKEND = _SMS_BACKENDS.get(_sms_choice, _sms_choice)

# --- Voice: LiveKit and the LLM -------------------------------------------------------------
SALON_API_URL = env.string("SALON_API_URL", "http://127.0.0.1:8000")
SALON_API_TOKEN = env.string("SALON_API_TOKEN")
LIVEKIT_URL = env.string("LIVEKIT_URL")
LIVEKIT_API_KEY = env.string("LIVEKIT_API_KEY")
LIVEKIT_API_SECRET = env.string("LIVEKIT_API_SECRET")
# The name the voice worker registers under; web-call tokens dispatch this agent to their room.
VOICE_AGENT_NAME = env.string("VOICE_AGENT_NAME", "salon-receptionist")
# Caller tokens for web calls live at most this long (the issue caps it at 15 minutes).
CALLER_TOKEN_TTL_SECONDS = min(env.integer("CALLER_TOKEN_TTL_SECONDS", 600, minimum=60), 900)
# The public "call the salon" page: web calls one address may start per hour (LiveKit minutes cost).
WEB_CALLS_PER_ADDRESS_PER_HOUR = env.integer("WEB_CALLS_PER_ADDRESS_PER_HOUR", 10, minimum=1)
HOLD_FOR_ANSWER_SECONDS = env.integer("HOLD_FOR_ANSWER_SECONDS", 45, minimum=0)
# Calls one voice worker process takes at once; it reports its load to LiveKit as the share of
# these in use (not the machine's CPU, which other programs share), and is full at this many.
VOICE_WORKER_MAX_CALLS = env.integer("VOICE_WORKER_MAX_CALLS", 20, minimum=1)
# The voice worker's pending writes (writes the API could not take yet, voice_worker/pending_writes.py;
# the setting keeps its old name for operators): on a disk that survives restarts and is shared by
# every voice worker on the host, or promises are lost.
VOICE_OUTBOX_DIR = Path(env.string("VOICE_OUTBOX_DIR") or VAR_DIR / "voice-outbox")
# Warm transfer to a person (calls/transfers.py). With a SIP outbound trunk the chosen supervisor is
# dialled on their phone into the consultation room (and SIP callers can be cold-transferred).
LIVEKIT_SIP_TRUNK_ID = env.string("LIVEKIT_SIP_TRUNK_ID")
# A person on the phone is moved into the caller's room (MoveParticipant) where LiveKit can, which
# is LiveKit Cloud only; elsewhere they are rung into it after the briefing. Unset: by LIVEKIT_URL
# (*.livekit.cloud moves).
LIVEKIT_MOVE_PARTICIPANT = env.boolean("LIVEKIT_MOVE_PARTICIPANT", default=None)
# At most 75: livekit-server itself stops waiting for a phone to answer after 80 s.
TRANSFER_RING_SECONDS = env.integer("TRANSFER_RING_SECONDS", 30, minimum=5, maximum=75)
TRANSFER_DECIDE_SECONDS = env.integer("TRANSFER_DECIDE_SECONDS", 90, minimum=10)
TRANSFER_TOKEN_TTL_SECONDS = min(env.integer("TRANSFER_TOKEN_TTL_SECONDS", 300, minimum=60), 900)
LLM_PROVIDER = (env.string("LLM_PROVIDER", "offline") or "offline").lower()
LLM_MODEL = env.string("LLM_MODEL")
LLM_BASE_URL = env.string("LLM_BASE_URL")
LLM_API_KEY = env.string("LLM_API_KEY")
OPENAI_API_KEY = env.string("OPENAI_API_KEY")
GROQ_API_KEY = env.string("GROQ_API_KEY")
OPENROUTER_API_KEY = env.string("OPENROUTER_API_KEY")
# The knowledge lookup asks the model above (not offline) to pick among stored answers when the
# matcher is not sure; past this many seconds it escalates instead (knowledge/grounding.py).
LLM_LOOKUP_TIMEOUT_SECONDS = env.integer("LLM_LOOKUP_TIMEOUT_SECONDS", 3, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
