"""`manage.py seed_salon [PATH]`: load the salon's business profile, its facts and its supervisors."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from knowledge.seed import DEFAULT_FIXTURE, SeedError, load_profile, seed_knowledge, supervisors_from
from salon_project.phones import InvalidPhoneNumber, normalize_phone


class Command(BaseCommand):
    help = (
        "Load the salon's business profile (default: the bundled demo salon) into the knowledge base "
        "and upsert its supervisors by phone number. Idempotent: a second run changes nothing; seed "
        "entries whose fact left the file are deactivated, and those in the file are active again."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_FIXTURE), help="A business profile YAML file.")

    def handle(self, *args, path: str, **options):
        try:
            profile = load_profile(path)
            supervisors = supervisors_from(profile)
            with transaction.atomic():
                summary = seed_knowledge(profile)
                created, updated, unchanged = self._upsert_supervisors(supervisors)
        except SeedError as exc:
            raise CommandError(str(exc)) from None
        if options["verbosity"] > 0:
            self.stdout.write(f"Seeded {profile['name']} from {path}.")
            self.stdout.write(str(summary))
            self.stdout.write(f"Supervisors: {created} created, {updated} updated, {unchanged} unchanged.")

    def _upsert_supervisors(self, supervisors: list[dict]) -> tuple[int, int, int]:
        """Upsert by E.164 phone. `available` is set on creation only: it is the supervisors' own
        switch, and re-seeding must not put someone off duty back on."""
        # The Supervisor model belongs to helprequests, which the knowledge app does not import.
        Supervisor = apps.get_model("helprequests", "Supervisor")
        created = updated = unchanged = 0
        for data in supervisors:
            try:
                phone = normalize_phone(data["phone"])
            except InvalidPhoneNumber as exc:
                raise SeedError(f"Supervisor {data['name']}: {exc}") from None
            fields = {k: data[k] for k in ("name", "email", "expertise", "is_owner")}
            supervisor = Supervisor.objects.filter(phone=phone).first()
            if supervisor is None:
                Supervisor.objects.create(phone=phone, available=True, **fields)
                created += 1
            elif any(getattr(supervisor, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(supervisor, k, v)
                supervisor.save(update_fields=list(fields))
                updated += 1
            else:
                unchanged += 1
        return created, updated, unchanged
