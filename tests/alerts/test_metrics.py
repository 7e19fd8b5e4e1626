"""GET /metrics: the listed series, read after real feed traffic; supervisors or the bearer token only."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from geofence.alerts.models import AlertOutbox, WorkerHeartbeat
from geofence.incidents import zones
from geofence.testing import HOME, fix, make_ban, make_device, offset

pytestmark = pytest.mark.django_db

TOKEN = "metrics-test-token-0123456789"


@pytest.fixture
def scraper(settings):
    settings.METRICS_TOKEN = TOKEN
    return Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")


def samples(response) -> dict[tuple[str, tuple], float]:
    assert response.status_code == 200, response.content
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def test_metrics_serve_every_listed_series_after_feed_traffic(scraper, feed, eager_celery, redis_queue_url):
    before = samples(scraper.get("/metrics"))
    device = make_device(feed.vendor, person=make_ban().person)
    start = datetime.now(UTC) - timedelta(seconds=120)
    fixes = [fix(device, start, *offset(*HOME, 6000)), fix(device, start + timedelta(seconds=90), *offset(*HOME, 2000))]
    fixes.append(fix(device, start, 95.0, 5.0))  # out of range: rejected
    assert feed.positions(fixes).status_code == 202
    WorkerHeartbeat.objects.create(queue="delivery", beat_at=datetime.now(UTC) - timedelta(seconds=12))

    after = samples(scraper.get("/metrics"))

    def grew(name, labels=()):
        return after[(name, labels)] - before.get((name, labels), 0.0)

    assert grew("banwatch_fixes_total", (("result", "accepted"),)) == 2
    assert grew("banwatch_fixes_total", (("result", "rejected"),)) == 1
    assert after[("banwatch_incidents_opened_total", (("type", "zone_violation"),))] == 1
    assert AlertOutbox.objects.get().status == "published"
    assert after[("banwatch_alert_latency_seconds_gcount", ())] == 1
    assert after[("banwatch_alert_latency_seconds_bucket", (("le", "+Inf"),))] == 1
    assert after[("banwatch_alert_latency_seconds_bucket", (("le", "0.5"),))] == 0  # the fix is 30 s old
    assert (after[("banwatch_alerts_pending", ())], after[("banwatch_alerts_undelivered", ())]) == (0, 0)
    assert after[("banwatch_evaluation_lag_seconds", ())] == 0
    assert 12 <= after[("banwatch_canary_age_seconds", (("queue", "delivery"),))] < 60
    assert after[("banwatch_canary_age_seconds", (("queue", "ingest"),))] == -1
    assert 0 <= after[("banwatch_zone_catalogue_age_seconds", ())] < 60


def test_undelivered_alert_shows_in_the_gauges(scraper, make_message, settings):
    alert = AlertOutbox.objects.create(incident_id=1, change="opened", message=make_message())
    old = datetime.now(UTC) - timedelta(seconds=settings.ALERT_UNDELIVERED_SECONDS + 1)
    AlertOutbox.objects.filter(pk=alert.pk).update(created_at=old)

    after = samples(scraper.get("/metrics"))

    assert (after[("banwatch_alerts_pending", ())], after[("banwatch_alerts_undelivered", ())]) == (1, 1)


def test_catalogue_never_built_in_this_process_reads_minus_one(scraper, monkeypatch):
    monkeypatch.setattr(zones, "_cache", {"generation": 0})
    assert samples(scraper.get("/metrics"))[("banwatch_zone_catalogue_age_seconds", ())] == -1


def test_supervisor_reads_metrics_logged_in(browser_login):
    assert browser_login("erin").get("/metrics").status_code == 200


@pytest.mark.parametrize("name,code", [(None, 401), ("carol", 403), ("dave", 403), ("frank", 403)])
def test_others_may_not_read_metrics(browser_login, name, code, settings):
    settings.METRICS_TOKEN = TOKEN
    assert browser_login(name).get("/metrics").status_code == code


@pytest.mark.parametrize("header", ["Bearer wrong-token", "Bearer ", f"Token {TOKEN}", ""])
def test_a_wrong_token_gets_401(header, settings):
    settings.METRICS_TOKEN = TOKEN
    assert Client(HTTP_AUTHORIZATION=header).get("/metrics").status_code == 401


def test_no_token_is_accepted_when_none_is_configured(settings):
    settings.METRICS_TOKEN = ""
    assert Client(HTTP_AUTHORIZATION="Bearer ").get("/metrics").status_code == 401


@pytest.fixture
def browser_login(users):
    def build(name):
        client = Client()
        if name:
            client.force_login(users[name])
        return client

    return build
