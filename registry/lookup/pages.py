"""The officers' mobile page: one search box and a date of birth, result cards, a red banner on a ban in force."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from registry.roles import may_see_protected_persons

from .access import may_look_up, page_throttle_wait
from .serializers import LookupResultSerializer
from .services import lookup


class LookupForm(forms.Form):
    q = forms.CharField(label=_("Naam of nummer"), max_length=200)
    dob = forms.DateField(
        label=_("Geboortedatum"),
        required=False,
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        if not any(ch.isalnum() for ch in text):
            raise forms.ValidationError(_("Geef een naam met letters, of een nummer."))
        return text


@never_cache
@login_required
def lookup_page(request):
    """Show the search form and, when filled in, the audited answer."""
    if not may_look_up(request.user):
        raise PermissionDenied
    form = LookupForm(request.GET or None)
    context = {"form": form, "answer": None}
    if form.is_valid():
        wait = page_throttle_wait(request)
        if wait is not None:
            response = render(request, "lookup/throttled.html", {"wait": int(wait) + 1}, status=429)
            response["Retry-After"] = str(int(wait) + 1)
            return response
        result = lookup(request.user, q=form.cleaned_data["q"], dob=form.cleaned_data["dob"], channel="page")
        serializer_context = {"full": may_see_protected_persons(request.user)}
        context["answer"] = LookupResultSerializer(result, context=serializer_context).data
    return render(request, "lookup/page.html", context)
