"""Fuzz the served OpenAPI schema with 1,000+ generated cases per operation, every role, in-process.

    python bench/fuzz_api.py --cases 1000                  # SQLite file in a temporary folder
    python bench/fuzz_api.py --cases 1000 --database-url postgres://postgres@127.0.0.1:5432/banwatch_fuzz_bench

Seeds the world of tests/hardening/hardening_world.py (one user per role, two vendors, a ban with a
protected person, a device, an incident, alerts, a letter, a report, an import), then runs
tests/hardening/api_fuzz.py: per operation `--cases` cases shared by the roles allowed to use it and
`--refused-cases` per other role. Prints per operation the cases per role, the 5xx count and every
distinct failure; exits 1 when any case failed. The lookup throttle is lifted for the run (otherwise
all but the first 120 lookups a minute would be 429s); its 429 is covered by tests/lookup.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "hardening")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=1000, help="cases per operation, shared by its allowed roles")
    parser.add_argument("--refused-cases", type=int, default=20, help="cases per operation per refused role")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--operation", action="append", default=[], help='only this one, e.g. "GET /api/v1/bans/"')
    parser.add_argument("--part", default="1/1", help="k/n: every n-th operation from the k-th (run n processes)")
    return parser.parse_args()


def set_up(database_url: str | None) -> None:
    """Point Django at a fresh database, migrate it and seed the world."""
    folder = tempfile.mkdtemp(prefix="banwatch-fuzz-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{folder}/fuzz.sqlite3"
    os.environ["LOOKUP_THROTTLE_RATE"] = "1000000/min"
    os.environ["DEBUG"] = "false"  # the error pages a deployment serves, not the debug ones
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # in-process: there is no TLS in front
    os.environ.setdefault("SECRET_KEY", "fuzz-run-only-" + "x" * 50)
    os.environ["CELERY_BROKER_URL"] = ""  # evaluate and deliver in-process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["BANWATCH_VAR_DIR"] = folder
    os.environ["LOG_LEVEL"] = "ERROR"  # 4xx answers are the point here; 5xx still log
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)


def print_operation(rows) -> None:
    """Print one operation's line as soon as it is done: cases, 5xx, cases per role; then its failures."""
    roles = " ".join(f"{o.role}{'*' if o.allowed else ''}={o.cases}" for o in rows)
    line = f"{rows[0].operation:<52} {sum(o.cases for o in rows):>6} {sum(o.server_errors for o in rows):>4}  {roles}"
    print(line, flush=True)
    for outcome in rows:
        for title, detail in outcome.failures.items():
            print(f"FAIL {outcome.operation} as {outcome.role}: {title}\n    {detail}", flush=True)


def print_table(outcomes, seconds: float) -> int:
    """Print the totals; return the number of failed operation x role runs."""
    by_operation: dict[str, list] = {}
    for outcome in outcomes:
        by_operation.setdefault(outcome.operation, []).append(outcome)
    failed = [o for o in outcomes if o.failures]
    total = sum(o.cases for o in outcomes)
    allowed = min(sum(o.cases for o in rows if o.allowed) for rows in by_operation.values())
    print(
        f"operations: {len(by_operation)}  total cases: {total}  fewest cases by allowed roles on one operation: "
        f"{allowed}  5xx: {sum(o.server_errors for o in outcomes)}  failed operation x role runs: {len(failed)}  "
        f"time: {seconds:.0f} s"
    )
    return len(failed)


def main() -> None:
    args = parse_args()
    set_up(args.database_url)
    from api_fuzz import fuzz_all
    from hardening_world import build_world

    world = build_world()
    started = time.monotonic()
    part = tuple(int(x) for x in args.part.split("/"))
    print(f"{'operation':<52} {'cases':>6} {'5xx':>4}  cases per role (* allowed)", flush=True)
    outcomes = fuzz_all(world, args.cases, args.refused_cases, part, print_operation, args.operation)
    sys.exit(1 if print_table(outcomes, time.monotonic() - started) else 0)


if __name__ == "__main__":
    main()
