"""Imputation of missing values and screening of units by data availability (COINr rules).

Examples
--------
>>> import numpy as np, pandas as pd
>>> df = pd.DataFrame({"a": [1.0, np.nan, 3.0, 10.0]})
>>> impute(df, method="mean_group", groups=pd.Series(["x", "x", "x", "y"]))["a"].tolist()
[1.0, 2.0, 3.0, 10.0]
"""

from __future__ import annotations

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
) -> pd.DataFrame:
    """Replace missing values column by column.

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

    from .._validate import check_frame, check_number

    check_choice("method", method, IMPUTE_METHODS)
    check_frame(data, "impute: data", numeric=True)
    if value is not None:
        check_number("value", value)
    out = data.copy()
    if method == "none":
        return out
    if method == "constant":
        if value is None:
            raise ParameterError("method='constant' needs value=")
        return out.fillna(value)
    if method in ("mean", "median"):
        stat = out.mean() if method == "mean" else out.median()
        return out.fillna(stat)
    if groups is None:
        raise ParameterError(f"method={method!r} needs groups= (a group label per unit)")
    g = pd.Series(np.asarray(groups), index=data.index)
    how = "mean" if method == "mean_group" else "median"
    filled = out[g.notna()].groupby(g[g.notna()]).transform(how)
    mask = out.isna() & g.notna().to_numpy()[:, None]
    out = out.mask(mask, filled.reindex(out.index))
    return out


def data_availability(data: pd.DataFrame) -> pd.DataFrame:
    """Per unit: number missing, number of zeros, share available, share of non-zero values.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> data_availability(pd.DataFrame({"a": [1.0, np.nan], "b": [0.0, 2.0]}))["Dat_Avail"].tolist()
    [1.0, 0.5]
    """
    import pandas as pd

    na = data.isna().sum(axis=1)
    zero = (data == 0).sum(axis=1)
    k = data.shape[1]
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
    s["LowData"] = s["Dat_Avail"] < dat_thresh
    s["LowNonZero"] = s["Non_Zero"] < nonzero_thresh
    s["Included"] = {
        "byNA": ~s["LowData"],
        "byzeros": ~s["LowNonZero"],
        "byNAandzeros": ~(s["LowData"] | s["LowNonZero"]),
    }[unit_screen]
    for unit, inc in (force or {}).items():
        if unit not in s.index:
            raise ParameterError(f"force: unit {unit!r} is not in the data set")
        s.loc[unit, "Included"] = bool(inc)
    return data[s["Included"].to_numpy()], s
