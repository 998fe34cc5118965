"""Benchmark peer search on the whole gazetteer (34,006 cities), real hazard table.

Prints sizes, times, peak memory and the ratio to scikit-learn's NearestNeighbors on the same
standardised matrix. Targets (issue 5): all-pairs top-10 <= 2 s and <= 2 GB on 2 cores, no slower
than scikit-learn; one city's peers <= 50 ms.

Run: RESILIENCE_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_peers.py
"""

from __future__ import annotations

import os
import resource
import statistics
import time
import tracemalloc

import numpy as np
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

import resilience_analytics as ra

CORES = 2
K = 10


def best_of(fn, repeat=5):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times), out


def main() -> None:
    ra.settings.progress = False
    print(f"cores available: {os.cpu_count()}, used: {CORES}; load average {os.getloadavg()}")
    table = ra.hazards.exposure()
    prep = ra.peers._prepare(table, None, None, "seuclidean")
    x = prep.x
    print(f"matrix: {x.shape[0]:,} cities x {x.shape[1]} features "
          f"({', '.join(prep.features)}), float64, {x.nbytes / 1e6:.1f} MB")

    with threadpool_limits(CORES):
        # --- all pairs, ours (cKDTree, blocked)
        tracemalloc.start()
        ours_min, ours_med, pairs = best_of(
            lambda: ra.peers.all_pairs(k=K, table=table, workers=CORES), repeat=5)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"ra.peers.all_pairs(k={K}) [incl. feature preparation and output frame]: "
              f"best {ours_min:.3f} s, median {ours_med:.3f} s; rows {len(pairs):,}; "
              f"peak traced memory {peak / 1e6:.0f} MB")

        # --- scikit-learn on the same matrix
        def sk():
            nn = NearestNeighbors(n_neighbors=K + 1, n_jobs=CORES).fit(x)
            return nn.kneighbors(x)

        sk_min, sk_med, (d_sk, i_sk) = best_of(sk, repeat=5)
        print(f"sklearn NearestNeighbors(n_neighbors={K + 1}, n_jobs={CORES}) fit+kneighbors: "
              f"best {sk_min:.3f} s, median {sk_med:.3f} s")
        print(f"ratio ours/sklearn (best): {ours_min / sk_min:.2f}  (median: "
              f"{ours_med / sk_med:.2f})")

        # --- agreement (distances; ids may differ among exact ties)
        d_ours = pairs["distance"].to_numpy().reshape(-1, K)
        # sklearn includes each point itself (distance 0) unless it has exact duplicates
        d_sk_wo = np.sort(d_sk, axis=1)[:, 1:]
        same = np.allclose(d_ours, d_sk_wo, atol=1e-9)
        print(f"top-{K} distances equal to sklearn's: {same}; cities with an exact duplicate "
              f"feature vector: {int((d_sk[:, 1] == 0).sum()):,}")

        # --- one city's peers: default table (prepared once per session), and a table passed
        # in (features prepared on every call)
        for name in ("The Hague", "Kyiv", "Tokyo", "Jakarta"):
            ra.peers.similar(name, k=K)  # warm (memberships, gazetteer, prepared matrix)
            b, m, _ = best_of(lambda n=name: ra.peers.similar(n, k=K), repeat=20)
            b2, m2, _ = best_of(lambda n=name: ra.peers.similar(n, k=K, table=table), repeat=10)
            print(f"ra.peers.similar({name!r}, k={K}): default table best {b * 1000:.1f} ms, "
                  f"median {m * 1000:.1f} ms; table= passed: best {b2 * 1000:.1f} ms, "
                  f"median {m2 * 1000:.1f} ms")
        b, m, _ = best_of(lambda: ra.peers.similar("The Hague", k=K, table=table,
                                                   metric="gower"), repeat=5)
        print(f"ra.peers.similar('The Hague', metric='gower'): best {b * 1000:.1f} ms, "
              f"median {m * 1000:.1f} ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (whole script, incl. hazard table and libraries): {rss:.0f} MB")


if __name__ == "__main__":
    main()
