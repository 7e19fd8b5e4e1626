"""Settings for banwatch, read from the environment.

With nothing set this is the embedded default: a SQLite file, Celery tasks run
in-process and the police queue on kombu's filesystem transport, so a fresh
machine needs no service. Production sets DATABASE_URL, CELERY_BROKER_URL,
POLICE_QUEUE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=false.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from .env import env_bool, env_int, env_int_or_off, env_list, env_str
from .secret_key import DEVELOPMENT_SECRET_KEY, check_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("BANWATCH_VAR_DIR", str(BASE_DIR / "var")))

# Fail closed: unset DEBUG is production. The demo (`make run`) and the tests set DEBUG=true themselves.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY:
    SECRET_KEY = check_secret_key(SECRET_KEY)
# Without a key, commands that sign nothing (migrate, check) still run; the web process refuses to start
# (config/web.py), and anything that would sign raises Django's "SECRET_KEY must not be empty".
# Demo seeding (published passwords, relaxed second factor) only with BANWATCH_DEMO=true, whatever DEBUG says.
DEMO_MODE = env_bool("BANWATCH_DEMO", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "config.admin_apps.BanwatchAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens: stored as SHA-512 digests, expiring, one row per client (docs/operations.md, "API tokens").
    "knox",
    # Second factor: TOTP apps, with static recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "config.accounts",
    "registry",
    "geofence.alerts",
    "geofence",
    "registry.letters",
    "geofence.reports",
    "geofence.monitor",
]
# Demo data, the feed simulator and the one-command demo: installed for development and the demo only, so a
# production deployment has no seed_demo or demo command at all.
if DEBUG or DEMO_MODE:
    INSTALLED_APPS.append("seeds")

MIDDLEWARE = [
    "config.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.csp.ContentSecurityPolicyMiddleware",
    # Serves collected static files (admin, API docs) from gunicorn in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.ChosenLanguageMiddleware",
    "config.login_throttle.LoginThrottleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session timeouts, then the second factor for the roles that need it (config/sessions.py).
    "config.sessions.SessionTimeoutMiddleware",
    "config.two_factor.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every admin changelist and change page that shows rows writes an audit entry (registry/audit_reads.py).
    "registry.audit_reads.AdminReadAuditMiddleware",
    # A lost database connection is a 503 with Retry-After, not a 500 (config/errors.py).
    "config.errors.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'banwatch.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A persistent connection cut by a database restart is replaced at the next request, not used and failed.
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
# Seconds a client is told to wait (Retry-After of the 503) while the database is unreachable.
DB_UNAVAILABLE_RETRY_AFTER_SECONDS = env_int("DB_UNAVAILABLE_RETRY_AFTER_SECONDS", 5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo's web server, worker and simulator share the file. IMMEDIATE: a transaction takes the
    # write lock when it begins, waiting up to `timeout` for it; begun as a reader it would fail at once with
    # "database is locked" when it came to write after another process had (the worker's heartbeat did).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The embedded default keeps its file in var/: `manage.py migrate` on a fresh clone must find the folder.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run five times on a connection prepared: the hot reads
    # (the board's poll, the lookup, the feed) are planned once per connection instead of at every request.
    # "off" for a pooler that hands one client several server connections (PgBouncer in transaction mode).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=env_int_or_off("DB_PREPARE_THRESHOLD", 5)
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
# Only the language buttons (a cookie) switch to English; true: the browser's Accept-Language does too.
LANGUAGE_FROM_BROWSER = env_bool("LANGUAGE_FROM_BROWSER", False)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"

# Request size limits: a 10,000-fix feed batch is about 1.5 MB of JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 4 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
# Decision files (registry import jobs): their own body limit, kept on disk until a worker has imported them.
IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 256 * 1024 * 1024)
IMPORT_UPLOAD_PATHS = ("/api/v1/imports", "/registratie/import/")
IMPORT_UPLOAD_DIR = Path(env_str("IMPORT_UPLOAD_DIR", str(VAR_DIR / "imports")))
IMPORT_CHUNK_ROWS = env_int("IMPORT_CHUNK_ROWS", 500)  # decisions committed together
IMPORT_STALE_SECONDS = env_int("IMPORT_STALE_SECONDS", 300)  # a running job silent this long may be taken over
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

REST_FRAMEWORK = {
    # Token first, so an anonymous API call gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "config.accounts.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # NaN, Infinity, 1e999, NUL, lone surrogates and deep nesting: a field-level 400, not a 500 later.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "lookup": env_str("LOOKUP_THROTTLE_RATE", "120/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "banwatch API",
    "DESCRIPTION": "Registry of contact and area bans, device feeds and police alerts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_error_responses",
    ],
}

# Celery: without a broker URL, tasks run in-process (the embedded default).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == ""
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = TIME_ZONE

# Device feeds and incidents (geofence app).
# Rotating a vendor key leaves the old key working this long, so the vendor switches over without a gap.
VENDOR_KEY_ROTATION_GRACE_HOURS = env_int("VENDOR_KEY_ROTATION_GRACE_HOURS", 7 * 24)
FEED_MAX_BATCH_ITEMS = env_int("FEED_MAX_BATCH_ITEMS", 10_000)
FEED_MAX_FUTURE_SECONDS = env_int("FEED_MAX_FUTURE_SECONDS", 300)
# Evaluate accepted fixes in the request, after their commit and before the 202 (an entering fix's alert is then
# never queued behind other batches); false leaves evaluation to the `ingest` workers.
FEED_EVALUATE_IN_REQUEST = env_bool("FEED_EVALUATE_IN_REQUEST", True)
# Minutes without a fix or heartbeat before a worn device counts as silent, per SASH risk ("" = unscreened).
GEOFENCE_SILENT_MINUTES = {
    "high": env_int("SILENT_MINUTES_HIGH_RISK", 5),
    "medium": env_int("SILENT_MINUTES_MEDIUM_RISK", 10),
    "low": env_int("SILENT_MINUTES_LOW_RISK", 15),
    "": env_int("SILENT_MINUTES_UNSCREENED", 10),
}
GEOFENCE_SILENT_CHECK_SECONDS = env_int("SILENT_CHECK_SECONDS", 60)
GEOFENCE_NO_GPS_FIX_MINUTES = env_int("NO_GPS_FIX_MINUTES", 15)
GEOFENCE_BATTERY_CRITICAL_PCT = env_int("BATTERY_CRITICAL_PCT", 10)
# One outage incident instead of hundreds: this many devices of one vendor, and this share of its worn
# devices, going silent within the window.
GEOFENCE_MASS_OUTAGE_MIN_DEVICES = env_int("MASS_OUTAGE_MIN_DEVICES", 20)
GEOFENCE_MASS_OUTAGE_MIN_SHARE = env_int("MASS_OUTAGE_MIN_PERCENT", 30) / 100
GEOFENCE_MASS_OUTAGE_WINDOW_MINUTES = env_int("MASS_OUTAGE_WINDOW_MINUTES", 10)
# Detection (docs/engine.md, "What detection promises").
# A fix stamped more than this ahead of the server is stored at once and judged when its time comes.
FEED_EVALUATE_AHEAD_SECONDS = env_int("FEED_EVALUATE_AHEAD_SECONDS", 2)
FEED_DUE_CHECK_SECONDS = env_int("FEED_DUE_CHECK_SECONDS", 10)
# A stored device event no task applied within this many seconds (its Celery message was lost) is applied by
# the periodic sweep, every FEED_DUE_CHECK_SECONDS.
DEVICE_EVENT_SWEEP_AFTER_SECONDS = env_int("DEVICE_EVENT_SWEEP_AFTER_SECONDS", 20)
# A device whose newest fix lies this far ahead of (or behind) the server in this many batches in a row
# opens a clock incident.
DEVICE_CLOCK_AHEAD_SECONDS = env_int("DEVICE_CLOCK_AHEAD_SECONDS", 60)
DEVICE_CLOCK_BEHIND_SECONDS = env_int("DEVICE_CLOCK_BEHIND_SECONDS", 21600)
DEVICE_CLOCK_BATCHES = env_int("DEVICE_CLOCK_BATCHES", 3)
# A subject still inside after an operator closed the violation opens a new one after this many seconds.
INCIDENT_REOPEN_GRACE_SECONDS = env_int("INCIDENT_REOPEN_GRACE_SECONDS", 60)
# A late inside fix this shortly before a violation belongs to it (its opening moves back); earlier, and
# outside every violation, it opens one of its own, marked late.
INCIDENT_LATE_JOIN_SECONDS = env_int("INCIDENT_LATE_JOIN_SECONDS", 600)
# When a ban or device assignment starts or changes, the subject's stored fixes of this many seconds back
# are judged again against it (in chunks of this many subjects per task).
ZONE_RETROACTIVE_SECONDS = env_int("ZONE_RETROACTIVE_SECONDS", 600)
ZONE_RETROACTIVE_CHUNK = 500
# Approach pre-alerts: distances outside the zone (largest first) and whether the police queue hears of them
# (default: the monitoring centre only).
APPROACH_DISTANCES_M = tuple(float(d) for d in env_list("APPROACH_DISTANCES_M", ["2000", "1000"]))
APPROACH_ALERTS_TO_POLICE = env_bool("APPROACH_ALERTS_TO_POLICE", False)
CELERY_BEAT_SCHEDULE = {
    "check-silent-devices": {
        "task": "geofence.tasks.check_silent_devices",
        "schedule": float(GEOFENCE_SILENT_CHECK_SECONDS),
    },
    "evaluate-due-fixes": {
        "task": "geofence.tasks.evaluate_due_fixes",
        "schedule": float(FEED_DUE_CHECK_SECONDS),
        "options": {"expires": float(FEED_DUE_CHECK_SECONDS)},
    },
    "process-due-events": {
        "task": "geofence.tasks.process_due_events",
        "schedule": float(FEED_DUE_CHECK_SECONDS),
        "options": {"expires": float(FEED_DUE_CHECK_SECONDS)},
    },
}

# The police queue: kombu URL; the default needs no service.
POLICE_QUEUE_URL = env_str("POLICE_QUEUE_URL", "filesystem://")
POLICE_QUEUE_FILESYSTEM_DIR = VAR_DIR / "police-queue"
POLICE_QUEUE_NAME = "police.alerts"

# Alert delivery reliability (geofence.alerts; docs/operations.md, "Alert delivery reliability").
# Pending longer than this: undelivered (still retried), shown on the board, health 503.
ALERT_UNDELIVERED_SECONDS = env_int("ALERT_UNDELIVERED_SECONDS", 120)
ALERT_RETRY_BASE_SECONDS = env_int("ALERT_RETRY_BASE_SECONDS", 2)  # backoff: base * 2^(attempt-1)
ALERT_RETRY_MAX_SECONDS = env_int("ALERT_RETRY_MAX_SECONDS", 60)
ALERT_CLAIM_SECONDS = env_int("ALERT_CLAIM_SECONDS", 30)  # unconfirmed this long: the sweeper re-sends
ALERT_SWEEP_SECONDS = env_int("ALERT_SWEEP_SECONDS", 10)
CANARY_SECONDS = env_int("CANARY_SECONDS", 30)
CANARY_MAX_AGE_SECONDS = env_int("CANARY_MAX_AGE_SECONDS", 120)  # older: health answers 503
CELERY_QUEUES_CONSUMED = ("delivery", "default", "ingest")
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "geofence.alerts.tasks.deliver_alert": {"queue": "delivery"},
    "geofence.alerts.tasks.sweep_outbox": {"queue": "delivery"},
    "geofence.tasks.*": {"queue": "ingest"},
}
# Added to the schedule other blocks define above, whichever merged first.
CELERY_BEAT_SCHEDULE = (
    globals().get("CELERY_BEAT_SCHEDULE", {})
    | {
        "sweep-outbox": {
            "task": "geofence.alerts.tasks.sweep_outbox",
            "schedule": float(ALERT_SWEEP_SECONDS),
            "options": {"expires": float(ALERT_SWEEP_SECONDS)},
        },
    }
    | {
        f"canary-{queue}": {
            "task": "geofence.alerts.tasks.canary",
            "schedule": float(CANARY_SECONDS),
            "args": (queue,),
            "options": {"queue": queue, "expires": float(CANARY_SECONDS)},
        }
        for queue in CELERY_QUEUES_CONSUMED
    }
)
# Retention (docs/retention.md): days each data class is kept after the moment the doc names for it.
RETENTION_DAYS = {
    "fixes": env_int("RETENTION_FIXES_DAYS", 365),
    "device_events": env_int("RETENTION_DEVICE_EVENTS_DAYS", 365),
    "quarantine": env_int("RETENTION_QUARANTINE_DAYS", 30),
    "incidents": env_int("RETENTION_INCIDENTS_DAYS", 5 * 365),
    "handover_notes": env_int("RETENTION_HANDOVER_NOTES_DAYS", 365),
    "alerts": env_int("RETENTION_ALERTS_DAYS", 365),
    "api_tokens": env_int("RETENTION_API_TOKENS_DAYS", 0),
    "letters": env_int("RETENTION_LETTERS_DAYS", 2 * 365),
    "persons": env_int("RETENTION_PERSONS_DAYS", 5 * 365),
    "protected_persons": env_int("RETENTION_PROTECTED_PERSONS_DAYS", 5 * 365),
    "audit": env_int("RETENTION_AUDIT_DAYS", 5 * 365),
}
RETENTION_PURGE_HOUR = env_int("RETENTION_PURGE_HOUR", 3)  # local time, daily
# Refused feed items kept per vendor per day; beyond it they are counted in the log, not stored.
QUARANTINE_MAX_PER_VENDOR_PER_DAY = env_int("QUARANTINE_MAX_PER_VENDOR_PER_DAY", 20_000)
CELERY_IMPORTS = (*globals().get("CELERY_IMPORTS", ()), "geofence.retention")  # not a tasks module
CELERY_BEAT_SCHEDULE = globals().get("CELERY_BEAT_SCHEDULE", {}) | {
    "purge-expired": {
        "task": "geofence.retention.purge_expired_daily",
        "schedule": crontab(hour=RETENTION_PURGE_HOUR, minute=30),
    },
}
# The audit log's sealer (registry.models.audit): how often beat runs it, and how old an unsealed entry
# may grow before health and verify_audit report it.
AUDIT_SEAL_SECONDS = env_int("AUDIT_SEAL_SECONDS", 2)
AUDIT_SEAL_MAX_AGE_SECONDS = env_int("AUDIT_SEAL_MAX_AGE_SECONDS", 60)
CELERY_BEAT_SCHEDULE = CELERY_BEAT_SCHEDULE | {
    "seal-audit-log": {
        "task": "registry.tasks.seal_audit_log",
        "schedule": float(AUDIT_SEAL_SECONDS),
        "options": {"expires": float(AUDIT_SEAL_SECONDS)},
    },
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a worker keeps reconnecting, never exits on a broker outage
# With late acks a task cut off by a lost connection is redelivered; stop running the orphan copy.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# .delay() during a broker outage fails within seconds; the outbox sweeper covers the lost task.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
if CELERY_BROKER_URL.startswith(("amqp", "pyamqp")):
    CELERY_BROKER_TRANSPORT_OPTIONS["confirm_publish"] = True
# Monitoring dashboard. Without MAP_TILE_URL the map draws zones and tracks on a
# plain background (no internet needed); production points it at an OSM-compatible
# tile server, e.g. https://tiles.example.nl/{z}/{x}/{y}.png or the centre's own
# https://{s}.tiles.meldkamer.example/{z}/{x}/{y}.png with MAP_TILE_SUBDOMAINS=abc
# (config/csp.py admits every expanded host; docs/dashboard.md, docs/operations.md).
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "abc")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MONITOR_POLL_INTERVAL_MS = env_int("MONITOR_POLL_INTERVAL_MS", 1000)
MONITOR_TRACK_HOURS = env_int("MONITOR_TRACK_HOURS", 6)
# An unacknowledged P1/P2 incident this old escalates on the board (banner, sound, supervisor mark).
MONITOR_ESCALATE_AFTER_SECONDS = env_int("MONITOR_ESCALATE_AFTER_SECONDS", 180)
# The operator's checklist per incident type (Dutch steps in order; docs/dashboard.md).
MONITOR_CHECKLIST_FILE = env_str("MONITOR_CHECKLIST_FILE", str(BASE_DIR / "geofence" / "monitor" / "checklists.toml"))
# Health: anonymous callers share one cached answer; a zone catalogue older than this fails health.
HEALTH_ANONYMOUS_CACHE_SECONDS = env_int("HEALTH_ANONYMOUS_CACHE_SECONDS", 10)
HEALTH_ANONYMOUS_RATE = env_str("HEALTH_ANONYMOUS_RATE", "60/min")
ZONE_CATALOGUE_MAX_AGE_SECONDS = env_int("ZONE_CATALOGUE_MAX_AGE_SECONDS", 600)
# /metrics: supervisors, or a scraper sending this bearer token (empty: no token accepted).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Shown to victims and in alerts.
POLICE_PHONE_NUMBER = env_str("POLICE_PHONE_NUMBER", "0900-8844")
EMERGENCY_PHONE_NUMBER = "112"

# Victim letters: a protected person not sent a current letter this many days after it fell due is overdue.
VICTIM_NOTICE_DUE_DAYS = env_int("VICTIM_NOTICE_DUE_DAYS", 3)
# Violation reports: sent to the OM and not assessed after this many days is overdue.
OM_ASSESSMENT_DUE_DAYS = env_int("OM_ASSESSMENT_DUE_DAYS", 14)

# Logs: JSON lines (time, level, logger, message, request id) unless LOG_FORMAT=text; text by default with DEBUG.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Pages hand the CSRF token to scripts in a data- attribute, so no script needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"

# One schema name per choice set; without these drf-spectacular guesses names (and warns in check --deploy).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "AlertStatusEnum": "geofence.alerts.models.AlertStatus",
    "PoliceOutcomeEnum": "geofence.alerts.models.PoliceOutcome",
    "ReportStatusEnum": "geofence.reports.models.ReportStatus",
    "ReportOutcomeEnum": "geofence.reports.models.Outcome",
    "BanStatusEnum": "registry.models.BanStatus",
    "NoticeStatusEnum": "registry.letters.models.NoticeStatus",
    "IncidentTypeEnum": "geofence.models.IncidentType",
    "DeviceKindEnum": "geofence.models.DeviceKind",
}

# Shared by the throttles (login, lookup): per process without CACHE_URL, shared by all workers with Redis.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
# Login throttle (config/login_throttle.py). A known username is slowed down, never locked out: after
# LOGIN_FREE_FAILURES failures each further attempt waits 2, 4, 8... seconds, at most LOGIN_MAX_DELAY_SECONDS.
# An address is refused only for unknown usernames, after LOGIN_UNKNOWN_USERNAMES_PER_ADDRESS of them.
LOGIN_FREE_FAILURES = env_int("LOGIN_FREE_FAILURES", 3)
LOGIN_MAX_DELAY_SECONDS = env_int("LOGIN_MAX_DELAY_SECONDS", 60)
LOGIN_UNKNOWN_USERNAMES_PER_ADDRESS = env_int("LOGIN_UNKNOWN_USERNAMES_PER_ADDRESS", 20)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 900)
# Proxies in front of banwatch that append to X-Forwarded-For (the TLS proxy: 1). 0: REMOTE_ADDR only,
# because a client can write any X-Forwarded-For it likes.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Sessions (config/sessions.py): signed out after this many idle minutes, per role (the longest of the
# user's roles counts), and at the latest SESSION_ABSOLUTE_HOURS after signing in.
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
SESSION_IDLE_MINUTES_BY_ROLE = {
    "police_officer": env_int("SESSION_IDLE_MINUTES_POLICE_OFFICER", 8 * 60),
    "monitoring_operator": env_int("SESSION_IDLE_MINUTES_MONITORING_OPERATOR", 30),
}
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
# Second factor (config/two_factor.py): required for staff roles; optional for police officers. Demo mode
# (BANWATCH_DEMO=true) makes it optional for everyone and says so on every start.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "banwatch")
TWO_FACTOR_OPTIONAL_IN_DEMO = DEMO_MODE
# API tokens (knox): a token expires this many days after it is issued.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
