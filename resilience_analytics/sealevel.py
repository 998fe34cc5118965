"""Relative sea-level trend at coastal cities from the nearest long PSMSL tide-gauge record.

Data: PSMSL Revised Local Reference (RLR) annual mean sea level (Holgate et al. 2013, J.
Coastal Res. 29(3):493–504, doi:10.2112/JCOASTRES-D-12-00175.1; PSMSL 2024, "Tide Gauge
Data"). Relative trends include vertical land motion (glacial isostatic adjustment,
subsidence), which is what a city experiences.

Method:

* a year is used when its annual mean is present and PSMSL's attention flag is ``000``
  (flag ``001`` = flagged for attention, ``010`` = mean tide level, not mean sea level);
* a station is *long* when it has at least ``min_years`` (default 30) such years — PSMSL
  itself warns against trends from records shorter than ~40–60 years, so 30 is a floor;
* the trend is the ordinary-least-squares slope of annual MSL on year, fitted with
  :class:`statsmodels.regression.linear_model.OLS`;
* its standard error (``slr_trend_se_mm_yr``) is the OLS error inflated for lag-1
  autocorrelation of the residuals by the effective sample size of Santer et al. (2000, J.
  Geophys. Res. 105:7337–7356): ``n_eff = n (1 - r1) / (1 + r1)``,
  ``se = se_ols sqrt((n - 2) / (n_eff - 2))`` (r1 clipped to [0, 0.99]; undefined, NA, when
  ``n_eff`` ≤ 2). Annual sea level is autocorrelated (interannual ocean variability), so the
  plain OLS error is too small. The Newey–West HAC error (Newey & West 1987, Econometrica
  55:703–708; Bartlett kernel, ``floor(4 (n/100)^(2/9))`` lags, Newey & West 1994) is reported
  beside it per station; it was not chosen because with so few lags it came out *below* the
  plain OLS error at 177 of the 723 long stations, 128 of them with positive residual
  autocorrelation (where the error should exceed the OLS one). Both estimators count lags in
  observations, so a gap in a record shortens the lag in years — a limitation;
* a coastal city takes the nearest long station within ``max_km`` (default 100 km) of its
  point; other cities get NA.

The stations file's own ``trend_mm_per_yr`` was computed by whoever prepared this copy with
the same OLS and year filter (its PROVENANCE.md says so: it is not a PSMSL product); it is
kept as ``file_trend_mm_yr`` for comparison.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from resilience_analytics import sealevel
>>> years = np.arange(1950, 2000)
>>> fit = sealevel.trend(years, 7000 + 2.0 * (years - 1950) + np.sin(years))
>>> round(fit["trend_mm_yr"], 2), fit["n_years"], fit["hac_lags"]
(2.0, 50, 3)
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import _io, datasets, settings
from ._validate import check_positive, require_columns
from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DATASET",
    "DEFAULT_MAX_KM",
    "MIN_YEARS",
    "sea_level_trend",
    "station_trends",
    "trend",
]

DATASET = "psmsl_annual_sea_level"
_ANNUAL = "psmsl_rlr_annual_msl.csv"
_STATIONS = "psmsl_rlr_stations_with_trends.csv"
#: Default minimum number of usable annual values for a station to count as long.
MIN_YEARS = 30
# bump when the trend computation changes (the cached station table is keyed by it)
_TREND_VERSION = "2"
#: Default largest distance (km) from a coastal city to its tide gauge.
DEFAULT_MAX_KM = 100.0


def trend(year: Any, msl_mm: Any) -> dict:
    """Return the OLS trend of a yearly series with AR(1)-adjusted and HAC standard errors.

    Parameters
    ----------
    year : array-like
        Years (at least 3 distinct values).
    msl_mm : array-like
        Annual mean sea level, mm (NaN rows are dropped).

    Returns
    -------
    dict
        ``trend_mm_yr``, ``se_ols_mm_yr``, ``se_hac_mm_yr`` (Newey–West),
        ``se_ar1_mm_yr`` (Santer et al. 2000), ``r1`` (lag-1 residual autocorrelation),
        ``n_eff`` (effective sample size),
        ``hac_lags``, ``n_years``, ``first_year``, ``last_year``.

    Raises
    ------
    ParameterError
        With fewer than 3 usable years or arrays of different lengths.

    Examples
    --------
    >>> from resilience_analytics.sealevel import trend
    >>> round(trend([2000, 2001, 2002, 2003], [1.0, 3.0, 5.0, 7.5])["trend_mm_yr"], 2)
    2.15
    """
    import numpy as np
    import statsmodels.api as sm

    x = np.asarray(year, float)
    y = np.asarray(msl_mm, float)
    if x.shape != y.shape:
        raise ParameterError(f"year and msl_mm differ in length: {x.shape} vs {y.shape}")
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    order = np.argsort(x)
    x, y = x[order], y[order]
    n = len(x)
    if n < 3 or len(np.unique(x)) < 3:
        raise ParameterError(f"a trend needs at least 3 distinct years with values, got {n}")
    X = sm.add_constant(x - x.mean())
    lags = int(np.floor(4 * (n / 100.0) ** (2.0 / 9.0)))
    ols = sm.OLS(y, X).fit()
    hac = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True})
    e = ols.resid
    r1 = float(np.sum(e[1:] * e[:-1]) / np.sum(e * e)) if np.sum(e * e) > 0 else 0.0
    r1c = min(max(r1, 0.0), 0.99)
    se_ols = float(ols.bse[1])
    n_eff = n * (1 - r1c) / (1 + r1c)
    se_ar1 = se_ols * float(np.sqrt((n - 2) / (n_eff - 2))) if n_eff > 2 else float("nan")
    return {
        "trend_mm_yr": float(ols.params[1]),
        "se_ols_mm_yr": se_ols,
        "se_hac_mm_yr": float(hac.bse[1]),
        "se_ar1_mm_yr": se_ar1,
        "n_eff": float(n_eff),
        "r1": r1,
        "hac_lags": lags,
        "n_years": n,
        "first_year": int(x[0]),
        "last_year": int(x[-1]),
    }


@lru_cache(maxsize=4)
def _station_trends(min_years: int, data_key: str) -> pd.DataFrame:
    import pandas as pd

    entry_a = datasets.get(DATASET).file(_ANNUAL)
    entry_s = datasets.get(DATASET).file(_STATIONS)
    path = (settings.get_cache_dir() / "hazards"
            / f"psmsl_trends_v{_TREND_VERSION}_{min_years}_{entry_a.sha256[:12]}_"
            f"{entry_s.sha256[:12]}.parquet")
    cached = _io.read_cache(path, pd.read_parquet)  # a corrupt file is discarded and rebuilt
    if cached is not None:
        return cached
    ann = datasets.read(DATASET, _ANNUAL, dtype={"attention_flag": str})
    require_columns(ann, ["station_id", "year", "msl_mm", "attention_flag"], f"{DATASET}/{_ANNUAL}")
    st = datasets.read(DATASET, _STATIONS)
    require_columns(st, ["station_id", "lat", "lon", "name", "trend_mm_per_yr"],
                    f"{DATASET}/{_STATIONS}")
    st = st.drop_duplicates("station_id").set_index("station_id")
    use = ann[ann["msl_mm"].notna() & ann["attention_flag"].astype(str).str.zfill(3).eq("000")]
    counts = use.groupby("station_id").size()
    long_ids = counts.index[counts >= min_years]
    rows = []
    for sid, g in use[use["station_id"].isin(long_ids)].groupby("station_id"):
        rows.append({"station_id": sid, **trend(g["year"].to_numpy(), g["msl_mm"].to_numpy())})
    out = pd.DataFrame(rows).set_index("station_id")
    out = st[["name", "lat", "lon"]].join(out, how="inner")
    out["file_trend_mm_yr"] = st["trend_mm_per_yr"].reindex(out.index)
    out = out.rename(columns={"lat": "latitude", "lon": "longitude"})
    out["name"] = out["name"].astype(str)
    _io.atomic_to_parquet(out, path)
    return out


def station_trends(min_years: int = MIN_YEARS) -> pd.DataFrame:
    """Return the relative sea-level trend of every long PSMSL station.

    Parameters
    ----------
    min_years : int, default 30
        Fewest usable annual values (present and attention flag ``000``).

    Returns
    -------
    pandas.DataFrame
        Indexed by PSMSL ``station_id``: ``name, latitude, longitude`` and the keys of
        :func:`trend`, plus ``file_trend_mm_yr`` (the stations file's own OLS trend).

    Raises
    ------
    ParameterError
        If ``min_years`` is not an integer ≥ 3.

    Examples
    --------
    >>> from resilience_analytics import sealevel
    >>> st = sealevel.station_trends()  # doctest: +SKIP
    >>> round(float(st.loc[12, "trend_mm_yr"]), 2)  # New York (The Battery)  # doctest: +SKIP
    2.94
    """
    import numbers

    if isinstance(min_years, bool) or not isinstance(min_years, numbers.Integral) or min_years < 3:
        raise ParameterError(f"min_years must be an integer >= 3, got {min_years!r}")
    return _station_trends(int(min_years), str(settings.get_data_dir())).copy()


def sea_level_trend(lat: Any, lon: Any, *, coastal: Any = None, max_km: float = DEFAULT_MAX_KM,
                    min_years: int = MIN_YEARS) -> pd.DataFrame:
    """Return, per city, the relative sea-level trend of the nearest long tide gauge.

    Parameters
    ----------
    lat, lon : array-like
        City coordinates, degrees.
    coastal : array-like of bool, optional
        Cities that can take a gauge (default: :func:`ra.coast.coastal`); others get NA.
    max_km : float, default 100
        Largest great-circle distance from the city point to the gauge.
    min_years : int, default 30
        Fewest usable annual values of a gauge.

    Returns
    -------
    pandas.DataFrame
        Positional index: ``slr_trend_mm_yr``, ``slr_trend_se_mm_yr`` (AR(1)-adjusted,
        Santer et al. 2000), ``slr_station_km``, ``slr_station_id`` (PSMSL id, nullable Int64),
        ``slr_station_name``, ``slr_years`` (usable years of the record).

    Raises
    ------
    ParameterError
        For ``max_km`` ≤ 0, bad ``min_years`` or a ``coastal`` of the wrong length.

    Examples
    --------
    >>> from resilience_analytics import sealevel
    >>> t = sealevel.sea_level_trend([40.71], [-74.01], coastal=[True])  # doctest: +SKIP
    >>> t["slr_station_name"][0]  # doctest: +SKIP
    'NEW YORK (THE BATTERY)'
    """
    import numpy as np
    import pandas as pd

    from ._geo import _arc_km, _rad

    check_positive("max_km", max_km)
    st = station_trends(min_years)
    from . import coast

    lat = np.atleast_1d(np.asarray(lat, float))
    lon = np.atleast_1d(np.asarray(lon, float))
    coastal = coast.coastal_flags(lat, lon, coastal)
    from scipy.spatial import cKDTree

    chord, idx = cKDTree(_rad(st["latitude"], st["longitude"])).query(_rad(lat, lon), k=1)
    d = _arc_km(chord)
    ok = coastal & (d <= max_km)
    pick = st.iloc[idx]

    def col(name, fill=np.nan):
        v = pick[name].to_numpy()
        return np.where(ok, v, fill)

    return pd.DataFrame({
        "slr_trend_mm_yr": col("trend_mm_yr").astype(float),
        "slr_trend_se_mm_yr": col("se_ar1_mm_yr").astype(float),
        "slr_station_km": np.where(ok, d, np.nan),
        "slr_station_id": pd.array([int(v) if o else None for v, o in
                                    zip(pick.index.to_numpy(), ok, strict=True)], dtype="Int64"),
        "slr_station_name": pd.array(np.where(ok, pick["name"].to_numpy(), None),
                                     dtype="string"),
        "slr_years": pd.array([int(v) if o else None for v, o in
                               zip(pick["n_years"].to_numpy(), ok, strict=True)], dtype="Int64"),
    })
