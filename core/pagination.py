"""The one pagination of every list: `?limit=&offset=` → `{"items": [...], "count": N}`."""

from ninja import Field
from ninja.pagination import LimitOffsetPagination

from core.schemas import MAX_DB_INT

MAX_PAGE = 500


class Page(LimitOffsetPagination):
    """ninja's limit/offset pagination with bounds, so an absurd page is a 422, not a 500."""

    class Input(LimitOffsetPagination.Input):
        limit: int = Field(100, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0, le=MAX_DB_INT)
