"""Distance to the sea and the ``coastal`` flag, from Natural Earth 1:10m vectors.

The coast is the Natural Earth 10m coastline (``ne_10m_coastline``, NE 4.0.0), which — unlike
the GLOBE land mask it replaces — draws the Caspian Sea as sea: Natural Earth puts the Caspian
in its ocean polygon and in its coastline, not in its lakes (PROVENANCE.md of
``natural_earth_vectors``). Lakes, including the Great Lakes, are not coast.

Method (vectorised, no loop over cities):

1. every coastline LineString is densified (:func:`shapely.segmentize`) so that consecutive
   vertices are at most :data:`DENSIFY_DEG` = 0.009° apart — ≤ 1.0 km in any direction, because
   a degree of longitude is never longer than a degree of latitude; the ~1.6 million vertices
   are turned into 3-D unit vectors and put in a k-d tree (:class:`scipy.spatial.cKDTree`),
   cached on disk as ``.npy`` keyed by the file's sha256;
2. the distance of a point is the great-circle length of the chord to its nearest vertex
   (``d = 2 R asin(c / 2)``, exact on the sphere, R = 6,371.0088 km). Because the vertices are
   ≤ 1.0 km apart, this over-estimates the distance to the coastline polyline by at most
   0.5 km (at the shore; ``sqrt(d² + 0.25) - d`` km at distance d), on top of the 1:10m
   generalisation of the coastline itself;
3. a point inside the Natural Earth ocean polygon (at sea, including the Caspian) gets
   distance 0, so a point in the open ocean, at the North Pole (in the Arctic Ocean) or on the
   antimeridian has a defined answer; the South Pole is on Antarctica and gets its distance to
   the Antarctic coast.

``coastal`` uses the city's Natural Earth 1:50m urban area where one contains the city point:
the urban area is coastal when its polygon comes within ``coastal_km`` of the coastline (0 when
it touches it), so the centre of a port city that lies inland of its own waterfront (Los
Angeles, Rotterdam) is coastal because its built-up area reaches the sea. Where no urban area
contains the point (most of the 34,006 gazetteer cities: NE 1:50m has 2,143 urban polygons),
the city point's own distance is used.

Examples
--------
>>> from resilience_analytics import coast
>>> d = coast.coast_distance_km([40.41, 40.42], [49.87, -3.70])  # doctest: +SKIP
>>> bool(d[0] < 10), bool(d[1] > 250)  # Baku (Caspian), Madrid  # doctest: +SKIP
(True, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _io, datasets, settings
from ._validate import check_positive
from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "DATASET",
    "DEFAULT_COASTAL_KM",
    "DENSIFY_DEG",
    "coast_distance_km",
    "coastal",
    "coastal_flags",
    "in_ocean",
    "urban_area_of",
]

#: Registered data set holding the Natural Earth layers.
DATASET = "natural_earth_vectors"
_COASTLINE = "ne_10m_coastline.geojson"
_OCEAN = "ne_10m_ocean.geojson"
_URBAN = "ne_50m_urban_areas.geojson"

#: Largest spacing of the coastline vertices after densification, degrees (≤ 1.0 km).
DENSIFY_DEG = 0.009

#: Default distance (km) under which a city (its urban area, else its point) is coastal.
DEFAULT_COASTAL_KM = 10.0

_MEMO: dict[str, Any] = {}


def _unit(lat: Any, lon: Any) -> np.ndarray:
    from ._geo import _rad

    return _rad(lat, lon)


def _arc(chord: Any) -> np.ndarray:
    from ._geo import _arc_km

    return _arc_km(chord)


def _check_points(lat: Any, lon: Any) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    try:
        la = np.atleast_1d(np.asarray(lat, dtype=float))
        lo = np.atleast_1d(np.asarray(lon, dtype=float))
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"lat/lon must be numbers in degrees, got {lat!r}, {lon!r}") from exc
    if la.shape != lo.shape:
        raise ParameterError(f"lat and lon must have the same shape, got {la.shape} and {lo.shape}")
    bad = ~(np.isfinite(la) & np.isfinite(lo) & (np.abs(la) <= 90) & (np.abs(lo) <= 180))
    if bad.any():
        i = int(np.nonzero(bad)[0][0])
        raise ParameterError(
            f"{int(bad.sum())} point(s) have invalid coordinates, first ({la[i]}, {lo[i]}); "
            "accepted: latitude in [-90, 90], longitude in [-180, 180], finite"
        )
    return la, lo


def _read_layer(filename: str):
    return datasets.read(DATASET, filename)


def _derived(stem: str, filename: str, build) -> np.ndarray:
    """Array derived from a Natural Earth file, cached in memory and as .npy keyed by sha256."""
    import numpy as np

    entry = datasets.get(DATASET).file(filename)
    path = settings.get_cache_dir() / "hazards" / f"{stem}_{entry.sha256[:16]}.npy"
    key = str(path)
    if key not in _MEMO:
        # a truncated or corrupt cache file is discarded (with a CacheWarning) and rebuilt
        arr = _io.read_cache(path, lambda p: np.load(p, allow_pickle=False))
        if arr is None:
            arr = build()
            _io.atomic_write(path, lambda tmp: np.save(tmp, arr))
        _MEMO[key] = arr
    return _MEMO[key]


def _coast_vertices() -> np.ndarray:
    """(n, 2) lat/lon of the densified 10m coastline vertices (float64)."""

    def build():
        import numpy as np
        import shapely

        g = _read_layer(_COASTLINE)
        geoms = shapely.segmentize(g.geometry.to_numpy(), DENSIFY_DEG)
        xy = shapely.get_coordinates(geoms)
        if len(xy) == 0:
            raise DataFileError(f"{DATASET}/{_COASTLINE} has no coastline vertices")
        return np.column_stack([xy[:, 1], xy[:, 0]])

    return _derived("ne10m_coast_vertices", _COASTLINE, build)


def _coast_tree():
    key = "coast_tree"
    if key not in _MEMO:
        from scipy.spatial import cKDTree

        v = _coast_vertices()
        _MEMO[key] = cKDTree(_unit(v[:, 0], v[:, 1]))
    return _MEMO[key]


def _ocean_parts():
    key = "ocean_parts"
    if key not in _MEMO:
        import shapely

        g = _read_layer(_OCEAN)
        # used only for point-in-polygon tests, which do not need a make_valid pass (slow on
        # this 444,000-vertex polygon)
        parts = shapely.get_parts(g.geometry.to_numpy())
        parts = parts[shapely.area(parts) > 0]
        for p in parts:
            shapely.prepare(p)
        _MEMO[key] = parts
    return _MEMO[key]


def in_ocean(lat: Any, lon: Any) -> np.ndarray:
    """Return whether points lie in the Natural Earth 10m ocean polygon (Caspian included).

    Points on the polygon boundary count as in the ocean (``intersects``), so the North Pole
    (on the polygon's top edge) is at sea.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    ParameterError
        For coordinates outside [-90, 90] × [-180, 180] or not finite.

    Examples
    --------
    >>> from resilience_analytics import coast
    >>> coast.in_ocean([42.0, 90.0, 40.42], [51.0, 0.0, -3.70]).tolist()  # doctest: +SKIP
    [True, True, False]
    """
    import numpy as np
    import shapely

    la, lo = _check_points(lat, lon)
    # -180 and 180 are one meridian, but the polygon closes its edge at +180 only
    lo = np.where(lo == -180.0, 180.0, lo)
    out = np.zeros(len(la), bool)
    for part in _ocean_parts():
        out |= shapely.intersects_xy(part, lo, la)
    return out


def coast_distance_km(lat: Any, lon: Any) -> np.ndarray:
    """Return the great-circle distance (km) from points to the Natural Earth 10m coastline.

    Nearest densified coastline vertex (≤ 1.0 km spacing: over-estimate ≤ 0.5 km) on the
    sphere, and 0 for points at sea (inside the Natural Earth ocean polygon, which holds the
    Caspian). See the module docstring for the method.

    Parameters
    ----------
    lat, lon : array-like
        Degrees (latitude in [-90, 90], longitude in [-180, 180]; -180 and 180 are the same
        meridian).

    Returns
    -------
    numpy.ndarray
        km, float64, same length as the input.

    Raises
    ------
    ParameterError
        For coordinates outside the accepted ranges, not finite, or of different shapes.

    Examples
    --------
    >>> from resilience_analytics import coast
    >>> d = coast.coast_distance_km([40.41, 51.92, 40.42], [49.87, 4.48, -3.70])  # doctest: +SKIP
    >>> [bool(d[0] < 10), bool(d[1] < 30), bool(d[2] > 250)]  # doctest: +SKIP
    [True, True, True]
    >>> coast.coast_distance_km([91.0], [0.0])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: 1 point(s) have invalid coordinates, ...
    """
    la, lo = _check_points(lat, lon)
    chord, _ = _coast_tree().query(_unit(la, lo), k=1)
    dist = _arc(chord)
    dist[in_ocean(la, lo)] = 0.0
    return dist


def _urban_polygons():
    key = "urban_polygons"
    if key not in _MEMO:
        import shapely

        g = _read_layer(_URBAN)
        geoms = g.geometry.to_numpy()
        invalid = ~shapely.is_valid(geoms)
        if invalid.any():  # repaired, never dropped
            geoms = geoms.copy()
            geoms[invalid] = shapely.make_valid(geoms[invalid])
        _MEMO[key] = (geoms, shapely.STRtree(geoms))
    return _MEMO[key]


def _urban_coast_km() -> np.ndarray:
    """Distance (km) from each NE 50m urban-area polygon to the coastline (0 if touching)."""

    def build():
        import numpy as np
        import shapely

        geoms, _ = _urban_polygons()
        n = len(geoms)
        # boundary vertices densified like the coastline, each tagged with its polygon
        rings = shapely.segmentize(shapely.boundary(geoms), DENSIFY_DEG)
        parts = shapely.get_parts(rings, return_index=True)
        xy, idx = shapely.get_coordinates(parts[0], return_index=True)
        owner = parts[1][idx]
        chord, _ = _coast_tree().query(_unit(xy[:, 1], xy[:, 0]), k=1)
        d = np.full(n, np.inf)
        np.minimum.at(d, owner, _arc(chord))
        # polygons crossing the coastline touch the sea (their boundary vertices are then
        # within 0.5 km anyway; this makes it exactly 0)
        lines = _read_layer(_COASTLINE).geometry.to_numpy()
        hit = shapely.STRtree(lines).query(geoms, predicate="intersects")[0]
        d[np.unique(hit)] = 0.0
        return d

    return _derived("ne50m_urban_coast_km", _URBAN, build)


def urban_area_of(lat: Any, lon: Any) -> np.ndarray:
    """Return the index of the NE 1:50m urban-area polygon containing each point, or -1.

    Where polygons overlap (rare) the first one in file order is taken.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.

    Returns
    -------
    numpy.ndarray of int64
        Row number in ``ne_50m_urban_areas.geojson``; -1 where no urban area contains the point.

    Examples
    --------
    >>> from resilience_analytics import coast
    >>> int(coast.urban_area_of([0.0], [-30.0])[0])  # mid-Atlantic  # doctest: +SKIP
    -1
    """
    import numpy as np
    import shapely

    la, lo = _check_points(lat, lon)
    geoms, tree = _urban_polygons()
    pts = shapely.points(lo, la)
    pi, gi = tree.query(pts, predicate="within")
    out = np.full(len(la), -1, np.int64)
    order = np.lexsort((gi, pi))
    pi, gi = pi[order], gi[order]
    first = np.r_[True, pi[1:] != pi[:-1]] if len(pi) else np.empty(0, bool)
    out[pi[first]] = gi[first]
    return out


def coastal(lat: Any, lon: Any, coastal_km: float = DEFAULT_COASTAL_KM,
            *, point_km: np.ndarray | None = None) -> pd.DataFrame:
    """Return the coast distance of points and of their urban areas, and the ``coastal`` flag.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.
    coastal_km : float, default 10
        A city is coastal when its urban area (where a NE 1:50m urban area contains the city
        point), else the point itself, lies within this distance of the coastline. 10 km is
        about the radius of a 300 km² urban area — the built-up area of a city of a few
        hundred thousand people — so a city whose edge is within one urban radius of the
        sea counts as coastal.
    point_km : numpy.ndarray, optional
        Already computed :func:`coast_distance_km` of the points (saves one query).

    Returns
    -------
    pandas.DataFrame
        Columns ``coast_distance_km`` (point), ``coast_urban_area_km`` (urban area containing
        the point; NA when none), ``coastal`` (bool).

    Raises
    ------
    ParameterError
        For ``coastal_km`` ≤ 0 or invalid coordinates.

    Examples
    --------
    >>> from resilience_analytics import coast
    >>> t = coast.coastal([34.05, 40.42], [-118.24, -3.70])  # Los Angeles, Madrid  # doctest: +SKIP
    >>> t["coastal"].tolist()  # doctest: +SKIP
    [True, False]
    >>> coast.coastal([0.0], [0.0], coastal_km=0)
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: coastal_km must be a finite number > 0, got 0
    """
    import numpy as np
    import pandas as pd

    check_positive("coastal_km", coastal_km)
    la, lo = _check_points(lat, lon)
    d_point = coast_distance_km(la, lo) if point_km is None else np.asarray(point_km, float)
    ua = urban_area_of(la, lo)
    d_urban = np.full(len(la), np.nan)
    has = ua >= 0
    d_urban[has] = _urban_coast_km()[ua[has]]
    # an urban area is never farther from the sea than the point it contains
    d_urban[has] = np.minimum(d_urban[has], d_point[has])
    basis = np.where(has, d_urban, d_point)
    return pd.DataFrame({
        "coast_distance_km": d_point,
        "coast_urban_area_km": d_urban,
        "coastal": basis <= coastal_km,
    })


def coastal_flags(lat: Any, lon: Any, coastal_given: Any = None) -> np.ndarray:
    """Return one boolean per city: the flags given, checked, or :func:`coastal` computed.

    Used by the hazards that only concern coastal cities (tsunami, sea level).

    Parameters
    ----------
    lat, lon : array-like
        Degrees, one value per city.
    coastal_given : array-like of bool, optional
        Precomputed flags (e.g. the hazard table's ``coastal`` column).

    Returns
    -------
    numpy.ndarray of bool

    Raises
    ------
    ParameterError
        If the flags given are not one per city.

    Examples
    --------
    >>> from resilience_analytics.coast import coastal_flags
    >>> coastal_flags([52.1, 50.4], [4.3, 30.5], [True, False]).tolist()
    [True, False]
    >>> coastal_flags([52.1], [4.3], [True, False])
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: coastal has 2 values for 1 cities; give one per city
    """
    import numpy as np

    lat = np.atleast_1d(np.asarray(lat, float))
    lon = np.atleast_1d(np.asarray(lon, float))
    n = len(lat)
    if coastal_given is None:
        coastal_given = coastal(lat, lon)["coastal"].to_numpy()
    flags = np.asarray(coastal_given, bool)
    if flags.shape != (n,):
        raise ParameterError(f"coastal has {flags.size} values for {n} cities; give one per city")
    return flags
