"""Police lookup recall and latency through HTTP (gunicorn, PostgreSQL) on a large synthetic registry.

    python bench/bench_lookup.py            # 1,000,000 persons, 1,200,000 bans (seeded once, reused)
    python bench/bench_lookup.py --quick    # 20,000 persons, about 800 queries, for CI: under a minute

From the stored persons it makes queries the way officers mistype names
(sound-alike spellings, one and two typos, surname only, initials, swapped
order, tussenvoegsel forms, transliterations, a given-name typo), each kind once
without and once with the date of birth, with the intended person known.
8 client threads post them to /api/v1/lookup at once, mixed with identifier
lookups. Prints top-1/5/10 recall per kind and p50/p99 latency per query type.

Two ways to load the server, both with 8 clients:
- closed loop: each client posts its next lookup when the last is answered, so
  the server is always saturated and the latency is mostly waiting in line
  (8 lookups in flight on 2 cores wait about 8 x CPU per lookup / 2);
- open loop (`--rates`): lookups arrive at random (Poisson) at a set rate, at
  most 8 in flight, each timed from its scheduled arrival, as officers on shift
  would send them; new queries at each rate, so no typed word is remembered.

Recall counts the intended person as found in the top k when shown there, or
when the k-th person shown scores at least as high as the intended person
would (a name many persons share: the officer sees persons matching the typed
name just as well and is told to add a date of birth). "strict" counts only
the intended person shown in the top 10.
"""

import argparse
import gc
import itertools
import json
import math
import os
import random
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from collections import defaultdict
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path

from procstat import children, cpu_seconds

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432/"
CLIENTS = 8


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20,000 persons, 30 queries per kind")
    parser.add_argument("--persons", type=int)
    parser.add_argument("--bans", type=int)
    parser.add_argument("--queries", type=int, help="queries per kind, each without and with date of birth")
    parser.add_argument("--database")
    parser.add_argument("--reseed", action="store_true", help="seed even when the row counts already match")
    parser.add_argument("--port", type=int, default=18201)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--cpu-sample", type=int, default=100, help="lookups per type for the CPU figures")
    parser.add_argument(
        "--rates",
        help="open loop: offered lookups per second, comma-separated (empty: none); new queries at each rate "
        "(default 5,10,20,40; 10 with --quick)",
    )
    parser.add_argument("--open-queries", type=int, help="open loop: lookups per rate (default 15 s of the rate)")
    args = parser.parse_args()
    args.persons = args.persons or (20_000 if args.quick else 1_000_000)
    args.bans = args.bans or args.persons * 6 // 5
    args.queries = args.queries or (30 if args.quick else 460)
    if args.rates is None:
        args.rates = "10" if args.quick else "5,10,20,40"
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


# The lookup's relations: persons, bans, devices, tokens and users.
LOOKUP_RELATIONS = (
    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
    "AND c.relkind IN ('r', 'i') AND c.relname ~ '^(registry_|geofence_device|knox_|auth_)'"
)


def prewarm(url: str) -> None:
    """Read the lookup's tables and indexes into PostgreSQL's shared buffers, as on a server that has been answering.

    Some virtual machines hand cold page cache back to the host: a lookup whose pages were only in the
    OS page cache then waited on the disk (seen: a ban query of 108 ms, the lookups around it 60-140 ms,
    with shared_buffers at PostgreSQL's default 128 MB). docs/operations.md sizes shared_buffers at a
    quarter of RAM; where they cannot hold the relations, the run says so, and its tail is the disk's.
    """
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        except psycopg.Error as error:
            print(f"not prewarmed (pg_prewarm unavailable: {error})")
            return
        relations = conn.execute(f"SELECT coalesce(sum(pg_relation_size(c.oid)), 0) {LOOKUP_RELATIONS}").fetchone()[0]
        shared = conn.execute("SELECT pg_size_bytes(current_setting('shared_buffers'))").fetchone()[0]
        fits = relations < shared * 0.8
        mode = "buffer" if fits else "read"
        blocks = conn.execute(f"SELECT coalesce(sum(pg_prewarm(c.oid, '{mode}')), 0) {LOOKUP_RELATIONS}").fetchone()[0]
    where = "PostgreSQL's shared buffers" if fits else "the OS page cache only"
    size = f"shared_buffers {shared >> 20:,} MiB"
    print(f"prewarmed {blocks * 8 / 1024:,.0f} MiB of tables and indexes into {where} ({size})")
    if not fits:
        print(
            f"WARNING: shared_buffers ({shared >> 20:,} MiB) cannot hold the lookup's {relations >> 20:,} MiB of "
            "tables and indexes: latencies include disk reads. Size PostgreSQL as docs/operations.md says "
            "(a quarter of RAM)."
        )


