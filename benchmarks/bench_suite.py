"""Benchmark the notebook suite: one city's report end to end, and the nbval run.

Targets (issue 7): the whole suite for one city in <= 60 s, the nbval run in <= 90 s, on 2 cores.

    RESILIENCE_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_suite.py [--city NAME]
        [--skip-nbval] [--skip-report] [--jobs N]

Prints per-notebook times of each report run (the first run of a fresh machine also fills the
library's disk cache; later runs show the warm time), the wall time including HTML export,
and the wall time of ``pytest --nbval`` on ``notebooks/``, with the load average so that
numbers from a busy machine can be read as such.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _load() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"
    except OSError:  # pragma: no cover
        return f"{os.cpu_count()} cores"


def bench_report(city: str, jobs: int | None, runs: int) -> list[float]:
    import resilience_analytics as ra

    ra.settings.progress = False
    walls = []
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as out:
        for i in range(runs):
            start = time.perf_counter()
            rep = ra.report.run_report(city, out=out, jobs=jobs, progress=False)
            wall = time.perf_counter() - start
            walls.append(wall)
            print(f"report {rep.city} run {i + 1}: {wall:.1f} s wall, "
                  f"{sum(rep.seconds.values()):.1f} s of notebook time, jobs={jobs or 'auto'}")
            for nb, s in rep.seconds.items():
                print(f"    {nb:32s} {s:6.1f} s")
            size = sum(p.stat().st_size for p in Path(rep.path).rglob("*") if p.is_file())
            print(f"    report folder: {len(list(Path(rep.path).rglob('*')))} files, "
                  f"{size / 1e6:.1f} MB")
    return walls


def bench_nbval() -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "notebooks", "-q", "-p", "no:cacheprovider"],
        cwd=REPO, capture_output=True, text=True,
    )
    wall = time.perf_counter() - start
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-300:]
    print(f"pytest --nbval notebooks/: {wall:.1f} s wall, exit {proc.returncode}: {last}")
    return wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", default="The Hague")
    parser.add_argument("--jobs", type=int, default=None, help="notebooks run at once")
    parser.add_argument("--runs", type=int, default=1, help="report runs")
    parser.add_argument("--skip-report", action="store_true")
    parser.add_argument("--skip-nbval", action="store_true")
    args = parser.parse_args()
    print(_load())
    if not args.skip_report:
        walls = bench_report(args.city, args.jobs, args.runs)
        best = min(walls[1:] or walls)
        print(f"suite for one city (best run): {best:.1f} s; target <= 60 s: "
              f"{'met' if best <= 60 else 'NOT met'}")
    if not args.skip_nbval:
        wall = bench_nbval()
        print(f"nbval: {wall:.1f} s; target <= 90 s: {'met' if wall <= 90 else 'NOT met'}")
    print(_load())
    return 0


if __name__ == "__main__":
    sys.exit(main())
