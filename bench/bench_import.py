"""Decision import speed and memory: a synthetic file streamed through an import job on PostgreSQL.

    python bench/bench_import.py            # 100,000 CSV rows (about 91,000 decisions)
    python bench/bench_import.py --quick    # 5,000 rows, in well under 30 s
    python bench/bench_import.py --format json --rows 20000

Generates a file of invented decisions (one ban per CSV row; about one in ten
decisions has a second row, a contact ban with a protected person; a few rows
are bad and a few persons share a name and date of birth with another's
different number, so the rejection paths run too), imports it in this process
as the worker does (registry.importer.run_job), and prints decisions/s with
the peak resident memory at 10 %, 50 % and 100 % of the file. Then it imports
the first --old-rows decisions of a second file through the row-by-row path
(one savepoint and the services per decision, registry.import_rows) for
comparison. Uses its own database (dropped and created: --database).
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432/"

GIVEN = "Aart Bram Cas Daan Eef Floor Gijs Hanna Ids Jop Kiki Lot Mees Noor Otto Pim Quinty Roos Stijn Tes".split()
STEMS = "Fict Verzin Bedenk Voorbeel Denkbe Nepp Schijn Proef Oefen Test Model Droom".split()
ENDS = "ief sel hout berg dijk man stra ink ema veld hoek kamp".split()
COLUMNS = [
    "authority", "legal_basis", "reference", "decision_date", "dut", "electronic_monitoring", "sash_risk",
    "person_given_names", "person_tussenvoegsel", "person_surname", "person_date_of_birth",
    "person_strafrechtketennummer", "ban_kind", "valid_from", "valid_until", "contact_modes",
    "centre_lat", "centre_lon", "radius_m", "zone_description",
    "protected_given_names", "protected_surname", "protected_date_of_birth", "protected_city",
]  # fmt: skip


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5,000 rows, 100 decisions on the old path")
    parser.add_argument("--rows", type=int, help="file rows (default 100,000; --quick 5,000)")
    parser.add_argument("--old-rows", type=int, help="decisions through the old row-by-row path (default 2,000)")
    parser.add_argument("--format", choices=["csv", "json"], default="csv", help="csv, or json (JSON Lines)")
    parser.add_argument("--database", default="banwatch_bench_import")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def decisions(rows: int, rng: random.Random, prefix: str):
    """Yield (decision, bans) of invented people until `rows` ban rows are made."""
    made, number = 0, 0
    while made < rows:
        number += 1
        person = {
            "given_names": rng.choice(GIVEN),
            "surname": rng.choice(STEMS) + rng.choice(ENDS),
            "date_of_birth": f"{rng.randint(1950, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "strafrechtketennummer": f"SKN-{prefix}{number:07d}",
        }
        if number % 250 == 0:  # a lookalike: the previous person's name and birth date, another number
            person.update({k: previous[k] for k in ("given_names", "surname", "date_of_birth")})  # noqa: F821
        previous = person  # noqa: F841
        decision = {
            "authority": "court",
            "legal_basis": "vrijheidsbeperkende_maatregel",
            "reference": f"{prefix}{number:07d}-26",
            "decision_date": "2026-04-01",
            "dut": True,
            "electronic_monitoring": True,
            "sash_risk": rng.choice(["low", "medium", "high"]),
            "person": person,
        }
        area = {
            "kind": "area",
            "valid_from": "2026-04-02",
            "valid_until": "2027-04-01",
            "centre_lat": round(rng.uniform(51.5, 53.2), 5),
            "centre_lon": round(rng.uniform(4.2, 6.8), 5),
            "radius_m": 75000 if number % 400 == 0 else 5000,  # a bad row now and then
            "zone_description": "Woonwijk beschermde persoon",
        }
        bans = [area]
        if number % 10 == 0 and made + 2 <= rows:
            victim = {
                "given_names": rng.choice(GIVEN),
                "surname": rng.choice(STEMS) + rng.choice(ENDS),
                "date_of_birth": f"{rng.randint(1950, 2004)}-05-{rng.randint(1, 28):02d}",
                "city": "Verzinstad",
            }
            contact = {"kind": "contact", "valid_from": "2026-04-02", "valid_until": "2027-04-01"}
            bans.append({**contact, "contact_modes": ["direct", "online"], "protected_persons": [victim]})
        made += len(bans)
        yield decision, bans


def write_file(path: Path, rows: int, file_format: str, seed: int, prefix: str) -> int:
    rng, count = random.Random(seed), 0
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out) if file_format == "csv" else None
        if writer:
            writer.writerow(COLUMNS)
        for decision, bans in decisions(rows, rng, prefix):
            count += 1
            if writer is None:
                out.write(json.dumps({**decision, "bans": bans}) + "\n")
                continue
            for ban in bans:
                writer.writerow(_csv_cells(decision, ban))
    return count


def _csv_cells(decision: dict, ban: dict) -> list:
    victim = (ban.get("protected_persons") or [{}])[0]
    cells = {f"person_{k}": v for k, v in decision["person"].items()}
    cells.update({k: v for k, v in decision.items() if k != "person"}, ban_kind=ban["kind"])
    cells.update({k: v for k, v in ban.items() if k not in ("kind", "protected_persons")})
    cells.update({f"protected_{k}": v for k, v in victim.items()})
    cells["contact_modes"] = ";".join(ban.get("contact_modes", []))
    return [cells.get(c, "") for c in COLUMNS]


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare_database(name: str) -> None:
    for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def setup_django(args) -> None:
    os.environ.update(
        DATABASE_URL=PG + args.database,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",  # DEBUG keeps every SQL statement in memory
        SECRET_KEY="bench-only-4fK9qLm2Xv7RtY8wZp3NcB6hJd1sGe5uAo0iTy2W",  # noqa: S106
        CELERY_BROKER_URL="",
        LOG_LEVEL="WARNING",
        BANWATCH_VAR_DIR=tempfile.mkdtemp(prefix="bench-import-"),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def run_new(path: Path, file_format: str, decisions_made: int) -> dict:
    from registry.importer import create_job, run_job

    with path.open("rb") as stream:
        batch = create_job(stream, filename=path.name, file_format=file_format)
    marks, peaks = [10, 50, 100], {}

    def progress(job) -> None:
        done = 100 * job.bytes_done / max(1, job.bytes_total)
        while marks and done >= marks[0]:
            peaks[marks.pop(0)] = rss_mib()

    started, cpu = time.perf_counter(), time.process_time()
    job = run_job(batch.pk, progress=progress)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"job": job, "seconds": elapsed, "cpu": cpu, "rate": job.rows_total / elapsed, "peaks": peaks}


def run_old(path: Path, file_format: str, limit: int) -> dict:
    from django.db import transaction

    from registry.import_formats import iter_rows
    from registry.import_rows import RowContext, import_row
    from registry.models import ImportBatch

    batch = ImportBatch.objects.create(filename=path.name, file_format=file_format)
    ctx, done = RowContext(batch, None), 0
    started, cpu = time.perf_counter(), time.process_time()
    with path.open("rb") as stream, transaction.atomic():
        for row in iter_rows(stream, file_format):
            import_row(ctx, row)
            done += 1
            if done >= limit:
                break
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"decisions": done, "seconds": elapsed, "rate": done / elapsed, "cpu_rate": done / cpu}


def main() -> None:
    args = parse_args()
    rows = args.rows or (5_000 if args.quick else 100_000)
    old_rows = args.old_rows or (100 if args.quick else 2_000)
    prepare_database(args.database)
    setup_django(args)
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = workdir / f"decisions.{args.format if args.format == 'csv' else 'jsonl'}"
    made = write_file(path, rows, args.format, args.seed, "B")
    size = path.stat().st_size
    load = os.getloadavg()
    print(f"file: {rows:,} rows, {made:,} decisions, {size / 2**20:.1f} MiB ({args.format})")
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; RSS before import {rss_mib():.0f} MiB")
    new = run_new(path, args.format, made)
    job = new["job"]
    print(
        f"job path:  {job.rows_total:,} decisions in {new['seconds']:.1f} s = {new['rate']:,.0f} decisions/s "
        f"({job.rows_created:,} created, {job.rows_rejected:,} rejected, status {job.status})"
    )
    print(
        f"job CPU:   {new['cpu']:.1f} s in this process = {job.rows_total / new['cpu']:,.0f} decisions per CPU second"
    )
    print("peak RSS:  " + ", ".join(f"{mark} % {mib:.0f} MiB" for mark, mib in sorted(new["peaks"].items())))
    old_path = workdir / f"old.{path.suffix.lstrip('.')}"
    write_file(old_path, old_rows * 2, args.format, args.seed + 1, "O")
    old = run_old(old_path, args.format, old_rows)
    print(
        f"row path:  {old['decisions']:,} decisions in {old['seconds']:.1f} s = {old['rate']:,.0f} decisions/s "
        f"({old['cpu_rate']:,.0f} per CPU second)"
    )
    print(f"speed-up:  {new['rate'] / old['rate']:.1f}x")
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
