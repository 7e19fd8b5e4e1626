"""The second factor at sign-in: TOTP (django-otp) with one-time recovery codes.

Registrars, monitoring operators, supervisors and administrators (staff and
superusers) must confirm a TOTP code after their password before any page or
session-authenticated API call; police officers may enrol and are then asked
too. Users without a device are sent to enrolment at their first sign-in.

Only session sign-in is concerned: machine clients (vendor keys, API tokens)
carry no session and authenticate per request.

Recovery codes are django-otp static tokens, stored as a truncated SHA-256 of
the code rather than the code itself: a database dump must not sign anyone in.
"""

import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from registry.roles import Role, roles_of

ROLES_REQUIRING_SECOND_FACTOR = frozenset({Role.REGISTRAR, Role.MONITORING_OPERATOR, Role.SUPERVISOR})
RECOVERY_CODE_COUNT = 10
# Paths an unverified user may reach: signing in and out, the second factor itself, the language switch, files.
OPEN_PATHS = ("/accounts/", "/i18n/", "/static/")
TOTP_DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def is_required_by_role(user) -> bool:
    """Return whether the user's roles oblige a second factor (never in explicit demo mode)."""
    if settings.TWO_FACTOR_OPTIONAL_IN_DEMO:
        return False
    return user.is_staff or user.is_superuser or bool(roles_of(user) & ROLES_REQUIRING_SECOND_FACTOR)


def totp_device(user, confirmed: bool | None = True) -> TOTPDevice | None:
    """Return the user's authenticator device (confirmed, unconfirmed or either with None)."""
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("-pk").first()


def needs_verification(user) -> bool:
    """Return whether this signed-in user must still give a code (required by role, or enrolled by choice)."""
    if user.is_verified():
        return False
    return is_required_by_role(user) or totp_device(user) is not None


def start_enrolment(user) -> TOTPDevice:
    """Return the user's unconfirmed authenticator device, creating one with a fresh key."""
    device = totp_device(user, confirmed=False)
    return device or TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device when the code is right; sign the session in with it and return new recovery codes."""
    if not device.verify_token(code.strip()):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return issue_recovery_codes(device.user)


def verify(request: HttpRequest, code: str) -> bool:
    """Check a TOTP code, or else a recovery code (used up by this check); sign the session in on success."""
    code = "".join(code.split())
    device = totp_device(request.user)
    if device is not None and device.verify_token(code):
        otp_login(request, device)
        return True
    recovery = StaticDevice.objects.filter(user=request.user, name=RECOVERY_DEVICE_NAME).first()
    if recovery is not None and code and recovery.verify_token(hash_recovery_code(code)):
        otp_login(request, recovery)
        return True
    return False


def issue_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with new ones; return them (shown once, stored hashed)."""
    StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    device.token_set.bulk_create([device.token_set.model(device=device, token=hash_recovery_code(c)) for c in codes])
    return codes


def hash_recovery_code(code: str) -> str:
    # 64 bits of SHA-256 fit django-otp's 16-character token column; the code itself is 40 random bits, one use.
    return hashlib.sha256(code.strip().lower().encode()).hexdigest()[:16]


class SecondFactorRequiredMiddleware:
    """Send a signed-in but unverified user to the second factor (pages) or answer 403 (JSON)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(OPEN_PATHS):
            return self.get_response(request)
        if needs_verification(user):
            return _refusal(request)
        return self.get_response(request)


def _refusal(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(("/api/", "/monitor/api/")):
        detail = _("Bevestig eerst uw aanmelding met de code uit uw authenticator-app.")
        return JsonResponse({"detail": detail, "code": "second_factor_required"}, status=403)
    return redirect(f"{reverse('two-factor')}?{urlencode({'next': request.get_full_path()})}")
