"""The engine runs on numpy, shapely and pyproj alone: nothing of Django or the project is imported."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "engine_standalone.py"


def test_engine_judges_fixes_without_importing_django_or_the_project():
    result = subprocess.run([sys.executable, "-I", str(SCRIPT)], capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "imported nothing but numpy, shapely, pyproj" in result.stdout


def test_engine_judges_fixes_with_the_numpy_kernel_where_numba_is_missing():
    command = [sys.executable, "-I", str(SCRIPT), "--without-numba"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "(numpy kernel)" in result.stdout
    assert "numba" not in result.stdout
