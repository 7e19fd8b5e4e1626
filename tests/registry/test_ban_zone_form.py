"""The ban form in the admin: the zone drawn on a map and time windows as rows, judged by the API's validators."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from registry.models import Ban, ZoneShape

SQUARE = [[5.10, 52.08], [5.14, 52.08], [5.14, 52.11], [5.10, 52.11], [5.10, 52.08]]
BOWTIE = [[5.0, 52.0], [5.1, 52.1], [5.1, 52.0], [5.0, 52.1], [5.0, 52.0]]


def polygon(ring) -> str:
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def many_vertices(count: int) -> list[list[float]]:
    # A fine circle of `count` points, 2 km around the middle of Utrecht: valid except for its size.
    from math import cos, radians, sin

    ring = [
        [5.12 + 0.03 * cos(radians(360 * i / count)), 52.09 + 0.018 * sin(radians(360 * i / count))]
        for i in range(count)
    ]
    return [*ring, ring[0]]


@pytest.fixture
def registrar(users) -> Client:
    client = Client()
    client.force_login(users["alice"])  # a registrar by role, not staff
    return client


@pytest.fixture
def drawn(decision):
    """Return the add form's data as the page posts it, with the zone and window fields given."""

    def build(**fields) -> dict:
        data = {
            "decision": decision.pk,
            "person": decision.person_id,
            "kind": "area",
            "status": "active",
            "valid_from_0": "2026-03-02",
            "valid_from_1": "00:00:00",
            "valid_until_0": "2027-03-02",
            "valid_until_1": "00:00:00",
            "zone_shape": "",
            "centre_lat": "",
            "centre_lon": "",
            "radius_m": "",
            "zone_geojson": "",
            "zone_description": "getekend",
            "time_windows-days": ["", ""],
            "time_windows-start": ["", ""],
            "time_windows-end": ["", ""],
        }
        data.update(fields)
        return data

    return build


def form_errors(response) -> dict:
    assert response.status_code == 200, "the form was accepted"
    return {field: " ".join(errors) for field, errors in response.context["adminform"].form.errors.items()}


def test_add_form_shows_the_map_and_the_window_rows(registrar):
    html = registrar.get(reverse("admin:registry_ban_add")).content.decode()
    assert 'class="zone-editor"' in html and 'data-default-radius="5000"' in html
    assert "registry/zone_editor.js" in html and "vendor/leaflet/leaflet.js" in html
    assert 'name="time_windows-days"' in html and 'type="time"' in html
    assert 'data-tile-url=""' in html  # no tile server configured: a plain background


def test_circle_drawn_with_default_radius_and_a_window_is_saved(registrar, drawn, decision):
    data = drawn(
        zone_shape="circle",
        centre_lat="52.0907",
        centre_lon="5.1214",
        radius_m="5000",
        **{
            "time_windows-days": ["0,1,2,3,4", ""],
            "time_windows-start": ["22:00", ""],
            "time_windows-end": ["06:00", ""],
        },
    )
    response = registrar.post(reverse("admin:registry_ban_add"), data)
    assert response.status_code == 302, form_errors(response)
    ban = decision.bans.get()
    assert (ban.zone_shape, ban.centre_lat, ban.centre_lon, ban.radius_m) == (ZoneShape.CIRCLE, 52.0907, 5.1214, 5000)
    assert ban.time_windows == [{"days": [0, 1, 2, 3, 4], "start": "22:00", "end": "06:00"}]


def test_polygon_drawn_is_saved_as_geojson(registrar, drawn, decision):
    response = registrar.post(
        reverse("admin:registry_ban_add"), drawn(zone_shape="polygon", zone_geojson=polygon(SQUARE))
    )
    assert response.status_code == 302, form_errors(response)
    ban = decision.bans.get()
    assert ban.zone_shape == ZoneShape.POLYGON
    assert ban.zone_geojson == {"type": "Polygon", "coordinates": [SQUARE]}


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"zone_shape": "polygon", "zone_geojson": polygon(BOWTIE)}, "zone_geojson", "Self-intersection"),
        (
            {"zone_shape": "polygon", "zone_geojson": polygon(many_vertices(10_001))},
            "zone_geojson",
            "too many vertices",
        ),
        (
            {"zone_shape": "circle", "centre_lat": "52.09", "centre_lon": "5.12", "radius_m": "0"},
            "radius_m",
            "groter dan 0",
        ),
        ({"zone_shape": "polygon"}, "zone_geojson", "GeoJSON-polygoon"),
        ({"zone_shape": "circle", "centre_lat": "52.09"}, "centre_lon", "middelpunt"),
    ],
    ids=["self-intersecting", "too-many-vertices", "radius-0", "no-polygon", "no-centre"],
)
def test_invalid_drawing_is_refused_on_its_field(registrar, drawn, fields, field, text):
    errors = form_errors(registrar.post(reverse("admin:registry_ban_add"), drawn(**fields)))
    assert text in errors.get(field, ""), errors
    assert not Ban.objects.exists()


def test_drawing_refused_by_the_form_is_refused_by_the_api_in_the_same_words(registrar, drawn, client_for, decision):
    errors = form_errors(
        registrar.post(reverse("admin:registry_ban_add"), drawn(zone_shape="polygon", zone_geojson=polygon(BOWTIE)))
    )
    body = {
        "decision": decision.pk,
        "person": decision.person_id,
        "kind": "area",
        "valid_from": "2026-03-02T00:00:00",
        "zone_shape": "polygon",
        "zone_geojson": json.loads(polygon(BOWTIE)),
    }
    api = client_for("alice").post("/api/v1/bans/", body, format="json")
    assert api.status_code == 400
    assert " ".join(api.json()["zone_geojson"]) == errors["zone_geojson"]


@pytest.mark.parametrize(
    ("days", "start", "end", "text"),
    [("0", "22:00", "", "end moet een tijd"), ("", "22:00", "06:00", "days moet een niet-lege lijst")],
    ids=["no-end", "no-days"],
)
def test_incomplete_time_window_row_is_refused_with_its_number(registrar, drawn, days, start, end, text):
    fields = {"zone_shape": "circle", "centre_lat": "52.09", "centre_lon": "5.12"}
    rows = {"time_windows-days": [days], "time_windows-start": [start], "time_windows-end": [end]}
    errors = form_errors(registrar.post(reverse("admin:registry_ban_add"), drawn(**fields, **rows)))
    assert "Tijdvenster 1" in errors["time_windows"] and text in errors["time_windows"], errors


def test_change_form_shows_stored_windows_and_protected_homes(registrar, users, area_ban, protected):
    area_ban.time_windows = [{"days": [0, 2], "start": "08:00", "end": "18:00"}]
    area_ban.save()
    area_ban.protected_persons.add(protected)
    html = registrar.get(reverse("admin:registry_ban_change", args=[area_ban.pk])).content.decode()
    assert '<option value="0,2" selected>ma, wo</option>' in html
    assert 'value="08:00"' in html and 'value="18:00"' in html
    assert "Wilma Beschermd" in html and "52.09" in html  # the home, to centre a circle on


def test_decision_page_links_to_a_new_ban_with_decision_and_person_filled_in(registrar, decision):
    html = registrar.get(reverse("admin:registry_decision_change", args=[decision.pk])).content.decode()
    link = f"/admin/registry/ban/add/?decision={decision.pk}&amp;person={decision.person_id}"
    assert link in html
    form = registrar.get(link.replace("&amp;", "&")).context["adminform"].form
    assert (form.initial["decision"], form.initial["person"]) == (str(decision.pk), str(decision.person_id))
