"""Benchmark the geofence engine's two kernels against the other ways of judging the same fixes.

    python bench/bench_geofence.py            # full run: 10,000 zones, 1,000,000 fixes
    python bench/bench_geofence.py --quick    # CI-sized run, well under a minute

Prints one table, all on the same data: the engine with its compiled (numba)
and numpy kernels, PostGIS geography (ST_DWithin + ST_Distance), pyproj's
vectorised Geod.inv, the naive per-fix loop and numpy haversine (fast but
inexact), with ratios, and the verdicts of both kernels checked against
Geod.inv on every fix. Engine rates are CPU time, best of 3, one thread.
Data are synthetic and seeded. PostGIS is measured only when it is installed
and reachable (BENCH_PG_DSN, default postgresql://postgres@127.0.0.1:5432);
otherwise its rows say why they are missing.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import shapely
from pyproj import Geod, Transformer

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geofence.engine import compiled  # noqa: E402
from geofence.engine.evaluate import KERNELS, FixBatch, evaluate, evaluate_fix  # noqa: E402
from geofence.engine.index import ZoneIndex  # noqa: E402
from geofence.engine.verdicts import approach_levels, beyond_exit_margin, verdicts  # noqa: E402
from geofence.engine.zones import CircleZone, PolygonZone  # noqa: E402

GEOD = Geod(ellps="WGS84")
T0 = datetime(2026, 3, 2, tzinfo=UTC).timestamp()
PG_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432")
PG_DB = os.environ.get("BENCH_PG_DB", "banwatch_bench_geo")
VERDICT_FIELDS = ("inside", "verdict", "approach_level", "beyond_exit_margin")
SIZES = {
    "full": {"zones": 10_000, "fixes": 1_000_000, "naive": 50_000, "polygons": 100, "polygon_fixes": 200_000},
    "quick": {"zones": 1_000, "fixes": 100_000, "naive": 5_000, "polygons": 10, "polygon_fixes": 20_000},
}


def circle_data(n_zones: int, n_fixes: int, rng: np.random.Generator):
    """Return (zones, fixes, centres): circles across the Netherlands, fixes 0-15 km from them, in time order."""
    lat, lon = rng.uniform(50.8, 53.4, n_zones), rng.uniform(3.5, 7.1, n_zones)
    zones = [CircleZone(zone_id=k, subject_id=k, lat=lat[k], lon=lon[k]) for k in range(n_zones)]
    subject = rng.integers(0, n_zones, n_fixes)
    flon, flat, _ = GEOD.fwd(
        lon[subject], lat[subject], rng.uniform(-180, 180, n_fixes), rng.uniform(0, 15_000, n_fixes)
    )
    t = T0 + np.sort(rng.uniform(0.0, 86_400.0, n_fixes))
    fixes = FixBatch.from_arrays(subject, t, flat, flon, rng.uniform(3.0, 30.0, n_fixes))
    return zones, fixes, (lat, lon)


def polygon_data(n_polygons: int, n_fixes: int, rng: np.random.Generator):
    """Return (zones, fixes): irregular ~10 km polygons of 300 vertices, fixes 0-15 km from their centres."""
    zones, centres = [], []
    for k in range(n_polygons):
        lat0, lon0 = rng.uniform(51.0, 53.2), rng.uniform(3.8, 6.9)
        az = np.sort(rng.uniform(0, 360, 300))
        radius = 5000 * (1 + 0.25 * np.sin(np.radians(az) * rng.integers(3, 8))) * rng.uniform(0.9, 1.1, 300)
        vlon, vlat, _ = GEOD.fwd(np.full(300, lon0), np.full(300, lat0), az, radius)
        ring = np.column_stack([vlon, vlat]).tolist()
        geojson = {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}
        zones.append(PolygonZone(zone_id=k, subject_id=k, geojson=geojson))
        centres.append((lat0, lon0))
    lat, lon = np.array(centres).T
    subject = rng.integers(0, n_polygons, n_fixes)
    flon, flat, _ = GEOD.fwd(
        lon[subject], lat[subject], rng.uniform(-180, 180, n_fixes), rng.uniform(0, 15_000, n_fixes)
    )
    t = T0 + np.sort(rng.uniform(0.0, 86_400.0, n_fixes))
    return zones, FixBatch.from_arrays(subject, t, flat, flon, rng.uniform(3.0, 30.0, n_fixes))


def best_of(runs: int, fn):
    """Return (best seconds, last result) over a few runs."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def best_cpu_of(runs: int, fn):
    """Return (best CPU seconds, best wall seconds, last result): CPU time is less sensitive to a busy host."""
    cpu, wall, result = float("inf"), float("inf"), None
    for _ in range(runs):
        start_cpu, start = time.process_time(), time.perf_counter()
        result = fn()
        cpu, wall = min(cpu, time.process_time() - start_cpu), min(wall, time.perf_counter() - start)
    return cpu, wall, result


