"""Imputation of missing values and screening of units by data availability (COINr rules).

Examples
--------
>>> import numpy as np, pandas as pd
>>> df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0]})
>>> impute(df, method="mean_group", groups=pd.Series(["x", "x", "x", "y"]))["a"].tolist()
[1.0, 2.0, 3.0, 10.0]
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from .._validate import check_choice
from ..errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IMPUTE_METHODS", "data_availability", "impute", "screen"]

IMPUTE_METHODS = ("mean", "median", "mean_group", "median_group", "constant", "none")


def impute(
    data: pd.DataFrame,
    *,
    method: str = "mean",
    groups: pd.Series | None = None,
    value: float | None = None,
    impute_by: str = "column",
    normalise_first: bool | None = None,
    directions=None,
) -> pd.DataFrame:
    """Replace missing values column by column (or row by row).

    ``impute_by="row"`` follows COINr's ``Impute(impute_by = "row")`` (Becker et al. 2022):
    each unit's missing values are filled by the mean/median of its own available values;
    by default the columns are first min-max normalised onto [0, 1] with ``directions``
    applied and un-normalised afterwards (``normalise_first``), so the filled value is the
    unit's average *relative* position carried back to the indicator's scale. Restricting
    the row to the indicators of one aggregate (COINr's ``group_level``) is done by
    :meth:`Coin.impute`. OECD/JRC Handbook (2008), step 4 (imputation of missing data).

    Parameters
    ----------
    data : pandas.DataFrame
        Indicator values (units in rows).
    method : str
        ``"mean"``/``"median"`` of the column (COINr ``i_mean``/``i_median``),
        ``"mean_group"``/``"median_group"`` of the unit's group (``i_mean_grp``/``i_median_grp``;
        units whose group is missing are left alone), ``"constant"`` (``value``) or ``"none"``.
    groups : pandas.Series, optional
        Group label per unit (aligned with ``data``'s rows) for the group methods.
    value : float, optional
        Fill value for ``method="constant"``.
    impute_by : str
        ``"column"`` (default) or ``"row"`` (``method`` ``"mean"`` or ``"median"``).
    normalise_first : bool, optional
        Default True for rows, False for columns.
    directions : array-like, optional
        +1/-1 per column, needed to normalise first (default all +1).

    Returns
    -------
    pandas.DataFrame
        Same shape; values that were present are unchanged. A column (or group) with no values
        at all stays missing.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> impute(pd.DataFrame({"a": [1.0, np.nan, 5.0, 6.0]}), method="median")["a"].tolist()
    [1.0, 5.0, 5.0, 6.0]
    """
    import numpy as np
    import pandas as pd

    from .._validate import check_number
    from ._checks import numeric_frame

    check_choice("method", method, IMPUTE_METHODS)
    check_choice("impute_by", impute_by, ("column", "row"))
    if normalise_first is None:
        normalise_first = impute_by == "row"
    numeric_frame(data, "impute: data")
    if value is not None:
        check_number("value", value)
    out = data.copy()
    if method == "none":
        return out
    if impute_by == "row" or normalise_first:
        if impute_by == "row" and method not in ("mean", "median"):
            raise ParameterError(f"impute_by='row' takes method 'mean' or 'median', got "
                                 f"{method!r}")
        d = np.ones(out.shape[1]) if directions is None else np.asarray(directions, float)
        if d.shape != (out.shape[1],) or not np.isin(d, (1, -1)).all():
            raise ParameterError(f"directions must be +1/-1, one per column; got {directions!r}")
        X = out.to_numpy(dtype=float) * d
        mn, mx = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        if normalise_first:
            with np.errstate(all="ignore"):
                X = (X - mn) / (mx - mn)
        if impute_by == "row":
            f = np.nanmean if method == "mean" else np.nanmedian
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                fill = f(X, axis=1)
            X = np.where(np.isnan(X), fill[:, None], X)
        else:
            X = impute(pd.DataFrame(X, index=out.index, columns=out.columns), method=method,
                       groups=groups, value=value).to_numpy(dtype=float)
        if normalise_first:
            X = X * (mx - mn) + mn
        res = pd.DataFrame(X * d, index=out.index, columns=out.columns)
        return res.where(data.isna(), data)
    if method == "constant":
        if value is None:
            raise ParameterError("method='constant' needs value=")
        return out.fillna(value)
    if method in ("mean", "median"):
        stat = out.mean() if method == "mean" else out.median()
        return out.fillna(stat)
    if groups is None:
        raise ParameterError(f"method={method!r} needs groups= (a group label per unit)")
    codes, _ = pd.factorize(pd.Series(np.asarray(groups, dtype=object)), use_na_sentinel=True)
    X = out.to_numpy(dtype=float, copy=True)
    miss = np.isnan(X)
    for k in range(codes.max() + 1):
        rows = codes == k
        if not (miss[rows].any()):
            continue
        block = X[rows]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a group without values stays NaN
            stat = (np.nanmean if method == "mean_group" else np.nanmedian)(block, axis=0)
        X[rows] = np.where(np.isnan(block), stat[None, :], block)
    return pd.DataFrame(X, index=out.index, columns=out.columns)


def data_availability(data: pd.DataFrame) -> pd.DataFrame:
    """Per unit: number missing, number of zeros, share available, share of non-zero values.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> data_availability(pd.DataFrame({"a": [1.0, np.nan], "b": [0.0, 2.0]}))["Dat_Avail"].tolist()
    [1.0, 0.5]
    """
    import numpy as np
    import pandas as pd

    X = data.to_numpy(dtype=float)
    na = np.isnan(X).sum(axis=1)
    zero = (X == 0).sum(axis=1)
    k = data.shape[1]
    with np.errstate(all="ignore"):
        return pd.DataFrame(
            {
                "N_missing": na,
                "N_zero": zero,
                "N_miss_or_zero": na + zero,
                "Dat_Avail": 1 - na / k,
                "Non_Zero": 1 - zero / (k - na),
            },
            index=data.index,
        )


def screen(
    data: pd.DataFrame,
    *,
    unit_screen: str = "byNA",
    dat_thresh: float = 2 / 3,
    nonzero_thresh: float = 0.05,
    force: dict | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove units with too little data (COINr ``Screen``); returns ``(screened, summary)``.

    Parameters
    ----------
    unit_screen : str
        ``"byNA"`` (availability < ``dat_thresh`` removed), ``"byzeros"`` (share of non-zero
        values < ``nonzero_thresh`` removed) or ``"byNAandzeros"`` (either).
    force : dict, optional
        ``{unit: True/False}`` to force inclusion or exclusion.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, np.nan], "b": [1.0, np.nan], "c": [1.0, 2.0]},
    ...                   index=["u", "v"])
    >>> kept, summary = screen(df, dat_thresh=0.5)
    >>> kept.index.tolist(), summary["Included"].tolist()
    (['u'], [True, False])
    """
    check_choice("unit_screen", unit_screen, ("byNA", "byzeros", "byNAandzeros"))
    for name, v in (("dat_thresh", dat_thresh), ("nonzero_thresh", nonzero_thresh)):
        if not 0 <= v <= 1:
            raise ParameterError(f"{name}={v!r}: must be between 0 and 1")

    s = data_availability(data)
    low = s["Dat_Avail"].to_numpy() < dat_thresh
    lowz = s["Non_Zero"].to_numpy() < nonzero_thresh
    inc = {"byNA": ~low, "byzeros": ~lowz, "byNAandzeros": ~(low | lowz)}[unit_screen].copy()
    for unit, flag in (force or {}).items():
        if unit not in s.index:
            raise ParameterError(f"force: unit {unit!r} is not in the data set")
        inc[s.index.get_loc(unit)] = bool(flag)
    s["LowData"], s["LowNonZero"], s["Included"] = low, lowz, inc
    return (data.copy() if inc.all() else data[inc]), s
