"""`manage.py export_salon [PATH]`: the salon's profile as a salon file (YAML), to keep, edit or
load elsewhere with `seed_salon PATH`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import NotFound
from knowledge.profile import export_yaml


class Command(BaseCommand):
    help = "Write the salon's current profile, supervisors included, as a salon file (default: to stdout)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="Where to write the file; stdout when left out.")

    def handle(self, *args, path: str | None, **options):
        try:
            text = export_yaml()
        except NotFound as exc:
            raise CommandError(str(exc)) from None
        if path is None:
            self.stdout.write(text, ending="")
            return
        Path(path).write_text(text, encoding="utf-8")
        if options["verbosity"] > 0:
            self.stdout.write(f"Wrote the salon file to {path}.")
