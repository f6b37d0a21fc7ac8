from django.apps import AppConfig


class CallsConfig(AppConfig):
    """Tells the apps below calls what they cannot import calls to learn: its callers (a number
    that called the salon and then texts it is a caller, not a stranger) and which call ids
    exist; and connects what calls does when a help request is answered or a call deleted."""

    name = "calls"
    verbose_name = "Calls"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from calls import receivers
        from calls.models import Call
        from helprequests.callers import register_call_check, register_caller_lookup
        from helprequests.signals import help_request_resolved

        register_caller_lookup(Call.names_recorded_for)
        register_call_check(Call.id_exists)
        help_request_resolved.connect(receivers.push_answer_to_call, dispatch_uid="calls.push_answer_to_call")
        post_delete.connect(receivers.forget_deleted_call, sender=Call, dispatch_uid="calls.forget_deleted_call")
