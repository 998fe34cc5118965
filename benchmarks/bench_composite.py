"""Benchmark the composite engine side by side with an anchor measured in the same run.

No remembered constants: COINr (R) is not installed here (Debian has no ``r-cran-coinr``; R
4.2.2 is present without COINr), so nothing is compared with a COINr figure. The anchor is this
package's PREVIOUS implementation (``--anchor REF``, default ``3b12ac5``, the engine before the
regen speed-ups), extracted with ``git archive`` into a temporary folder and timed in a
subprocess on the same machine, in the same run, with the same data and the same seed.

Measured, each reported with its N:

1. a full ``Coin.regen()`` of COINr's ASEM example (51 units, 49 indicators): median of
   ``--repeat`` calls, current vs anchor;
2. uncertainty per replication at N = 50 and N = 200 under COINr's sensitivity-vignette
   assumptions (winsorisation limit 1-5; min-max 1-100 or z-score 10/2; arithmetic or geometric
   mean; 25 % weight noise at levels 2 and 3), current vs anchor, plus the naive loop of one
   ``regen`` per replication (what a per-replication pipeline costs);
3. (``--city``) 1,000 replications of the city framework over 34,006 FICTIONAL cities
   (``city.example_exposure``: the gazetteer's size, random values), current only, with the
   anchor's time if it runs.

Run: RESILIENCE_DATA_DIR=/work/shared/data .venv/bin/python benchmarks/bench_composite.py
     [--quick] [--city] [--anchor REF]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

VIGNETTE = dict(
    winmax=[1, 2, 3, 4, 5],
    normalisation=[{"method": "minmax", "l_u": (1, 100)}, {"method": "zscore", "m_sd": (10, 2)}],
    aggregation=["arithmetic", "geometric"],
    weight_noise={2: 0.25, 3: 0.25},
    n_weight_sets=100,
)

# The measurement, run identically for the current code and for the anchor (prints JSON).
PROBE = r'''
import json, sys, time
import numpy as np
import resilience_analytics as ra
from resilience_analytics.composite import build_example_coin, uncertainty
ra.settings.progress = False
repeat, ns, city = int(sys.argv[1]), [int(v) for v in sys.argv[2].split(",")], sys.argv[3] == "1"
V = json.loads(sys.argv[4])
V["normalisation"] = [dict(d, **({"l_u": tuple(d["l_u"])} if "l_u" in d else {}),
                          **({"m_sd": tuple(d["m_sd"])} if "m_sd" in d else {}))
                      for d in V["normalisation"]]
V["weight_noise"] = {int(k): v for k, v in V["weight_noise"].items()}
out = {"file": ra.__file__}
coin = build_example_coin()
coin.regen()
ts = []
for _ in range(repeat):
    t = time.perf_counter(); coin.regen(); ts.append(time.perf_counter() - t)
out["regen_ms_median"] = 1000 * float(np.median(ts))
out["regen_ms_min"] = 1000 * float(np.min(ts))
uncertainty(coin, n=20, seed=1, **V)  # warm-up
for n in ns:
    best = []
    for _ in range(3):
        t = time.perf_counter(); uncertainty(coin, n=n, **V); best.append(time.perf_counter() - t)
    out[f"ua_ms_per_rep_N{n}"] = 1000 * float(np.median(best)) / n
rng = np.random.default_rng(0)
t = time.perf_counter()
for _ in range(20):
    norm = V["normalisation"][rng.integers(2)]
    coin.regen({"treat": {"winmax": int(rng.integers(1, 6))},
                "normalise": {"method": norm["method"],
                              **{k: v for k, v in norm.items() if k != "method"}},
                "aggregate": {"method": ["arithmetic", "geometric"][rng.integers(2)]}})
out["naive_regen_loop_ms_per_rep"] = 1000 * (time.perf_counter() - t) / 20
if city:
    from resilience_analytics.composite import city_coin
    from resilience_analytics.composite.city import CITY_UNCERTAINTY, example_exposure
    import warnings
    warnings.simplefilter("ignore")
    ex = example_exposure(34006, seed=0)
    t = time.perf_counter(); cc = city_coin(ex); out["city_build_s"] = time.perf_counter() - t
    t = time.perf_counter(); uncertainty(cc, n=1000, **CITY_UNCERTAINTY)
    out["city_1000_reps_s"] = time.perf_counter() - t
print("RESULT" + json.dumps(out))
'''


def _run(pythonpath: str, repeat: int, ns: list[int], city: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=pythonpath, OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    v = json.dumps(VIGNETTE)
    r = subprocess.run([sys.executable, "-c", PROBE, str(repeat), ",".join(map(str, ns)),
                        "1" if city else "0", v], env=env, capture_output=True, text=True,
                       timeout=3600, cwd=pythonpath)
    for line in r.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[6:])
    return {"error": (r.stderr or r.stdout)[-2000:]}


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    city = "--city" in argv
    ref = argv[argv.index("--anchor") + 1] if "--anchor" in argv else "3b12ac5"
    repeat = 20 if quick else 50
    ns = [50, 200]
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")
    print("COINr: not run (no r-cran-coinr in Debian, COINr not in the installed R); no ratio to "
          "a COINr figure is claimed")
    with tempfile.TemporaryDirectory() as tmp:
        arch = subprocess.run(["git", "-C", str(REPO), "archive", ref, "resilience_analytics"],
                              capture_output=True)
        if arch.returncode != 0:
            print(f"anchor {ref!r}: git archive failed: {arch.stderr.decode()[:300]}")
            anchor = {"error": "no anchor"}
        else:
            subprocess.run(["tar", "-x", "-C", tmp], input=arch.stdout, check=True)
            anchor = None
        results = {}
        # alternate current and anchor so that machine load hits both alike
        for label, path in (("current", str(REPO)), ("anchor", tmp)):
            if label == "anchor" and anchor is not None:
                results[label] = anchor
                continue
            t = time.perf_counter()
            results[label] = _run(path, repeat, ns, city)
            results[label]["wall_s"] = time.perf_counter() - t
    cur, anc = results["current"], results["anchor"]
    if "error" in cur:
        print("current failed:", cur["error"])
        return
    print(f"\nASEM (51 units, 49 indicators); anchor = git {ref} (previous implementation)")
    rows = [(f"full regen, median of {repeat} calls (ms)", "regen_ms_median"),
            ("full regen, fastest call (ms)", "regen_ms_min")]
    rows += [(f"uncertainty per replication, N = {n} (ms)", f"ua_ms_per_rep_N{n}") for n in ns]
    rows += [("naive loop: one regen per replication, N = 20 (ms)",
              "naive_regen_loop_ms_per_rep")]
    if city:
        rows += [("city framework, 34,006 fictional cities: build (s)", "city_build_s"),
                 ("city framework: 1,000 replications (s)", "city_1000_reps_s")]
    print(f"   {'measure':<58} {'current':>10} {'anchor':>10} {'anchor/current':>15}")
    for name, key in rows:
        c = cur.get(key)
        a = anc.get(key) if "error" not in anc else None
        ratio = f"{a / c:,.1f}x" if (a is not None and c) else "-"
        cs = f"{c:10.3f}" if c is not None else f"{'-':>10}"
        as_ = f"{a:10.3f}" if a is not None else f"{'-':>10}"
        print(f"   {name:<58} {cs} {as_} {ratio:>15}")
    if "error" in anc:
        print("   anchor did not run:", anc["error"].strip().splitlines()[-1][:200])
    print(f"   code timed: current {cur.get('file')}, anchor {anc.get('file', '-')}")
    print("   target: full regen <= 20 ms on ASEM (median above)")


if __name__ == "__main__":
    main(sys.argv[1:])
