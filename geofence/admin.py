from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .feeds.services import attribute_quarantined_fixes
from .models import (
    Device,
    DeviceAssignment,
    DeviceEvent,
    DeviceStatus,
    Incident,
    IncidentEvent,
    QuarantinedItem,
    Vendor,
    VendorApiKey,
)


class ReadOnlyAdminMixin:
    """Show rows but never add, change or delete them, superusers included: their services own every write."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "active"]


@admin.register(VendorApiKey)
class VendorApiKeyAdmin(admin.ModelAdmin):
    list_display = ["vendor", "prefix", "name", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at"]


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["device_id", "vendor", "kind", "model", "active"]
    list_filter = ["vendor", "kind", "active"]
    search_fields = ["device_id"]
    actions = ["attribute_quarantine"]

    @admin.action(description=_("Geweigerde posities van deze apparaten alsnog toekennen"))
    def attribute_quarantine(self, request, queryset):
        total = sum(attribute_quarantined_fixes(device) for device in queryset)
        self.message_user(request, _("%(n)d posities toegekend.") % {"n": total}, messages.SUCCESS)


admin.site.register(DeviceAssignment)


@admin.register(DeviceStatus)
class DeviceStatusAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(DeviceEvent)
class DeviceEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    pass


@admin.register(QuarantinedItem)
class QuarantinedItemAdmin(admin.ModelAdmin):
    list_display = ["received_at", "vendor", "kind", "device_ref", "reason", "attributed_at"]
    list_filter = ["reason", "kind", "vendor"]


class IncidentEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = IncidentEvent
    extra = 0
    can_delete = False


# The state machine, timeline, audit log and alert outbox stand behind every incident change.
@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "type", "state", "priority", "definite", "person", "device", "opened_at", "closed_at"]
    list_filter = ["type", "state", "priority"]
    inlines = [IncidentEventInline]
