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


def _audit_key() -> bytes:
    """The key of the audit chain's HMAC. It must not live in the database (security.md "Audit chain"): it comes from
    GONGJIAN_AUDIT_KEY, or the file GONGJIAN_AUDIT_KEY_FILE names, or a file generated once in the data directory."""
    key = env_str("GONGJIAN_AUDIT_KEY")
    if not key:
        path = Path(env_str("GONGJIAN_AUDIT_KEY_FILE") or VAR_DIR / "audit_key")
        if not path.exists():
            if env_str("GONGJIAN_AUDIT_KEY_FILE"):
                raise ImproperlyConfigured(f"GONGJIAN_AUDIT_KEY_FILE names a file that does not exist: {path}")
            path.write_text(secrets.token_urlsafe(48))
            path.chmod(0o600)
        key = path.read_text().strip()
    if len(key) < 32:
        raise ImproperlyConfigured("the audit key must be at least 32 characters")
    return key.encode()


AUDIT_KEY = _audit_key()
# Append-only file that receives the chain's head after every committed write; empty disables anchoring.
AUDIT_ANCHOR_FILE = env_str("GONGJIAN_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchor.log"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "gongjian.setup",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "gongjian.audit",
    "gongjian.org",
    "gongjian.messaging",
    "gongjian.sso",
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
    "gongjian.forms_util.IntegerRangeMiddleware",
    "csp.middleware.CSPMiddleware",
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
                "gongjian.sso.context_processors.sign_in_options",
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

# The cockpit's figures are recomputed once per supervision run; this bounds how long intraday changes (a task
# completed, a blocker resolved) take to show there.
COCKPIT_CACHE_SECONDS = env_int("COCKPIT_CACHE_SECONDS", 300, minimum=0)

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
# Failed logins (any name, known or not) one client address may make per lockout window before it is refused.
LOGIN_ADDRESS_FAILURES = env_int("LOGIN_ADDRESS_FAILURES", 20, minimum=1)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30, minimum=1)
SESSION_IDLE_MINUTES_ADMIN = env_int("SESSION_IDLE_MINUTES_ADMIN", 15, minimum=1)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12, minimum=1)
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
PASSWORD_HISTORY = env_int("PASSWORD_HISTORY", 5, minimum=0)
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30, minimum=1)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 180, minimum=1)
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
# Every file we accept (evidence, photos, spreadsheets) is at most 10 MB; a larger one is refused as it arrives.
UPLOAD_MAX_FILE_BYTES = env_int("UPLOAD_MAX_FILE_MB", 10, minimum=1) * 1024 * 1024
UPLOAD_MAX_REQUEST_BYTES = env_int("UPLOAD_MAX_REQUEST_MB", 60, minimum=1) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "gongjian.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gongjian.org.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "gongjian.api.Pagination",
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
GONGJIAN_WEBHOOK_URL = env_str("GONGJIAN_WEBHOOK_URL")

# 掌上督办: messages to people's phones. API bases are settings because government deployments are private
# (政务微信 and 浙政钉 run the public APIs under the government's own host).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WECOM_API_BASE = env_str("WECOM_API_BASE", "https://qyapi.weixin.qq.com").rstrip("/")
WECOM_CORP_ID = env_str("WECOM_CORP_ID")
WECOM_AGENT_ID = env_str("WECOM_AGENT_ID")
WECOM_SECRET = env_str("WECOM_SECRET")
DINGTALK_API_BASE = env_str("DINGTALK_API_BASE", "https://oapi.dingtalk.com").rstrip("/")
DINGTALK_APP_KEY = env_str("DINGTALK_APP_KEY")
DINGTALK_APP_SECRET = env_str("DINGTALK_APP_SECRET")
DINGTALK_AGENT_ID = env_str("DINGTALK_AGENT_ID")
SMS_API_BASE = env_str("SMS_API_BASE", "https://dysmsapi.aliyuncs.com").rstrip("/")  # the SDK's endpoint
SMS_ACCESS_KEY_ID = env_str("SMS_ACCESS_KEY_ID")
SMS_ACCESS_KEY_SECRET = env_str("SMS_ACCESS_KEY_SECRET")
SMS_SIGN_NAME = env_str("SMS_SIGN_NAME")
SMS_TEMPLATE_CODE = env_str("SMS_TEMPLATE_CODE")
MESSAGING_EMAIL = env_bool("MESSAGING_EMAIL", False)
MESSAGING_TIMEOUT_SECONDS = env_int("MESSAGING_TIMEOUT_SECONDS", 10, minimum=1)
MESSAGING_MAX_ATTEMPTS = env_int("MESSAGING_MAX_ATTEMPTS", 5, minimum=1)
MESSAGING_LINK_HOURS = env_int("MESSAGING_LINK_HOURS", 72, minimum=1)

