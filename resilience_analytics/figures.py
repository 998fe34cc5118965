"""Publication figures in one style, saved byte-identically on every run.

Every function takes a DataFrame and returns a :class:`matplotlib.figure.Figure` built
without pyplot (no global figure state, nothing shown twice in notebooks), drawn with
:data:`STYLE`. :func:`save_figure` writes PNG/SVG/PDF under
``ra.settings.get_figures_dir()`` atomically and deterministically: no timestamps or
software versions in the metadata, a fixed SVG hash salt (``svg.hashsalt``), and fonts
that ship with matplotlib (DejaVu Sans), so a re-run gives the same bytes.

Examples
--------
>>> import pandas as pd, resilience_analytics as ra
>>> t = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 4, 5, 9], "c": [4, 3, 2, 1]})
>>> fig = ra.figures.correlation_heatmap(t)
>>> len(fig.axes)
2
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._validate import check_table
from .errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "FORMATS",
    "LABELS",
    "LEVEL_COLORS",
    "PALETTE",
    "STYLE",
    "coefficient_plot",
    "correlation_heatmap",
    "hazard_card",
    "hazard_profile",
    "label",
    "rank_intervals",
    "save_figure",
    "sobol_indices",
    "world_map",
]

#: Okabe–Ito colour-blind-safe palette (focal colour first).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442",
           "#000000"]

#: The project's matplotlib style (applied with ``rc_context`` by every function here;
#: the colour cycle is :data:`PALETTE`).
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "image.cmap": "viridis",
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.05,
    "svg.hashsalt": "resilience_analytics",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
}

#: Accepted output formats → metadata that removes dates and versions.
FORMATS: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}


#: Short human label of each indicator column. :func:`label` appends the unit, read from
#: ``ra.hazards.exposure_columns()`` (the single source of units and definitions), so a
#: figure says "Large floods in DFO affected regions (events per year)", not ``fl_rate``.
LABELS: dict[str, str] = {
    # earthquake (ra.earthquake)
    "eq_pga_max_g": "Strongest historical shaking (median PGA)",
    "eq_rate_pga_0p1g": "Shaking above 0.1 g",
    "eq_rate_pga_0p2g": "Shaking above 0.2 g",
    "eq_pga_475yr_g": "Shaking with a 475-year return period (PGA)",
    "eq_pga_250yr_g": "Shaking with a 250-year return period (PGA)",
    "eq_pga_2475yr_g": "Shaking with a 2,475-year return period (PGA)",
    "eq_level": "Earthquake hazard level",
    "eq_events_felt": "Felt earthquakes (PGA ≥ 0.05 g), 1500–2016",
    "eq_deaths_ncei_100km": "Earthquake deaths within 100 km (NCEI)",
    # cyclone (ra.cyclone)
    "tc_wind_max_kt": "Strongest modelled cyclone wind, 1980–2024",
    "tc_rate_34kt": "Cyclones with gale-force wind (≥ 34 kt)",
    "tc_rate_64kt": "Cyclones with hurricane-force wind (≥ 64 kt)",
    "tc_rate_96kt": "Cyclones with major-hurricane wind (≥ 96 kt)",
    "tc_wind_50yr_kt": "Cyclone wind with a 50-year return period",
    "tc_wind_100yr_kt": "Cyclone wind with a 100-year return period",
    "tc_level": "Cyclone hazard level",
    "tc_level_basis": "Basis of the cyclone hazard level",
    "tc_storms_34kt": "Cyclones with gale-force wind, 1980–2024",
    # flood (ra.flood; DFO: no redistribution)
    "fl_rate": "Large floods in DFO affected regions",
    "fl_severity_rate": "Flood severity in DFO affected regions",
    "fl_dead": "Flood deaths in DFO affected regions",
    "fl_displaced": "People displaced by floods in DFO affected regions",
    "fl_events_satellite": "Floods mapped from satellite (GFD)",
    "fl_level": "Flood frequency level",
    "fl_events": "Large floods in DFO affected regions, 1985–2019",
    # tsunami (v1 and v2 names)
    "ts_count": "Tsunami source events within 300 km",
    "ts_max_water_height_m": "Highest tsunami water height of those events",
    "ts_events_observed": "Tsunamis with a runup observed near the city",
    "ts_runups_near": "Tsunami runup observations near the city",
    "ts_rate_per_century": "Tsunamis observed near the city",
    "ts_max_height_m": "Highest tsunami water height near the city",
    "ts_deaths_near": "Tsunami deaths near the city",
    "ts_level": "Tsunami hazard level",
    # volcano
    "vo_nearest_km": "Distance to the nearest Holocene volcano",
    "vo_count_100km": "Holocene volcanoes within 100 km",
    "vo_years_since_eruption": "Time since the nearest volcano erupted",
    "vo_years_since_eruption_100km": "Time since an eruption within 100 km",
    # coast, sea level, heat, climate
    "coast_distance_km": "Distance to the coast",
    "coastal": "Coastal city",
    "coast_urban_area_km": "Distance from the city's urban area to the coast",
    "slr_station_id": "Nearest tide gauge",
    "heat_warming_se_c_per_decade": "Standard error of the warming trend",
    "slr_trend_mm_yr": "Relative sea-level trend at the nearest tide gauge",
    "slr_trend_se_mm_yr": "Standard error of the sea-level trend",
    "slr_station_km": "Distance to the nearest tide gauge",
    "heat_warming_c_per_decade": "Warming trend (Berkeley Earth)",
    "heat_summer_anomaly_c": "Summer temperature anomaly (Berkeley Earth)",
    "koppen_class": "Köppen–Geiger climate class",
    "koppen_group": "Köppen–Geiger main climate group",
    # country context (validation references, never inputs to what they validate)
    "inform_risk": "INFORM risk (country)",
    "inform_hazard_exposure": "INFORM hazard & exposure (country)",
    "inform_vulnerability": "INFORM vulnerability (country)",
    "inform_lack_of_coping_capacity": "INFORM lack of coping capacity (country)",
    "inform_natural": "INFORM natural hazard (country)",
    "inform_earthquake": "INFORM earthquake (country)",
    "inform_flood": "INFORM flood (country)",
    "inform_tsunami": "INFORM tsunami (country)",
    "inform_tropical_cyclone": "INFORM tropical cyclone (country)",
    "inform_drought": "INFORM drought (country)",
    "inform_institutional": "INFORM institutional (country)",
    "inform_infrastructure": "INFORM infrastructure (country)",
    "wri_index": "WorldRiskIndex (country)",
    "wri_exposure": "WorldRiskIndex exposure (country)",
    "wri_vulnerability": "WorldRiskIndex vulnerability (country)",
    "wri_susceptibility": "WorldRiskIndex susceptibility (country)",
    "wri_lack_of_coping": "WorldRiskIndex lack of coping capacities (country)",
    "wri_lack_of_adaptive": "WorldRiskIndex lack of adaptive capacities (country)",
    "ndgain_index": "ND-GAIN index (country)",
    "ndgain_vulnerability": "ND-GAIN vulnerability (country)",
    "ndgain_readiness": "ND-GAIN readiness (country)",
    # gazetteer
    "population": "Population",
    "latitude": "Latitude",
    "longitude": "Longitude",
}

# Units that are not worth repeating after a label (orders of classes, codes, yes/no).
_NO_UNIT = ("very low < low < medium < high", "boolean", "Köppen–Geiger code", "A/B/C/D/E")
_EXTRA_UNITS = {"population": "people", "latitude": "° N", "longitude": "° E"}


@functools.cache
def _units() -> dict[str, str]:
    from . import hazards

    cols = hazards.exposure_columns()
    return dict(zip(cols["column"].astype(str), cols["unit"].astype(str), strict=True))


def label(column: str, *, unit: bool = True, width: int | None = None) -> str:
    """Return the human label of an indicator column, with its unit.

    The short label comes from :data:`LABELS`, the unit from
    ``ra.hazards.exposure_columns()``. A column that neither knows is returned unchanged
    (user-defined indicators keep their own names).

    Parameters
    ----------
    column : str
        Column name, e.g. ``"fl_rate"``.
    unit : bool
        Append `` (unit)`` when the column has a unit (not for levels, yes/no or codes).
    width : int, optional
        Wrap the label onto lines of at most ``width`` characters.

    Returns
    -------
    str

    Examples
    --------
    >>> import resilience_analytics as ra
    >>> ra.figures.label("fl_rate")
    'Large floods in DFO affected regions (events per year)'
    >>> ra.figures.label("eq_level")
    'Earthquake hazard level'
    >>> ra.figures.label("my own indicator")
    'my own indicator'
    """
    import textwrap

    if not isinstance(column, str):
        raise ParameterError(f"label: column must be a str, got {column!r}")
    text = LABELS.get(column, column)
    u = _units().get(column, _EXTRA_UNITS.get(column))
    if unit and u and u not in _NO_UNIT and column in LABELS:
        text = f"{text} ({u})"
    if width is not None:
        text = "\n".join(textwrap.wrap(text, width=int(width))) or text
    return text


_label = label  # for functions whose ``label`` parameter shadows it


def _style() -> dict[str, Any]:
    from cycler import cycler

    return {**STYLE, "axes.prop_cycle": cycler(color=PALETTE)}


def _new_figure(figsize: tuple[float, float]) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def _require(table: pd.DataFrame, columns: list[str], what: str) -> None:
    check_table(table, columns, what, nonempty=True)


def save_figure(
    fig: Figure,
    name: str,
    *,
    formats: tuple[str, ...] | list[str] = ("png", "svg"),
    folder: str | os.PathLike | None = None,
    dpi: int | None = None,
) -> list[Path]:
    """Save a figure as ``<folder>/<name>.<format>``, atomically and byte-reproducibly.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem (letters, digits, ``-``, ``_``, ``.``; no folders).
    formats : tuple of str
        Any of :data:`FORMATS` (``"png"``, ``"svg"``, ``"pdf"``).
    folder : path, optional
        Default ``ra.settings.get_figures_dir()``; created if needed.
    dpi : int, optional
        Raster resolution (default ``STYLE["savefig.dpi"]``).

    Returns
    -------
    list of pathlib.Path
        The written files, in the order of ``formats``.

    Examples
    --------
    >>> import tempfile, pandas as pd, resilience_analytics as ra
    >>> fig = ra.figures.correlation_heatmap(pd.DataFrame({"a": [1, 2, 3], "b": [3, 1, 2]}))
    >>> d = tempfile.mkdtemp()
    >>> a = [p.read_bytes() for p in ra.figures.save_figure(fig, "corr", folder=d)]
    >>> b = [p.read_bytes() for p in ra.figures.save_figure(fig, "corr", folder=d)]
    >>> a == b
    True
    """
    import re

    import matplotlib as mpl

    from . import settings
    from ._io import atomic_write

    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        raise ParameterError(
            f"name={name!r} is not accepted: use letters, digits, '-', '_' and '.' only"
        )
    formats = (formats,) if isinstance(formats, str) else tuple(formats)
    if not formats:
        raise ParameterError(f"formats is empty; choose from {list(FORMATS)}")
    for f in formats:
        if f not in FORMATS:
            raise ParameterError(f"format {f!r} is not accepted; choose from {list(FORMATS)}")
    out_dir = Path(folder) if folder is not None else settings.get_figures_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with mpl.rc_context(_style()):
        # Settle the layout once and freeze it: constrained layout and bbox="tight" re-run
        # on every draw, starting from the last result, so repeated saves drift by 1e-6.
        engine = fig.get_layout_engine()
        if engine is not None and engine.__class__.__name__ != "PlaceHolderLayoutEngine":
            fig.draw_without_rendering()
            fig.set_layout_engine("none")
        for fmt in formats:
            path = out_dir / f"{name}.{fmt}"
            atomic_write(path, lambda tmp, fmt=fmt: fig.savefig(
                tmp, format=fmt, metadata=FORMATS[fmt], dpi=dpi or STYLE["savefig.dpi"]))
            written.append(path)
    return written


# --------------------------------------------------------------------------- maps


def world_map(
    values_by_iso3: pd.Series | pd.DataFrame,
    *,
    column: str | None = None,
    title: str | None = None,
    cmap: str = "YlOrRd",
    label: str | None = None,
    figsize: tuple[float, float] = (8.0, 4.2),
) -> Figure:
    """Map a country indicator on Natural Earth boundaries (Equal Earth projection).

    Parameters
    ----------
    values_by_iso3 : pandas.Series or pandas.DataFrame
        Values indexed by ISO3 code, or a frame (e.g. ``ra.countries.country_context()``)
        with the value in ``column``.
    column : str, optional
        Column of a frame.
    title : str, optional
        Figure title.
    cmap : str
        Matplotlib colormap; countries without a value are hatched grey.
    label : str, optional
        Colour-bar label (default: the column or Series name).
    figsize : (float, float)

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> fig = ra.figures.world_map(pd.Series({"NLD": 2.0, "UKR": 5.0}, name="example"))
    >>> fig.axes[0].get_title()
    ''
    """
    import matplotlib as mpl
    import pandas as pd

    from .maps import NATURAL_EARTH_CITATION, natural_earth_countries

    if isinstance(values_by_iso3, pd.DataFrame):
        if column is None or column not in values_by_iso3.columns:
            raise ParameterError(
                f"column={column!r} is not a column of the table; columns: "
                f"{list(values_by_iso3.columns)}"
            )
        series = values_by_iso3[column]
    elif isinstance(values_by_iso3, pd.Series):
        series = values_by_iso3
    else:
        raise ParameterError("values_by_iso3 must be a pandas Series or DataFrame indexed by ISO3")
    series = pd.to_numeric(series, errors="coerce")
    series.index = series.index.astype(str).str.upper()
    if series.notna().sum() == 0:
        raise ParameterError("world_map: no country has a value; the selection is empty")
    world = natural_earth_countries()
    world = world[world["name"] != "Antarctica"].to_crs("EPSG:8857")
    world["value"] = world["iso3"].map(series)
    if world["value"].notna().sum() == 0:
        raise ParameterError(
            "world_map: none of the index values is an ISO3 code of Natural Earth "
            f"(first: {list(series.index[:5])}); index the values by ISO3, e.g. 'NLD'"
        )
    with mpl.rc_context(_style()):
        fig = _new_figure(figsize)
        ax = fig.add_subplot()
        ax.set_axis_off()
        world[world["value"].isna()].plot(ax=ax, color="#eeeeee", edgecolor="#bbbbbb",
                                          linewidth=0.3, hatch="////")
        world[world["value"].notna()].plot(
            ax=ax, column="value", cmap=cmap, edgecolor="#555555", linewidth=0.3,
            legend=True,
            legend_kwds={"label": label or _label(str(column or series.name or "value")),
                         "orientation": "horizontal", "shrink": 0.5, "pad": 0.02},
        )
        if title:
            fig.suptitle(title)
        fig.text(0.01, 0.01, "Boundaries: Natural Earth (public domain)", fontsize=6,
                 color="#777777")
    fig._ra_source = NATURAL_EARTH_CITATION
    return fig


# --------------------------------------------------------------------------- profiles


def hazard_profile(
    table: pd.DataFrame,
    focal: Any,
    peers: list | None = None,
    *,
    columns: list[str] | None = None,
    name: str = "name",
    reference: pd.DataFrame | None = None,
    title: str | None = None,
    peers_label: str = "peers",
) -> Figure:
    """Show a city's hazard profile against its peers as percentiles per indicator.

    Each row is an indicator (labelled with :func:`label`, unit included); the x axis is
    the mid-rank percentile of a city's value among all cities of ``reference`` (default:
    ``table``): the share of cities with a lower value plus half the share with an equal
    one (Hazen's plotting position; ties count half), so a value shared by many cities
    (e.g. 0 earthquakes) sits in the middle of that tied group, not at 0. The focal city is
    a large dot, each peer a small one, so "higher than most peers" reads at a glance.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``city_id`` (e.g. ``ra.hazards.exposure()``), with the indicators and
        a ``name`` column.
    focal : int or str
        ``city_id`` of the focal city, or its name in ``table[name]``.
    peers : list, optional
        Peer ``city_id`` values (or names); default every other row of ``table``.
    columns : list of str, optional
        Numeric indicators (default: every numeric column except coordinates/population).
    name : str
        Name column.
    reference : pandas.DataFrame, optional
        Population of cities that defines the percentiles (default ``table``).
    title : str, optional
    peers_label : str
        Legend entry of the small dots (e.g. "other cities of its country").

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> t = pd.DataFrame({"name": ["Example City", "Fictional Town", "Example Port"],
    ...                   "flood": [3, 1, 2], "quake": [0, 5, 1]})
    >>> fig = ra.figures.hazard_profile(t, "Example City")
    >>> [tl.get_text() for tl in fig.axes[0].get_yticklabels()]
    ['quake', 'flood']
    """
    import matplotlib as mpl
    import numpy as np
    import pandas as pd

    _require(table, [name], "hazard_profile")
    ref = table if reference is None else reference

    def locate(key: Any) -> Any:
        if key in table.index:
            return key
        hits = table.index[table[name].astype(str) == str(key)]
        if len(hits) == 0:
            raise ParameterError(
                f"hazard_profile: {key!r} is neither an index value nor a {name!r} of the "
                f"table (e.g. {table[name].astype(str).head(3).tolist()})"
            )
        return hits[0]

    fid = locate(focal)
    pids = [locate(p) for p in peers] if peers is not None else [i for i in table.index
                                                                 if i != fid]
    if columns is None:
        skip = {"latitude", "longitude", "population", "city_id"}
        columns = [c for c in table.columns if c not in skip and c != name
                   and pd.api.types.is_numeric_dtype(table[c])
                   and not pd.api.types.is_bool_dtype(table[c])]
    _require(table, list(columns), "hazard_profile")
    if not columns:
        raise ParameterError("hazard_profile: no numeric indicator column to show")
    missing_ref = [c for c in columns if c not in ref.columns]
    if missing_ref:
        raise ParameterError(f"hazard_profile: reference lacks columns {missing_ref}")

    def pct(col: str, value: float) -> float:
        x = pd.to_numeric(ref[col], errors="coerce").dropna().to_numpy()
        if len(x) == 0 or not np.isfinite(value):
            return np.nan
        return 100.0 * (np.sum(x < value) + 0.5 * np.sum(x == value)) / len(x)

    cols = list(columns)[::-1]  # first column on top
    with mpl.rc_context(_style()):
        fig = _new_figure((7.2, 0.36 * len(cols) + 1.6))
        ax = fig.add_subplot()
        y = np.arange(len(cols))
        for j, pid in enumerate(pids):
            vals = [pct(c, float(pd.to_numeric(table.at[pid, c], errors="coerce")))
                    for c in cols]
            ax.scatter(vals, y, s=18, color="#999999", alpha=0.7, zorder=2,
                       label=peers_label if j == 0 else None)
        fvals = [pct(c, float(pd.to_numeric(table.at[fid, c], errors="coerce"))) for c in cols]
        ax.scatter(fvals, y, s=60, color=PALETTE[1], zorder=3,
                   label=str(table.at[fid, name]))
        ax.set_yticks(y, [label(c, width=48) for c in cols])
        ax.set_xlim(0, 100)
        ax.set_xlabel(f"mid-rank percentile among {len(ref):,} reference cities "
                      "(% with a lower value; ties count half)")
        ax.axvline(50, color="#777777", lw=0.8, ls="--", zorder=1, label="median city (50)")
        fig.legend(loc="outside lower center", ncol=3)
        ax.set_title(title or (f"Hazard profile of {table.at[fid, name]}"
                               + (f" and {len(pids)} {peers_label}" if pids else "")))
    return fig


# --------------------------------------------------------------------------- uncertainty


def rank_intervals(
    table: pd.DataFrame,
    *,
    rank: str = "nominal",
    lower: str = "q05",
    upper: str = "q95",
    median: str | None = "median",
    name: str = "name",
    highlight: list | None = None,
    top: int | None = 30,
    title: str | None = None,
) -> Figure:
    """Plot each unit's nominal rank with its uncertainty interval (e.g. 5–95 %).

    Highlighted units are always shown, labelled with their nominal rank: one ranked
    below the ``top`` shown is added under a break marker ("⋯ n not shown"), so a focal
    city ranked 91st of 100 stays visible in a top-40 figure.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per city, e.g. ``rank_stats`` of ``ra.composite`` uncertainty results
        (``nominal, mean, median, q05, q95``), optionally with a ``name`` column (else the
        index labels the rows). The nominal rank may fall outside the interval.
    rank, lower, upper : str
        Columns of the nominal rank and the interval bounds.
    median : str or None
        Column of the median simulated rank (an open dot), if present.
    name : str
        Label column (the index when absent).
    highlight : list, optional
        Labels drawn in the focal colour, always shown (with their rank).
    top : int or None
        Show the best ``top`` units by nominal rank (None: all), plus the highlighted ones.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> t = pd.DataFrame({"nominal": [1, 2], "median": [1, 2], "q05": [1, 1], "q95": [2, 3]},
    ...                  index=["Example City", "Fictional Town"])
    >>> len(ra.figures.rank_intervals(t).axes[0].get_yticklabels())
    2
    >>> fig = ra.figures.rank_intervals(t, top=1, highlight=["Fictional Town"])
    >>> [tl.get_text() for tl in fig.axes[0].get_yticklabels()]
    ['Example City', 'Fictional Town (rank 2)']
    """
    import matplotlib as mpl
    import numpy as np
    import pandas as pd

    use_median = median is not None and median in getattr(table, "columns", [])
    cols = [rank, lower, upper] + ([median] if use_median else [])
    _require(table, cols, "rank_intervals")
    t = table.copy()
    for c in cols:
        t[c] = pd.to_numeric(t[c], errors="coerce")
    bad = t[t[lower] > t[upper]]
    if len(bad):
        raise ParameterError(
            f"rank_intervals: {len(bad)} row(s) with {lower} > {upper}, e.g. "
            f"{[str(i) for i in bad.index[:3]]}"
        )
    labels = t[name].astype(str) if name in t.columns else pd.Series(
        [str(i) for i in t.index], index=t.index)
    t = t.assign(_label=labels).sort_values(rank, kind="mergesort")
    n_all = len(t)
    hl = {str(h) for h in (highlight or [])}
    unknown = sorted(hl - set(t["_label"]))
    if unknown:
        raise ParameterError(
            f"rank_intervals: highlight {unknown} not found among the labels "
            f"(e.g. {t['_label'].head(3).tolist()})"
        )
    if top is not None and int(top) < n_all:
        shown = t.head(int(top))
        extra = t.iloc[int(top):]
        extra = extra[extra["_label"].isin(hl)]
    else:
        shown, extra = t, t.iloc[0:0]
    from matplotlib.lines import Line2D

    def text(row) -> str:
        lab = row["_label"]
        return f"{lab} (rank {row[rank]:.0f})" if lab in hl and np.isfinite(row[rank]) else lab

    rows = list(shown.iterrows()) + list(extra.iterrows())
    gap = 1.0 if len(extra) else 0.0
    n = len(rows)
    y = np.array([n - 1 - i + gap - (gap if i >= len(shown) else 0.0) for i in range(n)],
                 dtype=float)
    with mpl.rc_context(_style()):
        fig = _new_figure((6.4, 0.22 * (n + gap) + 1.6))
        ax = fig.add_subplot()
        sub = pd.DataFrame([r for _, r in rows])
        colors = [PALETTE[1] if lab in hl else PALETTE[0] for lab in sub["_label"]]
        ax.hlines(y, sub[lower], sub[upper], colors=colors, lw=2, alpha=0.6)
        ax.scatter(sub[rank], y, color=colors, s=16, zorder=3)
        if use_median:
            ax.scatter(sub[median], y, facecolors="white", edgecolors=colors, s=16, zorder=4)
        ax.set_yticks(y, [text(r) for _, r in rows])
        for tick, lab in zip(ax.get_yticklabels(), sub["_label"], strict=True):
            if lab in hl:
                tick.set_color(PALETTE[1])
                tick.set_fontweight("bold")
        if len(extra):
            y_break = y[len(shown) - 1] - 1.0
            ax.axhline(y_break, color="#777777", lw=0.8, ls=(0, (1, 2)))
            hidden = int(extra[rank].min() - 1 - len(shown)) if len(shown) else 0
            ax.text(0.99, y_break, f"⋯ {max(hidden, 0)} not shown ⋯",
                    transform=ax.get_yaxis_transform(), ha="right", va="center",
                    fontsize=7, color="#555555",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
        span = _span(lower, upper)
        # the whole range of ranks, so a position reads against all units, not the shown ones
        ax.set_xlim(0, max(float(n_all), float(t[upper].max())) + 1)
        ax.set_xlabel(f"rank (1 = first; bar = {span} interval of the simulated ranks)")
        handles = [
            Line2D([], [], color=PALETTE[0], lw=2, alpha=0.6,
                   label=f"{span} interval of simulated ranks"),
            Line2D([], [], color=PALETTE[0], marker="o", ls="", markersize=4,
                   label="nominal rank"),
        ]
        if use_median:
            handles.append(Line2D([], [], color=PALETTE[0], marker="o", ls="", markersize=4,
                                  markerfacecolor="white", label="median simulated rank"))
        if hl:
            handles.append(Line2D([], [], color=PALETTE[1], lw=2, marker="o", markersize=4,
                                  label="highlighted: " + ", ".join(sorted(hl))))
        fig.legend(handles=handles, loc="outside lower center", ncol=2)
        what = (f"top {len(shown)} of {n_all}" + (" plus highlighted" if len(extra) else "")
                if len(shown) < n_all else f"all {n_all}")
        ax.set_title((title or "Rank uncertainty") + f"\n({what} shown)")
    return fig


def _span(lower: str, upper: str) -> str:
    """``"q05", "q95"`` -> ``"5–95 %"``; other column names as they are."""
    import re

    a, b = (re.fullmatch(r"q(\d{2})", c) for c in (lower, upper))
    if a and b:
        return f"{int(a.group(1))}–{int(b.group(1))} %"
    return f"{lower}–{upper}"


def correlation_heatmap(
    table: pd.DataFrame,
    *,
    columns: list[str] | None = None,
    method: str = "spearman",
    annotate: bool | None = None,
    title: str | None = None,
) -> Figure:
    """Draw the correlation matrix of indicators as a heatmap (−1 blue … +1 red).

    Parameters
    ----------
    table : pandas.DataFrame
    columns : list of str, optional
        Numeric columns (default: every numeric, non-boolean column).
    method : {"spearman", "pearson", "kendall"}
    annotate : bool, optional
        Write the coefficients in the cells (default: when at most 15 columns).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> fig = ra.figures.correlation_heatmap(pd.DataFrame({"a": [1, 2, 3], "b": [1, 2, 4]}))
    >>> fig.axes[0].images[0].get_array()[0, 1]
    np.float64(1.0)
    """
    import matplotlib as mpl
    import numpy as np
    import pandas as pd

    from ._validate import check_choice

    check_choice("method", method, ("spearman", "pearson", "kendall"))
    if columns is None:
        _require(table, [], "correlation_heatmap")
        columns = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])
                   and not pd.api.types.is_bool_dtype(table[c])]
    _require(table, list(columns), "correlation_heatmap")
    if len(columns) < 2:
        raise ParameterError(
            f"correlation_heatmap needs at least 2 numeric columns, got {list(columns)}"
        )
    corr = table[list(columns)].apply(pd.to_numeric, errors="coerce").corr(method=method)
    n = len(columns)
    annotate = n <= 15 if annotate is None else annotate
    with mpl.rc_context(_style()):
        size = min(0.45 * n + 2.2, 12)
        fig = _new_figure((size + 1.0, size))
        ax = fig.add_subplot()
        ax.grid(False)
        im = ax.imshow(corr.to_numpy(), cmap="RdBu_r", vmin=-1, vmax=1)
        names = [label(str(c), unit=False, width=40) for c in columns]
        ax.set_xticks(np.arange(n), names, rotation=60, ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(n), names)
        if annotate:
            for i in range(n):
                for j in range(n):
                    v = corr.iat[i, j]
                    if np.isfinite(v):
                        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                                color="white" if abs(v) > 0.6 else "black")
        fig.colorbar(im, ax=ax, shrink=0.8,
                     label=f"{method.capitalize()} correlation (−1 … +1)")
        ax.set_title(title or f"Correlation between indicators ({method})")
    return fig


def sobol_indices(
    table: pd.DataFrame,
    *,
    first: str = "S1",
    first_ci: str | None = "S1_conf",
    total: str = "ST",
    total_ci: str | None = "ST_conf",
    title: str | None = None,
) -> Figure:
    """Bar chart of first-order and total Sobol indices with confidence intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by input factor (e.g. SALib's ``Si.to_df()`` total and first-order frames
        joined), with the index columns and half-widths of their confidence intervals.
    first, first_ci, total, total_ci : str
        Column names (SALib's defaults); a ``*_ci`` may be None.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> si = pd.DataFrame({"S1": [0.5, 0.2], "S1_conf": [0.05, 0.04], "ST": [0.6, 0.3],
    ...                    "ST_conf": [0.05, 0.05]}, index=["weights", "normalisation"])
    >>> len(ra.figures.sobol_indices(si).axes[0].patches)
    4
    """
    import matplotlib as mpl
    import numpy as np

    cols = [first, total] + [c for c in (first_ci, total_ci) if c]
    _require(table, cols, "sobol_indices")
    t = table.sort_values(total, ascending=False, kind="mergesort")
    with mpl.rc_context(_style()):
        fig = _new_figure((6.4, 0.35 * len(t) + 1.4))
        ax = fig.add_subplot()
        y = np.arange(len(t))[::-1]
        h = 0.38
        ax.barh(y + h / 2, t[first], height=h, color=PALETTE[0], label="first order (S1)",
                xerr=t[first_ci] if first_ci else None, capsize=2)
        ax.barh(y - h / 2, t[total], height=h, color=PALETTE[1], label="total (ST)",
                xerr=t[total_ci] if total_ci else None, capsize=2)
        ax.set_yticks(y, [str(i) for i in t.index])
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlabel("Sobol index (bars: bootstrap confidence interval)")
        fig.legend(loc="outside lower center", ncol=2)
        ax.set_title(title or "Sensitivity of the index to its assumptions")
    return fig


def _plain_log_ticks(ax: Any) -> None:
    """Label a log x axis with plain decimals (0.5, 1, 2), not ``9×10⁻¹``."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    def fmt(v: float, _pos: Any = None) -> str:
        return f"{v:.3g}" if v < 1000 else f"{v:,.0f}"

    ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(fmt))
    ax.xaxis.set_minor_formatter(NullFormatter())


