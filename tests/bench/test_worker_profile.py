"""bench/worker_profile.py: py-spy samples of live processes split by step, and what PostgreSQL backends are doing."""

import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from tests.services import require_service

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from worker_profile import BackendWaits, WorkerProfile, split  # noqa: E402 - bench/ is not a package

STEPS = (
    ("outer", "work.py", "outer"),
    ("inner", "work.py", "inner"),
    ("elsewhere", "work.py", "elsewhere"),
)


def test_a_step_counts_the_samples_whose_stack_holds_it_nested_steps_in_their_parents_too():
    stacks = Counter(
        {
            "main (work.py:1);outer (work.py:5);inner (work.py:9)": 30,
            "main (work.py:1);outer (work.py:6)": 10,
            "main (work.py:1);inner (other/work.py:3)": 20,  # the same file with more of its path kept
            "main (work.py:1);inner (work.py.bak:3)": 5,  # another file whose name starts the same
            "main (work.py:2)": 35,
        }
    )

    found = split(stacks, 40.0, STEPS)

    assert found["samples"] == 100
    assert found["steps"]["outer"] == {"share": 0.4, "ms_per_1000_fixes": 16.0}
    # other/work.py ends in "/work.py" as py-spy shortens paths; work.py.bak does not.
    assert found["steps"]["inner"] == {"share": 0.5, "ms_per_1000_fixes": 20.0}
    assert found["steps"]["elsewhere"] == {"share": 0.0, "ms_per_1000_fixes": 0.0}


def test_sampling_a_running_process_finds_where_it_spends_its_time(tmp_path):
    (tmp_path / "work.py").write_text(
        textwrap.dedent(
            """
            import time

            def inner(n):
                return sum(i * i for i in range(n))

            def outer():
                while True:
                    inner(20_000)
                    spin_until = time.perf_counter() + 0.001
                    while time.perf_counter() < spin_until:
                        pass

            outer()
            """
        )
    )
    worker = subprocess.Popen([sys.executable, str(tmp_path / "work.py")], cwd=tmp_path)
    try:
        profile = WorkerProfile([worker.pid], rate=200, steps=STEPS)
        profile.start()
        time.sleep(2)
        found = profile.stop(10.0)
    finally:
        worker.kill()
        worker.wait()

    assert found["samples"] > 100
    assert found["steps"]["outer"]["share"] > 0.9
    assert 0.1 < found["steps"]["inner"]["share"] < found["steps"]["outer"]["share"]
    assert found["steps"]["elsewhere"]["share"] == 0.0


@pytest.mark.services
def test_the_backend_sampler_tells_a_lock_wait_from_an_open_transaction_and_leaves_idle_backends_out():
    require_service("PostgreSQL", "127.0.0.1", 5432)
    server = "host=127.0.0.1 user=postgres"
    database = "banwatch_test_backend_waits"
    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database}")
        admin.execute(f"CREATE DATABASE {database}")
    try:
        with (
            psycopg.connect(f"{server} dbname={database}") as holder,  # holds the lock in an open transaction
            psycopg.connect(f"{server} dbname={database}", autocommit=True) as waiter,
            psycopg.connect(f"{server} dbname={database}", autocommit=True),  # idle throughout: left out
        ):
            holder.execute("SELECT pg_advisory_xact_lock(4711)")
            blocked = threading.Thread(target=waiter.execute, args=("SELECT pg_advisory_lock(4711)",))
            blocked.start()
            _wait_for_a_lock_wait(f"{server} dbname=postgres", database)
            waits = BackendWaits(f"{server} dbname=postgres", database, interval=0.01)
            waits.start()
            time.sleep(0.6)
            found = waits.stop()
            holder.rollback()
            blocked.join(timeout=10)
    finally:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {database}")

    assert found["backends"] == 2
    assert found["samples"] > 40
    assert set(found["shares"]) == {"waiting for a lock (advisory)", "in a transaction, waiting for its worker"}
    assert 0.4 < found["shares"]["waiting for a lock (advisory)"] < 0.6


def _wait_for_a_lock_wait(dsn: str, database: str) -> None:
    query = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(200):
            if conn.execute(query, [database]).fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the second connection never waited for the lock")
