from django.apps import AppConfig


class OutboundConfig(AppConfig):
    """What leaves the house: texts, webhook events, the outbox that stores them in the
    transaction that causes them, their delivery and the SMS backends. Any app may send through
    it, and it knows none of them: a text or an event names what it is about by id only.

    Its admin heading is the one staff knew these pages under before they had an app of their own."""

    name = "outbound"
    verbose_name = "Texts and webhooks"
