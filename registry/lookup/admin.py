"""The audit log in the admin: readable by staff, never added to, changed or deleted."""

from django.contrib import admin

from registry.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_name", "action", "target_type", "target_id", "person_ids"]
    list_filter = ["action"]
    search_fields = ["actor_name", "target_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
