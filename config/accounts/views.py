"""Second-factor enrolment and verification, recovery codes, and signing out everywhere."""

from base64 import b32encode

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from config import two_factor
from config.sessions import end_all_sessions

CODE_MAX_LENGTH = 32


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    """Ask for the code of an enrolled user; enrol a user without a device."""
    if two_factor.totp_device(request.user) is None:
        return _enrol(request)
    if request.user.is_verified():
        return redirect(_next_url(request))
    failed = False
    if request.method == "POST":
        if two_factor.verify(request, request.POST.get("code", "")[:CODE_MAX_LENGTH]):
            return redirect(_next_url(request))
        failed = True
    context = {"failed": failed, "next": _next_url(request)}
    return render(request, "registration/two_factor_verify.html", context, status=400 if failed else 200)


def _enrol(request: HttpRequest) -> HttpResponse:
    device = two_factor.start_enrolment(request.user)
    failed = False
    if request.method == "POST":
        codes = two_factor.confirm_enrolment(request, device, request.POST.get("code", "")[:CODE_MAX_LENGTH])
        if codes is not None:
            context = {"codes": codes, "next": _next_url(request)}
            return render(request, "registration/recovery_codes.html", context)
        failed = True
    secret = b32encode(device.bin_key).decode()
    context = {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "config_url": device.config_url,
        "failed": failed,
        "required": two_factor.is_required_by_role(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/two_factor_enrol.html", context, status=400 if failed else 200)


@require_POST
@login_required
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    """Replace the signed-in (and verified) user's recovery codes and show the new ones once."""
    if not request.user.is_verified():
        return redirect("two-factor")
    codes = two_factor.issue_recovery_codes(request.user)
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": "/"})


@require_POST
@login_required
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    """End every session of the user, on every device, this one included."""
    end_all_sessions(request.user)
    logout(request)
    return redirect("login")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if safe else "/"
