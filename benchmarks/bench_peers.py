"""Benchmark peer search on the whole gazetteer (34,006 cities), real hazard table.

Side by side in the same run, on the same matrix (the default FeatureSpace coordinates):

* ``ra.peers.all_pairs(k=10)`` with the agglomeration rule (candidates: the agglomeration
  representatives; the own agglomeration dropped), against scikit-learn's
  ``NearestNeighbors(n_neighbors=k + 1).fit(candidates).kneighbors(all cities)`` (the anchor;
  it needs the same own-agglomeration filtering afterwards, done outside its timing) — and the
  top-10 distances of both are compared;
* one city's ``ra.peers.similar`` (target <= 50 ms), ``complementary``, ``all_complementary``
  (the fast path), ``stability`` and the default ``ra.typology.city_types`` search
  (target <= 10 s).

Targets (issue 15): all-pairs top-10 with the agglomeration rule <= 2 s and no slower than
scikit-learn; one city <= 50 ms.

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
    t = time.perf_counter()
    table = ra.peers.feature_table()
    print(f"hazard table (once per session): {time.perf_counter() - t:.2f} s")
    fs = ra.peers.feature_space(table)
    x = fs.x
    print(f"matrix: {x.shape[0]:,} cities x {x.shape[1]} features ({', '.join(fs.features)}), "
          f"float64, {x.nbytes / 1e6:.1f} MB; notes: {fs.notes or 'none'}")
    ra.peers.agglomeration._CACHE.clear()
    b, m, agg = best_of(lambda: (ra.peers.agglomeration._CACHE.clear(),
                                 ra.peers.agglomerations(table))[1], repeat=3)
    reps = np.flatnonzero(agg["is_representative"].to_numpy())
    group = table.index.get_indexer(agg["representative"].to_numpy())
    print(f"agglomerations ({agg.attrs['note']}): best {b:.3f} s, median {m:.3f} s; "
          f"{len(reps):,} representatives (cached per session after the first call)")

    with threadpool_limits(CORES):
        tracemalloc.start()
        ours_min, ours_med, pairs = best_of(
            lambda: ra.peers.all_pairs(k=K, workers=CORES), repeat=5)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"ra.peers.all_pairs(k={K}), agglomeration rule [incl. output frame]: "
              f"best {ours_min:.3f} s, median {ours_med:.3f} s; rows {len(pairs):,}; "
              f"peak traced memory {peak / 1e6:.0f} MB")

        def sk():
            nn = NearestNeighbors(n_neighbors=K + 1, n_jobs=CORES).fit(x[reps])
            return nn.kneighbors(x)

        sk_min, sk_med, (d_sk, i_sk) = best_of(sk, repeat=5)
        print(f"sklearn NearestNeighbors(n_neighbors={K + 1}, n_jobs={CORES}) fit(representatives)"
              f" + kneighbors(all): best {sk_min:.3f} s, median {sk_med:.3f} s")
        print(f"ratio ours/sklearn (best): {ours_min / sk_min:.2f}  (median: "
              f"{ours_med / sk_med:.2f})")
        # agreement: drop sklearn's own-agglomeration neighbour, compare the first K distances
        own = group[reps[i_sk]] == group[:, None]
        keep = np.argsort(own, axis=1, kind="stable")[:, :K]
        d_sk_k = np.take_along_axis(d_sk, keep, axis=1)
        d_ours = pairs["distance"].to_numpy().reshape(-1, K)
        print(f"top-{K} distances equal to sklearn's: {np.allclose(d_ours, d_sk_k, atol=1e-9)}")

        for name in ("The Hague", "Kyiv", "Tokyo", "Jakarta"):
            ra.peers.similar(name, k=K)  # warm (memberships, gazetteer, prepared matrix)
            b, m, _ = best_of(lambda n=name: ra.peers.similar(n, k=K), repeat=20)
            print(f"ra.peers.similar({name!r}, k={K}): best {b * 1000:.1f} ms, "
                  f"median {m * 1000:.1f} ms")
        ra.peers.complementary("Miami")
        b, m, _ = best_of(lambda: ra.peers.complementary("Miami", k=K), repeat=10)
        print(f"ra.peers.complementary('Miami', k={K}): best {b * 1000:.1f} ms, "
              f"median {m * 1000:.1f} ms")
        b, m, comp = best_of(lambda: ra.peers.all_complementary(K), repeat=1)
        print(f"ra.peers.all_complementary({K}) (fast path, pool 200): {b:.2f} s; "
              f"{comp['city_id'].nunique():,} cities with a peer, "
              f"{len(comp.attrs['none_in_pool'])} without one in the pool")
        b, m, _ = best_of(lambda: ra.peers.stability("The Hague", k=K), repeat=1)
        print(f"ra.peers.stability('The Hague'): {b:.2f} s")
        b, m, ty = best_of(lambda: ra.typology.city_types(), repeat=3)
        print(f"ra.typology.city_types() default search: best {b:.2f} s, median {m:.2f} s; "
              f"{ty.attrs['n_types']} types")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (whole script, incl. hazard table and libraries): {rss:.0f} MB")
    print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