# Sign-in through the government's identity systems (local accounts and their lockout stay as they are).
WECOM_OAUTH_BASE = env_str("WECOM_OAUTH_BASE", "https://open.weixin.qq.com").rstrip("/")
WECOM_QR_BASE = env_str("WECOM_QR_BASE", "https://login.work.weixin.qq.com").rstrip("/")
DINGTALK_LOGIN_BASE = env_str("DINGTALK_LOGIN_BASE", "https://login.dingtalk.com").rstrip("/")
DINGTALK_OPENAPI_BASE = env_str("DINGTALK_OPENAPI_BASE", "https://api.dingtalk.com").rstrip("/")
# 钉钉 in-app sign-in (免登): the organisation's corpId and where its JSAPI script is served from (the only script
# from elsewhere, allowed on that one page).
DINGTALK_CORP_ID = env_str("DINGTALK_CORP_ID")
DINGTALK_JSAPI_URL = env_str("DINGTALK_JSAPI_URL", "https://g.alicdn.com/dingding/dingtalk-jsapi/3.0.25/dingtalk.open.js")
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid"
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
OIDC_CREATE_USER = False
# Kept in the (server-side) session for the provider's sign-out (id_token_hint), and ended with it.
OIDC_STORE_ID_TOKEN = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/sso/oidc/failed/"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"] + (
    ["gongjian.sso.oidc.Backend"] if OIDC_ISSUER else [])

# The platform's "today": set only by the demo and tests (docs/architecture.md "The demo"); empty in production.
GONGJIAN_TODAY = env_date("GONGJIAN_TODAY")
GONGJIAN_DEMO = env_bool("GONGJIAN_DEMO", False)
# Form widgets render through the project's templates: a select left empty reads 请选择/不选, never "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# A filter left open reads "全部", not "---------".
FILTERS_EMPTY_CHOICE_LABEL = "全部"
# The city or county named in every page's header ("莱西市"); empty: the platform's name alone.
GONGJIAN_CITY_NAME = env_str("GONGJIAN_CITY_NAME")
# Map tiles for the project map ("https://tiles.example/{z}/{x}/{y}.png"); empty: a schematic with no outside request.
GONGJIAN_MAP_TILE_URL = env_str("GONGJIAN_MAP_TILE_URL")
# Open311 POST limits (security.md): per client address (every POST, so bad keys count) and per api_key.
OPEN311_RATE_WINDOW_SECONDS = env_int("OPEN311_RATE_WINDOW_SECONDS", 60, minimum=1)
OPEN311_RATE_PER_ADDRESS = env_int("OPEN311_RATE_PER_ADDRESS", 120, minimum=1)
OPEN311_RATE_PER_KEY = env_int("OPEN311_RATE_PER_KEY", 600, minimum=1)

# Content-Security-Policy in every mode: scripts only from this site (no inline script or handler anywhere);
# styles may be inline because the charts position their elements with style attributes.
_tile_origin = "/".join(GONGJIAN_MAP_TILE_URL.split("/")[:3]) if GONGJIAN_MAP_TILE_URL else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([_tile_origin] if _tile_origin else [])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# 督办事项: working days for a 批示件 without a time limit; how far our deadline runs ahead of an upstream one.
GONGJIAN_INSTRUCTION_WORKDAYS = env_int("GONGJIAN_INSTRUCTION_WORKDAYS", 10, minimum=1)
GONGJIAN_ASSIGNMENT_LEAD_WORKDAYS = env_int("GONGJIAN_ASSIGNMENT_LEAD_WORKDAYS", 3, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request is routine (a stale link, a curious user): one line in the log, not a traceback.
    "filters": {"quiet_403": {"()": "gongjian.errors.QuietForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["quiet_403"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
