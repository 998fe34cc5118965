"""What the data cover: catalog coverage tables, event maps, and a city against its context.

Small summaries the notebooks show, kept here so that the notebooks hold no logic of their own:

* :func:`catalog_coverage`: events, years and coordinates of each hazard event catalog;
* :func:`event_locations` and :func:`plot_events`: where the events are, on one world map;
* :func:`profile_comparison`: a city's hazard indicators beside the median of its country,
  of the members of its city networks and of the world, with its world percentile.

Examples
--------
>>> import pandas as pd, resilience_analytics as ra
>>> events = {"quakes": pd.DataFrame({"year": [1990, 2001], "latitude": [1.0, 2.0],
...                                   "longitude": [3.0, 4.0]})}
>>> cov = ra.coverage.catalog_coverage(events)
>>> cov.loc["quakes", ["events", "first_year", "last_year"]].tolist()
[2, 1990, 2001]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "CATALOG_LABELS",
    "catalog_coverage",
    "event_catalogs",
    "event_locations",
    "plot_events",
    "profile_comparison",
]

#: Loader of ``ra.catalogs`` → label used in tables and legends.
CATALOG_LABELS = {
    "earthquake_catalog": "earthquakes, merged Mw catalogue (ISC-GEM, USGS, NCEI)",
    "earthquakes": "earthquakes (USGS, M ≥ 5.5)",
    "ncei_earthquakes": "earthquakes with impacts (NCEI)",
    "cyclone_tracks": "tropical-cyclone track points (IBTrACS, JTWC)",
    "floods": "large floods (DFO archive table)",
    "tsunamis": "tsunami source events (NCEI)",
    "tsunami_runups": "tsunami runup observations (NCEI)",
    "volcanoes": "Holocene volcanoes (GVP)",
}

_YEAR_COLUMNS = ("year", "season", "last_eruption_year")


def event_catalogs(names: list[str] | tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    """Load hazard event catalogs with their typed loaders, keyed by label.

    Parameters
    ----------
    names : list of str, optional
        Loaders of :mod:`resilience_analytics.catalogs` (keys of :data:`CATALOG_LABELS`;
        default all).

    Returns
    -------
    dict
        ``{label: DataFrame}`` in the order of ``names``.

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> list(ra.coverage.event_catalogs(["volcanoes"]))
    ['Holocene volcanoes (GVP)']
    """
    from . import catalogs

    names = list(CATALOG_LABELS) if names is None else list(names)
    for n in names:
        if n not in CATALOG_LABELS:
            raise ParameterError(
                f"catalog {n!r} is not accepted; choose from: {', '.join(CATALOG_LABELS)}"
            )
    return {CATALOG_LABELS[n]: getattr(catalogs, n)() for n in names}


def catalog_coverage(catalogs: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Return the coverage of each catalog: rows, rows with coordinates, first and last year.

    Parameters
    ----------
    catalogs : dict, optional
        ``{label: DataFrame}`` (default :func:`event_catalogs`). The year is read from the
        first of ``year``, ``season`` and ``last_eruption_year`` present.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``catalog``: ``events``, ``with_coordinates``, ``first_year``,
        ``last_year``, ``year_column``.

    Examples
    --------
    A fictional storm catalog dated by ``season``, one row without coordinates:

    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> storms = pd.DataFrame({"season": [1985, 1999, 2004],
    ...                        "latitude": [15.0, None, 20.0], "longitude": [-60.0, -70.0, -80.0]})
    >>> cov = ra.coverage.catalog_coverage({"example storms": storms})
    >>> row = cov.loc["example storms"]
    >>> [int(row[k]) for k in ("events", "with_coordinates", "first_year", "last_year")]
    [3, 2, 1985, 2004]
    >>> row["year_column"]
    'season'
    """
    import pandas as pd

    catalogs = event_catalogs() if catalogs is None else catalogs
    rows = []
    for label, df in catalogs.items():
        ycol = next((c for c in _YEAR_COLUMNS if c in df.columns), None)
        years = pd.to_numeric(df[ycol], errors="coerce") if ycol else pd.Series(dtype=float)
        has_xy = df[["latitude", "longitude"]].notna().all(axis=1) if {
            "latitude", "longitude"} <= set(df.columns) else pd.Series(False, index=df.index)
        rows.append({
            "catalog": label,
            "events": int(len(df)),
            "with_coordinates": int(has_xy.sum()),
            "first_year": None if years.dropna().empty else int(years.min()),
            "last_year": None if years.dropna().empty else int(years.max()),
            "year_column": ycol or "",
        })
    out = pd.DataFrame(rows).set_index("catalog")
    out["first_year"] = out["first_year"].astype("Int64")
    out["last_year"] = out["last_year"].astype("Int64")
    return out


