"""API token authentication: knox's check of the presented token, without reading the user's others."""

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.signals import token_expired


class ApiTokenAuthentication(TokenAuthentication):
    """knox's TokenAuthentication, checking the expiry of the presented token only.

    knox reads every token of the user on each request to delete the expired ones; every lookup
    paid a query that grew with the tokens a user had been issued. Expired tokens of others are
    deleted by the daily retention purge (geofence/retention.py, "api_tokens"); an expired token is
    refused here whatever the purge has done.
    """

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=type(self), username=username, source="auth_token")
        return True


class ApiTokenScheme(KnoxTokenScheme):
    """The same security scheme in the API schema as knox's own class."""

    target_class = "config.accounts.tokens.ApiTokenAuthentication"
