from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import AlertOutbox, WorkerHeartbeat


@admin.register(AlertOutbox)
class AlertOutboxAdmin(admin.ModelAdmin):
    list_display = ["alert_id", "change", "priority", "status", "attempts", "created_at", "published_at"]
    list_filter = ["status", "change", "police_outcome"]
    search_fields = ["alert_id", "incident_id"]
    readonly_fields = [field.name for field in AlertOutbox._meta.fields]
    actions = ["retry_now"]

    @admin.action(description=_("Niet afgeleverde meldingen nu opnieuw versturen"))
    def retry_now(self, request, queryset):
        count = services.retry_now(queryset, user=request.user)
        self.message_user(
            request,
            ngettext("%d melding opnieuw in de wachtrij.", "%d meldingen opnieuw in de wachtrij.", count) % count,
            messages.SUCCESS,
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        # Read-only, superusers included: delivery and acknowledgement go through the services.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["queue", "beat_at", "hostname"]
