"""bench/worker_profile.py: py-spy samples of live processes, split by the step functions on their stacks."""

import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from worker_profile import WorkerProfile, split  # noqa: E402 - bench/ is not a package

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
            "main (work.py:1);inner (other/work.py:3)": 20,  # another module's function of that name
            "main (work.py:1);inner (work.py.bak:3)": 5,
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
