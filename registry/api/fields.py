"""Shared limits of the registrar API's fields: ids, dates and times a registry can hold."""

import unicodedata
from datetime import date, datetime

from django import forms
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from rest_framework import serializers

from registry.localtime import EARLIEST_YEAR, LATEST_YEAR

# Bidirectional controls make a name display differently from how it matches ("Trojan Source").
BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# A formula in a spreadsheet that opens an exported list (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_COMBINING_MARKS = 3
# Primary keys are 64-bit; a larger number in a filter would overflow SQLite's integer binding.
MAX_ID = 2**63 - 1


def plausible_year(value: date | datetime) -> None:
    """Refuse dates outside 1900..2100: year 1 or 9999 is a typo, and overflows once moved to UTC."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        message = _("Jaartal %(year)s valt buiten %(low)s–%(high)s.")
        raise serializers.ValidationError(
            message % {"year": value.year, "low": EARLIEST_YEAR, "high": LATEST_YEAR}, code="out_of_range"
        )


def not_in_future(value: date) -> None:
    """Refuse a date of birth after today."""
    if value > date.today():
        raise serializers.ValidationError(_("Een geboortedatum ligt niet in de toekomst."), code="future")


class IdField(forms.IntegerField):
    """A primary key in a query string: a whole number 1..2^63-1."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdFilter(filters.NumberFilter):
    field_class = IdField


class PlausibleDateTimeField(serializers.DateTimeField):
    """A DateTimeField limited to 1900..2100, refusing year 1 before its conversion to UTC overflows."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(plausible_year)
        super().__init__(**kwargs)

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            plausible_year(date.min)
            raise


def safe_text(value: str) -> None:
    """Refuse control characters (other than tab and line breaks) and bidirectional controls in any text."""
    for char in value:
        if char in BIDI_CONTROLS:
            raise serializers.ValidationError(
                _("Richtingstekens (U+%(code)04X) zijn niet toegestaan.") % {"code": ord(char)}, code="bidi_control"
            )
        if unicodedata.category(char) == "Cc" and char not in "\t\n\r":
            raise serializers.ValidationError(
                _("Stuurtekens (U+%(code)04X) zijn niet toegestaan.") % {"code": ord(char)}, code="control_character"
            )


def safe_name(value: str) -> None:
    """Refuse what makes a name look like another or act as a formula: invisible characters, stacked accents."""
    safe_text(value)
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf"):
            raise serializers.ValidationError(
                _("Onzichtbare tekens (U+%(code)04X) horen niet in een naam.") % {"code": ord(char)}, code="invisible"
            )
    if value.lstrip().startswith(FORMULA_STARTS):
        raise serializers.ValidationError(
            _("Een naam begint niet met %(chars)s.") % {"chars": " ".join(FORMULA_STARTS)}, code="formula"
        )
    run = 0
    for char in value:
        run = run + 1 if unicodedata.combining(char) else 0
        if run > MAX_COMBINING_MARKS:
            raise serializers.ValidationError(
                _("Meer dan %(n)s accenten op één letter.") % {"n": MAX_COMBINING_MARKS}, code="combining_marks"
            )


class SafeCharField(serializers.CharField):
    """The model's text fields: DRF already refuses NUL and lone surrogates; this adds controls and bidi."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", []).append(safe_text)
        super().__init__(**kwargs)
