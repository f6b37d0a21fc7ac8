from django.apps import AppConfig


class SalonProjectConfig(AppConfig):
    """The configuration: settings, urls, the ASGI and Celery apps, the API root that mounts each
    app's router, and the commands that run the whole house (`serve`, `setup_demo`). It has no
    models, and no app imports it."""

    name = "salon_project"
