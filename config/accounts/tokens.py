"""API token authentication: knox's check of the presented token, in one statement with its user and roles."""

import binascii
from functools import cache
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

from registry.db import ModelColumns
from registry.roles import remember_roles


class ApiTokenAuthentication(TokenAuthentication):
    """knox's TokenAuthentication, reading less.

    - The tokens with the presented key come with their user and the user's group names in one
      statement (tokens_with_roles); the permission checks then read no roles (registry.roles).
    - Only the presented token's expiry is checked. knox reads every token of the user on each
      request to delete the expired ones; every lookup paid a query that grew with the tokens a user
      had been issued. Expired tokens of others are deleted by the daily retention purge
      (geofence/retention.py, "api_tokens"); an expired token is refused here whatever the purge has done.
    """

    def authenticate_credentials(self, token: bytes):
        """Return (user, token) for the presented token, as knox's own does, or refuse it (401)."""
        refused = _("Invalid token.")
        try:
            token = token.decode("utf-8")
        except UnicodeDecodeError:
            # A header of bytes that are no UTF-8 text (knox answered 500): no token of ours.
            raise exceptions.AuthenticationFailed(refused) from None
        for auth_token in tokens_with_roles(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error):
                raise exceptions.AuthenticationFailed(refused) from None
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(refused)

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is None or auth_token.expiry >= timezone.now():
            return False
        username = auth_token.user.get_username()
        auth_token.delete()
        token_expired.send(sender=type(self), username=username, source="auth_token")
        return True


def tokens_with_roles(token_key: str) -> list:
    """Return the stored tokens with this key, each with its user and that user's roles remembered.

    Written out: compiling knox's select_related queryset cost more CPU than PostgreSQL answering
    it, and the roles were a second round trip on every API request. One row per group of the user.
    """
    token_columns, user_columns = _columns()
    qn = connection.ops.quote_name
    token_model, user_model = get_token_model(), get_user_model()
    groups = user_model.groups.through._meta
    group_model = groups.get_field("group").related_model
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {token_columns.sql}, {user_columns.sql}, g.{qn('name')} "  # noqa: S608 - our own names
            f"FROM {qn(token_model._meta.db_table)} t JOIN {qn(user_model._meta.db_table)} u ON u.id = t.user_id "
            f"LEFT JOIN {qn(groups.db_table)} ug ON ug.{qn(groups.get_field('user').column)} = u.id "
            f"LEFT JOIN {qn(group_model._meta.db_table)} g ON g.id = ug.{qn(groups.get_field('group').column)} "
            "WHERE t.token_key = %s",
            [token_key],
        )
        rows = cursor.fetchall()
    found: dict[str, tuple] = {}
    split = len(token_columns)
    user_end = split + len(user_columns)
    digest_at = token_columns.attnames.index("digest")
    for row in rows:
        digest = row[digest_at]
        if digest not in found:
            auth_token = token_columns.build(row[:split])
            token_model._meta.get_field("user").set_cached_value(auth_token, user_columns.build(row[split:user_end]))
            found[digest] = (auth_token, [])
        if row[user_end] is not None:
            found[digest][1].append(row[user_end])
    for auth_token, group_names in found.values():
        remember_roles(auth_token.user, group_names)
    return [auth_token for auth_token, _names in found.values()]


@cache
def _columns() -> tuple[ModelColumns, ModelColumns]:
    return ModelColumns(get_token_model(), "t"), ModelColumns(get_user_model(), "u")


class ApiTokenScheme(KnoxTokenScheme):
    """The same security scheme in the API schema as knox's own class."""

    target_class = "config.accounts.tokens.ApiTokenAuthentication"
