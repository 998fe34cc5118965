"""Benchmark the composite-indicator engine (not a test): prints sizes, times and ratios.

1. ASEM (51 units, 49 indicators) under COINr's sensitivity-vignette assumptions
   (winsorisation limit 1-5; min-max 1-100 or z-score 10/2; 25 % noise on the weights at
   levels 2 and 3 drawn into 100 weight sets; arithmetic or geometric mean): time per
   replication of the batched engine, against COINr 1.1.14's 85-90 ms per replication and
   against re-running this package's own Python pipeline (Coin.regen) per replication.
2. The city framework over every gazetteer city (34,006): 1,000 replications.
3. Total and first-order Sobol indices for ASEM with bootstrap intervals (90 %), at COINr's
   N = 200 and at N = 1024, next to COINr's published totals.

Run: RESILIENCE_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_composite.py
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

import resilience_analytics as ra
from resilience_analytics.composite import build_example_coin, city_coin, sensitivity, uncertainty
from resilience_analytics.composite.city import CITY_UNCERTAINTY

COINR_MS_PER_REP = 85.0  # COINr 1.1.14, ASEM, vignette assumptions (lower end of 85-90 ms)
COINR_ST = {"aggregation": 0.61, "normalisation": 0.28, "weights": 0.15, "winmax": 0.05}
VIGNETTE = dict(
    winmax=[1, 2, 3, 4, 5],
    normalisation=[{"method": "minmax", "l_u": (1, 100)}, {"method": "zscore", "m_sd": (10, 2)}],
    aggregation=["arithmetic", "geometric"],
    weight_noise={2: 0.25, 3: 0.25},
    n_weight_sets=100,
)


def main(quick: bool = False) -> None:
    ra.settings.progress = False
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()}")
    coin = build_example_coin()
    print(f"\n1. ASEM: {len(coin.data['Raw'])} units, {len(coin.indicator_codes)} indicators, "
          f"{coin.n_levels} levels")
    uncertainty(coin, n=20, seed=1, **VIGNETTE)  # warm-up (imports)
    for n in (1000,) if quick else (1000, 10_000):
        t = time.perf_counter()
        ua = uncertainty(coin, n=n, **VIGNETTE)
        wall = time.perf_counter() - t
        ms = 1000 * wall / n
        print(f"   batched: {n:>6} replications in {wall:6.2f} s -> {ms:.3f} ms/replication "
              f"(engine {1000 * ua.seconds / n:.3f} ms); COINr {COINR_MS_PER_REP:.0f} ms -> "
              f"{COINR_MS_PER_REP / ms:,.0f}x faster")
    # naive: re-run the Python pipeline per replication (what COINr does)
    rng = np.random.default_rng(0)
    reps = 10 if quick else 30
    t = time.perf_counter()
    for _ in range(reps):
        norm = VIGNETTE["normalisation"][rng.integers(2)]
        coin.regen({
            "treat": {"winmax": int(rng.integers(1, 6))},
            "normalise": {"method": norm["method"],
                          **{k: v for k, v in norm.items() if k != "method"}},
            "aggregate": {"method": ["arithmetic", "geometric"][rng.integers(2)]},
        })
    naive = 1000 * (time.perf_counter() - t) / reps
    print(f"   naive Coin.regen per replication: {naive:.1f} ms/replication")

    print("\n2. City framework over the gazetteer")
    t = time.perf_counter()
    exposure = ra.hazards.exposure()
    print(f"   ra.hazards.exposure(): {exposure.shape[0]:,} cities in "
          f"{time.perf_counter() - t:.1f} s (cached after the first run)")
    t = time.perf_counter()
    cc = city_coin(exposure)
    print(f"   build the city index (treat, normalise, aggregate): "
          f"{time.perf_counter() - t:.2f} s")
    n_city = 200 if quick else 1000
    t = time.perf_counter()
    ua = uncertainty(cc, n=n_city, **CITY_UNCERTAINTY)
    wall = time.perf_counter() - t
    print(f"   {n_city} replications x {len(ua.scores):,} cities: {wall:.1f} s total "
          f"(engine incl. ranks {ua.seconds:.1f} s; target 60 s for 1,000 on 2 cores)")
    print(f"   median 90 % rank interval width: "
          f"{float((ua.rank_stats['q95'] - ua.rank_stats['q05']).median()):.0f} ranks")

    print("\n3. Sobol indices, ASEM, output = mean absolute rank change of the Index "
          "(COINr's target), 90 % bootstrap intervals")
    for n in (200,) if quick else (200, 1024):
        t = time.perf_counter()
        sa = sensitivity(coin, n=n, num_resamples=1000, **VIGNETTE)
        wall = time.perf_counter() - t
        print(f"   N = {n} ({len(sa.output)} replications, {wall:.1f} s):")
        print("   assumption       S1 [90 % CI]            ST [90 % CI]            COINr ST")
        for name, r in sa.indices.iterrows():
            print(f"   {name:<14} {r['S1']:6.3f} [{r['S1_low']:6.3f}, {r['S1_high']:6.3f}]"
                  f"   {r['ST']:6.3f} [{r['ST_low']:6.3f}, {r['ST_high']:6.3f}]"
                  f"   {COINR_ST[name]:.2f}")


if __name__ == "__main__":
    main(quick="--quick" in sys.argv)
