"""Registrars see the assessment overdue list here and may enter the OM's assessment (audited)."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from registry.roles import Role, has_role

from . import services
from .models import ReportStatus, ViolationReport


class AssessmentOverdueFilter(admin.SimpleListFilter):
    title = _("beoordeling te laat")
    parameter_name = "assessment_overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("verstuurd, niet tijdig beoordeeld"))]

    def queryset(self, request, queryset):
        return queryset.assessment_overdue() if self.value() == "yes" else queryset


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = ViolationReport
        fields = ["outcome", "assessment_note", "om_reference"]


@admin.register(ViolationReport)
class ViolationReportAdmin(admin.ModelAdmin):
    form = AssessmentForm
    list_display = ["id", "incident", "basis", "status", "drafted_at", "sent_at", "outcome", "assessed_at"]
    list_filter = [AssessmentOverdueFilter, "status", "outcome", "basis"]
    readonly_fields = ["incident", "basis", "status", "drafted_at", "sent_at", "assessed_at", "assessed_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status == ReportStatus.SENT and has_role(request.user, Role.REGISTRAR):
            return self.readonly_fields
        return [*self.readonly_fields, "outcome", "assessment_note", "om_reference"]

    def save_model(self, request, obj, form, change):
        # The assessment goes through the service so it is recorded once, and audited.
        if not form.cleaned_data.get("outcome"):
            messages.error(request, _("Kies een beoordeling."))
            return
        try:
            services.record_assessment(
                obj,
                request.user,
                form.cleaned_data["outcome"],
                form.cleaned_data.get("assessment_note", ""),
                form.cleaned_data.get("om_reference", ""),
            )
        except services.ReportStateError as exc:
            messages.error(request, str(exc))

    def has_view_permission(self, request, obj=None) -> bool:
        roles = (Role.REGISTRAR, Role.MONITORING_OPERATOR, Role.SUPERVISOR)
        return has_role(request.user, *roles) and super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
