from django.core.management.base import BaseCommand

from core.models import ApiToken


class Command(BaseCommand):
    help = "Create an API bearer token. The token is printed alone as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who the token is for, e.g. 'voice-worker' or 'crm'.")

    def handle(self, *args, name: str, **options):
        token, plain = ApiToken.issue(name)
        self.stderr.write(f"Created token {token.prefix}… for {name!r}. It is shown only once:")
        self.stdout.write(plain)
