"""Benchmark of the coast, tsunami, sea-level and heat columns (issue 13) for all cities.

Prints sizes, wall and CPU seconds per hazard — cold (empty cache folder, nothing loaded) and
from the exposure cache — peak memory, and, as the anchor measured in the same run, the
coast distance of a sample of cities by brute force (numpy haversine from each city to every
densified coastline vertex) against the k-d tree query for the same cities.

Run::

    RESILIENCE_DATA_DIR=../shared/data python benchmarks/bench_coastal.py [--sample 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile

from bench_hazards import Clock  # same wall/CPU timer (run as a script: benchmarks/ on path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=200)
    args = ap.parse_args()
    os.environ.setdefault("RESILIENCE_CACHE_DIR", tempfile.mkdtemp(prefix="bench-coastal-"))
    import numpy as np

    import resilience_analytics as ra
    from resilience_analytics import coast, hazards, heat, sealevel, tsunami

    cities = ra.cities.load_cities()
    lat, lon = cities["latitude"].to_numpy(), cities["longitude"].to_numpy()
    print(f"cities: {len(cities):,}")
    with Clock() as c:
        co = coast.coastal(lat, lon)
    print(f"coast    cold {c.wall:6.1f} s wall {c.cpu:6.1f} s CPU  "
          f"({len(coast._coast_vertices()):,} coastline vertices)")
    is_coastal = co["coastal"].to_numpy()
    with Clock() as c:
        t = tsunami.tsunami_exposure(lat, lon, coastal=is_coastal)
    print(f"tsunami  cold {c.wall:6.1f} s wall {c.cpu:6.1f} s CPU  "
          f"({int((t['ts_events_observed'] > 0).sum()):,} cities with an observed tsunami)")
    with Clock() as c:
        s = sealevel.sea_level_trend(lat, lon, coastal=is_coastal)
    print(f"sealevel cold {c.wall:6.1f} s wall {c.cpu:6.1f} s CPU  "
          f"({int(s['slr_trend_mm_yr'].notna().sum()):,} cities with a gauge)")
    with Clock() as c:
        h = heat.heat_indicators()
    print(f"heat     cold {c.wall:6.1f} s wall {c.cpu:6.1f} s CPU  ({len(h)} cities)")
    hz = ["tsunami", "coast", "sealevel", "heat"]
    with Clock() as c:
        hazards.exposure(None, hazards=hz)
    print(f"exposure (derived products in memory) {c.wall:6.1f} s wall")
    with Clock() as c:
        hazards.exposure(None, hazards=hz)
    print(f"exposure from the cache               {c.wall:6.2f} s wall")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")

    # anchor: brute force over all vertices for a sample of cities
    rng = np.random.default_rng(0)
    idx = rng.choice(len(lat), size=min(args.sample, len(lat)), replace=False)
    v = np.radians(coast._coast_vertices())
    with Clock() as brute:
        out = []
        for i in idx:
            p1, l1 = np.radians(lat[i]), np.radians(lon[i])
            a = (np.sin((v[:, 0] - p1) / 2) ** 2
                 + np.cos(p1) * np.cos(v[:, 0]) * np.sin((v[:, 1] - l1) / 2) ** 2)
            out.append(2 * hazards.EARTH_RADIUS_KM * np.arcsin(np.sqrt(a.min())))
    with Clock() as tree:
        chord, _ = coast._coast_tree().query(hazards._rad(lat[idx], lon[idx]), k=1)
    d_tree = hazards._arc_km(chord)
    print(f"anchor: {len(idx)} cities, brute force {brute.wall:.2f} s, k-d tree "
          f"{tree.wall * 1000:.1f} ms (x{brute.wall / max(tree.wall, 1e-9):,.0f}); "
          f"max difference {np.max(np.abs(np.array(out) - d_tree)):.2e} km; brute force for "
          f"all cities ~{brute.wall / len(idx) * len(lat) / 60:.0f} min")


if __name__ == "__main__":
    main()