def event_locations(catalogs: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """Return one long table of event coordinates: ``catalog, latitude, longitude``.

    Parameters
    ----------
    catalogs : dict, optional
        ``{label: DataFrame}`` (default :func:`event_catalogs` without the cyclone track
        points, which are tracks rather than events).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    Rows without coordinates are left out:

    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> quakes = pd.DataFrame({"latitude": [1.0, None, 3.0], "longitude": [2.0, 5.0, 4.0]})
    >>> floods = pd.DataFrame({"latitude": [10.0], "longitude": [20.0]})
    >>> loc = ra.coverage.event_locations({"quakes": quakes, "floods": floods})
    >>> loc.values.tolist()
    [['quakes', 1.0, 2.0], ['quakes', 3.0, 4.0], ['floods', 10.0, 20.0]]
    """
    import pandas as pd

    if catalogs is None:
        catalogs = event_catalogs([n for n in CATALOG_LABELS if n != "cyclone_tracks"])
    parts = []
    for label, df in catalogs.items():
        xy = df[["latitude", "longitude"]].dropna()
        parts.append(xy.assign(catalog=label)[["catalog", "latitude", "longitude"]])
    return pd.concat(parts, ignore_index=True)


def plot_events(
    locations: pd.DataFrame,
    *,
    cities: pd.DataFrame | None = None,
    highlight: Any = None,
    title: str | None = None,
    cities_label: str = "network member cities",
) -> Figure:
    """Plot event locations (and optionally cities) on a world map, one colour per catalog.

    Parameters
    ----------
    locations : pandas.DataFrame
        ``catalog, latitude, longitude`` (see :func:`event_locations`).
    cities : pandas.DataFrame, optional
        Cities with ``latitude, longitude`` drawn as black crosses (e.g. network members).
    highlight : City, optional
        A :class:`~resilience_analytics.cities.City` marked with a labelled star.
    title : str, optional
    cities_label : str, default "network member cities"
        Legend label of ``cities``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    The country outlines come from the real Natural Earth data (``RESILIENCE_DATA_DIR``, as
    in CI); the events and the highlighted city here are fictional:

    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> from resilience_analytics.cities import City
    >>> loc = pd.DataFrame({"catalog": ["quakes", "quakes", "floods"],
    ...                     "latitude": [1.0, 3.0, 10.0], "longitude": [2.0, 4.0, 20.0]})
    >>> city = City(city_id=0, name="Example City", country_iso2="XX", country_iso3="XXX",
    ...             country_name="Fictionland", latitude=5.0, longitude=5.0, population=1000)
    >>> fig = ra.coverage.plot_events(loc, highlight=city, title="Example events")
    >>> ax = fig.axes[0]
    >>> [t.get_text() for t in ax.get_legend().get_texts()], ax.get_title()
    (['quakes (2)', 'floods (1)', 'Example City'], 'Example events')
    """
    from matplotlib.figure import Figure

    from . import maps
    from .figures import PALETTE

    fig = Figure(figsize=(9.0, 4.6), dpi=100)
    ax = fig.add_subplot()
    maps.natural_earth_countries().plot(ax=ax, color="#eeeeee", edgecolor="#bbbbbb",
                                        linewidth=0.3)
    for i, (label, part) in enumerate(locations.groupby("catalog", sort=False)):
        ax.scatter(part["longitude"], part["latitude"], s=2, alpha=0.5,
                   color=PALETTE[i % len(PALETTE)], label=f"{label} ({len(part):,})",
                   rasterized=True)
    if cities is not None:
        ax.scatter(cities["longitude"], cities["latitude"], s=12, marker="x", color="black",
                   linewidths=0.7, label=f"{cities_label} ({len(cities):,})")
    if highlight is not None:
        ax.scatter([highlight.longitude], [highlight.latitude], s=160, marker="*",
                   color="#d62728", edgecolor="white", zorder=5, label=highlight.name)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 85)
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    legend = ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    for handle in legend.legend_handles:  # equal, readable legend markers
        handle.set_sizes([24])
    ax.set_title(title or "Where the events are")
    fig.tight_layout()
    return fig


