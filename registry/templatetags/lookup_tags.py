"""Template filters for the lookup page, which renders the API's JSON."""

from datetime import date, datetime

from django import template

register = template.Library()


@register.filter
def iso_local(value: str | None) -> str:
    """Format an ISO date or Amsterdam-time datetime from the API as "31-12-2026 23:59"."""
    if not value:
        return ""
    if len(value) == 10:
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    return datetime.fromisoformat(value).strftime("%d-%m-%Y %H:%M")
