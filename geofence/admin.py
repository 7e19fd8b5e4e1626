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
admin.site.register(DeviceStatus)
admin.site.register(DeviceEvent)


@admin.register(QuarantinedItem)
class QuarantinedItemAdmin(admin.ModelAdmin):
    list_display = ["received_at", "vendor", "kind", "device_ref", "reason", "attributed_at"]
    list_filter = ["reason", "kind", "vendor"]


class IncidentEventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    can_delete = False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["id", "type", "state", "priority", "definite", "person", "device", "opened_at", "closed_at"]
    list_filter = ["type", "state", "priority"]
    inlines = [IncidentEventInline]
