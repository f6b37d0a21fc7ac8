import json
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from core.models import ApiToken

CREDENTIALS = settings.VAR_DIR / "demo-credentials.json"


class Command(BaseCommand):
    help = (
        "Make the demo usable: an admin login for the owner supervisor and an API token for the "
        "voice worker, created once and kept in var/demo-credentials.json, then printed."
    )

    def handle(self, *args, **options):
        credentials = json.loads(CREDENTIALS.read_text()) if CREDENTIALS.exists() else {}
        if not ApiToken.objects.filter(prefix=credentials.get("token", "")[: ApiToken.PREFIX_LENGTH]).exists():
            credentials["token"] = ApiToken.issue("voice-worker")[1]
        credentials.setdefault("password", secrets.token_urlsafe(9))
        username = self._owner_login(credentials["password"])
        CREDENTIALS.write_text(json.dumps(credentials))
        CREDENTIALS.chmod(0o600)
        self.stdout.write(
            "\nSupervisor console: http://127.0.0.1:8000/console/ (admin: http://127.0.0.1:8000/admin/)"
            f"  user {username!r}  password {credentials['password']!r}\n"
            f"API token (SALON_API_TOKEN): {credentials['token']}\n"
            "API docs: http://127.0.0.1:8000/api/v1/docs\n"
        )

    def _owner_login(self, password: str) -> str:
        """A staff user linked to the owner supervisor (Maya in the demo salon)."""
        supervisor_model = apps.get_model("helprequests", "Supervisor")
        owner = supervisor_model.objects.filter(is_owner=True).order_by("pk").first()
        username = owner.first_name.lower() if owner else "admin"
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(username=username, defaults={"first_name": username.title()})
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        if owner and owner.user_id != user.pk:
            owner.user = user
            owner.save(update_fields=["user"])
        return username
