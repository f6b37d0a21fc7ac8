from django.core.management.base import BaseCommand

from helprequests.services import expire_help_requests


class Command(BaseCommand):
    help = "Time out every pending help request past its deadline (Celery beat runs the same every minute)."

    def handle(self, *args, **options):
        count = expire_help_requests()
        if options["verbosity"]:
            self.stdout.write(f"Timed out {count} help request(s).")
