"""Creating a row at most once per key: an Idempotency-Key sent again, or a provider's message id
delivered twice, gives back the first row instead of a second one.

One shape for every such create: read; create; and when the create breaks the key's unique rule
(another request with the same key committed first), read again and answer with the winner. The
unique rule in the database is what makes it safe under concurrency; the first read only saves
the write when the key is plainly a replay.
"""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, models

from core.errors import Conflict

Row = TypeVar("Row", bound=models.Model)


def create_once(
    model: type[Row],
    key: str | None,
    create: Callable[[], Row],
    *,
    field: str = "idempotency_key",
    clash: Callable[[], str | None] | None = None,
) -> tuple[Row, bool]:
    """The `model` row whose `field` is `key`, or the one `create` makes: (row, created). With no
    key, `create` runs every time. `create` runs its own `transaction.atomic()`, so a lost race
    rolls back only its statements. `clash`, for another unique rule the create may break (one
    active call a room), says which in a sentence, raised as a Conflict; when it says nothing
    the IntegrityError stands."""

    def earlier() -> Row | None:
        return model.objects.filter(**{field: key}).first() if key else None

    if (found := earlier()) is not None:
        return found, False
    try:
        return create(), True
    except IntegrityError:
        if (found := earlier()) is not None:
            return found, False
        if clash is not None and (sentence := clash()):
            raise Conflict(sentence) from None
        raise