def officer_token() -> str:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.contrib.auth.models import Group, User
    from knox.models import AuthToken

    user, _ = User.objects.get_or_create(username="bench-officer")
    user.groups.add(Group.objects.get_or_create(name="police_officer")[0])
    return AuthToken.objects.create(user=user)[1]


def workload(count: int, persons: int, seed: int = 7) -> list[dict]:
    """Return queries with the intended person: each kind without and with the date of birth, and identifiers."""
    from registry.models import Person

    rng = random.Random(seed)
    ids = rng.sample(range(1, persons + 1), min(persons, count * len(KINDS)))
    people = list(Person.objects.filter(id__in=ids).order_by("id"))
    rng.shuffle(people)
    queries = []
    for i, person in enumerate(people):
        kind = KINDS[i % len(KINDS)]
        text = MISTAKES[kind](person, rng)
        queries.append({"kind": kind, "dob": False, "params": {"q": text}, "person": person})
        born = person.date_of_birth
        typed_dob = born.strftime("%d-%m-%Y") if rng.random() < 0.5 else born.isoformat()
        queries.append({"kind": kind, "dob": True, "params": {"q": text, "dob": typed_dob}, "person": person})
    for person in people[: count * 2]:
        values = [v for v in (person.bsn, person.strafrechtketennummer, person.cjib_reference) if v]
        if values:
            queries.append({"kind": "identifier", "dob": False, "params": {"id": rng.choice(values)}, "person": person})
    rng.shuffle(queries)
    return queries


def _surname(person) -> str:
    return " ".join(p for p in (person.tussenvoegsel, person.surname) if p)


def _first(person) -> str:
    return person.given_names.split()[0]


def _sound_alike(name: str, rng: random.Random) -> str:
    """Rewrite one spelling to one that sounds the same in Dutch (ij/y, ch/g, c/k, dt/d, ou/au, ph/f, doubles)."""
    options = [(a, b) for a, b in SOUND_SWAPS if a in name.lower()]
    if not options:
        i = rng.randrange(1, len(name))
        return name[:i] + name[i] + name[i:] if name[i].isalpha() else name
    a, b = rng.choice(options)
    start = name.lower().index(a)
    return name[:start] + b + name[start + len(a) :]


def _typo(name: str, rng: random.Random) -> str:
    """Make one slip of the thumb: a letter dropped, doubled, swapped with the next, or a neighbouring key."""
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    i = rng.choice(letters[1:] or letters)
    roll = rng.random()
    if roll < 0.3:
        return name[:i] + name[i + 1 :]
    if roll < 0.55 and i + 1 < len(name) and name[i + 1].isalpha():
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if roll < 0.8:
        near = KEYBOARD_NEIGHBOURS.get(name[i].lower(), "e")
        return name[:i] + rng.choice(near) + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


SOUND_SWAPS = [
    ("ij", "y"), ("y", "ij"), ("ei", "ij"), ("ch", "g"), ("g", "ch"), ("kh", "ch"), ("c", "k"), ("k", "c"),
    ("dt", "d"), ("d", "dt"), ("ou", "au"), ("au", "ou"), ("ph", "f"), ("f", "ph"), ("ee", "e"), ("oo", "o"),
    ("aa", "a"), ("ss", "s"), ("kk", "k"), ("ll", "l"), ("mm", "m"), ("z", "s"), ("s", "z"), ("v", "f"),
    ("ie", "i"), ("oe", "u"),
]  # fmt: skip
KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo", "j": "hk",
    "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "q": "w", "r": "et", "s": "ad", "t": "ry",
    "u": "yi", "v": "cb", "w": "qe", "x": "zc", "y": "tu", "z": "x",
}  # fmt: skip
TUSSENVOEGSEL_FORMS = {"van der": ["v.d.", "vd", "v/d"], "van den": ["v.d.", "vd"], "van de": ["v.d."]}


