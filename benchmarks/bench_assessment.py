"""Time the self-assessment loader and profile on the fictional Example City templates.

Prints template sizes, the time to load a CSV and an XLSX template, to build a profile and
needs, and the XLSX/CSV ratio. Run: .venv/bin/python benchmarks/bench_assessment.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pandas as pd

from resilience_analytics import assessment as A


def best_of(fn, repeat=7):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    df = pd.read_csv(A.example_path("before"), dtype=str, keep_default_na=False)
    df["score"] = pd.to_numeric(df["score"]).astype("Int64")
    csv = A.write_template(tmp / "ex.csv", frame=df)
    xlsx = A.write_template(tmp / "ex.xlsx", frame=df)
    A.load_assessment(csv)  # warm the framework cache
    t_csv = best_of(lambda: A.load_assessment(csv))
    t_xlsx = best_of(lambda: A.load_assessment(xlsx))
    a = A.load_assessment(csv)
    t_prof = best_of(lambda: A.profile(a))
    t_needs = best_of(lambda: A.needs_from_gaps(a, n=3))
    t_write = best_of(lambda: A.write_template(tmp / "w.xlsx", frame=df), repeat=3)
    print(f"items: {len(df)}; csv {csv.stat().st_size} B; xlsx {xlsx.stat().st_size} B")
    print(f"load_assessment csv : {t_csv * 1e3:8.1f} ms")
    print(f"load_assessment xlsx: {t_xlsx * 1e3:8.1f} ms  (xlsx/csv = {t_xlsx / t_csv:.1f}x)")
    print(f"profile             : {t_prof * 1e3:8.1f} ms")
    print(f"needs_from_gaps     : {t_needs * 1e3:8.1f} ms")
    print(f"write_template xlsx : {t_write * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
