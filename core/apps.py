from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Shared infrastructure every app may use and which uses none of them: API tokens and their
    authentication, the audit-row base, SQL helpers, the broadcast helper, parsing, phone numbers,
    errors and the console's page frame. Its one model, the API token, shows in admin under a
    heading staff can read."""

    name = "core"
    verbose_name = "API access"
