"""Admin pages of records nobody adds, edits or deletes by hand: history rows, the outbox of
texts, webhook deliveries. One mixin, so "read-only" means the same on every such page."""

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """No add, change or delete (viewing stays): for a ModelAdmin and an inline alike, which is
    why `obj` is optional on every check."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A record of what happened, shown as it is: nobody adds, edits or deletes one by hand."""


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """History rows shown under their parent; nobody edits history by hand."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return self.fields
