"""Private spherical-geometry helpers shared by the hazard modules (no project imports).

Points are 3-D unit vectors; a scikit-learn BallTree over them with the chord (Euclidean)
metric returns the same neighbours as ``metric="haversine"`` (the chord c and the
great-circle distance d are tied by d = 2 R asin(c / 2), a monotone map) and runs about ten
times faster (``benchmarks/bench_hazards.py``). Kept below the data and analysis layers so
that catalogue loaders and hazard models can use them without importing
:mod:`resilience_analytics.hazards`.
"""

from __future__ import annotations

from typing import Any

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Great-circle distance in km (haversine formula, broadcasting; degrees in)."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _rad(lat: Any, lon: Any) -> Any:
    """Points as 3-D unit vectors (the name is historical: positions on the unit sphere)."""
    import numpy as np

    la = np.radians(np.asarray(lat, float))
    lo = np.radians(np.asarray(lon, float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _tree(lat: Any, lon: Any):
    """BallTree over unit vectors with the chord (Euclidean) metric.

    The chord c and the great-circle distance d are tied exactly by d = 2 R asin(c / 2), a
    monotone map: radius and nearest-neighbour queries return the same points as a
    ``metric="haversine"`` tree, with great-circle distances recovered exactly, and run
    about ten times faster (no trigonometry inside the tree). See ``benchmarks/bench_hazards.py``.
    """
    from sklearn.neighbors import BallTree

    return BallTree(_rad(lat, lon), leaf_size=40)


def _chord(r_km: Any) -> Any:
    import numpy as np

    return 2.0 * np.sin(np.minimum(np.asarray(r_km, float) / EARTH_RADIUS_KM, np.pi) / 2.0)


def _arc_km(chord: Any) -> Any:
    import numpy as np

    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord) / 2.0, 0.0, 1.0))


def _pairs(tree, query_xyz: Any, r_km: Any) -> tuple[Any, Any, Any]:
    """Radius query → flat (query index, tree index, great-circle distance km) arrays."""
    import numpy as np

    ind, dist = tree.query_radius(query_xyz, r=_chord(r_km), return_distance=True)
    lens = np.fromiter((len(i) for i in ind), dtype=np.int64, count=len(ind))
    q = np.repeat(np.arange(len(ind), dtype=np.int64), lens)
    if lens.sum() == 0:
        return q, np.empty(0, np.int64), np.empty(0, float)
    return q, np.concatenate(ind).astype(np.int64), _arc_km(np.concatenate(dist))


def _group_max(keys: Any, values: Any, n: int) -> Any:
    import numpy as np

    out = np.full(n, -np.inf)
    ok = ~np.isnan(values)
    np.maximum.at(out, keys[ok], values[ok])
    out[np.isneginf(out)] = np.nan
    return out
