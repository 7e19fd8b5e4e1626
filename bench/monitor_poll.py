"""Cost of the dashboard's 1-second poll: board and incident JSON, full answers and 304s.

Run: DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/banwatch_dashboard \
     .venv/bin/python bench/monitor_poll.py [--incidents 200] [--requests 300]

Builds a throw-away test database, opens N incidents through the real feed
service path's models, then times requests through Django's full stack
(middleware, session auth, views, JSON) in-process. Network and gunicorn
overhead are not included; they add well under a millisecond on localhost.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def build(incidents: int):
    from datetime import timedelta

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from geofence.models import Fix, Incident, IncidentType
    from geofence.testing import HOME, give_region, make_ban, make_device, make_protected, make_vendor, offset

    operator = User.objects.create_user("bench-operator")
    operator.groups.add(Group.objects.get_or_create(name="monitoring_operator")[0])
    give_region(operator)
    vendor, _key = make_vendor("bench")
    now = timezone.now()
    first = None
    for i in range(incidents):
        ban = make_ban(protected=[make_protected()], risk=("high", "medium", "low")[i % 3])
        device = make_device(vendor, person=ban.person)
        fixes = [
            Fix(device=device, ts=now - timedelta(minutes=60 - m), lat=p[0], lon=p[1], accuracy_m=20, received_at=now)
            for m, p in enumerate(offset(*HOME, 6000 - 40 * m, 300) for m in range(60))
        ]
        Fix.objects.bulk_create(fixes)
        last = Fix.objects.filter(device=device).order_by("-ts").first()
        incident = Incident.objects.create(
            type=IncidentType.ZONE_VIOLATION,
            ban=ban,
            person=ban.person,
            protected_person=ban.protected_persons.first(),
            device=device,
            vendor=vendor,
            definite=bool(i % 2),
            opened_at=now,
            last_fix=last,
            priority=1 + i % 5,
            closest_distance_m=3700,
            eta_min=12,
        )
        first = first or incident
    return operator, first


def signed_in(client: Client, user) -> None:
    """Sign the client in as after the password and the authenticator code (the board requires both)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def timed(client: Client, url: str, n: int, etag: bool) -> list[float]:
    headers = {}
    if etag:
        headers["HTTP_IF_NONE_MATCH"] = client.get(url)["ETag"]
    samples, cpu = [], []
    for _ in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url, **headers)
        samples.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        # A 200 among the 304s is the board's periodic refresh (every REFRESH_SECONDS): like the dashboard,
        # the poller keeps the new ETag, so the next polls are 304s again.
        assert response.status_code in ((304, 200) if etag else (200,)), response.status_code
        if etag and response.status_code == 200:
            headers["HTTP_IF_NONE_MATCH"] = response["ETag"]
    return samples, cpu


def report(name: str, measured: tuple[list[float], list[float]]) -> None:
    """Print wall-clock p50/p99 and this process's CPU p50 (Python only: a load-independent companion)."""
    samples, cpu = sorted(measured[0]), measured[1]
    p50 = statistics.median(samples)
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(
        f"{name:<42} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms  CPU p50 {statistics.median(cpu):6.1f} ms"
        f"  -> {1000 / p50:5.0f} polls/s per worker"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        operator, incident = build(args.incidents)
        client = Client()
        signed_in(client, operator)
        print(f"{connection.vendor}, {args.incidents} open incidents, {args.requests} requests each")
        board, detail = "/monitor/api/incidents/", f"/monitor/api/incidents/{incident.pk}/"
        report("board JSON, changed (200)", timed(client, board, args.requests, etag=False))
        report("board JSON, unchanged (304)", timed(client, board, args.requests, etag=True))
        report("incident JSON (60-fix track), 200", timed(client, detail, args.requests, etag=False))
        report("incident JSON, unchanged (304)", timed(client, detail, args.requests, etag=True))
        size = len(client.get(board).content)
        print(f"board answer size: {size} bytes for {args.incidents} incidents; a 304 has no body")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
