"""Walk the URL configuration: every named route, the HTTP methods its view answers, and a concrete path."""

import re
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hardening_world import World

from registry.models import Person

# Function views: the methods they answer (the rest get 405, which the matrix does not need to probe).
FUNCTION_VIEW_METHODS = {
    "set_language": ("post",),
    "api-incident-action": ("post",),
    "two-factor": ("get", "post"),
    "recovery-codes": ("post",),
    "logout-everywhere": ("post",),
    "import-jobs": ("get", "post"),
}
UNSAFE = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Route:
    name: str  # namespaced URL name, e.g. "monitor:board"; an unnamed route is named by its pattern
    pattern: URLPattern
    kwarg_names: tuple[str, ...]  # names of the path parameters
    prefix: str  # the patterns of the resolvers above it

    def methods(self) -> tuple[str, ...]:
        """Return the lower-case HTTP methods the view handles (HEAD and OPTIONS left out)."""
        callback = self.pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            # DRF adds HEAD to a viewset's actions once it has served a GET.
            return tuple(m for m in actions if m not in ("head", "options"))
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if view_class is not None:
            allowed = [m for m in view_class.http_method_names if hasattr(view_class, m)]
            return tuple(m for m in allowed if m not in ("head", "options"))
        return FUNCTION_VIEW_METHODS.get(self.name.rpartition(":")[2], ("get",))

    def path(self, kwargs: dict[str, object]) -> str:
        """Return a concrete path for the route with the given path parameters."""
        values = {k: kwargs[k] for k in self.kwarg_names}
        if self.pattern.name:
            return reverse(self.name, kwargs=values)
        # reverse() cannot build an unnamed route: fill its parameters in by hand.
        route = self.prefix + str(self.pattern.pattern)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
        return "/" + route.lstrip("^").rstrip("$")


def _walk(resolver: URLResolver, namespace: str = "", prefix: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, inner, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, prefix, entry


def all_routes() -> list[Route]:
    """Return one Route per URL name (format-suffix twins of a DRF route share its name and view)."""
    routes: dict[str, Route] = {}
    for namespace, prefix, pattern in _walk(get_resolver()):
        # An unnamed route is named by its pattern, so the rule table can still address it.
        name = namespace + (pattern.name or f"<{pattern.pattern}>")
        kwargs = tuple(k for k in pattern.pattern.regex.groupindex if k != "format")
        if name not in routes or "format" not in pattern.pattern.regex.groupindex:
            routes.setdefault(name, Route(name, pattern, kwargs, prefix))
    return list(routes.values())


# Which row a route's `pk` names, by URL name prefix (first match wins).
PK_OF = (
    ("protected-person-", "protected"),
    ("person-", "person"),
    ("decision-", "decision"),
    ("ban-", "ban"),
    ("import-", "batch"),
    ("registry:import-", "batch"),
    ("letters-", "letter"),
    ("admin:letters_", "letter"),
    ("reports-", "report"),
    ("monitor:", "incident"),
    ("incident-", "incident"),
    ("device-", "device_pk"),
    ("assignment-", "assignment"),
    ("lookup-protected", "ban"),
)


def path_kwargs(name: str, world: World) -> dict[str, object]:
    """Return values for every path parameter a route may have, pointing at rows of the world."""
    pk = next((world.ids[key] for prefix, key in PK_OF if name.startswith(prefix)), world.ids["person"])
    return {
        "pk": pk,
        "alert_id": world.ids["alert"],
        "action": "acknowledge",
        "object_id": world.ids["person"],
        "id": world.users["officer"].pk,
        "content_type_id": ContentType.objects.get_for_model(Person).pk,
        "app_label": "registry",
        "url": "geen-pagina/",
    }


def probe(world: World, role: str, method: str, path: str):
    client = world.client(role)
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, {}, format="json")
