"""One settings module; every knob comes from the environment (see the README's configuration table)."""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gongjian.env import env_bool, env_date, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GONGJIAN_VAR_DIR") or BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
PRODUCTION = env_bool("GONGJIAN_PRODUCTION", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    # Generated once per installation so that sessions survive restarts without a shared default key.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "gongjian.audit",
    "gongjian.org",
    "gongjian.workdays",
    "gongjian.campaigns",
    "gongjian.dispatch",
    "gongjian.projects",
    "gongjian.supervision",
    "gongjian.frontline",
    "gongjian.inspections",
    "gongjian.assessment",
    "gongjian.bulletins",
    "gongjian.documents",
    "gongjian.matters",
    "gongjian.cockpit",
    "gongjian.bench",
    "gongjian.demo",
    "gongjian.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gongjian.org.middleware.SessionLimitsMiddleware",
    "gongjian.org.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gongjian.audit.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "gongjian.urls"
WSGI_APPLICATION = "gongjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongjian" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongjian.context_processors.platform",
            ],
            "builtins": ["gongjian.templatetags.gongjian_tags"],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gongjian.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the job worker writes; IMMEDIATE avoids upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# Persistent connections (opening and closing a SQLite WAL database checkpoints it each time, half of a small
# request's cost); health checks drop a connection that went bad.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("production needs DATABASE_URL pointing at PostgreSQL")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

HUEY_IMMEDIATE = env_bool("HUEY_IMMEDIATE", False)
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "gongjian", "url": REDIS_URL, "immediate": HUEY_IMMEDIATE}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gongjian",
        "filename": str(VAR_DIR / "jobs.sqlite3"),
        "immediate": HUEY_IMMEDIATE,
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gongjian.org.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "gongjian.org.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "gongjian.org.passwords.HistoryValidator"},
]

# Login security (docs/security.md): every figure a setting.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
LOCKOUT_FAILURES = env_int("LOCKOUT_FAILURES", 5, minimum=1)
LOCKOUT_WINDOW_MINUTES = env_int("LOCKOUT_WINDOW_MINUTES", 15, minimum=1)
LOCKOUT_MINUTES = env_int("LOCKOUT_MINUTES", 30, minimum=1)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_IDLE_MINUTES_ADMIN = env_int("SESSION_IDLE_MINUTES_ADMIN", 15, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5, minimum=0)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# HSTS preloading commits every subdomain of the deployment's domain for years; the deployment decides it
# (SECURE_HSTS_PRELOAD), so the check that nags for it is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a reverse proxy the client address is in X-Forwarded-For; trust it only when told to.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "gongjian" / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "gongjian" / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/echarts", BASE_DIR / "node_modules" / "echarts" / "dist"),
]
# Serve straight from the finders unless collectstatic has been run (production runs it).
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "gongjian.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "攻坚 Gongjian API",
    "DESCRIPTION": "Tasks, monthly dispatch, supervision cards, projects, assessment and frontline tickets.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "gongjian.campaigns.models.Task.Status",
        "BlockerCategoryEnum": "gongjian.supervision.models.Blocker.Category",
        "IdeaCategoryEnum": "gongjian.frontline.models.Idea.Category",
        "ProjectLevelEnum": "gongjian.projects.models.Project.Level",
        "BlockerLevelEnum": "gongjian.supervision.models.Blocker.Level",
        "TaskSourceEnum": "gongjian.campaigns.models.Task.Source",
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "gongjian@localhost")
GONGJIAN_NOTIFY_EMAIL = env_bool("GONGJIAN_NOTIFY_EMAIL", False)
GONGJIAN_WEBHOOK_URL = env_str("GONGJIAN_WEBHOOK_URL")

# The platform's "today": set only by the demo and tests (docs/architecture.md "The demo"); empty in production.
GONGJIAN_TODAY = env_date("GONGJIAN_TODAY")
GONGJIAN_DEMO = env_bool("GONGJIAN_DEMO", False)
# Map tiles for the project map ("https://tiles.example/{z}/{x}/{y}.png"); empty: a schematic with no outside request.
GONGJIAN_MAP_TILE_URL = env_str("GONGJIAN_MAP_TILE_URL")
REPORT_DUE_WORKDAY = env_int("REPORT_DUE_WORKDAY", 5, minimum=1)
REMIND_DAYS_BEFORE = env_int("REMIND_DAYS_BEFORE", 2, minimum=0)
# 督办事项: working days for a 批示件 without a time limit; how far our deadline runs ahead of an upstream one.
GONGJIAN_INSTRUCTION_WORKDAYS = env_int("GONGJIAN_INSTRUCTION_WORKDAYS", 10, minimum=1)
GONGJIAN_ASSIGNMENT_LEAD_WORKDAYS = env_int("GONGJIAN_ASSIGNMENT_LEAD_WORKDAYS", 3, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
