"""Audit the pinned requirements for known vulnerabilities with pip-audit, and say plainly what was checked.

pip-audit prints "No known vulnerabilities found" and exits 0 even when it
could not look a single package up (an index without PyPI's per-version JSON
API, or no route to the vulnerability service). This script reads its JSON
report instead and tells three outcomes apart:

    exit 0  every pinned package was checked, none has a known vulnerability
    exit 1  a known vulnerability was found (always fails)
    exit 2  could not check some or all packages (fails unless --allow-unchecked)

Usage: python scripts/audit_dependencies.py [--service pypi|osv] [--allow-unchecked]
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements.txt"


def run_pip_audit(service: str, timeout_s: int) -> tuple[dict | None, str]:
    """Run pip-audit on requirements.txt; return its JSON report (None if it failed) and its stderr."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "audit.json"
        command = [sys.executable, "-m", "pip_audit", "-r", str(REQUIREMENTS), "--no-deps"]
        command += ["--vulnerability-service", service, "--timeout", str(timeout_s), "--progress-spinner", "off"]
        command += ["--format", "json", "--output", str(report)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)  # noqa: S603
        if not report.exists() or not report.read_text().strip():
            return None, done.stderr
        return json.loads(report.read_text()), done.stderr


def summarise(report: dict) -> tuple[list[dict], list[dict], list[dict]]:
    """Split the report's packages into (checked, vulnerable, unchecked)."""
    deps = report.get("dependencies", [])
    unchecked = [d for d in deps if "skip_reason" in d]
    checked = [d for d in deps if "skip_reason" not in d]
    vulnerable = [d for d in checked if d.get("vulns")]
    return checked, vulnerable, unchecked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--timeout", type=int, default=15, help="seconds per request to the service")
    parser.add_argument("--allow-unchecked", action="store_true", help="exit 0 when the service cannot be reached")
    args = parser.parse_args(argv)
    started = time.monotonic()
    report, stderr = run_pip_audit(args.service, args.timeout)
    elapsed = time.monotonic() - started
    if report is None:
        last = stderr.strip().splitlines()[-1] if stderr.strip() else "no output"
        return could_not_check(f"pip-audit produced no report ({last})", args.allow_unchecked, elapsed)
    checked, vulnerable, unchecked = summarise(report)
    for dep in vulnerable:
        ids = ", ".join(v["id"] for v in dep["vulns"])
        print(f"VULNERABLE {dep['name']}=={dep['version']}: {ids}")
    print(
        f"audit via {args.service}: {len(checked)} packages checked, {len(vulnerable)} vulnerable, "
        f"{len(unchecked)} not checked, in {elapsed:.0f} s"
    )
    if vulnerable:
        return 1
    if unchecked:
        reason = unchecked[0]["skip_reason"]
        names = ", ".join(d["name"] for d in unchecked[:5]) + (" ..." if len(unchecked) > 5 else "")
        return could_not_check(f"{len(unchecked)} packages not checked ({names}): {reason}", args.allow_unchecked)
    print("OK: no known vulnerabilities in any pinned package")
    return 0


def could_not_check(why: str, allowed: bool, elapsed: float | None = None) -> int:
    took = f" after {elapsed:.0f} s" if elapsed is not None else ""
    print("!" * 78)
    print(f"COULD NOT CHECK for known vulnerabilities{took}: {why}")
    print("This is not a pass: the vulnerability service could not be asked about these packages.")
    print("!" * 78)
    return 0 if allowed else 2


if __name__ == "__main__":
    sys.exit(main())
