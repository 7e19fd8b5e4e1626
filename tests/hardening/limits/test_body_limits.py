"""Request bodies: size, chunked transfer, nesting and content type get a 4xx on every route, never a 500."""

import socket

import pytest

# One route of each kind: registrar API, import, feed, lookup, dashboard action, pages, login, admin.
ROUTES = [
    "/api/v1/persons/",
    "/api/v1/bans/",
    "/api/v1/imports",
    "/api/v1/feeds/positions",
    "/api/v1/lookup",
    "/api/v1/letters/generate/",
    "/monitor/api/incidents/1/acknowledge/",
    "/accounts/login/",
    "/admin/login/",
    "/i18n/setlang/",
    "/politie/",
    "/",
]


@pytest.mark.parametrize("path", ROUTES)
def test_body_over_the_limit_is_413_on_every_route(client, settings, path):
    # Decision files have a limit of their own (they stream to disk); set both.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.IMPORT_MAX_FILE_BYTES = 10_000
    response = client.generic("POST", path, b"x" * 10_001, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large: 10001 bytes, limit 10000 bytes."}


@pytest.mark.parametrize("path", ROUTES)
def test_chunked_body_without_length_is_411_on_every_route(client, path):
    response = client.generic("POST", path, b"", content_type="application/json", HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert response.json()["code"] == "length_required"


def test_content_length_that_is_not_a_number_is_400(client):
    response = client.generic("POST", "/api/v1/persons/", b"{}", content_type="application/json", CONTENT_LENGTH="ten")
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_chunked_upload_over_a_real_socket_is_411(live_server):
    """Django's WSGI request would read a chunked body as empty: the refusal must come before any view."""
    host, port = live_server.url.removeprefix("http://").split(":")
    request = (
        b"POST /api/v1/feeds/positions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.split(b"\r\n", 1)[0].endswith(b"411 Length Required")


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deeply_nested_json_is_400(post_raw, depth):
    response = post_raw("/api/v1/persons/", '{"aliases": ' + "[" * depth + "]" * depth + "}")
    assert response.status_code == 400
    assert "nested" in str(response.json())


def test_nesting_within_the_limit_is_judged_by_the_field(post_raw):
    response = post_raw("/api/v1/persons/", '{"given_names": "A", "surname": "B", "aliases": [[["x"]]]}')
    assert response.status_code == 400
    assert "aliases" in response.json()


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded; charset=latin-1"]
)
def test_wrong_content_type_on_the_registrar_api_is_415_or_a_field_error(post_raw, content_type):
    response = post_raw("/api/v1/persons/", '{"given_names": "A", "surname": "B"}', content_type)
    assert response.status_code in (400, 415)
    assert response.status_code == 415 or "given_names" in response.json()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_wrong_content_type_on_the_feed_is_415(feed, device, content_type):
    response = feed.client.generic("POST", "/api/v1/feeds/positions", b'{"fixes": []}', content_type=content_type)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_batch_over_the_item_limit_is_413_before_any_item_is_read(feed, device, settings):
    settings.FEED_MAX_BATCH_ITEMS = 5
    response = feed.positions([{"device": "EB-990001"}] * 6)
    assert response.status_code == 413
    assert response.json() == {"detail": "Batch holds 6 items; the limit is 5. Split it.", "code": "batch_too_large"}


def test_default_batch_limit_is_ten_thousand(settings):
    assert settings.FEED_MAX_BATCH_ITEMS == 10_000
