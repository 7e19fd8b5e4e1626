"""Run Django's deployment checks when a production web process starts, and refuse to start on the ones that matter.

`manage.py check --deploy` is easy to forget; a server that starts with
DEBUG false but without a security middleware, allowed hosts or frame
protection is a configuration mistake that should stop the deploy, not be
found later. Warnings that follow from an explicit opt-out in the environment
(SECURE_SSL_REDIRECT=false, SECURE_COOKIES=false, SECURE_HSTS_SECONDS=0: a
benchmark on plain HTTP, say) are logged loudly instead: the defaults are the
secure ones, so these can only be chosen, not forgotten.
"""

import logging

from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

# Every error blocks; of the warnings, the security ones (banwatch.W001/W002, an embedded database or broker,
# are operational choices a benchmark makes on purpose, and `check --deploy` still reports them).
BLOCKING_PREFIXES = ("security.",)
EXPLICIT_OPT_OUTS = frozenset(
    {"security.W004", "security.W005", "security.W008", "security.W012", "security.W016", "security.W021"}
)


def enforce_deploy_checks() -> None:
    """Raise ImproperlyConfigured listing every blocking deploy-check message; log the others."""
    messages = run_checks(include_deployment_checks=True)
    for message in messages:
        if not _is_blocking(message):
            log.warning("deployment check %s: %s", message.id, message.msg)
    blocking = [m for m in messages if _is_blocking(m)]
    if blocking:
        listed = "\n".join(f"  {m.id}: {m.msg}" for m in blocking)
        raise ImproperlyConfigured(f"Refusing to start: the deployment checks failed.\n{listed}")


def _is_blocking(message) -> bool:
    if message.id in EXPLICIT_OPT_OUTS:
        return False
    return message.is_serious() or (message.id or "").startswith(BLOCKING_PREFIXES)
