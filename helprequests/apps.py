from django.apps import AppConfig


class HelpRequestsConfig(AppConfig):
    """Names the app's admin section for the salon's staff, not by its Python package; connects
    what this app does for the texts `outbound` sends about its requests and for the answers
    knowledge learned from them; and keeps the salon profile's supervisors for knowledge."""

    name = "helprequests"
    verbose_name = "Help requests and texts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from helprequests import knowledge_receivers, salon_profile, text_receivers
        from helprequests.models import HelpRequest
        from knowledge.profile import register_section
        from outbound.delivery import text_due
        from outbound.models import Message

        text_due.connect(
            text_receivers.skip_if_no_longer_waiting, sender=Message, dispatch_uid="helprequests.no_longer_waiting"
        )
        post_delete.connect(
            text_receivers.forget_deleted_request, sender=HelpRequest, dispatch_uid="helprequests.forget_request"
        )
        post_delete.connect(
            knowledge_receivers.forget_deleted_request, sender=HelpRequest, dispatch_uid="helprequests.forget_learned"
        )
        register_section("supervisors", salon_profile.SUPERVISORS)
