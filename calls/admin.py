from django.contrib import admin

from calls.models import Call


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["id", "room", "caller_phone", "caller_name", "status", "started_at", "ended_at"]
    list_filter = ["status"]
    search_fields = ["room", "caller_phone", "caller_name"]
