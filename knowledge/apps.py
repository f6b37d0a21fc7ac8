from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    """Names the app's admin section for the salon's staff, not by its Python package."""

    name = "knowledge"
    verbose_name = "Knowledge base"
