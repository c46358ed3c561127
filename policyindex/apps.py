from django.apps import AppConfig


class PolicyindexConfig(AppConfig):
    """Cross-cutting pieces: base templates, vendored static files, access rules, translations."""

    name = "policyindex"
    verbose_name = "policyindex"
