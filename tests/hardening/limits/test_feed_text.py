"""Unstorable text in a fix: refused as malformed on every validation path, never stored, never a 500."""

import json

import pytest
from django.utils import timezone

from geofence.models import Fix


def fix(**changes) -> dict:
    base = {"device": "EB-990001", "ts": timezone.now().isoformat(), "lat": 52.1, "lon": 5.1, "accuracy_m": 8}
    return base | changes


@pytest.mark.parametrize(
    "item",
    [
        fix(device="EB-99\u00000001"),
        fix(device="EB-99\ud8000001"),
        fix(note="strap\u0000"),
        fix(extra={"nested": ["\ud800"]}),
        fix(**{"k\u0000": 1}),
    ],
    ids=["nul-in-device", "surrogate-in-device", "nul-in-extra", "surrogate-nested", "nul-in-key"],
)
def test_unstorable_text_in_a_fix_is_quarantined_as_malformed(feed, device, item):
    # As JSON text with \u escapes: a lone surrogate cannot be encoded any other way.
    body = json.dumps({"fixes": [item, fix()]})
    response = feed._post("/api/v1/feeds/positions", body, content_type="application/json")
    assert response.status_code == 202
    body = response.json()
    assert body["accepted"] == 1
    assert [(r["index"], r["reason"]) for r in body["rejected"]] == [(0, "malformed")]
    assert Fix.objects.count() == 1