def _tussenvoegsel_form(person, rng: random.Random) -> str:
    tv = person.tussenvoegsel
    if not tv:
        return f"{_first(person)} {person.surname}".replace("-", " ")
    forms = [f"{person.surname}, {tv}", f"{person.surname} {tv}", (tv + person.surname).replace(" ", "")]
    forms += [f"{short} {person.surname}" for short in TUSSENVOEGSEL_FORMS.get(tv, [])]
    forms.append(person.surname)
    return f"{_first(person)} {rng.choice(forms)}"


MISTAKES = {
    "exact": lambda p, rng: f"{p.given_names} {_surname(p)}",
    "surname_only": lambda p, rng: _surname(p),
    "initials": lambda p, rng: " ".join(w[0] + "." for w in p.given_names.split()) + " " + _surname(p),
    "swapped": lambda p, rng: f"{_surname(p)} {_first(p)}" if rng.random() < 0.5 else f"{p.surname}, {_first(p)}",
    "tussenvoegsel": _tussenvoegsel_form,
    "sound_alike": lambda p, rng: f"{_first(p)} {_sound_alike(_surname(p), rng)}",
    "typo_1": lambda p, rng: f"{_first(p)} {_typo(_surname(p), rng)}",
    "typo_2": lambda p, rng: f"{_first(p)} {_typo(_typo(_surname(p), rng), rng)}",
    "surname_typo_1": lambda p, rng: _typo(_surname(p), rng),
    "given_typo": lambda p, rng: f"{_typo(_first(p), rng)} {_surname(p)}",
    "sound_and_typo": lambda p, rng: f"{_first(p)} {_typo(_sound_alike(_surname(p), rng), rng)}",
    "lower_no_accents": lambda p, rng: _plain(f"{p.given_names} {_surname(p)}").lower(),
}
KINDS = list(MISTAKES)


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def server_env(url: str) -> dict:
    return dict(
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


def start_gunicorn(args, url: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "-w", str(args.workers)]
    # A worker loads its name vocabulary at start (gunicorn.conf.py): allow that longer on a busy machine.
    command += ["-b", f"127.0.0.1:{args.port}", "--log-level", "warning", "--timeout", "180"]
    server = subprocess.Popen(command, cwd=ROOT, env=server_env(url))
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", args.port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def start_sealer(url: str) -> subprocess.Popen:
    """Seal the lookups' audit entries as beat does in a deployment (AUDIT_SEAL_SECONDS)."""
    command = [sys.executable, "manage.py", "seal_audit", "--every", "2"]
    return subprocess.Popen(command, cwd=ROOT, env=server_env(url))


def request(port: int, token: str, params: dict) -> tuple[float, dict]:
    """Post one lookup (nothing identifying in the URL) and return the milliseconds and the answer."""
    started = time.perf_counter()
    conn = HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    conn.request("POST", "/api/v1/lookup", body=json.dumps(params), headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    conn.close()
    if response.status != 200:
        raise SystemExit(f"lookup {params} answered {response.status}: {body[:200]!r}")
    return elapsed, json.loads(body)


@contextmanager
def client_collector_paused():
    """Keep this process's cyclic garbage collector out of a timed run.

    The client holds every answer and person it has seen: a full collection then walks millions of objects
    and stops every client thread for up to a third of a second, which would be counted as the server's.
    """
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def run_concurrently(port: int, token: str, queries: list[dict], clients: int) -> list[tuple[dict, float, dict]]:
    """Send the queries from `clients` threads at once; return (query, ms, answer) for each."""

    def send(query: dict) -> tuple[dict, float, dict]:
        return (query, *request(port, token, query["params"]))

    return _run_clients(clients, lambda: queries, send)


def run_open_loop(
    port: int, token: str, queries: list[dict], clients: int, rate: float, seed: int = 11
) -> list[tuple[dict, float, dict]]:
    """Send the queries at Poisson arrivals of `rate` per second over at most `clients` connections at once.

    Each latency counts from the query's scheduled arrival, not from when a client was free to send it:
    a server that falls behind shows it in the figures (no coordinated omission).
    """
    rng = random.Random(seed)
    gaps = [rng.expovariate(rate) for _ in queries]

    def schedule() -> zip:
        # Made once the collection before the run is done, so that it delays no arrival.
        due = itertools.accumulate(gaps, initial=time.perf_counter() + 0.2)
        next(due)
        return zip(queries, due, strict=True)

    def send(item: tuple[dict, float]) -> tuple[dict, float, dict]:
        query, scheduled = item
        time.sleep(max(0.0, scheduled - time.perf_counter()))
        sent = time.perf_counter()
        # Up to the answer's last byte: this client's parsing of the JSON is not the server's time.
        elapsed, body = request(port, token, query["params"])
        return query, (sent - scheduled) * 1000 + elapsed, body

    return _run_clients(clients, schedule, send)


def _run_clients(clients: int, items, send) -> list:
    """Have `clients` threads take the items (from `items()`, called once the collector is paused) one at a
    time and `send` each; return what `send` returned, in the order the answers came."""
    lock = threading.Lock()
    answers = []

    def client() -> None:
        while True:
            with lock:
                item = next(pending, None)
            if item is None:
                return
            answer = send(item)
            with lock:
                answers.append(answer)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    with client_collector_paused():
        pending = iter(items())
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return answers


def open_loop_table(args, token: str) -> None:
    """Print p50/p99 per query type at each offered rate, new queries for each (no remembered typed words)."""
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    if not rates:
        return
    print(
        f"\nopen loop, {args.clients} clients at most in flight, Poisson arrivals, latency from the scheduled "
        "arrival (new queries at each rate)"
    )
    print(f"{'rate/s':>7}  {'query':<12}{'n':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'  achieved/s':>12}")
    for n, rate in enumerate(rates):
        count = args.open_queries or int(rate * 15)
        queries = workload(count // len(KINDS) + 1, args.persons, seed=20 + n)
        rng = random.Random(n)
        rng.shuffle(queries)
        queries = queries[:count]
        started = time.perf_counter()
        answers = run_open_loop(args.port, token, queries, args.clients, rate)
        achieved = len(answers) / (time.perf_counter() - started)
        for kind, latencies in latencies_by_type(answers):
            p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
            print(
                f"{rate:>7.0f}  {kind:<12}{len(latencies):>6}{p50:>9.1f}{p99:>9.1f}{latencies[-1]:>9.1f}"
                f"{achieved:>12.1f}"
            )


def intended_score(query: dict) -> int | None:
    """Return the score the intended person gets for the typed query (the ranking is deterministic)."""
    from registry.lookup.query import parse_name
    from registry.lookup.search import rank_row
    from registry.lookup.vocabulary import vocabulary

    vocabulary()  # the word similarity needs no database; load once so rank_row runs as on the server
    person = query["person"]
    dob = person.date_of_birth if query["dob"] else None
    row = (person.pk, person.name_key, person.surname_key, person.date_of_birth)
    match = rank_row(row, (), parse_name(query["params"]["q"]), dob)
    return match.score if match else None


def found_within(query: dict, body: dict, k: int, score: int | None) -> bool:
    results = body["results"]
    if any(r["person"]["id"] == query["person"].pk for r in results[:k]):
        return True
    return score is not None and len(results) >= k and results[k - 1]["match"]["score"] >= score


def recall_table(answers: list[tuple[dict, float, dict]]) -> None:
    tally: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for query, _elapsed, body in answers:
        if query["kind"] == "identifier":
            continue
        score = intended_score(query)
        row = tally[(query["kind"], query["dob"])]
        row[0] += 1
        for i, k in enumerate((1, 5, 10)):
            row[i + 1] += found_within(query, body, k, score)
        row[4] += any(r["person"]["id"] == query["person"].pk for r in body["results"][:10])
    print(f"\n{'kind':<18}{'dob':>5}{'n':>6}{'top-1':>8}{'top-5':>8}{'top-10':>8}{'strict-10':>11}")
    totals: dict[bool, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for (kind, with_dob), row in sorted(tally.items(), key=lambda item: (KINDS.index(item[0][0]), item[0][1])):
        _print_recall(kind, with_dob, row)
        totals[with_dob] = [a + b for a, b in zip(totals[with_dob], row, strict=True)]
    for with_dob, row in sorted(totals.items()):
        _print_recall("all", with_dob, row)


def _print_recall(kind: str, with_dob: bool, row: list[int]) -> None:
    n = row[0]
    shares = "".join(f"{value / n:>8.1%}" for value in row[1:4])
    print(f"{kind:<18}{'yes' if with_dob else 'no':>5}{n:>6}{shares}{row[4] / n:>11.1%}")


def latency_table(answers: list[tuple[dict, float, dict]]) -> None:
    print(f"\n{'query':<12}{'n':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind, latencies in latencies_by_type(answers):
        p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
        print(f"{kind:<12}{len(latencies):>7}{p50:>9.1f}{p99:>9.1f}{latencies[-1]:>9.1f}")


def latencies_by_type(answers: list[tuple[dict, float, dict]]) -> list[tuple[str, list[float]]]:
    """Return (query type, sorted milliseconds) for each type that has answers."""
    by_type: dict[str, list[float]] = defaultdict(list)
    for query, elapsed, _body in answers:
        by_type[query_type(query)].append(elapsed)
    return [(kind, sorted(by_type[kind])) for kind in ("name_dob", "name_only", "identifier") if by_type[kind]]


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def query_type(query: dict) -> str:
    return "identifier" if query["kind"] == "identifier" else ("name_dob" if query["dob"] else "name_only")


def cpu_table(args, server: subprocess.Popen, token: str, count: int) -> None:
    """Print CPU seconds per lookup, gunicorn worker and PostgreSQL backend apart, one client at a time per type.

    CPU time, unlike the wall clock, hardly changes with what else runs on the host. The queries are
    new ones (other persons, other slips), so the workers have not remembered their typed words.
    """
    queries = workload(count // len(KINDS) + 1, args.persons, seed=8)
    print(f"\n{'query':<12}{'n':>6}{'web CPU ms':>12}{'PG CPU ms':>11}{'total ms':>10}  (one client, per lookup)")
    for kind in ("name_dob", "name_only", "identifier"):
        chosen = [q for q in queries if query_type(q) == kind][:count]
        workers, backends = children(server.pid), _backends(args.database)
        web, pg = cpu_seconds(workers), cpu_seconds(backends)
        run_concurrently(args.port, token, chosen, 1)
        web = (cpu_seconds(workers) - web) * 1000 / len(chosen)
        pg = (cpu_seconds(backends) - pg) * 1000 / len(chosen)
        print(f"{kind:<12}{len(chosen):>6}{web:>12.1f}{pg:>11.1f}{web + pg:>10.1f}")


def _backends(database: str) -> list[int]:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()
    return [pid for (pid,) in rows]


def worker_peak_rss_mb(server: subprocess.Popen) -> list[float]:
    """Return VmHWM (peak resident set) of each worker, in MiB."""
    peaks = []
    for pid in children(server.pid):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]) / 1024)
    return peaks


def main() -> None:
    args = parse_args()
    started = time.perf_counter()
    url = prepare_database(args)
    seed_if_needed(args, url)
    prewarm(url)
    token = officer_token()
    queries = workload(args.queries, args.persons)
    server, sealer = start_gunicorn(args, url), start_sealer(url)
    try:
        # Warm every worker's connections and caches (the vocabulary is loaded at worker start).
        run_concurrently(args.port, token, queries[: args.workers * 20], args.clients)
        print(f"load average before measuring: {os.getloadavg()[0]:.1f} (other processes share the 2 cores)")
        measured_at = time.perf_counter()
        answers = run_concurrently(args.port, token, queries, args.clients)
        seconds = time.perf_counter() - measured_at
        print(
            f"\n{args.persons:,} persons, {args.bans:,} bans, {args.workers} gunicorn workers, "
            f"{args.clients} concurrent clients, {len(answers):,} lookups in {seconds:.1f} s "
            f"({len(answers) / seconds:.0f}/s)"
        )
        recall_table(answers)
        latency_table(answers)
        cpu_table(args, server, token, args.cpu_sample)
        open_loop_table(args, token)
        peaks = worker_peak_rss_mb(server)
        print("peak RSS per worker (MiB): " + ", ".join(f"{p:.0f}" for p in peaks))
        print(
            f"audit sealer: {cpu_seconds([sealer.pid]):.1f} s of CPU in all (its process, not its PostgreSQL backend)"
        )
    finally:
        for process in (server, sealer):
            process.terminate()
            process.wait(timeout=30)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
