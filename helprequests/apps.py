from django.apps import AppConfig


class HelpRequestsConfig(AppConfig):
    """Names the app's admin section for the salon's staff, not by its Python package."""

    name = "helprequests"
    verbose_name = "Help requests and texts"
