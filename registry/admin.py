"""Admin for the registry. Saves of persons, decisions and bans go through registry.services,
so the admin keeps the same history as the API. History and the audit log are read-only."""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import services
from .admin_forms import BanAdminForm, DecisionAdminForm, PersonAdminForm, ProtectedPersonAdminForm
from .audit_reads import audited_autocomplete_view
from .models import (
    AuditEntry,
    Ban,
    Decision,
    HistoryEntry,
    ImportBatch,
    Person,
    PersonAlias,
    ProtectedPerson,
    RegionMembership,
    RejectedRow,
)
from .roles import Role, has_role


class RoleAdmin(admin.ModelAdmin):
    """Permissions from banwatch roles: registrars write, the read roles look. Nothing is deleted."""

    write_roles: tuple[Role, ...] = (Role.REGISTRAR,)
    read_roles: tuple[Role, ...] = (Role.SUPERVISOR,)

    def has_module_permission(self, request):
        return has_role(request.user, *self.write_roles, *self.read_roles)

    def has_view_permission(self, request, obj=None):
        return has_role(request.user, *self.write_roles, *self.read_roles)

    def has_add_permission(self, request):
        return bool(self.write_roles) and has_role(request.user, *self.write_roles)

    def has_change_permission(self, request, obj=None):
        return bool(self.write_roles) and has_role(request.user, *self.write_roles)

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(RoleAdmin):
    write_roles = ()
    read_roles = (Role.REGISTRAR, Role.SUPERVISOR)


class ServiceAdmin(RoleAdmin):
    """Create and change through the service functions, with the reason from the form."""

    create_service = None
    update_service = None
    related_fields: dict[str, str] = {}  # form field -> service keyword (many-to-many, aliases)

    @admin.display(description=_("historie"))
    def history_table(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    e.version,
                    e.get_action_display(),
                    timezone.localtime(e.changed_at).strftime("%Y-%m-%d %H:%M"),
                    e.changed_by or "-",
                    e.reason or "-",
                    ", ".join(e.changed_fields) or "-",
                )
                for e in services.history_of(obj).select_related("changed_by")
            ),
        )
        header = format_html(
            "<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
            _("versie"), _("actie"), _("wanneer"), _("door"), _("reden"), _("velden"),
        )  # fmt: skip
        return format_html("<table>{}{}</table>", header, rows)

    def save_model(self, request, obj, form, change):
        cleaned, user, reason = form.cleaned_data, request.user, form.cleaned_data.get("reason", "")
        related = {kw: cleaned[f] for f, kw in self.related_fields.items() if f in cleaned}
        if change:
            changes = {name: cleaned[name] for name in form.model_changes() if name not in self.related_fields}
            if changes or any(f in form.changed_data for f in self.related_fields):
                saved, _changed = type(self).update_service(obj.pk, user=user, reason=reason, **changes, **related)
            else:
                saved = obj
            saved = self.after_save(request, saved, form) or saved
        else:
            model_fields = {f.name for f in obj._meta.get_fields()}
            fields = {k: cleaned[k] for k in form.fields if k in model_fields and k in cleaned}
            fields = {k: v for k, v in fields.items() if k not in self.related_fields}
            saved = type(self).create_service(user=user, reason=reason, **fields, **related)
        obj.pk, obj._state.adding = saved.pk, False

    def after_save(self, request, obj, form):
        return None

    def save_related(self, request, form, formsets, change):
        # Many-to-many fields went through the service; only inlines are saved here.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class HistoryInlineMixin:
    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "history_table")


@admin.register(Person)
class PersonAdmin(HistoryInlineMixin, ServiceAdmin):
    form = PersonAdminForm
    create_service = staticmethod(services.create_person)
    update_service = staticmethod(services.update_person)
    related_fields = {"alias_lines": "aliases"}
    list_display = ["surname", "tussenvoegsel", "given_names", "date_of_birth", "strafrechtketennummer", "bsn"]
    search_fields = [
        "surname",
        "given_names",
        "name_key",
        "aliases__name",
        "bsn",
        "strafrechtketennummer",
        "cjib_reference",
        "decisions__reference",
    ]
    list_filter = ["decisions__authority", "decisions__legal_basis", "bans__kind", "bans__status"]

    def get_search_results(self, request, queryset, search_term):
        queryset, _dupes = super().get_search_results(request, queryset, search_term)
        return queryset, True


@admin.register(PersonAlias)
class PersonAliasAdmin(ReadOnlyAdmin):
    list_display = ["name", "person"]
    search_fields = ["name", "name_key", "person__surname"]


@admin.register(ProtectedPerson)
class ProtectedPersonAdmin(HistoryInlineMixin, ServiceAdmin):
    form = ProtectedPersonAdminForm
    read_roles = (Role.SUPERVISOR, Role.MONITORING_OPERATOR)
    create_service = staticmethod(services.create_protected_person)
    update_service = staticmethod(services.update_protected_person)
    list_display = ["surname", "tussenvoegsel", "given_names", "date_of_birth", "city"]
    search_fields = ["surname", "given_names", "city", "postcode"]
    list_filter = ["city"]


