"""Settings read from the environment (django-environ); defaults run the app on SQLite."""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env(
    DEBUG=(bool, True),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]", "testserver"]),
    TIME_ZONE=(str, "UTC"),
    SECURE_SSL_REDIRECT=(bool, True),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        sys.exit(
            "policyindex: DEBUG is off, so set SECRET_KEY in the environment (a long random string)."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env("ALLOWED_HOSTS")

INSTALLED_APPS = [
    "geography",
    "accounts",
    "questionnaire",
    "scoring",
    "fixtures",
    "review",
    "results",
    "offline",
    "lab",
    "policyindex",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_filters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside every middleware that queries: a database that cannot be reached answers 503.
    "policyindex.middleware.database_unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "policyindex.middleware.cache_control.PrivateCacheForAuthenticatedUsersMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Both answer before anything reads the body or queries with the URL (and in the user's
    # language, hence after LocaleMiddleware).
    "policyindex.middleware.uploads.BoundedUploadMiddleware",
    "policyindex.middleware.unstorable.RefuseUnstorableCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "policyindex.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "policyindex" / "templates"],
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

WSGI_APPLICATION = "policyindex.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Lets two test runs share one PostgreSQL server without dropping each other's test database.
if env("TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    # A kept connection is checked before each request reuses it: after a database restart the
    # worker reconnects instead of failing its next request.
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no row locks: a transaction takes the write lock when it begins, so a second
    # concurrent save waits for the first, then sees its new revision and is refused cleanly.
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
    # Tests run on a database file, not in memory, so tests with threads share the same data.
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(BASE_DIR / "test-run.sqlite3")
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# django-axes keeps failed logins in the database, so every app server sees the same count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Axes keeps the form fields of failed attempts: never the passwords of the password change form.
AXES_SENSITIVE_PARAMETERS = [
    "username",
    "ip_address",
    "old_password",
    "new_password1",
    "new_password2",
]
# Password reset requests (accounts.throttling): per e-mail address and per network address.
PASSWORD_RESET_LIMIT = env.int("PASSWORD_RESET_LIMIT", default=3)
PASSWORD_RESET_WINDOW = timedelta(minutes=env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60))

# Content-Security-Policy (django-csp): our pages load scripts, styles and images only from this
# site, with no inline script or style, and may not be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Evidence files: the largest accepted (a request carries the file and the questionnaire's
# fields, so the request limit below grows with it), and how many one item may have.
EVIDENCE_FILE_MAX_BYTES = env.int("EVIDENCE_FILE_MAX_BYTES", default=8 * 1024 * 1024)
EVIDENCE_FILES_PER_ITEM = env.int("EVIDENCE_FILES_PER_ITEM", default=10)

# Uploads: a request body over MAX_UPLOAD_BYTES is refused (413) before it is read
# (policyindex.middleware.uploads). Form fields without files may total 5 MiB (the questionnaire
# posts about 200 fields with free-text evidence); files over 2.5 MiB are streamed to a temporary
# file rather than held in memory.
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# An evidence file of the largest size accepted, with the form it is posted with, always fits.
MAX_UPLOAD_BYTES = max(MAX_UPLOAD_BYTES, EVIDENCE_FILE_MAX_BYTES + 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "policyindex" / "locale"]
USE_I18N = True
# One way of writing dates and numbers per language (policyindex/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["policyindex.formats"]
# Lazily translated messages are translated in the language of the page that shows them.
MESSAGE_STORAGE = "kernel.messages.TranslatedWhenShownStorage"
TIME_ZONE = env("TIME_ZONE")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The largest offline questionnaire workbook an upload takes (a filled one is well under 1 MB).
OFFLINE_WORKBOOK_MAX_BYTES = env.int("OFFLINE_WORKBOOK_MAX_BYTES", default=5 * 1024 * 1024)

# Evidence files (questionnaire.models.EvidenceFile) go through Django's default storage: this
# folder by default. They are never served from it by a URL of their own, only by the view that
# checks who may see the submission (so MEDIA_URL is not routed).
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# In production, any S3-compatible store through django-storages (`pip install
# "django-storages[s3]"`, not in requirements.txt): set AWS_STORAGE_BUCKET_NAME, and where needed
# AWS_S3_ENDPOINT_URL (another provider than AWS), AWS_S3_REGION_NAME and AWS_LOCATION (a folder
# in the bucket). Credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or the machine's role). The files stay private: no public ACL, and
# downloads go through the app.
S3_BUCKET = env("AWS_STORAGE_BUCKET_NAME", default="") or env("S3_BUCKET", default="")
if S3_BUCKET:
    import importlib.util

    if importlib.util.find_spec("storages") is None or importlib.util.find_spec("boto3") is None:
        sys.exit(
            "policyindex: AWS_STORAGE_BUCKET_NAME is set, so install django-storages with S3 "
            'support (pip install "django-storages[s3]").'
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("AWS_S3_REGION_NAME", default="") or None,
            "location": env("AWS_LOCATION", default=""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Static files come from the app folders too, so the app (and its tests) work before collectstatic;
# in production `collectstatic` adds the compressed, hashed copies whitenoise prefers.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="policyindex <noreply@localhost>")
# Where people reach the site: the links in e-mails start with it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The version of the IAEG-SDGs dataflow DF_SDG_GLH that SDMX-CSV exports name. data.un.org raises it
# with each SDG database release: the reference file in the layout of a data.un.org download
# (../shared/reference/un-published/SG_CPA_MIGRS.csv) reads 1.24, and data.un.org answered queries
# for 1.26 in October 2026 (a public fetch script's "keys that work", 2026-10-06, github.com/chatilamoe/agora-skills,
# skills/un-statistics). The data structure (IAEG-SDGs:SDG) is the same; set the version the
# receiving system expects.
SDMX_DATAFLOW_VERSION = env("SDMX_DATAFLOW_VERSION", default="1.26")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
