"""CPU time and children of processes on this machine, read from /proc (Linux), for the benchmarks."""

import os
from pathlib import Path


def children(pid: int) -> list[int]:
    """Return the ids of the process's children (gunicorn's workers)."""
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def cpu_seconds(pids: list[int]) -> float:
    """Return the user and system CPU seconds the processes have used (those gone since count nothing)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total
