from django.core.management.base import BaseCommand

from helprequests.escalation import climb_ladder


class Command(BaseCommand):
    help = "Take every escalation-ladder step that is due (Celery beat runs the same every minute)."

    def handle(self, *args, **options):
        count = climb_ladder()
        if options["verbosity"]:
            self.stdout.write(f"Took {count} escalation step(s).")