def _coefficient_legend(fig: Any, null: int) -> None:
    """Legend of a forest plot: what the two colours and the dashed line mean."""
    from matplotlib.lines import Line2D

    fig.legend(handles=[
        Line2D([], [], color=PALETTE[1], lw=2, marker="o", markersize=4,
               label=f"interval excludes {null}"),
        Line2D([], [], color=PALETTE[0], lw=2, marker="o", markersize=4,
               label=f"interval includes {null}"),
        Line2D([], [], color="black", lw=0.8, ls="--", label=f"no effect ({null})"),
    ], loc="outside lower center", ncol=3)


def coefficient_plot(
    table: pd.DataFrame,
    *,
    estimate: str = "coef",
    lower: str = "ci_low",
    upper: str = "ci_high",
    term: str = "term",
    drop: tuple[str, ...] = ("Intercept",),
    exponentiate: bool = False,
    title: str | None = None,
    xlabel: str | None = None,
) -> Figure:
    """Forest plot of regression coefficients with confidence intervals.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per term (e.g. ``ra.explain`` results' ``.coefficients``), with the
        estimate and interval bounds; terms are in a ``term`` column or the index. With
        an ``outcome`` column holding several outcomes, rows are labelled "outcome: term".
    estimate, lower, upper, term : str
        Column names.
    drop : tuple of str
        Terms left out (default: the intercept).
    exponentiate : bool
        Plot ``exp`` of the values (odds ratios of a logit) on a log axis.
    title, xlabel : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> c = pd.DataFrame({"term": ["Intercept", "flood"], "coef": [0.1, 0.5],
    ...                   "ci_low": [-0.2, 0.1], "ci_high": [0.4, 0.9]})
    >>> [t.get_text() for t in ra.figures.coefficient_plot(c).axes[0].get_yticklabels()]
    ['flood']
    """
    import matplotlib as mpl
    import numpy as np

    t = table.reset_index() if term not in table.columns else table
    if term not in t.columns:
        t = t.rename(columns={t.columns[0]: term})
    _require(t, [term, estimate, lower, upper], "coefficient_plot")
    t = t[~t[term].astype(str).isin(drop)].copy()
    if "outcome" in t.columns and t["outcome"].nunique() > 1:  # several models in one table
        t[term] = t["outcome"].astype(str) + ": " + t[term].astype(str)
    if len(t) == 0:
        raise ParameterError(f"coefficient_plot: no term left after dropping {list(drop)}")
    est, lo, hi = (t[c].to_numpy(dtype=float) for c in (estimate, lower, upper))
    if exponentiate:
        est, lo, hi = np.exp(est), np.exp(lo), np.exp(hi)
    with mpl.rc_context(_style()):
        fig = _new_figure((6.4, 0.35 * len(t) + 1.3))
        ax = fig.add_subplot()
        y = np.arange(len(t))[::-1]
        sig = (lo > (1 if exponentiate else 0)) | (hi < (1 if exponentiate else 0))
        colors = [PALETTE[1] if s else PALETTE[0] for s in sig]
        ax.hlines(y, lo, hi, colors=colors, lw=2)
        ax.scatter(est, y, color=colors, s=22, zorder=3)
        ax.axvline(1 if exponentiate else 0, color="black", lw=0.8, ls="--")
        _coefficient_legend(fig, 1 if exponentiate else 0)
        if exponentiate:
            ax.set_xscale("log")
            _plain_log_ticks(ax)
        ax.set_yticks(y, t[term].astype(str))
        ax.set_xlabel(xlabel or ("odds ratio (95 % CI)" if exponentiate
                                 else "coefficient (95 % CI)"))
        ax.set_title(title or "Regression coefficients")
    return fig


