"""Execution time and peak memory of every chapter, each on a fresh kernel, one at a time.

Run with ``make time-notebooks`` (or ``python benchmarks/notebooks.py [NOTEBOOK ...]``). Each
chapter runs in its own subprocess on a copy (the committed notebook is not touched); the peak
memory is the largest resident set of that subprocess's children, i.e. the kernel. The budget is
60 s and 1 GB per chapter on Binder (one core); the script exits with status 1 past either.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S, BUDGET_MB = 60.0, 1024.0

RUN_ONE = r"""
import resource, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
path = Path(sys.argv[1])
nb = nbformat.read(path, as_version=4)
client = NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=False,
                        resources={"metadata": {"path": str(path.parent)}})
t0 = time.perf_counter()
client.execute()
wall = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"{wall:.1f} {peak_mb:.0f}")
"""


def main(argv):
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
    ok, total = True, 0.0
    print(f"{'chapter':<40} {'time (s)':>9} {'peak (MB)':>10}")
    for path in paths:
        out = subprocess.run([sys.executable, "-c", RUN_ONE, str(path)], capture_output=True,
                             text=True, check=True).stdout.split()
        wall, peak = float(out[-2]), float(out[-1])
        total += wall
        flag = "" if wall < BUDGET_S and peak < BUDGET_MB else "  OVER BUDGET"
        ok &= not flag
        print(f"{path.name:<40} {wall:>9.1f} {peak:>10.0f}{flag}")
    print(f"{'all chapters, one after another':<40} {total:>9.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
