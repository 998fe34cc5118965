"""Urban agglomerations: one peer per agglomeration, represented by its largest city.

GeoNames lists districts and suburbs of large cities as cities of their own (Tokyo's wards,
Kyiv's Pechersk); they share the focal city's hazards by construction and crowd out real peers.
Rule (stated, :func:`agglomerations`):

1. ``rule="urban_area"`` (default): cities whose centre lies inside the same Natural Earth 1:50m
   urban-area polygon (``natural_earth_vectors/ne_50m_urban_areas.geojson``; Natural Earth's
   urban areas are derived from the MODIS 500 m global urban extent, Schneider et al., 2009,
   *Environ. Res. Lett.* 4: 044003) form one agglomeration.
2. Every other city (and every city under ``rule="distance"``) joins the agglomeration of the
   nearest *larger* city whose centre lies within ``radius_km`` (default 25 km), taking cities
   from the largest down; otherwise it is an agglomeration of its own.
3. An agglomeration is represented by its largest city (``representative``); peers are chosen
   among representatives only, and never from the focal city's own agglomeration.

If the urban-area file is not available, rule 2 is applied to every city and
``attrs["note"]`` says so.

Examples
--------
>>> import pandas as pd
>>> from resilience_analytics.peers.agglomeration import agglomerations
>>> t = pd.DataFrame({"latitude": [50.0, 50.05, 52.0], "longitude": [4.0, 4.0, 4.0],
...                   "population": [900_000, 50_000, 20_000]},
...                  index=pd.Index([1, 2, 3], name="city_id"))
>>> agglomerations(t, rule="distance")["representative"].tolist()
[1, 1, 3]
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .._validate import check_choice
from ..errors import DataNotFoundError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RULES", "agglomerations"]

RULES = ("urban_area", "distance", "none")
EARTH_RADIUS_KM = 6371.0088
_URBAN_FILE = ("natural_earth_vectors", "ne_50m_urban_areas.geojson")
_CACHE: dict = {}


@lru_cache(maxsize=1)
def _urban_polygons():
    """Return the urban-area geometries, or (None, reason)."""
    from .. import datasets

    try:
        path = datasets.get_path(*_URBAN_FILE)
    except (ParameterError, DataNotFoundError, FileNotFoundError) as exc:
        return None, f"urban areas unavailable ({str(exc)[:120]})"
    import geopandas as gpd

    return gpd.read_file(path).geometry.to_numpy(), ""


def _unit_vectors(lat, lon):
    import numpy as np

    la, lo = np.radians(lat), np.radians(lon)
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def agglomerations(table: pd.DataFrame, *, rule: str = "urban_area",
                   radius_km: float = 25.0) -> pd.DataFrame:
    """Assign every city of ``table`` to an urban agglomeration.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``city_id``, with ``latitude``, ``longitude`` and ``population``.
    rule : {"urban_area", "distance", "none"}
        See the module docstring; ``"none"``: every city is its own agglomeration.
    radius_km : float, default 25
        Distance rule: join the nearest larger city within this distance.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``table``: ``representative`` (``city_id`` of the agglomeration's largest
        city), ``how`` ("urban area", "within 25 km of a larger city", "own") and
        ``is_representative``. ``attrs["note"]`` records the rule.

    Raises
    ------
    ParameterError
        Unknown rule, ``radius_km`` not a number >= 0, or missing coordinate/population columns.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"latitude": [0.0, 0.1], "longitude": [0.0, 0.0],
    ...                   "population": [10, 20]}, index=pd.Index([5, 6], name="city_id"))
    >>> agglomerations(t, rule="distance", radius_km=5)["how"].tolist()
    ['own', 'own']
    >>> agglomerations(t, rule="distance", radius_km=20)["representative"].tolist()
    [6, 6]
    """
    import numpy as np
    import pandas as pd
    from scipy.spatial import cKDTree

    check_choice("rule", rule, RULES)
    try:
        r = float(radius_km)
    except (TypeError, ValueError):
        r = float("nan")
    if not r >= 0:
        raise ParameterError(f"radius_km must be a number >= 0, got {radius_km!r}")
    need = {"latitude", "longitude", "population"}
    if rule != "none" and not need <= set(table.columns):
        raise ParameterError(
            f"agglomeration rule {rule!r} needs columns {sorted(need)}; missing "
            f"{sorted(need - set(table.columns))}. Use agglomeration='none'"
        )
    ids = table.index.to_numpy(dtype="int64")
    n = len(ids)
    if rule == "none":
        out = pd.DataFrame({"representative": ids, "how": "own", "is_representative": True},
                           index=table.index)
        out.attrs["note"] = "no agglomeration rule: every city stands for itself"
        return out
    lat = table["latitude"].to_numpy(dtype=float, na_value=np.nan)
    lon = table["longitude"].to_numpy(dtype=float, na_value=np.nan)
    pop = table["population"].to_numpy(dtype=float, na_value=0.0)
    key = (rule, r, n, hash(ids.tobytes()), hash(lat.tobytes()), hash(lon.tobytes()),
           hash(pop.tobytes()))
    if key in _CACHE:
        return _CACHE[key].copy()
    order = np.lexsort((ids, -pop))  # largest first, then by id
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    rep = np.full(n, -1, dtype=np.int64)  # row of the representative
    how = np.array(["own"] * n, dtype=object)
    note = f"rule {rule!r}: "
    ok = ~(np.isnan(lat) | np.isnan(lon))
    if rule == "urban_area":
        geoms, why = _urban_polygons()
        if geoms is None:
            note = f"{why}; distance rule for every city: "
        else:
            import shapely

            pts = shapely.points(np.where(ok, lon, 0.0), np.where(ok, lat, 0.0))
            pi, gi = shapely.STRtree(geoms).query(pts, predicate="within")
            keep = ok[pi]
            pi, gi = pi[keep], gi[keep]
            # the largest city in each polygon represents it (a city in two polygons: first)
            first_poly = np.full(n, -1, dtype=np.int64)
            srt = np.lexsort((gi, pi))
            pi, gi = pi[srt], gi[srt]
            uniq = np.r_[True, pi[1:] != pi[:-1]]
            first_poly[pi[uniq]] = gi[uniq]
            inside = np.flatnonzero(first_poly >= 0)
            poly = first_poly[inside]
            best: dict[int, int] = {}
            for row in inside[np.argsort(rank[inside], kind="stable")]:
                best.setdefault(int(first_poly[row]), int(row))
            rep[inside] = [best[int(p)] for p in poly]
            how[inside] = "urban area"
            note = ("Natural Earth 1:50m urban areas, then the distance rule "
                    f"({r:g} km) for cities outside them: ")
    if r > 0:
        xyz = _unit_vectors(np.where(ok, lat, 0.0), np.where(ok, lon, 0.0))
        tree = cKDTree(xyz)
        chord = 2 * np.sin(r / EARTH_RADIUS_KM / 2)
        todo = np.flatnonzero((rep < 0) & ok)
        parent = np.full(n, -1, dtype=np.int64)
        kq = min(32, n)
        dd, ii = tree.query(xyz[todo], k=kq, distance_upper_bound=chord)
        dd, ii = dd.reshape(len(todo), kq), ii.reshape(len(todo), kq)
        found = ii < n
        larger = found & (rank[np.where(found, ii, 0)] < rank[todo][:, None])
        has = larger.any(axis=1)
        first = np.argmax(larger, axis=1)  # neighbours come nearest first
        parent[todo[has]] = ii[has, first[has]]
        # the rare city with kq smaller neighbours all within r: search all of them
        for row in todo[~has & found[:, -1]]:
            cand = [c for c in tree.query_ball_point(xyz[row], chord) if rank[c] < rank[row]]
            if cand:
                parent[row] = cand[int(np.argmax(xyz[cand] @ xyz[row]))]
        how[parent >= 0] = f"within {r:g} km of a larger city"
        # follow parents (always larger, so chains end) to the representative
        for row in order:
            if parent[row] >= 0:
                p_ = parent[row]
                rep[row] = rep[p_] if rep[p_] >= 0 else p_
    own = rep < 0
    rep[own] = np.flatnonzero(own)
    out = pd.DataFrame({"representative": ids[rep], "how": how,
                        "is_representative": rep == np.arange(n)}, index=table.index)
    out["how"] = out["how"].astype("string")
    out.attrs["note"] = (note + "each agglomeration is represented by its largest city")
    if len(_CACHE) > 8:  # a few tables per session; bound the memory
        _CACHE.clear()
    _CACHE[key] = out
    return out.copy()
