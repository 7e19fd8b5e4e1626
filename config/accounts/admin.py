"""User admin: unlock a slowed-down login, sign a user out everywhere, reset their second factor."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.login_throttle import unlock
from config.sessions import end_all_sessions

admin.site.unregister(User)


@admin.register(User)
class BanwatchUserAdmin(UserAdmin):
    actions = ["unlock_login", "sign_out_everywhere", "reset_second_factor"]

    @admin.action(description=_("Inloggen deblokkeren (mislukte pogingen vergeten)"))
    def unlock_login(self, request, queryset):
        for user in queryset:
            unlock(user.get_username())
        self.message_user(request, _("%(n)d gebruikers gedeblokkeerd.") % {"n": len(queryset)}, messages.SUCCESS)

    @admin.action(description=_("Overal afmelden (alle sessies beëindigen)"))
    def sign_out_everywhere(self, request, queryset):
        ended = sum(end_all_sessions(user) for user in queryset)
        self.message_user(request, _("%(n)d sessies beëindigd.") % {"n": ended}, messages.SUCCESS)

    @admin.action(description=_("Tweede stap opnieuw laten instellen (telefoon kwijt)"))
    def reset_second_factor(self, request, queryset):
        for model in (TOTPDevice, StaticDevice):
            model.objects.filter(user__in=queryset).delete()
        for user in queryset:
            end_all_sessions(user)
        self.message_user(
            request,
            _("De gebruikers stellen bij de volgende keer inloggen een nieuwe tweede stap in."),
            messages.SUCCESS,
        )


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorAdmin(admin.ModelAdmin):
    """Authenticator devices without their key: it is the user's second factor, not the administrator's."""

    list_display = ["user", "name", "confirmed", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = ["user", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        # A device is made by its user at enrolment, where the key is shown to them alone.
        return False
