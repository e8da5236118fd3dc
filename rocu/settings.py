"""Settings for rocu, read from environment variables and validated at start.

Every value has a safe default for production (debug off, secure cookies, HSTS);
`make demo` turns on ROCU_DEMO, which relaxes only what a laptop on loopback needs.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from environs import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent

DATA_DIR = Path(env.str("ROCU_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return ROCU_SECRET_KEY, or one generated once into the data dir (mode 0600)."""
    configured = env.str("ROCU_SECRET_KEY", "")
    if configured:
        if len(configured) < 50:
            raise ImproperlyConfigured("ROCU_SECRET_KEY must be at least 50 characters")
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEMO = env.bool("ROCU_DEMO", False)
DEBUG = env.bool("ROCU_DEBUG", False)
ALLOWED_HOSTS: list[str] = env.list("ROCU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEMO or DEBUG) else [])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("ROCU_CSRF_TRUSTED_ORIGINS", [])
BEHIND_TLS_PROXY = env.bool("ROCU_BEHIND_TLS_PROXY", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "rocu.core",
    "rocu.audit",
    "rocu.accounts",
    "rocu.intelligence",
    "rocu.threats",
    "rocu.referrals",
    "rocu.governance",
    "rocu.workforce",
    "rocu.counter_corruption",
    "rocu.records",
    "rocu.operations",
    "rocu.outcomes",
    "rocu.performance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "rocu.core.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "rocu.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "rocu.core.middleware.RequestContextMiddleware",
    "rocu.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "rocu.urls"
WSGI_APPLICATION = "rocu.wsgi.application"

FORM_RENDERER = "rocu.core.form_renderer.FormRenderer"
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
                "csp.context_processors.nonce",
                "rocu.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'rocu.sqlite3'}"
DATABASE_URL = env.str("DATABASE_URL", _default_db)
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env.int("ROCU_DB_CONN_MAX_AGE", 0))
except ValueError as exc:  # unknown scheme, malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer commits; IMMEDIATE takes the write
    # lock at BEGIN so two writers queue instead of failing with "database is locked".
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
        ),
    }
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # One name per suite run, so two runs on one server do not drop each other's database.
    _db["TEST"] = {"NAME": env.str("ROCU_TEST_DB_NAME", "test_rocu")}
else:
    raise ImproperlyConfigured("rocu supports SQLite and PostgreSQL only")
DATABASES = {"default": _db}
from rocu.performance.db_router import with_replica  # noqa: E402 - plain module, no Django import

# Management-information reads may go to a read replica (DESIGN.md, scale-out).
DATABASES, DATABASE_ROUTERS = with_replica(DATABASES, env.str("DATABASE_REPLICA_URL", ""))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

OIDC_RP_CLIENT_ID = env.str("ROCU_OIDC_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("rocu.accounts.oidc.RocuOIDCBackend")
    OIDC_RP_CLIENT_SECRET = env.str("ROCU_OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.url("ROCU_OIDC_AUTHORIZATION_ENDPOINT").geturl()
    OIDC_OP_TOKEN_ENDPOINT = env.url("ROCU_OIDC_TOKEN_ENDPOINT").geturl()
    OIDC_OP_USER_ENDPOINT = env.url("ROCU_OIDC_USER_ENDPOINT").geturl()
    OIDC_OP_JWKS_ENDPOINT = env.url("ROCU_OIDC_JWKS_ENDPOINT").geturl()
    OIDC_RP_SIGN_ALGO = env.str("ROCU_OIDC_SIGN_ALGO", "RS256")
    OIDC_RP_SCOPES = "openid email"
    OIDC_CREATE_USER = False  # people exist in rocu first, with roles and vetting

AXES_FAILURE_LIMIT = env.int("ROCU_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = env.int("ROCU_LOCKOUT_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either alone locks
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "rocu.accounts.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = False

SESSION_IDLE_MINUTES = env.int("ROCU_SESSION_IDLE_MINUTES", 30)
# Regions whose intelligence holdings each process keeps warm for referral checks (0 = none kept).
ROCU_LINKAGE_WARM_REGIONS = env.int("ROCU_LINKAGE_WARM_REGIONS", 2)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # sliding expiry: the session ends after idle time
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
OTP_TOTP_ISSUER = "rocu"

# --- Security headers -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "rocu.core.views.csrf_failure"
_secure = not (DEMO or DEBUG) and not env.bool("ROCU_INSECURE_HTTP", False)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure and env.bool("ROCU_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        # Plotly injects its own style rules at run time; scripts stay nonce-only.
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Static files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DATA_DIR / "files"}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("ROCU_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rocu.api.authentication.BearerTokenAuthentication",
        "rocu.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rocu.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "rocu.api.problems.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env.str("ROCU_API_RATE", "6000/hour")},
    # Who a caller is, for throttling: the connecting address, or the one address the proxy in
    # front adds. Never a client's own X-Forwarded-For, which would let it dodge the limit.
    "NUM_PROXIES": 1 if BEHIND_TLS_PROXY else 0,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rocu API",
    "DESCRIPTION": "Tasking, performance and oversight for Regional Organised Crime Units.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "rocu.operations.models.PlanStatus",
        "OperationStatusEnum": "rocu.operations.models.OperationStatus",
        "ActionStatusEnum": "rocu.operations.models.ActionStatus",
    },
}

# Long work (imports, linkage runs, report builds) runs as tasks; `rocu db_worker`
# runs them. ROCU_TASKS_IMMEDIATE runs them in the request instead (tests, one-off CLI).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env.bool("ROCU_TASKS_IMMEDIATE", False)
        else "django_tasks_db.DatabaseBackend",
    }
}
# A running job that has reported no progress for this long lost its worker (rocu.core.jobs.jobs_reap).
JOB_STALE_AFTER_SECONDS = env.int("ROCU_JOB_STALE_AFTER", 900)
# /readyz is not ready when the uploads' disk has less free space than this.
READY_MIN_FREE_BYTES = env.int("ROCU_MIN_FREE_MB", 200) * 1024 * 1024

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Nothing personal or secret goes to stdout: only warnings from rocu and Django,
# and django-axes (which names usernames) is kept quiet.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "axes": {"level": "CRITICAL", "propagate": True},
        "django.request": {"level": "ERROR"},
        "django.security": {"level": "WARNING"},
    },
}

EMAIL_BACKEND = env.str("ROCU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("ROCU_FROM_EMAIL", "rocu@localhost")

env.seal()