def profile_comparison(
    city: Any,
    *,
    exposure: pd.DataFrame | None = None,
    columns: list[str] | None = None,
    memberships: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare a city's hazard indicators with its country, its networks and the world.

    Parameters
    ----------
    city : str, int or City
        Any spelling the gazetteer knows, a ``city_id``, or a resolved City.
    exposure : pandas.DataFrame, optional
        Table indexed by ``city_id`` (default :func:`resilience_analytics.hazards.exposure`).
    columns : list of str, optional
        Numeric indicators (default: every numeric exposure indicator of
        :func:`resilience_analytics.hazards.exposure_columns`).
    memberships : pandas.DataFrame, optional
        ``city_id, network`` (default :func:`resilience_analytics.networks.memberships`).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``indicator``: ``unit``, the city's ``value``, the medians
        ``country_median`` (cities of its country), ``networks_median`` (members of the
        networks it belongs to; NaN if none), ``world_median`` (all cities), and
        ``world_percentile`` (share of cities with a lower value, ties counted half, 0–100).

    Raises
    ------
    ParameterError
        If the city is not in ``exposure`` or a column is unknown or not numeric.

    Examples
    --------
    Fictional "Example City" (``city_id`` 0) in a four-city table: one neighbour in its
    country, one fellow member of a fictional network abroad:

    >>> import pandas as pd
    >>> import resilience_analytics as ra
    >>> from resilience_analytics.cities import City
    >>> city = City(city_id=0, name="Example City", country_iso2="XX", country_iso3="XXX",
    ...             country_name="Fictionland", latitude=0.0, longitude=0.0, population=1000)
    >>> table = pd.DataFrame({"country_iso3": ["XXX", "XXX", "YYY", "YYY"],
    ...                       "vo_nearest_km": [40.0, 60.0, 500.0, 900.0]},
    ...                      index=pd.Index([0, 1, 2, 3], name="city_id"))
    >>> members = pd.DataFrame({"city_id": [0, 2], "network": ["example_net"] * 2})
    >>> p = ra.coverage.profile_comparison(city, exposure=table, memberships=members)
    >>> cols = ["value", "country_median", "networks_median", "world_median", "world_percentile"]
    >>> p.loc["vo_nearest_km", cols].astype(float).tolist()
    [40.0, 50.0, 270.0, 280.0, 12.5]
    """
    import numpy as np
    import pandas as pd

    from . import cities, hazards, networks

    c = cities.as_city(city)
    table = hazards.exposure() if exposure is None else exposure
    if c.city_id not in table.index:
        raise ParameterError(f"city {c.name!r} (city_id {c.city_id}) is not in the table")
    defs = hazards.exposure_columns().set_index("column")
    if columns is None:
        columns = [k for k in defs.index if k in table.columns
                   and pd.api.types.is_numeric_dtype(table[k])
                   and not pd.api.types.is_bool_dtype(table[k])]
    bad = [k for k in columns if k not in table.columns
           or not pd.api.types.is_numeric_dtype(table[k])]
    if bad:
        raise ParameterError(f"columns {bad} are not numeric columns of the table")
    m = networks.memberships() if memberships is None else memberships
    own = set(m.loc[m["city_id"] == c.city_id, "network"])
    peers_ids = set(m.loc[m["network"].isin(own), "city_id"].dropna().astype("int64"))
    in_country = table["country_iso3"] == c.country_iso3
    in_networks = table.index.isin(list(peers_ids))
    rows = []
    for k in columns:
        x = pd.to_numeric(table[k], errors="coerce").astype(float)
        v = float(x.loc[c.city_id])
        ref = x.dropna().to_numpy()
        pct = (np.nan if not np.isfinite(v) or len(ref) == 0
               else 100.0 * (np.sum(ref < v) + 0.5 * np.sum(ref == v)) / len(ref))
        rows.append({
            "indicator": k,
            "unit": defs["unit"].get(k, "") if "unit" in defs else "",
            "value": v,
            "country_median": float(x[in_country].median()),
            "networks_median": float(x[in_networks].median()) if own else np.nan,
            "world_median": float(x.median()),
            "world_percentile": pct,
        })
    out = pd.DataFrame(rows).set_index("indicator")
    out.attrs["city"] = c.name
    out.attrs["networks"] = sorted(own)
    return out
