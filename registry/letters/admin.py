"""The registrar's screen for victim letters: the overdue list is a filter on this admin list."""

from django.contrib import admin
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registry.roles import Role, has_role

from . import services
from .models import VictimNotice

LETTER_ROLES = (Role.REGISTRAR, Role.MONITORING_OPERATOR, Role.SUPERVISOR)


class OverdueFilter(admin.SimpleListFilter):
    title = _("te laat")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("te laat verstuurd"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            VictimNotice.objects.reconcile()
            return queryset.overdue()
        return queryset


@admin.register(VictimNotice)
class VictimNoticeAdmin(admin.ModelAdmin):
    list_display = ["reference", "protected_person", "status", "due_since", "generated_at", "sent_on", "pdf_link"]
    list_filter = [OverdueFilter, "status", "channel"]
    list_select_related = ["ban__decision", "protected_person"]
    search_fields = ["ban__decision__reference"]
    date_hierarchy = "due_since"
    exclude = ["pdf"]
    readonly_fields = [f.name for f in VictimNotice._meta.fields if f.name != "pdf"] + ["pdf_link"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf")

    @admin.display(description=_("kenmerk"), ordering="ban__decision__reference")
    def reference(self, notice: VictimNotice) -> str:
        return notice.ban.decision.reference

    @admin.display(description=_("PDF"))
    def pdf_link(self, notice: VictimNotice) -> str:
        if notice.generated_at is None:
            return "–"
        return format_html('<a href="{}">PDF</a>', reverse("admin:letters_victimnotice_pdf", args=[notice.pk]))

    def get_urls(self):
        pdf = path("<int:pk>/pdf/", self.admin_site.admin_view(self.download), name="letters_victimnotice_pdf")
        return [pdf, *super().get_urls()]

    def download(self, request, pk: int) -> HttpResponse:
        notice = self.get_object(request, str(pk))
        if notice is None or notice.pdf is None or not self.has_view_permission(request, notice):
            return HttpResponse(status=404)
        services.record_download(notice, request.user)
        response = HttpResponse(bytes(notice.pdf), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{notice.filename}"'
        return response

    def has_view_permission(self, request, obj=None) -> bool:
        return has_role(request.user, *LETTER_ROLES) and super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
