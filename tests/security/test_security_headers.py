"""Security headers on every page and cookie flags, as production sends them."""

import pytest
from django.test import Client

from config.csp import policies

PAGES = ["/", "/monitor/", "/monitor/devices/", "/politie/", "/registratie/", "/accounts/login/", "/api/v1/persons/"]


@pytest.fixture
def production_like(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True


@pytest.fixture
def erin(users):
    client = Client()
    client.force_login(users["erin"])
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_strict_policy_and_the_other_headers(erin, production_like, path):
    response = erin.get(path, secure=True)
    assert response["Content-Security-Policy"] == policies()["strict"]
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_strict_policy_allows_no_inline_script_or_style():
    strict = policies()["strict"]
    assert "script-src 'self';" in strict and "style-src 'self';" in strict
    assert "unsafe" not in strict and "nonce" not in strict
    assert "frame-ancestors 'none'" in strict and "object-src 'none'" in strict


def test_map_tiles_may_come_from_the_configured_tile_server(settings):
    settings.MAP_TILE_URL = "https://tiles.example.nl/{z}/{x}/{y}.png"
    assert "img-src 'self' data: https://tiles.example.nl;" in policies()["strict"]


def test_without_a_tile_server_images_come_from_banwatch_only(settings):
    settings.MAP_TILE_URL = ""
    assert "img-src 'self';" in policies()["strict"]


@pytest.mark.parametrize(
    ("subdomains", "hosts"),
    [
        ("abc", "https://a.tiles.example.nl https://b.tiles.example.nl https://c.tiles.example.nl"),
        ("t1, t2", "https://t1.tiles.example.nl https://t2.tiles.example.nl"),
    ],
)
def test_the_monitor_pages_header_admits_every_tile_subdomain(settings, users, subdomains, hosts):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.nl/{z}/{x}/{y}.png"
    settings.MAP_TILE_SUBDOMAINS = subdomains
    client = Client()  # a new client builds the middleware, which reads the settings once
    client.force_login(users["carol"])

    header = client.get("/monitor/map/")["Content-Security-Policy"]

    images = next(d for d in header.split("; ") if d.startswith("img-src"))
    assert images == f"img-src 'self' data: {hosts}"
    assert "{s}" not in header and "script-src 'self';" in header


def test_admin_gets_the_strict_policy(erin):
    assert erin.get("/admin/")["Content-Security-Policy"] == policies()["strict"]


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_docs_get_their_own_policy_still_without_inline_script(erin, path):
    assert erin.get(path)["Content-Security-Policy"] == policies()["docs"]
    assert "script-src 'self';" in policies()["docs"]


def test_login_cookies_are_http_only_lax_and_secure(users, production_like):
    client = Client()
    csrf = client.get("/accounts/login/", secure=True).cookies["csrftoken"]
    assert csrf["httponly"] and csrf["secure"] and csrf["samesite"] == "Lax"
    response = client.post("/accounts/login/", {"username": "alice", "password": "password-alice"}, secure=True)
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["secure"] and session["samesite"] == "Lax"
