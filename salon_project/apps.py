from django.apps import AppConfig


class SalonProjectConfig(AppConfig):
    """The project's own models (API tokens), under a heading staff can read in admin."""

    name = "salon_project"
    verbose_name = "API access"
