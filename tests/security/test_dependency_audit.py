"""The audit script tells "no known vulnerabilities" from "could not check"; pip-audit alone does not."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CHECKED = {"name": "django", "version": "5.2.19", "vulns": []}
VULNERABLE = {"name": "oldlib", "version": "1.0", "vulns": [{"id": "PYSEC-2099-1", "fix_versions": ["1.1"]}]}
SKIPPED = {"name": "six", "version": "1.17.0", "skip_reason": "Dependency not found on PyPI and could not be audited"}


@pytest.fixture
def report(monkeypatch):
    def give(deps, stderr=""):
        monkeypatch.setattr(audit, "run_pip_audit", lambda service, timeout: (deps, stderr))

    return give


def test_every_package_checked_and_clean_is_0(report, capsys):
    report({"dependencies": [CHECKED]})
    assert audit.main([]) == 0
    assert "OK: no known vulnerabilities" in capsys.readouterr().out


def test_a_known_vulnerability_is_1_even_when_unchecked_is_allowed(report, capsys):
    report({"dependencies": [CHECKED, VULNERABLE, SKIPPED]})
    assert audit.main(["--allow-unchecked"]) == 1
    assert "VULNERABLE oldlib==1.0: PYSEC-2099-1" in capsys.readouterr().out


def test_packages_the_service_could_not_answer_for_are_not_a_pass(report, capsys):
    report({"dependencies": [CHECKED, SKIPPED]})
    assert audit.main([]) == 2
    out = capsys.readouterr().out
    assert "COULD NOT CHECK" in out and "1 packages not checked (six)" in out
    assert "OK" not in out


def test_unchecked_may_be_allowed_but_is_still_said_loudly(report, capsys):
    report({"dependencies": [SKIPPED]})
    assert audit.main(["--allow-unchecked"]) == 0
    assert "COULD NOT CHECK" in capsys.readouterr().out


def test_no_report_at_all_is_could_not_check(report, capsys):
    report(None, "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'")
    assert audit.main(["--service", "osv"]) == 2
    assert "api.osv.dev" in capsys.readouterr().out
