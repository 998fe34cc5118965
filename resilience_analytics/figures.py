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
    "PALETTE",
    "STYLE",
    "coefficient_plot",
    "correlation_heatmap",
    "hazard_profile",
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
            legend_kwds={"label": label or str(column or series.name or "value"),
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
) -> Figure:
    """Show a city's hazard profile against its peers as percentiles per indicator.

    Each row is an indicator; the x axis is the percentile of a city's value among all
    cities of ``reference`` (default: ``table``). The focal city is a large dot, each
    peer a small one, so "higher than most peers" reads at a glance.

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
        fig = _new_figure((6.4, 0.32 * len(cols) + 1.4))
        ax = fig.add_subplot()
        y = np.arange(len(cols))
        for j, pid in enumerate(pids):
            vals = [pct(c, float(pd.to_numeric(table.at[pid, c], errors="coerce")))
                    for c in cols]
            ax.scatter(vals, y, s=18, color="#999999", alpha=0.7, zorder=2,
                       label="peers" if j == 0 else None)
        fvals = [pct(c, float(pd.to_numeric(table.at[fid, c], errors="coerce"))) for c in cols]
        ax.scatter(fvals, y, s=60, color=PALETTE[1], zorder=3,
                   label=str(table.at[fid, name]))
        ax.set_yticks(y, cols)
        ax.set_xlim(0, 100)
        ax.set_xlabel("percentile among reference cities")
        ax.axvline(50, color="#777777", lw=0.8, ls="--", zorder=1)
        fig.legend(loc="outside lower center", ncol=2)
        ax.set_title(title or f"Hazard profile: {table.at[fid, name]} and peers")
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
        Labels drawn in the focal colour.
    top : int or None
        Show the best ``top`` units by nominal rank (None: all).
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
    if top is not None:
        t = t.head(int(top))
    hl = {str(h) for h in (highlight or [])}
    with mpl.rc_context(_style()):
        fig = _new_figure((6.4, 0.22 * len(t) + 1.2))
        ax = fig.add_subplot()
        y = np.arange(len(t))[::-1]
        colors = [PALETTE[1] if n in hl else PALETTE[0] for n in t["_label"]]
        ax.hlines(y, t[lower], t[upper], colors=colors, lw=2, alpha=0.6)
        ax.scatter(t[rank], y, color=colors, s=16, zorder=3, label="nominal rank")
        if use_median:
            ax.scatter(t[median], y, facecolors="white", edgecolors=colors, s=16, zorder=4,
                       label="median rank")
        ax.set_yticks(y, t["_label"])
        ax.set_xlabel(f"rank (interval {lower}–{upper}; 1 = first)")
        fig.legend(loc="outside lower center", ncol=2)
        ax.set_title(title or "Rank uncertainty")
    return fig


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
        ax.set_xticks(np.arange(n), [str(c) for c in columns], rotation=60, ha="right")
        ax.set_yticks(np.arange(n), [str(c) for c in columns])
        if annotate:
            for i in range(n):
                for j in range(n):
                    v = corr.iat[i, j]
                    if np.isfinite(v):
                        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                                color="white" if abs(v) > 0.6 else "black")
        fig.colorbar(im, ax=ax, shrink=0.8, label=f"{method} correlation")
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
        if exponentiate:
            ax.set_xscale("log")
        ax.set_yticks(y, t[term].astype(str))
        ax.set_xlabel(xlabel or ("odds ratio (95 % CI)" if exponentiate
                                 else "coefficient (95 % CI)"))
        ax.set_title(title or "Regression coefficients")
    return fig