class BanInline(admin.TabularInline):
    model = Ban
    fields = ["kind", "status", "valid_from", "valid_until", "zone_description", "version"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(HistoryInlineMixin, ServiceAdmin):
    form = DecisionAdminForm
    create_service = staticmethod(services.create_decision)
    update_service = staticmethod(services.update_decision)
    inlines = [BanInline]
    list_display = ["reference", "authority", "legal_basis", "person", "decision_date", "dut", "version"]
    list_filter = ["authority", "legal_basis", "dut", "electronic_monitoring", "sash_risk", "bans__kind"]
    search_fields = ["reference", "person__surname", "person__name_key", "person__strafrechtketennummer"]
    autocomplete_fields = ["person"]
    date_hierarchy = "decision_date"

    def get_readonly_fields(self, request, obj=None):
        return (*super().get_readonly_fields(request, obj), "add_ban_link")

    @admin.display(description=_("nieuw verbod"))
    def add_ban_link(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        query = urlencode({"decision": obj.pk, "person": obj.person_id})
        return format_html(
            '<a href="{}?{}">{}</a>', reverse("admin:registry_ban_add"), query, _("Verbod toevoegen (zone tekenen)")
        )


@admin.register(Ban)
class BanAdmin(HistoryInlineMixin, ServiceAdmin):
    form = BanAdminForm
    create_service = staticmethod(services.create_ban)
    update_service = staticmethod(services.update_ban)
    related_fields = {"protected_persons": "protected_persons", "region": "region"}
    list_display = ["person", "kind", "status", "valid_from", "valid_until", "decision", "version"]
    list_filter = ["kind", "status", "decision__authority", "decision__legal_basis", "zone_shape"]
    search_fields = [
        "person__surname",
        "person__name_key",
        "person__strafrechtketennummer",
        "person__bsn",
        "decision__reference",
        "zone_description",
    ]
    autocomplete_fields = ["person", "decision", "protected_persons"]
    list_select_related = ["person", "decision"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ("decision", "person", "status") if obj is not None else ()
        return (*super().get_readonly_fields(request, obj), *fixed)

    def get_fieldsets(self, request, obj=None):
        zone_help = _("Teken een cirkel (standaard 5 km, advies reclassering) of een gebied; of vul de velden in.")
        return [
            (None, {"fields": ["decision", "person", "kind", "status", "valid_from", "valid_until", "region"]}),
            (_("Contact"), {"fields": ["protected_persons", "contact_modes"]}),
            (
                _("Zone"),
                {
                    "fields": [
                        "zone_geojson",
                        "zone_shape",
                        ("centre_lat", "centre_lon"),
                        "radius_m",
                        "zone_description",
                    ],
                    "description": zone_help,
                },
            ),
            (_("Tijdvensters"), {"fields": ["time_windows"]}),
            (None, {"fields": ["term_justification", "lifecycle_action", "reason", "history_table"]}),
        ]

    def after_save(self, request, obj, form):
        action = form.cleaned_data.get("lifecycle_action")
        if action:
            return services.change_ban_status(obj.pk, action, user=request.user, reason=form.cleaned_data["reason"])
        return None


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ["model", "object_id", "version", "action", "changed_at", "changed_by", "reason"]
    list_filter = ["model", "action"]
    search_fields = ["reason", "object_id", "changed_by__username"]
    date_hierarchy = "changed_at"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    read_roles = (Role.SUPERVISOR,)
    list_display = ["at", "actor_name", "action", "target_type", "target_id"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_name", "action", "target_id"]
    date_hierarchy = "at"


class RejectedRowInline(admin.TabularInline):
    model = RejectedRow
    fields = ["line", "errors", "raw", "resolved"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    inlines = [RejectedRowInline]
    list_display = ["filename", "imported_at", "imported_by", "rows_total", "rows_created", "rows_rejected"]
    list_filter = ["file_format"]
    search_fields = ["filename", "sha256"]


@admin.register(RejectedRow)
class RejectedRowAdmin(RoleAdmin):
    list_display = ["batch", "line", "resolved"]
    list_filter = ["resolved", "batch__file_format"]
    search_fields = ["raw", "batch__filename"]
    readonly_fields = ["batch", "line", "raw", "errors"]

    def has_add_permission(self, request):
        return False


@admin.register(RegionMembership)
class RegionMembershipAdmin(RoleAdmin):
    """Which regions each operator works for (registry/regions.py): supervisors and administrators manage them."""

    write_roles = (Role.SUPERVISOR,)
    read_roles = ()
    list_display = ["user", "region"]
    list_filter = ["region"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return has_role(request.user, Role.SUPERVISOR)


# The autocomplete of the admin's forms lists persons by name: audited like the admin's pages.
admin.site.autocomplete_view = audited_autocomplete_view
