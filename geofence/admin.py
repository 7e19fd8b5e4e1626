from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
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
    """Issue, rotate and revoke vendor keys; a new key is shown once, in the message after saving."""

    list_display = ["vendor", "prefix", "name", "created_at", "expires_at", "revoked_at"]
    list_filter = ["vendor"]
    actions = ["rotate", "revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["vendor", "name"]
        return ["vendor", "prefix", "name", "created_at", "expires_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return ["vendor", "prefix", "created_at", "revoked_at"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        key = obj.assign_new_key()
        super().save_model(request, obj, form, change)
        self._show_once(request, obj, key)

    @admin.action(description=_("Vervangen: nieuwe sleutel uitgeven, de oude blijft nog even geldig"))
    def rotate(self, request, queryset):
        grace = timedelta(hours=settings.VENDOR_KEY_ROTATION_GRACE_HOURS)
        for old in queryset.usable():
            row, key = old.rotate(grace)
            self._show_once(request, row, key)

    @admin.action(description=_("Intrekken: de sleutel werkt direct niet meer"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, _("%(n)d sleutels ingetrokken.") % {"n": count}, messages.SUCCESS)

    def _show_once(self, request, row, key: str) -> None:
        text = _("Nieuwe sleutel voor %(vendor)s (alleen nu zichtbaar, geef hem veilig door): %(key)s")
        self.message_user(request, text % {"vendor": row.vendor, "key": key}, messages.WARNING)


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


@admin.register(DeviceAssignment)
class DeviceAssignmentAdmin(admin.ModelAdmin):
    # Ids, not select lists: a list would name every person and protected person on each form.
    raw_id_fields = ["device", "person", "protected_person"]
    list_display = ["device", "person", "protected_person", "valid_from", "valid_until"]
    list_select_related = ["device__vendor", "person", "protected_person"]


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