# --------------------------------------------------------------------------- briefing

#: Fill colour of each hazard level, in the ThinkHazard! manner (red high, orange medium,
#: yellow low, pale green very low); grey when a hazard is not assessed.
LEVEL_COLORS: dict[str, str] = {
    "high": "#c62828",
    "medium": "#ef8a17",
    "low": "#f6d743",
    "very low": "#cfe8c8",
    "not assessed": "#e0e0e0",
}


def _num(row: Any, col: str) -> float:
    import math

    try:
        v = float(row[col]) if col in row.index else math.nan
    except (TypeError, ValueError):
        return math.nan
    return v


def _card_rows(row: Any) -> list[tuple[str, str, str, list[str]]]:
    """(hazard, level, sentence, columns behind it) for each hazard with a level column."""
    import math

    def level(col: str) -> str:
        v = row[col] if col in row.index else None
        try:
            missing = v is None or (not isinstance(v, str) and math.isnan(float(v)))
        except (TypeError, ValueError):
            missing = False
        return "not assessed" if missing else str(v)

    out = []
    pga475, pga2475 = _num(row, "eq_pga_475yr_g"), _num(row, "eq_pga_2475yr_g")
    def g(v: float) -> str:
        return f"{v:.2f} g" if v >= 0.005 else "below 0.01 g"

    eq = (f"PGA {g(pga475)} at the 475-year return period (10 % in 50 yr), "
          f"{g(pga2475)} at 2,475 years" if math.isfinite(pga475) else "no PGA estimate")
    out.append(("Earthquake", level("eq_level"), eq,
                ["eq_level", "eq_pga_475yr_g", "eq_pga_2475yr_g"]))
    w100, wmax, n34 = (_num(row, c) for c in ("tc_wind_100yr_kt", "tc_wind_max_kt",
                                               "tc_storms_34kt"))
    if math.isfinite(w100):
        tc = f"wind {w100:.0f} kt at the 100-year return period (1-min sustained)"
    elif math.isfinite(n34) and n34 > 0:
        tc = (f"{n34:.0f} storm(s) ≥ 34 kt in 1980–2024, strongest {wmax:.0f} kt; too few "
              "to fit a return period, so the level reads the storm rate pooled over "
              "cities within 150 km")
    else:
        tc = "no storm reached 34 kt at the city in 1980–2024"
    out.append(("Cyclone", level("tc_level"), tc, ["tc_level", "tc_wind_100yr_kt",
                                                    "tc_storms_34kt"]))
    rate = _num(row, "fl_rate")
    if math.isfinite(rate) and rate > 0:
        fl = (f"{rate:.2f} large floods per year in DFO affected regions 1985–2019 "
              f"(about one every {1 / rate:.{0 if rate <= 0.5 else 1}f} years)")
    elif math.isfinite(rate):
        fl = "no large flood in a DFO affected region 1985–2019"
    else:
        fl = "no flood record"
    out.append(("Flood", level("fl_level"), fl, ["fl_level", "fl_rate"]))
    if "ts_level" in row.index:
        h, per100 = _num(row, "ts_max_height_m"), _num(row, "ts_rate_per_century")
        parts = []
        if math.isfinite(per100) and per100 > 0:
            parts.append(f"{per100:.1f} tsunamis per century observed near the city")
        if math.isfinite(h):
            parts.append(f"highest water {h:.1f} m")
        out.append(("Tsunami", level("ts_level"), "; ".join(parts) or "no tsunami observed",
                    ["ts_level", "ts_rate_per_century", "ts_max_height_m"]))
    if "coastal" in row.index:
        # no public city-level storm-surge model in the data: say so, with what is measured
        coastal = bool(row["coastal"]) if not _isna_scalar(row["coastal"]) else False
        if coastal:
            trend, se = _num(row, "slr_trend_mm_yr"), _num(row, "slr_trend_se_mm_yr")
            km = _num(row, "slr_station_km")
            cf = "coastal city; storm surge not modelled (no city-level surge model in the data)"
            if math.isfinite(trend):
                cf += (f"; relative sea level {trend:+.1f} ± {se:.1f} mm/yr at a tide gauge "
                       f"{km:.0f} km away")
        else:
            cf = f"inland ({_num(row, 'coast_distance_km'):.0f} km from the coast)"
        out.append(("Coastal flood", "not assessed", cf,
                    ["coastal", "slr_trend_mm_yr", "slr_trend_se_mm_yr", "slr_station_km"]))
    return out


