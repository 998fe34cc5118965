"""Tsunami exposure of cities from where tsunamis were actually observed (NCEI runups).

The old rule counted tsunami *sources* within 300 km of a city, so far-field tsunamis vanished
(Chennai and Galle had no 2004 tsunami) and the height was the event's maximum anywhere
(Anchorage got the 51.8 m of Valdez). Here a city's tsunami history is built from the NCEI
runup database (NGDC/WDS Global Historical Tsunami Database, doi:10.7289/V5PN93H7): the
places where each tsunami's water was observed, with the water height measured *there*.

Rules (every threshold is an argument):

* an observation counts for a city when it lies within ``radius_km`` (default 50 km,
  great-circle / haversine) of the city point and the city is coastal
  (:func:`resilience_analytics.coast.coastal`). 50 km is chosen because the observation
  points of a metropolitan waterfront lie up to ~35 km from the city's GeoNames centre
  (Los Angeles centre to the San Pedro / Long Beach harbour), while the next independent
  stretch of coast is farther (Anchorage – Whittier 82 km, – Valdez 191 km);
* observations flagged doubtful (``?``), deep-ocean gauges (DART, measurement type 3, in the
  open ocean) and observations of source events with NCEI validity below ``min_validity``
  (default 3 = probable or definite) or missing from the event table are left out;
* near- and far-field alike: the distance to the *source* plays no role;
* the window is ``since_year``–2016 (the runup file ends in 2016).

Per city: ``ts_events_observed`` (distinct source events observed near the city in the
window), ``ts_rate_per_century`` (that count per 100 years of window; the record is
incomplete — small tsunamis on sparsely populated coasts and before the tide-gauge era
(~1900) are under-reported, so rates are lower bounds), ``ts_max_height_m`` (largest water
height observed *near the city*), ``ts_deaths_near`` (deaths recorded at those observation
points; a sum over rows, which double-counts where location rows overlap), ``ts_level`` and the
supporting ``ts_runups_near`` (observations counted).

``ts_level`` classes follow the Japan Meteorological Agency's tsunami-height categories
(JMA 2013 warning system: Tsunami Advisory up to 1 m, Tsunami Warning 1–3 m, Major Tsunami
Warning above 3 m) applied to the *observed* maximum height in the window: "high" ≥ 3 m,
"medium" 1–3 m, "low" any observed tsunami below 1 m (or of unreported height), "very low"
none observed. ThinkHazard classifies tsunami hazard from *modelled* run-up heights at fixed
return periods (GFDRR ThinkHazard! methods); these classes are from a ~117-year observed
record instead and are a lower bound where the record is short or the coast sparsely
observed.

Examples
--------
>>> import pandas as pd
>>> from resilience_analytics import tsunami
>>> obs = pd.DataFrame({"event_id": [1, 1, 2], "year": [2004, 2004, 1960],
...                     "latitude": [13.05, 13.10, 13.0], "longitude": [80.28, 80.30, 80.27],
...                     "water_height_m": [1.5, 4.0, 0.3], "deaths": [10.0, 0.0, None]})
>>> t = tsunami.tsunami_exposure([13.08], [80.27], observations=obs, coastal=[True])
>>> r = t.iloc[0]
>>> int(r.ts_events_observed), float(r.ts_max_height_m), float(r.ts_deaths_near), r.ts_level
(2, 4.0, 10.0, 'high')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import catalogs, datasets
from ._validate import check_choice, check_positive, require_columns
from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_RADIUS_KM",
    "DEFAULT_SINCE_YEAR",
    "LAST_YEAR",
    "LEVELS",
    "LEVEL_THRESHOLDS_M",
    "runup_observations",
    "tsunami_exposure",
    "tsunami_level",
]

#: Default distance (km) from the city point within which an observation counts.
DEFAULT_RADIUS_KM = 50.0
#: Default first year of the window (start of the instrumental / tide-gauge era).
DEFAULT_SINCE_YEAR = 1900
#: Last year of the NCEI runup file.
LAST_YEAR = 2016
#: Ordered hazard levels (ThinkHazard wording).
LEVELS = ("very low", "low", "medium", "high")
#: Observed water height (m) from which a city is "medium" / "high" (JMA 2013 categories).
LEVEL_THRESHOLDS_M = {"medium": 1.0, "high": 3.0}

def _event_validity() -> pd.DataFrame:
    """event_id -> NCEI validity for every source event, with or without a location."""
    import pandas as pd

    name, fname = "ncei_tsunami_events_1750_2023", "ncei_tsunami_events_1750_2023.csv"
    raw = datasets.read(name, fname)
    require_columns(raw, ["Id", "Tsunami Event Validity"], f"{name}/{fname}")
    ev = pd.DataFrame({
        "event_id": pd.to_numeric(raw["Id"], errors="coerce"),
        "validity": pd.to_numeric(raw["Tsunami Event Validity"], errors="coerce"),
    }).dropna()
    return ev.drop_duplicates("event_id").astype({"event_id": "int64"})


def runup_observations(*, since_year: int = DEFAULT_SINCE_YEAR,
                       min_validity: int = 3) -> pd.DataFrame:
    """Return the runup observations used for city tsunami exposure, with their event validity.

    Parameters
    ----------
    since_year : int, default 1900
        First year kept (the file ends in 2016).
    min_validity : int, default 3
        Lowest NCEI source-event validity kept (3 probable, 4 definite).

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`ra.catalogs.tsunami_runups` plus ``validity``; doubtful rows,
        deep-ocean gauges and rows whose event is missing or below ``min_validity`` removed
        (counts in ``attrs["filtering"]``).

    Raises
    ------
    ParameterError
        For ``min_validity`` outside -1…4 or a non-integer ``since_year``.

    Examples
    --------
    >>> from resilience_analytics import tsunami
    >>> obs = tsunami.runup_observations()  # doctest: +SKIP
    >>> int(obs["year"].min()) >= 1900  # doctest: +SKIP
    True
    """
    _check_year(since_year)
    check_choice("min_validity", min_validity, list(catalogs.TSUNAMI_VALIDITY))
    ru = catalogs.tsunami_runups()
    n0 = len(ru)
    ru = ru.merge(_event_validity(), on="event_id", how="left")
    in_window = ru["year"].between(since_year, LAST_YEAR)
    doubtful = ru["doubtful"].eq("?")
    offshore = ru["measurement_type"].isin(list(catalogs.RUNUP_OFFSHORE_TYPES)).fillna(False)
    no_event = ru["validity"].isna()
    low = ru["validity"] < min_validity
    keep = in_window & ~doubtful & ~offshore & ~no_event & ~low
    out = ru.loc[keep].reset_index(drop=True)
    out.attrs["filtering"] = {
        "rows": n0, "outside_window": int((~in_window).sum()),
        "doubtful": int((in_window & doubtful).sum()),
        "deep_ocean_gauge": int((in_window & ~doubtful & offshore).sum()),
        "event_missing_from_event_table": int((in_window & ~doubtful & ~offshore & no_event).sum()),
        "event_validity_below_min": int((in_window & ~doubtful & ~offshore & low).sum()),
        "kept": int(keep.sum()), "since_year": since_year, "last_year": LAST_YEAR,
        "min_validity": min_validity,
    }
    return out


def _check_year(value: Any) -> int:
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (
            -2000 <= value <= LAST_YEAR):
        raise ParameterError(
            f"since_year must be an integer year from -2000 to {LAST_YEAR}, got {value!r}")
    return int(value)


def tsunami_level(max_height_m: Any, events: Any) -> pd.Categorical:
    """Return ThinkHazard-style tsunami levels from the observed record.

    Parameters
    ----------
    max_height_m : array-like
        Largest observed water height near the city (m; NA when none reported).
    events : array-like
        Number of tsunami events observed near the city.

    Returns
    -------
    pandas.Categorical
        Ordered ``"very low" < "low" < "medium" < "high"``: high ≥ 3 m, medium ≥ 1 m (JMA
        2013 height categories), low = observed but < 1 m or height unknown, very low = none.

    Examples
    --------
    >>> from resilience_analytics.tsunami import tsunami_level
    >>> list(tsunami_level([5.0, 1.2, 0.3, float("nan")], [3, 1, 1, 0]))
    ['high', 'medium', 'low', 'very low']
    """
    import numpy as np
    import pandas as pd

    h = np.asarray(max_height_m, float)
    n = np.asarray(events, float)
    lvl = np.where(n > 0, "low", "very low").astype(object)
    lvl[(n > 0) & (h >= LEVEL_THRESHOLDS_M["medium"])] = "medium"
    lvl[(n > 0) & (h >= LEVEL_THRESHOLDS_M["high"])] = "high"
    return pd.Categorical(lvl, categories=list(LEVELS), ordered=True)


def tsunami_exposure(
    lat: Any,
    lon: Any,
    *,
    coastal: Any = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    since_year: int = DEFAULT_SINCE_YEAR,
    min_validity: int = 3,
    observations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return per-city tsunami history from runup observations near each city.

    Parameters
    ----------
    lat, lon : array-like
        City coordinates, degrees.
    coastal : array-like of bool, optional
        Only coastal cities can see tsunamis (default: computed with
        :func:`ra.coast.coastal` at its default distance).
    radius_km : float, default 50
        Great-circle distance from the city point within which an observation counts.
    since_year : int, default 1900
        First year of the window (last: 2016).
    min_validity : int, default 3
        Lowest NCEI source-event validity.
    observations : pandas.DataFrame, optional
        Observation table with ``event_id, year, latitude, longitude, water_height_m,
        deaths`` (default :func:`runup_observations`); for tests and sensitivity runs.

    Returns
    -------
    pandas.DataFrame
        One row per city (positional index): ``ts_events_observed`` (int),
        ``ts_rate_per_century``, ``ts_max_height_m`` (NA when no height), ``ts_deaths_near``,
        ``ts_level`` (ordered categorical), ``ts_runups_near`` (int).
        ``attrs["window"]`` = (first, last year).

    Raises
    ------
    ParameterError
        For a radius ≤ 0, a bad year or validity, a ``coastal`` of the wrong length or an
        observation table lacking columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics import tsunami
    >>> obs = pd.DataFrame({"event_id": [7], "year": [2004], "latitude": [6.03],
    ...                     "longitude": [80.22], "water_height_m": [4.8], "deaths": [4000.0]})
    >>> t = tsunami.tsunami_exposure([6.04, 6.04], [80.21, 80.21], coastal=[True, False],
    ...                              observations=obs, since_year=1900)
    >>> t["ts_events_observed"].tolist(), round(float(t["ts_rate_per_century"][0]), 3)
    ([1, 0], 0.855)
    """
    import numpy as np
    import pandas as pd

    from ._geo import _pairs, _rad, _tree

    check_positive("radius_km", radius_km)
    since_year = _check_year(since_year)
    from . import coast

    lat = np.atleast_1d(np.asarray(lat, float))
    lon = np.atleast_1d(np.asarray(lon, float))
    n = len(lat)
    coastal = coast.coastal_flags(lat, lon, coastal)
    if observations is None:
        obs = runup_observations(since_year=since_year, min_validity=min_validity)
    else:
        require_cols = ["event_id", "year", "latitude", "longitude", "water_height_m", "deaths"]
        missing = [c for c in require_cols if c not in observations.columns]
        if missing:
            raise ParameterError(f"observations lacks column(s) {missing}; needs {require_cols}")
        obs = observations[observations["year"].between(since_year, LAST_YEAR)]
    years = LAST_YEAR - since_year + 1
    events = np.zeros(n, np.int64)
    runups = np.zeros(n, np.int64)
    hmax = np.full(n, np.nan)
    deaths = np.zeros(n)
    if len(obs):
        ci, oi, _ = _pairs(_tree(obs["latitude"], obs["longitude"]), _rad(lat, lon), radius_km)
        keep = coastal[ci]
        ci, oi = ci[keep], oi[keep]
        runups = np.bincount(ci, minlength=n).astype(np.int64)
        ev = obs["event_id"].to_numpy(np.int64)[oi]
        pairs = np.unique(np.column_stack([ci, ev]), axis=0) if len(ci) else np.empty((0, 2), int)
        events = np.bincount(pairs[:, 0], minlength=n).astype(np.int64)
        h = obs["water_height_m"].to_numpy(float)[oi]
        ok = ~np.isnan(h)
        tmp = np.full(n, -np.inf)
        np.maximum.at(tmp, ci[ok], h[ok])
        hmax = np.where(np.isneginf(tmp), np.nan, tmp)
        deaths = np.bincount(ci, weights=np.nan_to_num(obs["deaths"].to_numpy(float)[oi]),
                             minlength=n)
    out = pd.DataFrame({
        "ts_events_observed": events,
        "ts_rate_per_century": events / years * 100.0,
        "ts_max_height_m": hmax,
        "ts_deaths_near": deaths,
        "ts_level": tsunami_level(hmax, events),
        "ts_runups_near": runups,
    })
    out.attrs["window"] = (since_year, LAST_YEAR)
    return out
