"""Check a ban against the rules of its legal basis: what it may cover, how long it may run.

The rules come from the table in registry/models/legal.py. `basis_problems`
is called wherever a ban is written (API, admin, services, import) and
reports by field; `legal_warnings` tells the registrar about stored bans
that run past what the law allows.
"""

from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Ban, BanKind, BanStatus, LegalBasis, ZoneShape
from .models.legal import BasisRule, rule_for

FINAL = (BanStatus.ENDED, BanStatus.REVOKED)


def local_text(moment: datetime) -> str:
    """Return a moment as Dutch local date and time, e.g. "5 april 2026, 00:00"."""
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i")


def basis_problems(legal_basis: str, attrs: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Return (message, code) pairs by field for a ban's full state that its legal basis does not allow."""
    rule = rule_for(legal_basis)
    label = str(LegalBasis(legal_basis).label)
    problems: dict[str, list[tuple[str, str]]] = {}

    def add(field: str, message: str, code: str) -> None:
        problems.setdefault(field, []).append((message, code))

    _check_scope(rule, label, attrs, add)
    _check_term(rule, label, attrs, add)
    return problems


def _check_scope(rule: BasisRule, label: str, attrs: dict[str, Any], add) -> None:
    kind = attrs.get("kind")
    if kind and kind not in rule.kinds:
        kind_label = str(BanKind(kind).label) if kind in BanKind.values else kind
        add("kind", _("Een %(basis)s kan geen %(kind)s inhouden.") % {"basis": label, "kind": kind_label}, "kind")
    if kind not in (BanKind.AREA, BanKind.PRESENCE):
        return
    if not rule.polygon_allowed and attrs.get("zone_shape") == ZoneShape.POLYGON:
        message = _("Een %(basis)s geldt voor de woning: geef een cirkel rond de woning, geen gebied.")
        add("zone_shape", message % {"basis": label}, "zone_scope")
    radius = attrs.get("radius_m")
    if rule.max_radius_m is not None and radius is not None and radius > rule.max_radius_m:
        message = _(
            "Een %(basis)s geldt voor de woning en de directe omgeving: de straal is ten hoogste %(max)s m; "
            "opgegeven: %(value)s m."
        )
        add("radius_m", message % {"basis": label, "max": int(rule.max_radius_m), "value": radius}, "zone_scope")
    if not rule.windows_allowed and attrs.get("time_windows"):
        message = _("Een %(basis)s geldt dag en nacht: het kent geen tijdvensters.")
        add("time_windows", message % {"basis": label}, "not_allowed")


def _check_term(rule: BasisRule, label: str, attrs: dict[str, Any], add) -> None:
    start, end = attrs.get("valid_from"), attrs.get("valid_until")
    if end is None:
        if rule.end_required:
            message = _("Een %(basis)s heeft een einddatum: %(term)s.")
            add("valid_until", message % {"basis": label, "term": rule.term_text}, "end_required")
        return
    if start is None or end <= start or rule.standard_term is None:
        return
    justified = bool((attrs.get("term_justification") or "").strip())
    limit = rule.longest_term(justified).after(timezone.localtime(start))
    if end <= limit:
        return
    params = {"basis": label, "term": rule.term_text, "limit": local_text(limit)}
    ceiling = rule.max_term.after(timezone.localtime(start))
    if not justified and rule.justification_text is not None and end <= ceiling:
        message = _(
            "Een %(basis)s duurt %(term)s; zonder grond loopt dit verbod uiterlijk tot %(limit)s. Vermeld in "
            "term_justification de grond voor de langere termijn (%(ground)s)."
        )
        add("valid_until", message % {**params, "ground": rule.justification_text}, "term_needs_justification")
        return
    message = _("Een %(basis)s duurt %(term)s: dit verbod mag uiterlijk tot %(limit)s lopen.")
    add("valid_until", message % params, "term_too_long")


def legal_warnings(ban: Ban, at: datetime | None = None) -> list[dict[str, str]]:
    """Return what the registrar should act on for a stored ban that is not ended or revoked."""
    if ban.status in FINAL:
        return []
    at = at or timezone.now()
    rule = ban.decision.rule
    label = str(ban.decision.get_legal_basis_display())
    warnings = []
    if ban.valid_until is not None and ban.valid_until <= at:
        message = _("De einddatum (%(date)s) is voorbij, maar het verbod staat nog op '%(status)s': beëindig het.")
        warnings.append(
            ("end_date_passed", message % {"date": local_text(ban.valid_until), "status": ban.get_status_display()})
        )
    legal_end = ban.legal_end
    if legal_end is not None and at >= legal_end:
        message = _("De wettelijke termijn van deze %(basis)s (%(term)s) is op %(date)s verstreken.")
        warnings.append(
            ("past_legal_end", message % {"basis": label, "term": rule.term_text, "date": local_text(legal_end)})
        )
    elif legal_end is not None and (ban.valid_until is None or ban.valid_until > legal_end):
        message = _("Dit verbod loopt langer dan de wet toestaat: een %(basis)s loopt uiterlijk tot %(date)s.")
        warnings.append(("beyond_legal_end", message % {"basis": label, "date": local_text(legal_end)}))
    if rule.end_required and ban.valid_until is None:
        message = _("Een %(basis)s heeft een einddatum: %(term)s.")
        warnings.append(("end_required", message % {"basis": label, "term": rule.term_text}))
    return [{"code": code, "message": str(message)} for code, message in warnings]


def open_bans_problems(decision_pk: int | None, legal_basis: str) -> list[str]:
    """Return why the open bans of a decision would not fit another legal basis ("" list: they fit)."""
    if decision_pk is None:
        return []
    messages = []
    for ban in Ban.objects.filter(decision_id=decision_pk).exclude(status__in=FINAL).order_by("pk"):
        state = {f.name: getattr(ban, f.name) for f in Ban._meta.concrete_fields}
        for problems in basis_problems(legal_basis, state).values():
            messages += [
                _("Verbod %(id)s: %(problem)s") % {"id": ban.pk, "problem": message} for message, _c in problems
            ]
    return messages
