"""The second factor in tests: a user's authenticator device and the code it shows now."""

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user) -> TOTPDevice:
    """Return the user's confirmed authenticator device, enrolling one as the user would."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device: TOTPDevice) -> str:
    """Return a code the device accepts now, computed from its key as an authenticator app does.

    A code is accepted once: after a sign-in in the same 30 seconds, the next step's code (within the
    device's tolerance of one step) is the one that still works.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    step = max(totp.t(), device.last_t + 1)
    totp.time = device.t0 + step * device.step
    return f"{totp.token():0{device.digits}d}"
