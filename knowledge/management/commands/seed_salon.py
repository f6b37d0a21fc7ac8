"""`manage.py seed_salon [PATH | --demo] [--dry-run]`: load a salon file (the profile, its facts
and its supervisors), or the demo salon into a database that has no salon yet."""

from django.core.management.base import BaseCommand, CommandError

from knowledge.models import SalonProfile
from knowledge.profile import apply_profile
from knowledge.seed import DEFAULT_FIXTURE, SeedError, load_profile, seed_vocabulary


class Command(BaseCommand):
    help = (
        "Load a salon file into the knowledge base and the supervisors. Without PATH the bundled demo "
        "salon is loaded only when the database has no salon yet, so a restart never undoes the owner's "
        "edits; --demo loads it anyway. Changes are a diff: unchanged entries are not touched, entries "
        "edited by hand are not overwritten (the conflict waits in admin), supervisors not in the file "
        "are removed. --dry-run lists what would change and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="A salon file (YAML); see the README for its format.")
        parser.add_argument("--demo", action="store_true", help="Load the bundled demo salon, even over her own.")
        parser.add_argument("--dry-run", action="store_true", help="List what would change; change nothing.")

    def handle(self, *args, path: str | None, demo: bool, dry_run: bool, **options):
        if path and demo:
            raise CommandError("Give a salon file or --demo, not both.")
        current = SalonProfile.current()
        if path is None and not demo and current is not None:
            self._say(
                options,
                f"Kept the salon profile of {current.name} as it is (a salon's own facts are never "
                "overwritten: edit them in admin, or load a file with `seed_salon PATH`).",
            )
            self._vocabulary(options, dry_run)
            return
        path = path or str(DEFAULT_FIXTURE)
        try:
            changes = apply_profile(load_profile(path), dry_run=dry_run)
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        if dry_run:
            self._say(options, f"Dry run of {path}: nothing is changed.")
        else:
            self._say(options, f"Loaded {SalonProfile.display_name()} from {path}.")
        self._say(options, changes.summary())
        if dry_run or options["verbosity"] > 1:
            for line in changes.details or ["(nothing would change)"]:
                self._say(options, f"  {'would ' if dry_run else ''}{line}")
        self._vocabulary(options, dry_run)

    def _vocabulary(self, options, dry_run: bool) -> None:
        """The bundled vocabulary's new terms; the salon's own and switched-off terms stay as they are."""
        if dry_run:
            return
        try:
            added, updated = seed_vocabulary()
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        self._say(options, f"Vocabulary: {added} terms added, {updated} updated.")

    def _say(self, options, line: str) -> None:
        if options["verbosity"] > 0:
            self.stdout.write(line[:1].upper() + line[1:])