def _isna_scalar(value: Any) -> bool:
    """``pandas.isna`` for one value, without importing pandas at module import."""
    import pandas as pd

    return bool(pd.isna(value))


def hazard_card(city_row: Any, *, title: str | None = None) -> Figure:
    """Draw a city's hazard card: one colour-coded level per hazard and the value behind it.

    Levels are the hazard v2 ``*_level`` columns of ``ra.hazards.exposure()``
    (ThinkHazard! classes very low < low < medium < high, GFDRR; the flood level is a
    frequency class of DFO affected-region events, see ``exposure_columns()``); beside each
    level is the return-period value it was derived from. A tsunami row appears once the
    exposure table has ``ts_level``. The footer names the licence restrictions of the data
    sets whose numbers the card shows (:func:`ra.datasets.licence_note`).

    Parameters
    ----------
    city_row : pandas.Series
        One row of ``ra.hazards.exposure()`` (needs ``name`` and ``eq_level``,
        ``tc_level``, ``fl_level``).
    title : str, optional
        Default "Hazards at <name>".

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ParameterError
        If ``city_row`` is not a Series, lacks a level column or holds an unknown level.

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> row = pd.Series({"name": "Example City", "eq_level": "medium", "eq_pga_475yr_g": 0.12,
    ...                  "eq_pga_2475yr_g": 0.3, "tc_level": "very low", "tc_wind_100yr_kt": None,
    ...                  "tc_wind_max_kt": 0.0, "tc_storms_34kt": 0, "fl_level": "high",
    ...                  "fl_rate": 0.2})
    >>> fig = ra.figures.hazard_card(row)
    >>> [t.get_text() for t in fig.axes[0].texts][:2]
    ['Earthquake', 'medium']
    """
    import textwrap

    import matplotlib as mpl
    import pandas as pd
    from matplotlib.patches import FancyBboxPatch

    from . import hazards

    if not isinstance(city_row, pd.Series):
        raise ParameterError(
            f"hazard_card: city_row must be one row (pandas Series) of ra.hazards.exposure(), "
            f"got {type(city_row).__name__}"
        )
    need = ["eq_level", "tc_level", "fl_level"]
    missing = [c for c in need if c not in city_row.index]
    if missing:
        raise ParameterError(
            f"hazard_card: the row lacks {missing}; pass a row of ra.hazards.exposure() "
            "(hazard v2 level columns)"
        )
    rows = _card_rows(city_row)
    bad = [lv for _, lv, _, _ in rows if lv not in LEVEL_COLORS]
    if bad:
        raise ParameterError(
            f"hazard_card: unknown level(s) {bad}; accepted: {list(LEVEL_COLORS)}"
        )
    import re

    cols = hazards.exposure_columns().set_index("column")["licence"]
    used = {c for *_, u in rows for c in u if c in cols.index}
    # one note per data set ("name: flags (licence)"), joined with "; " per column
    notes = sorted({n for c in used for n in re.split(r"; (?=[a-z0-9_]+: )", str(cols[c]))
                    if n})
    name = str(city_row.get("name", city_row.name))
    wrapped = ["\n".join(textwrap.wrap("Licence: " + note, 125)) for note in notes]
    lines = sum(w.count("\n") + 1 for w in wrapped)
    step = 0.19  # height of a footer line, in card rows
    with mpl.rc_context(_style()):
        fig = _new_figure((7.6, 0.62 * len(rows) + 0.9 + 0.13 * lines))
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(-step * lines - 0.2, len(rows))
        for i, (hazard, lv, sentence, _used) in enumerate(rows):
            y = len(rows) - 1 - i
            ax.text(0.0, y + 0.5, hazard, va="center", ha="left", fontsize=10,
                    fontweight="bold")
            ax.add_patch(FancyBboxPatch((0.16, y + 0.18), 0.15, 0.64,
                                        boxstyle="round,pad=0.005,rounding_size=0.02",
                                        facecolor=LEVEL_COLORS[lv], edgecolor="#555555",
                                        lw=0.6))
            dark = lv in ("high", "medium")
            ax.text(0.235, y + 0.5, lv, va="center", ha="center", fontsize=9,
                    fontweight="bold", color="white" if dark else "black")
            ax.text(0.33, y + 0.5, "\n".join(textwrap.wrap(sentence, 70)), va="center",
                    ha="left", fontsize=8)
        y_note = -0.05
        for w in wrapped:
            ax.text(0.0, y_note, w, fontsize=6, color="#555555", va="top")
            y_note -= step * (w.count("\n") + 1)
        ax.set_title(title or f"Hazards at {name}", loc="left")
        handles = [FancyBboxPatch((0, 0), 1, 1, facecolor=LEVEL_COLORS[k], edgecolor="#555555",
                                  lw=0.6, label=k) for k in LEVEL_COLORS]
        fig.legend(handles=handles, loc="outside lower center", ncol=5,
                   title="level (ThinkHazard! classes; flood: DFO event frequency)",
                   title_fontsize=7)
    return fig
