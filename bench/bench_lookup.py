"""Police lookup latency through HTTP (gunicorn, PostgreSQL) on a large synthetic registry.

    python bench/bench_lookup.py            # 1,000,000 persons, 1,200,000 bans (seeded once, reused)
    python bench/bench_lookup.py --quick    # 20,000 persons, for CI: under a minute

Prints p50/p99 per query type (name + date of birth, name only, identifier),
the share of queries whose intended person was in the answer, and the peak
RSS of each gunicorn worker.
"""

import argparse
import json
import math
import os
import random
import socket
import subprocess
import sys
import time
import unicodedata
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432/"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20,000 persons, 100 queries per type")
    parser.add_argument("--persons", type=int)
    parser.add_argument("--bans", type=int)
    parser.add_argument("--queries", type=int, help="measured queries per type")
    parser.add_argument("--database")
    parser.add_argument("--reseed", action="store_true", help="seed even when the row counts already match")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.persons = args.persons or (20_000 if args.quick else 1_000_000)
    args.bans = args.bans or args.persons * 6 // 5
    args.queries = args.queries or (100 if args.quick else 1000)
    args.database = args.database or ("banwatch_lookup_bench_quick" if args.quick else "banwatch_lookup_bench")
    return args


def prepare_database(args) -> str:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.database,)).fetchone():
            conn.execute(f'CREATE DATABASE "{args.database}"')
    url = PG + args.database
    os.environ["DATABASE_URL"] = url
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)
    return url


def seed_if_needed(args, url: str) -> None:
    import psycopg

    from seeds.bulk_persons import load

    with psycopg.connect(url) as conn:
        persons = conn.execute("SELECT count(*) FROM registry_person").fetchone()[0]
        bans = conn.execute("SELECT count(*) FROM registry_ban").fetchone()[0]
    if not args.reseed and (persons, bans) == (args.persons, args.bans):
        print(f"reusing {persons:,} persons and {bans:,} bans in {args.database}")
        return
    started = time.perf_counter()
    load(url, args.persons, args.bans)
    print(f"seeded {args.persons:,} persons and {args.bans:,} bans in {time.perf_counter() - started:.1f} s")


def officer_token() -> str:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth.models import Group, User
    from knox.models import AuthToken

    user, _ = User.objects.get_or_create(username="bench-officer")
    user.groups.add(Group.objects.get_or_create(name="police_officer")[0])
    return AuthToken.objects.create(user=user)[1]


def workload(count: int, persons: int, seed: int = 7) -> dict[str, list[tuple[dict, int]]]:
    """Return (query parameters, intended person id) per query type, drawn from stored persons."""
    from registry.models import Person

    rng = random.Random(seed)
    ids = rng.sample(range(1, persons + 1), min(persons, count * 3))
    people = list(Person.objects.filter(id__in=ids).order_by("id"))
    rng.shuffle(people)
    loads: dict[str, list[tuple[dict, int]]] = {"name_dob": [], "name_only": [], "identifier": []}
    for i, person in enumerate(people):
        kind = list(loads)[i % 3]
        if kind == "identifier":
            values = [v for v in (person.bsn, person.strafrechtketennummer, person.cjib_reference) if v]
            value = rng.choice(values) if values else ""
            params = {"id": value} if value else {"q": typed_name(person, rng)}
        elif kind == "name_dob":
            params = {"q": typed_name(person, rng), "dob": person.date_of_birth.isoformat()}
        else:
            params = {"q": typed_name(person, rng)}
        if len(loads[kind]) < count:
            loads[kind].append((params, person.pk))
    return loads


def typed_name(person, rng: random.Random) -> str:
    """Return the name as an officer might type it: initials, comma order, no accents, sometimes a typo."""
    surname = " ".join(p for p in (person.tussenvoegsel, person.surname) if p)
    if rng.random() < 0.1:
        surname = _typo(surname, rng)
    style = rng.random()
    if style < 0.3:
        text = f"{person.given_names.split()[0]} {surname}"
    elif style < 0.5:
        text = f"{person.given_names[0]}. {surname}"
    elif style < 0.65:
        text = f"{person.surname}, {person.tussenvoegsel}".rstrip(", ")
    elif style < 0.8:
        text = surname
    else:
        text = f"{person.given_names} {surname}".lower()
    if rng.random() < 0.3:
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


def _typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1 :] if rng.random() < 0.5 else name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def start_gunicorn(args, url: str) -> subprocess.Popen:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DEBUG="false",
        SECRET_KEY="bench-only-4fK9qLm2Xv7RtY8wZp3NcB6hJd1sGe5uAo0iTy2W",  # noqa: S106
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        LOOKUP_THROTTLE_RATE="1000000/min",
        DB_CONN_MAX_AGE="600",
        LOG_LEVEL="WARNING",
    )
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(args.workers)]
    command += ["-b", f"127.0.0.1:{args.port}", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def request(port: int, token: str, params: dict) -> tuple[float, dict]:
    started = time.perf_counter()
    conn = HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/api/v1/lookup?" + urlencode(params), headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status != 200:
        raise SystemExit(f"lookup {params} answered {response.status}: {body[:200]!r}")
    return elapsed, json.loads(body)


def measure(port: int, token: str, queries: list[tuple[dict, int]]) -> tuple[list[float], float, float]:
    """Return sorted latencies, the share with the intended person shown, and the share shown or truncated."""
    latencies, found, refine = [], 0, 0
    for params, person_id in queries:
        elapsed, body = request(port, token, params)
        latencies.append(elapsed)
        shown = any(r["person"]["id"] == person_id for r in body["results"])
        found += shown
        # A truncated answer tells the officer to add a date of birth: not a false "no ban".
        refine += shown or body["truncated"]
    return sorted(latencies), found / len(queries), refine / len(queries)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def worker_peak_rss_mb(server: subprocess.Popen) -> list[float]:
    """Return VmHWM (peak resident set) of each worker, in MiB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def main() -> None:
    args = parse_args()
    url = prepare_database(args)
    seed_if_needed(args, url)
    token = officer_token()
    loads = workload(args.queries, args.persons)
    server = start_gunicorn(args, url)
    try:
        warm = [q for queries in loads.values() for q in queries[: max(20, args.queries // 10)]]
        measure(args.port, token, warm)
        print(f"load average before measuring: {os.getloadavg()[0]:.1f} (other processes share the 2 cores)")
        print(f"\n{args.persons:,} persons, {args.bans:,} bans, {args.workers} gunicorn workers, sequential client")
        print(f"{'query':<12}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'found':>8}{'or refine':>11}")
        for kind, queries in loads.items():
            latencies, found, refine = measure(args.port, token, queries)
            print(
                f"{kind:<12}{len(latencies):>6}{percentile(latencies, 0.5):>9.1f}{percentile(latencies, 0.99):>9.1f}"
                f"{latencies[-1]:>9.1f}{found:>8.1%}{refine:>11.1%}"
            )
        peaks = worker_peak_rss_mb(server)
        print("peak RSS per worker (MiB): " + ", ".join(f"{p:.0f}" for p in peaks))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
