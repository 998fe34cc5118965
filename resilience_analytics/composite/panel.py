"""Panel data: several time points per unit, one coin per time point, and trends.

COINr holds panel data as a *purse* (one coin per ``Time``) and measures trends with
``get_trends`` (Becker et al. 2022, COINr, JOSS 7(78) 4567); the trend metrics here are its
``CAGR`` (compound annual growth rate between the first and last available points) and
``prc_change`` (percentage change per ``per`` time units: first/last points when only two are
available, else a least-squares line), plus the plain least-squares ``slope``. Country panels
of the validation sources (WorldRiskIndex 2000-2022, ND-GAIN 1995-2020) come from
:func:`country_panel`.

Examples
--------
>>> import pandas as pd
>>> long = pd.DataFrame({"uCode": ["A", "A", "A", "B", "B", "B"],
...                      "Time": [2000, 2001, 2002] * 2,
...                      "x": [1.0, 2.0, 4.0, 5.0, 5.0, 5.0]})
>>> panel_trends(long, method="CAGR")["x"].round(6).tolist()
[1.0, 0.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._validate import check_choice
from ..errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TREND_METHODS", "build_panel", "country_panel", "panel_trends", "trend"]

TREND_METHODS = ("CAGR", "prc_change", "slope")


def trend(y, x, method: str = "CAGR", per: float = 1.0) -> float:
    """One series' trend (COINr's ``CAGR``/``prc_change``, or the least-squares slope).

    NaN points are dropped; fewer than two points give NaN; a constant series gives 0.

    Examples
    --------
    >>> round(trend([100.0, 121.0], [2000, 2002], "CAGR"), 6)
    0.1
    >>> round(trend([10.0, 11.0, 12.0], [2000, 2001, 2002], "prc_change", per=10), 6)
    100.0
    """
    import numpy as np

    check_choice("method", method, TREND_METHODS)
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape:
        raise ParameterError(f"trend: x has {x.size} points and y {y.size}")
    if np.isnan(x).any():
        raise ParameterError("trend: time points x contain NaN (each value needs a time)")
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    if x.size < 2:
        return float("nan")
    o = np.argsort(x, kind="stable")
    x, y = x[o], y[o]
    if method == "CAGR":
        if y[-1] == y[0]:
            return 0.0
        with np.errstate(all="ignore"):
            return float((y[-1] / y[0]) ** (1.0 / (x[-1] - x[0])) - 1)
    if np.unique(y).size == 1:
        return 0.0
    if method == "slope" or x.size >= 3:
        slope, icpt = np.polyfit(x, y, 1)
        if method == "slope":
            return float(slope)
        return float(slope * per / (icpt + slope * x[0]) * 100)
    return float((y[-1] - y[0]) * 100 / y[0] * (per / (x[-1] - x[0])))


def panel_trends(
    long: pd.DataFrame, *, unit_col: str = "uCode", time_col: str = "Time",
    indicators: list[str] | None = None, method: str = "CAGR", per: float = 1.0,
    use_latest: int | None = None,
) -> pd.DataFrame:
    """Trend of every indicator for every unit of a long panel (COINr's ``get_trends``).

    Parameters
    ----------
    long : pandas.DataFrame
        One row per unit and time point.
    indicators : list of str, optional
        Columns to analyse (default every numeric column except the time).
    method : str
        ``"CAGR"``, ``"prc_change"`` or ``"slope"`` (see :func:`trend`).
    use_latest : int, optional
        Use only the latest ``use_latest`` time points of each unit (COINr's argument).

    Returns
    -------
    pandas.DataFrame
        Units x indicators; ``attrs["n_points"]`` holds the number of points used,
        ``{indicator: {unit: n}}``.

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"uCode": ["A"] * 3, "Time": [1, 2, 3], "x": [1.0, 3.0, 5.0]})
    >>> round(float(panel_trends(long, method="slope").loc["A", "x"]), 9)
    2.0
    """
    import numpy as np
    import pandas as pd

    check_choice("method", method, TREND_METHODS)
    for c in (unit_col, time_col):
        if c not in long.columns:
            raise DataFileError(f"panel: no column {c!r}; columns: {list(long.columns)}")
    if long.duplicated([unit_col, time_col]).any():
        d = long.loc[long.duplicated([unit_col, time_col]), [unit_col, time_col]].iloc[0]
        raise DataFileError(f"panel: unit {d[unit_col]!r} has two rows at {time_col} "
                            f"{d[time_col]!r} (rule: one row per unit and time)")
    if indicators is None:
        indicators = [c for c in long.columns if c not in (unit_col, time_col)
                      and pd.api.types.is_numeric_dtype(long[c])]
    miss = [c for c in indicators if c not in long.columns]
    if miss:
        raise DataFileError(f"panel: indicator column(s) {miss} not found")
    if use_latest is not None and (not isinstance(use_latest, int) or use_latest < 2):
        raise ParameterError(f"use_latest={use_latest!r}: an integer >= 2")
    out, npts = {}, {}
    for u, g in long.sort_values(time_col).groupby(unit_col, sort=True):
        t = g[time_col].to_numpy(dtype=float)
        row, nrow = {}, {}
        for c in indicators:
            y = g[c].to_numpy(dtype=float)
            tt = t
            if use_latest is not None:
                ok = np.flatnonzero(~np.isnan(y))
                if ok.size:
                    last = ok[-1]
                    sl = slice(max(0, last - use_latest + 1), last + 1)
                    tt, y = t[sl], y[sl]
            row[c] = trend(y, tt, method, per)
            nrow[c] = int((~np.isnan(y)).sum())
        out[u], npts[u] = row, nrow
    res = pd.DataFrame.from_dict(out, orient="index")[indicators]
    res.index.name = unit_col
    res.attrs["n_points"] = {c: {u: npts[u][c] for u in npts} for c in indicators}
    res.attrs["method"] = method
    return res


def build_panel(long: pd.DataFrame, meta: pd.DataFrame, build: Any = None, *,
                unit_col: str = "uCode", time_col: str = "Time") -> dict:
    """One coin per time point (COINr's purse): ``{time: Coin}``.

    ``build(coin) -> coin`` applies the pipeline steps to each time point's coin (default:
    min-max normalisation then arithmetic aggregation), so every year is built the same way.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"Level": [1, 1, 2], "iCode": ["a", "b", "idx"],
    ...     "Parent": ["idx", "idx", None], "Direction": [1, 1, 1], "Weight": [1, 1, 1],
    ...     "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> long = pd.DataFrame({"uCode": ["Example City", "Other Example"] * 2,
    ...     "Time": [2020, 2020, 2021, 2021], "a": [1.0, 2.0, 3.0, 1.0], "b": [2.0, 1.0, 3.0, 1.0]})
    >>> purse = build_panel(long, meta)
    >>> sorted(purse), purse[2021].results().index[0]
    ([2020, 2021], 'Example City')
    """
    from .pipeline import Coin

    if time_col not in long.columns:
        raise DataFileError(f"panel: no time column {time_col!r}")
    if build is None:
        def build(c):
            return c.normalise("Raw").aggregate("Normalised")
    out = {}
    for t, g in long.groupby(time_col, sort=True):
        coin = Coin(g.drop(columns=[time_col]), meta, unit_col=unit_col)
        out[t.item() if hasattr(t, "item") else t] = build(coin)
    return out


def country_panel(source: str = "wri") -> pd.DataFrame:
    """Long country panel of a validation source: ``uCode`` (ISO3), ``Time`` and its scores.

    ``"wri"``: WorldRiskIndex 2000-2022 (``index``, ``exposure``, ``vulnerability``, ...);
    ``"nd_gain"``: ND-GAIN 1995-2020 (``gain``, ``vulnerability``, ``readiness``). These are
    validation references: use them to study trends, never as inputs of what they validate.

    Examples
    --------
    >>> p = country_panel("wri")
    >>> int(p["Time"].min()), int(p["Time"].max())
    (2000, 2022)
    """
    import pandas as pd

    from .. import countries

    check_choice("source", source, ("wri", "nd_gain"))
    df = countries.world_risk_index(None) if source == "wri" else countries.nd_gain(None)
    df = df.reset_index()
    df = df.rename(columns={"iso3": "uCode", "year": "Time"})
    num = [c for c in df.columns if c not in ("uCode", "Time")
           and pd.api.types.is_numeric_dtype(df[c])]
    return df[["uCode", "Time", *num]]
