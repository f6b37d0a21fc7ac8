"""Celery tasks: thin wrappers that call the help-request sweeps (the delivery tasks are
`outbound.tasks`). No service imports this module, so the services are imported at module level."""

from celery import shared_task

from helprequests import escalation, services


@shared_task
def expire_help_requests() -> int:
    return services.expire_help_requests()


@shared_task
def climb_ladder() -> int:
    return escalation.climb_ladder()