def peak_memory(fn) -> tuple[float, float]:
    """Return (tracemalloc peak MB, maxrss growth MB) of one call."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6, (rss_after - rss_before) / 1e3


def reference(index: ZoneIndex, fixes: FixBatch, centres) -> dict[str, np.ndarray]:
    """Return inside, verdict, approach level and exit flag computed from pyproj.Geod.inv distances."""
    lat, lon = centres
    s = fixes.subject_id
    start = time.process_time()
    _, _, dist = GEOD.inv(fixes.lon, fixes.lat, lon[s], lat[s])
    geod_cpu_s = time.process_time() - start
    signed = dist - 5000.0
    no = np.zeros(len(s), dtype=bool)
    return {
        "geod_cpu_s": geod_cpu_s,
        "distance": dist,
        "inside": signed <= 0.0,
        "verdict": verdicts(signed, fixes.accuracy_m, no),
        "approach_level": approach_levels(signed, index.approach[s], no),
        "beyond_exit_margin": beyond_exit_margin(signed, np.full(len(s), 100.0), no),
    }


def haversine(fixes: FixBatch, centres) -> tuple[float, np.ndarray]:
    """Return (CPU seconds, metres) of numpy haversine on a 6,371,008.8 m sphere: fast, but not WGS84."""
    lat, lon = centres
    s = fixes.subject_id
    start = time.process_time()
    p1, p2 = np.radians(fixes.lat), np.radians(lat[s])
    dp, dl = p2 - p1, np.radians(lon[s] - fixes.lon)
    h = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    dist = 2.0 * 6_371_008.8 * np.arcsin(np.sqrt(h))
    return time.process_time() - start, dist


def naive(fixes: FixBatch, centres, sample: int) -> tuple[float, int]:
    """Time the per-fix loop (shapely Point + pyproj transform to RD New); return (s per fix, mismatches)."""
    to_rd = Transformer.from_crs(4326, 28992, always_xy=True)
    lat, lon = centres
    cx, cy = to_rd.transform(lon, lat)
    _, _, truth = GEOD.inv(
        fixes.lon[:sample], fixes.lat[:sample], lon[fixes.subject_id[:sample]], lat[fixes.subject_id[:sample]]
    )
    wrong = 0
    start = time.perf_counter()
    for i in range(sample):
        x, y = to_rd.transform(fixes.lon[i], fixes.lat[i])
        k = fixes.subject_id[i]
        distance = shapely.Point(x, y).distance(shapely.Point(cx[k], cy[k]))
        wrong += (distance <= 5000.0) != (truth[i] <= 5000.0)
    return (time.perf_counter() - start) / sample, int(wrong)


def postgis(fixes: FixBatch, centres, engine_inside: np.ndarray) -> dict[str, object]:
    """Load zones and fixes into PostGIS and time ST_DWithin + ST_Distance on geography."""
    try:
        import psycopg

        with psycopg.connect(f"{PG_DSN}/postgres", autocommit=True, connect_timeout=5) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone():
                admin.execute(f"CREATE DATABASE {PG_DB}")
        conn = psycopg.connect(f"{PG_DSN}/{PG_DB}", autocommit=True)
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except Exception as exc:  # noqa: BLE001 - any failure here means "no PostGIS to compare with"
        return {"skipped": f"PostGIS unavailable ({type(exc).__name__}: {str(exc).strip().splitlines()[0]})"}
    with conn:
        return _postgis_run(conn, fixes, centres, engine_inside)


def _postgis_run(conn, fixes: FixBatch, centres, engine_inside: np.ndarray) -> dict[str, object]:
    lat, lon = centres
    conn.execute("DROP TABLE IF EXISTS bench_fix, bench_zone, bench_result")
    conn.execute("CREATE TABLE bench_zone (subject int PRIMARY KEY, centre geography(Point, 4326), radius float8)")
    conn.execute("CREATE TABLE bench_fix (id int, subject int, geog geography(Point, 4326))")
    start = time.perf_counter()
    with conn.cursor().copy("COPY bench_zone FROM STDIN") as copy:
        copy.write(_ewkt_rows(np.arange(len(lat)), lon, lat, extra=np.full(len(lat), 5000.0)))
    with conn.cursor().copy("COPY bench_fix FROM STDIN") as copy:
        copy.write(_ewkt_rows(fixes.subject_id, fixes.lon, fixes.lat, ids=True))
    conn.execute("ANALYZE bench_zone")
    conn.execute("ANALYZE bench_fix")
    copy_s = time.perf_counter() - start
    conn.execute("SET max_parallel_workers_per_gather = 0")  # one core, like the engine
    start = time.perf_counter()
    conn.execute(
        "CREATE UNLOGGED TABLE bench_result AS SELECT f.id, ST_DWithin(f.geog, z.centre, z.radius) AS inside, "
        "ST_Distance(f.geog, z.centre) AS dist FROM bench_fix f JOIN bench_zone z USING (subject)"
    )
    query_s = time.perf_counter() - start
    rows = conn.execute("SELECT id, inside FROM bench_result ORDER BY id").fetchall()
    inside = np.array([r[1] for r in rows], dtype=bool)
    version = conn.execute("SELECT postgis_lib_version()").fetchone()[0]
    conn.execute("DROP TABLE bench_fix, bench_zone, bench_result")
    return {
        "copy_s": copy_s,
        "query_s": query_s,
        "mismatches": int((inside != engine_inside).sum()),
        "version": version,
    }


def _ewkt_rows(key, lon, lat, extra=None, ids=False) -> str:
    # Python floats (not numpy scalars) print the shortest repr that round-trips.
    key, lon, lat = key.tolist(), lon.tolist(), lat.tolist()
    if ids:
        lines = (f"{i}\t{key[i]}\tSRID=4326;POINT({lon[i]!r} {lat[i]!r})\n" for i in range(len(lon)))
    else:
        extra = extra.tolist()
        lines = (f"{key[i]}\tSRID=4326;POINT({lon[i]!r} {lat[i]!r})\t{extra[i]!r}\n" for i in range(len(lon)))
    return "".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small CI-sized run (< 60 s)")
    parser.add_argument("--no-postgis", action="store_true", help="skip the PostGIS comparison")
    args = parser.parse_args()
    size = SIZES["quick" if args.quick else "full"]
    rng = np.random.default_rng(20260329)
    load_before = os.getloadavg()
    warm_start = time.process_time()
    compiled.warm_up()
    warm_cpu_s = time.process_time() - warm_start

    zones, fixes, centres = circle_data(size["zones"], size["fixes"], rng)
    n = len(fixes)
    build_s, index = best_of(1, lambda: ZoneIndex(zones))
    rows = [
        ("circle zones / fixes", f"{len(zones):,} / {n:,} (0-15 km from centre, 3-30 m accuracy)"),
        ("zone index build", f"{build_s:.2f} s"),
        ("compiled kernel warm-up", f"{warm_cpu_s:.2f} s CPU (compiled, or loaded from numba's cache)"),
    ]
    ref = reference(index, fixes, centres)
    engine_cpu, engine_rows = _engine_rows(index, fixes, ref)
    rows += engine_rows
    rows += _engine_extras(index, fixes)
    rows += _other_ways(fixes, centres, ref, engine_cpu, size)
    if args.no_postgis:
        rows.append(("PostGIS", "skipped (--no-postgis)"))
    else:
        rows += _postgis_rows(fixes, centres, ref["inside"], engine_cpu)
    rows += _polygon_rows(size, rng)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    rows.append(("machine", f"{machine}, numpy {np.__version__}, numba {_numba_version()}"))
    rows.append(("load average before / after", f"{load_before[0]:.1f} / {os.getloadavg()[0]:.1f}"))
    _print_table(rows)


def _engine_rows(index: ZoneIndex, fixes: FixBatch, ref: dict) -> tuple[float, list[tuple[str, str]]]:
    """Time each kernel and check its results against Geod.inv; return (default kernel's CPU s, rows)."""
    n, rows, cpu_of = len(fixes), [], {}
    near = ref["distance"] <= 7000.0
    for kernel in sorted(KERNELS):  # "compiled" first
        cpu, wall, result = best_cpu_of(3, lambda kernel=kernel: evaluate(index, fixes, kernel=kernel))
        cpu_of[kernel] = cpu
        wrong = {k: int((getattr(result, k) != ref[k]).sum()) for k in VERDICT_FIELDS}
        err = np.abs(result.centre_distance_m - ref["distance"])
        rows += [
            (
                f"engine, {kernel} kernel (best of 3)",
                f"**{n / cpu:,.0f} fixes/s** CPU ({cpu:.3f} s; wall {wall:.3f} s)",
            ),
            (
                f"{kernel}: mismatches vs Geod.inv",
                ", ".join(f"{k} {v}" for k, v in wrong.items()) + f" (of {n:,})",
            ),
            (
                f"{kernel}: distance error vs Geod.inv",
                f"max {err[near].max() * 1e3:.6f} mm within 7 km, {err.max() * 1e3:.6f} mm overall",
            ),
        ]
    if len(cpu_of) == 2:
        rows.append(("compiled kernel vs numpy kernel", f"{cpu_of['numpy'] / cpu_of['compiled']:.2f}x"))
    else:
        rows.append(("compiled kernel", "not measured: numba is not installed"))
    return cpu_of.get("compiled", cpu_of["numpy"]), rows


def _engine_extras(index: ZoneIndex, fixes: FixBatch) -> list[tuple[str, str]]:
    """Return the default kernel's peak memory and single-fix latency."""
    traced_mb, rss_mb = peak_memory(lambda: evaluate(index, fixes))
    latencies = []
    for i in range(2000):
        start = time.perf_counter()
        evaluate_fix(
            index, int(fixes.subject_id[i]), float(fixes.t[i]), fixes.lat[i], fixes.lon[i], fixes.accuracy_m[i]
        )
        latencies.append(time.perf_counter() - start)
    return [
        ("engine peak memory", f"{traced_mb:.0f} MB traced (tracemalloc), maxrss +{rss_mb:.0f} MB"),
        (
            "one-fix call (evaluate_fix)",
            f"median {statistics.median(latencies) * 1e6:.0f} µs, p99 {np.percentile(latencies, 99) * 1e6:.0f} µs",
        ),
    ]


def _other_ways(fixes: FixBatch, centres, ref: dict, engine_cpu: float, size: dict) -> list[tuple[str, str]]:
    """Return rows for vectorised Geod.inv, numpy haversine and the naive loop, each beside the engine."""
    n = len(fixes)
    hav_cpu, hav = haversine(fixes, centres)
    near = ref["distance"] <= 7000.0
    sample = min(size["naive"], n)
    per_fix, wrong = naive(fixes, centres, sample)
    return [
        (
            "pyproj Geod.inv, vectorised (distance only)",
            f"{n / ref['geod_cpu_s']:,.0f} fixes/s CPU; engine ÷ this {ref['geod_cpu_s'] / engine_cpu:.1f}x",
        ),
        (
            "numpy haversine (sphere, distance only)",
            f"{n / hav_cpu:,.0f} fixes/s CPU; engine ÷ this {hav_cpu / engine_cpu:.2f}x; "
            f"inside wrong on {int(((hav <= 5000.0) != ref['inside']).sum()):,} fixes, "
            f"error up to {np.abs(hav - ref['distance'])[near].max():.1f} m within 7 km",
        ),
        (
            "naive loop (Point + RD transform)",
            f"{per_fix * 1e6:.1f} µs/fix, timed on {sample:,} fixes; engine ÷ this {per_fix * n / engine_cpu:.0f}x",
        ),
        ("naive inside mismatches (RD scale)", f"{wrong} of {sample:,} sampled"),
    ]


def _postgis_rows(fixes: FixBatch, centres, inside: np.ndarray, engine_cpu: float) -> list[tuple[str, str]]:
    pg = postgis(fixes, centres, inside)
    if "skipped" in pg:
        return [("PostGIS", str(pg["skipped"]))]
    n = len(fixes)
    return [
        (f"PostGIS {pg['version']} COPY + ANALYZE", f"{pg['copy_s']:.2f} s"),
        (
            "PostGIS ST_DWithin + ST_Distance",
            f"{pg['query_s']:.2f} s = {n / pg['query_s']:,.0f} fixes/s (wall, 1 worker, results into a table); "
            f"engine ÷ this {pg['query_s'] / engine_cpu:.1f}x",
        ),
        ("PostGIS inside mismatches vs Geod.inv", f"{pg['mismatches']}"),
    ]


def _polygon_rows(size: dict, rng: np.random.Generator) -> list[tuple[str, str]]:
    pzones, pfixes = polygon_data(size["polygons"], size["polygon_fixes"], rng)
    pbuild_s, pindex = best_of(1, lambda: ZoneIndex(pzones))
    poly_s, _ = best_of(2, lambda: evaluate(pindex, pfixes))
    return [
        ("polygon zones / fixes", f"{len(pzones)} x 300 vertices (~10 km) / {len(pfixes):,}"),
        ("polygon index build", f"{pbuild_s:.2f} s"),
        ("polygon evaluate (shapely)", f"{poly_s:.2f} s = {len(pfixes) / poly_s:,.0f} fixes/s"),
    ]


def _numba_version() -> str:
    try:
        import numba
    except ImportError:
        return "not installed"
    return numba.__version__


def _print_table(rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"| {'measure'.ljust(width)} | figure |")
    print(f"| {'-' * width} | ------ |")
    for key, value in rows:
        print(f"| {key.ljust(width)} | {value} |")


if __name__ == "__main__":
    main()
