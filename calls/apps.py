from django.apps import AppConfig


class CallsConfig(AppConfig):
    """Registers calls as a source of known callers for the apps below it (they cannot import
    calls): a number that called the salon and then texts it is a caller, not a stranger."""

    name = "calls"
    verbose_name = "Calls"

    def ready(self) -> None:
        from calls.models import Call
        from helprequests.callers import register_caller_lookup

        register_caller_lookup(Call.names_recorded_for)
