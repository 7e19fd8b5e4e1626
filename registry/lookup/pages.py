"""The officers' mobile page: one search box and a date of birth, result cards, a red banner on a ban binding now.

The search is posted and answered by a redirect to /politie/?r=<opaque id>
(Post/Redirect/Get): the name, number and date of birth stay in the session,
never in a URL, so they reach no access log, browser history or proxy. The
page behind the redirect runs the audited lookup; reload and the back button
show it again without a resubmission warning.
"""

import secrets

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from .access import may_look_up, page_throttle_wait
from .query import DOB_INPUT_FORMATS
from .serializers import lookup_answer
from .services import lookup

SESSION_KEY = "lookup_queries"
# Searches kept for the back button; older ones fall out and must be searched again.
KEPT_QUERIES = 10


class LookupForm(forms.Form):
    q = forms.CharField(label=_("Naam of nummer"), max_length=200)
    dob = forms.DateField(
        label=_("Geboortedatum"),
        required=False,
        input_formats=DOB_INPUT_FORMATS,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "dd-mm-jjjj", "autocomplete": "off"}),
    )

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        if not any(ch.isalnum() for ch in text):
            raise forms.ValidationError(_("Geef een naam met letters, of een nummer."))
        return text


@never_cache
@login_required
def lookup_page(request):
    """Take a posted search and redirect to its answer; show the form, or the answer named by `r`."""
    if not may_look_up(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _post(request)
    query = request.session.get(SESSION_KEY, {}).get(request.GET.get("r", ""))
    context = {"form": LookupForm(initial=query), "answer": None, "expired": "r" in request.GET and not query}
    if query:
        dob = forms.DateField(input_formats=["%Y-%m-%d"]).clean(query["dob"]) if query["dob"] else None
        result = lookup(request.user, q=query["q"], dob=dob, channel="page")
        context["answer"] = lookup_answer(result, full=result.with_protected)
        context["zones"] = zones_of(context["answer"])
    context["tile_url"], context["tile_attribution"] = settings.MAP_TILE_URL, settings.MAP_TILE_ATTRIBUTION
    return render(request, "lookup/page.html", context)


def zones_of(answer: dict) -> dict[str, dict]:
    """Return each shown ban's zone by ban id, as the answer gives it (coarse for officers), for the map."""
    return {str(ban["id"]): ban["zone"] for result in answer["results"] for ban in result["bans"] if ban["zone"]}


def _post(request):
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "lookup/page.html", {"form": form, "answer": None}, status=400)
    wait = page_throttle_wait(request)
    if wait is not None:
        response = render(request, "lookup/throttled.html", {"wait": int(wait) + 1}, status=429)
        response["Retry-After"] = str(int(wait) + 1)
        return response
    dob = form.cleaned_data["dob"]
    result_id = _remember(request.session, {"q": form.cleaned_data["q"], "dob": dob.isoformat() if dob else ""})
    return redirect(f"{reverse('lookup-page')}?r={result_id}")


def _remember(session, query: dict) -> str:
    """Store the query under a fresh opaque id, dropping the oldest beyond KEPT_QUERIES."""
    kept = session.get(SESSION_KEY, {})
    result_id = secrets.token_urlsafe(12)
    kept[result_id] = query
    session[SESSION_KEY] = dict(list(kept.items())[-KEPT_QUERIES:])
    return result_id
