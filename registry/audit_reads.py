"""Audit every read of a person's or a protected person's data: one function, a DRF mixin, an admin middleware.

`record_read` names the persons and protected persons behind the rows shown (`subject_ids`), the route and
the query. API viewsets get it through `AuditedReadMixin`; every admin changelist and change page through
`AdminReadAuditMiddleware`; the monitor's JSON and the lookup call it (or their own audited service)
directly. tests/audit/test_every_read_is_audited.py walks every route and admin page to hold this.
"""

from collections.abc import Iterable

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from .models import AuditEntry, Ban, Decision, HistoryEntry, Person, ProtectedPerson

# Rows that lead to the people behind a row (followed one or two steps).
_LINKS = ("ban", "incident", "notice")


def subject_ids(objects: Iterable) -> tuple[list[int], list[int]]:
    """Return the ids of the persons and of the protected persons whose data the rows show."""
    persons: set[int] = set()
    protected: set[int] = set()
    for obj in objects:
        _collect(obj, persons, protected, depth=2)
    return sorted(persons), sorted(protected)


def _collect(obj, persons: set[int], protected: set[int], depth: int) -> None:
    if obj is None:
        return
    if hasattr(obj, "audit_subjects"):
        # A model that knows whom it shows says so itself (Incident, AlertOutbox, Decision).
        shown_persons, shown_protected = obj.audit_subjects()
        persons.update(shown_persons)
        protected.update(shown_protected)
        return
    if isinstance(obj, Person):
        persons.add(obj.pk)
    elif isinstance(obj, ProtectedPerson):
        protected.add(obj.pk)
    elif isinstance(obj, AuditEntry):
        persons.update(obj.person_ids)
        protected.update(obj.protected_person_ids)
    elif isinstance(obj, HistoryEntry) and depth:
        # A version of a registry row shows what the row showed.
        model = {m._meta.label_lower: m for m in (Person, ProtectedPerson, Ban, Decision)}.get(obj.model)
        if model is not None:
            _collect(model.objects.filter(pk=obj.object_id).first(), persons, protected, depth - 1)
    if getattr(obj, "person_id", None):
        persons.add(obj.person_id)
    if getattr(obj, "protected_person_id", None):
        protected.add(obj.protected_person_id)
    if isinstance(obj, Ban):
        protected.update(p.pk for p in obj.protected_persons.all())
    if depth:
        for link in _LINKS:
            if getattr(obj, f"{link}_id", None):
                _collect(getattr(obj, link, None), persons, protected, depth - 1)


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else request.path


def record_read(
    request, action: str, objects: Iterable = (), person_ids=(), protected_person_ids=(), target=None, **details
) -> AuditEntry:
    """Write who read which persons' and protected persons' data, through which route."""
    persons, protected = subject_ids(objects)
    return AuditEntry.record(
        request.user,
        action,
        target,
        sorted(set(persons) | set(person_ids)),
        sorted(set(protected) | set(protected_person_ids)),
        route=route_of(request),
        **details,
    )


class AuditedReadMixin:
    """For a DRF viewset: audit each successful GET, naming the people behind the rows it showed.

    The rows are the page a list returned (`paginate_queryset`) or the object a detail route loaded
    (`get_object`); the action is "<app>.<model>.<view action>", e.g. "registry.person.list".
    `audit_skip_actions` names the routes whose service writes its own entry (a PDF download);
    `audit_protected = False` for rows that name no protected person although one stands behind them.
    """

    audit_skip_actions: tuple[str, ...] = ()
    audit_protected = True

    def initial(self, request, *args, **kwargs):
        self._audited_rows = []
        super().initial(request, *args, **kwargs)

    def get_object(self):
        obj = super().get_object()
        self._audited_rows.append(obj)
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._audited_rows.extend(page if page is not None else queryset)
        return page

    def audit_rows(self) -> list:
        """Return the rows whose people this request showed (override to widen)."""
        return self._audited_rows

    def finalize_response(self, request, response, *args, **kwargs):
        shown = getattr(self, "_audited_rows", None)
        audited = shown is not None and getattr(self, "action", None) not in self.audit_skip_actions
        if request.method == "GET" and response.status_code == 200 and audited:
            meta = self.get_queryset().model._meta
            persons, protected = subject_ids(self.audit_rows())
            record_read(
                request,
                f"{meta.app_label}.{meta.model_name}.{getattr(self, 'action', None) or 'list'}",
                person_ids=persons,
                protected_person_ids=protected if self.audit_protected else (),
                query=_printable(request.GET.dict()),
            )
        return super().finalize_response(request, response, *args, **kwargs)


def _printable(query: dict) -> dict:
    # PostgreSQL's jsonb refuses NUL; the entry keeps what was asked, without it.
    return {key.replace("\x00", ""): value.replace("\x00", "") for key, value in query.items()}


class AdminReadAuditMiddleware:
    """Audit every admin changelist and change page that showed rows: the one place for every ModelAdmin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_template_response(self, request, response):
        context = response.context_data or {}
        if request.method != "GET" or response.status_code != 200:
            return response
        if "cl" in context and "opts" in context:
            rows = list(context["cl"].result_list)
            record_read(request, f"admin.{context['opts'].label_lower}.changelist", rows)
        elif "opts" in context and (context.get("original") or context.get("object")) is not None:
            shown = context.get("original") or context.get("object")
            record_read(request, f"admin.{context['opts'].label_lower}.change", [shown], target=shown)
        return response


class AuditedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete (names of persons for a ban's form), audited like the admin's pages."""

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        record_read(self.request, "admin.autocomplete", context["object_list"], term=self.term)
        return context


def audited_autocomplete_view(request):
    """AdminSite.autocomplete_view with the audit entry (installed by registry.apps)."""
    return AuditedAutocompleteJsonView.as_view(admin_site=admin.site)(request)
