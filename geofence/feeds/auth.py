"""Vendor authentication for the feed API: `Authorization: Api-Key <key>`."""

from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from geofence.models import Vendor, VendorApiKey

KEYWORD = "Api-Key"


@dataclass(frozen=True)
class VendorPrincipal:
    """Stands in for request.user on feed requests: a vendor, not a person."""

    vendor: Vendor
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    is_staff: bool = False
    pk: None = None

    def get_username(self) -> str:
        return f"vendor:{self.vendor.slug}"


class VendorApiKeyAuthentication(BaseAuthentication):
    """Find the key by its prefix and compare the hash in constant time; revoked keys fail."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() != KEYWORD.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Use the header 'Authorization: Api-Key <key>'.")
        key = header[1].decode(errors="replace")
        api_key = self._lookup(key)
        if api_key is None:
            raise exceptions.AuthenticationFailed("Invalid or revoked API key.")
        return VendorPrincipal(api_key.vendor), api_key

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="banwatch-feeds"'

    def _lookup(self, key: str) -> VendorApiKey | None:
        api_key = VendorApiKey.objects.usable_with_prefix(key.partition(".")[0])
        if api_key is None or not api_key.matches(key):
            return None
        return api_key


class IsVendor(BasePermission):
    """Only a request authenticated with a vendor API key may push feed data."""

    message = "Feed requests need a vendor API key."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.auth, VendorApiKey)


class VendorApiKeyScheme(OpenApiAuthenticationExtension):
    """Describe the vendor key in the OpenAPI schema."""

    target_class = "geofence.feeds.auth.VendorApiKeyAuthentication"
    name = "vendorApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`: the vendor's key, issued by banwatch and shown once.",
        }
