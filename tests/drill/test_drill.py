"""The quick detection drill (bench/drill.py --quick) on Redis: one test per scenario.

The drill runs once for the module, as a subprocess with its own stack (gunicorn, Celery workers and beat,
PostgreSQL database banwatch_drill_redis, Redis), in about 3 minutes. It runs under CI, or locally with
DRILL_TEST=1. Each test asserts that its scenario met every expectation: the police alerts it must produce
(type, change, count, verdict, priority band), no others, and the facts checked on them.

bench/drill_scenarios.py's KNOWN_OPEN lists the scenarios that fail on a detection fault whose fix is not in yet,
with the fault: they are expected to fail (xfail, not strict, so a fix turns them green without failing the run).
Take a scenario off that list when its fix lands; nothing else is marked.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import require_service

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from drill_scenarios import KNOWN_OPEN, all_scenarios, quick_scenarios  # noqa: E402 - bench/ is not a package

pytestmark = [pytest.mark.services, pytest.mark.slow]


def _marked(name: str):
    if name in KNOWN_OPEN:
        return pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_OPEN[name], strict=False))
    return name


@pytest.fixture(scope="module")
def drill_report(tmp_path_factory) -> dict:
    if not (os.environ.get("CI") or os.environ.get("DRILL_TEST")):
        pytest.skip("the drill takes about 3 minutes: it runs under CI, or with DRILL_TEST=1")
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    out = tmp_path_factory.mktemp("drill") / "drill.json"
    command = [sys.executable, str(REPO / "bench" / "drill.py"), "--quick", "--queue", "redis", "--json", str(out)]
    # The drill's stack runs with production settings: nothing of this test process's set-up may leak into it
    # (the browser tests allow Django's async-unsafe calls, which the deploy checks rightly refuse).
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")}
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    if not out.exists():
        pytest.fail(f"the drill did not finish (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    print(done.stdout)
    return json.loads(out.read_text())


@pytest.fixture(scope="module")
def drill_rows(drill_report) -> dict[str, dict]:
    return {row["name"]: row for row in drill_report["rows"]}


def test_known_open_names_only_scenarios():
    names = {s.name for s in all_scenarios()}
    assert set(KNOWN_OPEN) <= names, set(KNOWN_OPEN) - names


def test_stories_stay_short_and_near_now():
    for scenario in all_scenarios():
        assert scenario.steps, scenario.name
        assert scenario.duration <= 120, f"{scenario.name}: a long story makes the whole drill long"
        for step in scenario.steps:
            ahead = getattr(step, "t", step.sent) - step.sent
            assert -600 <= ahead <= 330, f"{scenario.name}: event time {ahead:+g} s from sending"


def test_quick_drill_covers_every_group():
    assert {s.group for s in quick_scenarios()} == {s.group for s in all_scenarios()}


@pytest.mark.parametrize("name", [_marked(s.name) for s in quick_scenarios()])
def test_scenario_meets_its_expectations(drill_rows, name):
    row = drill_rows[name]
    assert (row["missed"], row["extra"], row["failures"]) == (0, 0, []), "\n".join(row["failures"])


def test_metrics_after_the_drill_tell_what_happened(drill_report):
    """/metrics read by a scraper after the drill, held against what the drill sent and received."""
    metrics, sent, delivered = drill_report["metrics"], drill_report["sent"], drill_report["delivered"]
    assert "error" not in metrics, metrics
    assert metrics['banwatch_fixes_total{result="accepted"}'] == sent["accepted"] > 0
    assert metrics.get('banwatch_fixes_total{result="rejected"}', 0) == sent["rejected"]
    for kind, incidents in delivered["incidents_by_type"].items():
        assert metrics[f'banwatch_incidents_opened_total{{type="{kind}"}}'] >= incidents, kind
    assert metrics["banwatch_evaluation_lag_seconds{}"] >= 0
    assert metrics["banwatch_alert_latency_seconds_gcount{}"] == delivered["with_fix_time"] > 0
    assert metrics['banwatch_alert_latency_seconds_bucket{le="+Inf"}'] == delivered["with_fix_time"]
    assert metrics['banwatch_alert_latency_seconds_bucket{le="0.5"}'] <= delivered["with_fix_time"]
    assert (metrics["banwatch_alerts_pending{}"], metrics["banwatch_alerts_undelivered{}"]) == (0, 0)
    assert 0 <= metrics["banwatch_zone_catalogue_age_seconds{}"] < 600
    for queue in ("delivery", "default", "ingest"):
        assert 0 <= metrics[f'banwatch_canary_age_seconds{{queue="{queue}"}}'] < 120, queue
