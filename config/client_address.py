"""The client's address, as far as the configured proxies can vouch for it."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """Return the address the outermost trusted proxy saw, or REMOTE_ADDR without trusted proxies.

    Each proxy appends the address it received the request from to X-Forwarded-For; anything to the left of
    the trusted proxies' entries was written by the client and proves nothing.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
