"""Outlier treatment: COINr's default rule, winsorisation with a log fallback.

For each indicator (COINr 1.1 ``Treat.numeric`` with its default specs):

1. pass if ``abs(skew) < skew_thresh`` OR ``kurtosis < kurt_thresh`` (sample skewness and
   excess kurtosis of type 2, as ``e1071``/Excel; NaN ignored);
2. otherwise winsorise: while failing and fewer than ``winmax`` points are winsorised, replace
   the maximum value(s) by the next highest (if skew >= 0) or the minimum value(s) by the next
   lowest (if skew < 0); COINr counts the points tied at the current extreme;
3. if still failing, discard the winsorisation and apply ``log_CT`` to the ORIGINAL values:
   ``log(x - min(x) + 0.01*(max(x) - min(x)))``.

Examples
--------
>>> import numpy as np
>>> x = np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100], dtype=float)
>>> xt, how, nwin = treat_vector(x, winmax=2)
>>> how, nwin, xt[-2:].tolist()
('winsorised', 1, [30.0, 30.0])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["check_skew_kurt", "kurt", "log_ct", "skew", "treat", "treat_vector", "winsorise"]


def skew(x: np.ndarray) -> float:
    """Sample skewness (type 2, as ``e1071::skewness(type = 2)`` and Excel), NaN removed.

    Examples
    --------
    >>> import numpy as np
    >>> round(skew(np.array([1.0, 2.0, 10.0])), 4)
    1.6523
    """
    import numpy as np
    from scipy import stats

    x = x[~np.isnan(x)]
    if x.size < 3 or np.all(x == x[0]):
        return float("nan")
    return float(stats.skew(x, bias=False))


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis (type 2, as ``e1071::kurtosis(type = 2)`` and Excel), NaN removed.

    Examples
    --------
    >>> import numpy as np
    >>> round(kurt(np.array([1.0, 2.0, 3.0, 4.0, 100.0])), 3)
    4.987
    """
    import numpy as np
    from scipy import stats

    x = x[~np.isnan(x)]
    if x.size < 4 or np.all(x == x[0]):
        return float("nan")
    return float(stats.kurtosis(x, bias=False))


def check_skew_kurt(x: np.ndarray, skew_thresh: float = 2, kurt_thresh: float = 3.5) -> bool | None:
    """COINr's pass test: ``abs(skew) < skew_thresh or kurt < kurt_thresh`` (None if undefined).

    Examples
    --------
    >>> import numpy as np
    >>> check_skew_kurt(np.arange(20.0))
    True
    """
    s, k = skew(x), kurt(x)
    if s != s or k != k:
        return None
    return bool(abs(s) < skew_thresh or k < kurt_thresh)


def winsorise(
    x: np.ndarray, winmax: int | None = 5, skew_thresh: float = 2, kurt_thresh: float = 3.5
) -> tuple[np.ndarray, int]:
    """COINr's ``winsorise``: returns the winsorised copy and COINr's count of winsorised points.

    Examples
    --------
    >>> import numpy as np
    >>> xw, n = winsorise(np.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100.0]), winmax=1)
    >>> n, float(xw.max())
    (1, 30.0)
    """
    import numpy as np

    x = np.array(x, dtype=float)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
    nwin = 0
    imax = np.array([], dtype=int)
    imin = np.array([], dtype=int)
    if passing is None or passing:
        return x, 0
    while (not passing) and (winmax is None or nwin < winmax):
        ok = ~np.isnan(x)
        if skew(x) >= 0:
            mx = np.max(x[ok])
            imax = np.flatnonzero(ok & (x == mx))
            rest = x[ok & (x != mx)]
            if rest.size == 0:
                break
            x[imax] = rest.max()
        else:
            mn = np.min(x[ok])
            imin = np.flatnonzero(ok & (x == mn))
            rest = x[ok & (x != mn)]
            if rest.size == 0:
                break
            x[imin] = rest.min()
        nwin = imax.size + imin.size
        passing = check_skew_kurt(x, skew_thresh, kurt_thresh)
        if passing is None:
            break
    return x, int(nwin)


def log_ct(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT``: ``log(x - min(x) + 0.01*(max(x) - min(x)))``.

    Examples
    --------
    >>> import numpy as np
    >>> log_ct(np.array([0.0, 100.0])).round(4).tolist()
    [0.0, 4.6151]
    """
    import numpy as np

    mn, mx = np.nanmin(x), np.nanmax(x)
    return np.log(x - mn + 0.01 * (mx - mn))


def treat_vector(
    x: np.ndarray,
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2,
    kurt_thresh: float = 3.5,
    log_fallback: bool = True,
    combine_treat: bool = False,
) -> tuple[np.ndarray, str, int]:
    """Apply COINr's two-stage treatment to one indicator.

    Returns
    -------
    tuple
        ``(treated values, how, n_winsorised)`` with ``how`` one of ``"none"``,
        ``"winsorised"``, ``"log"`` (winsorisation was not enough) or ``"undefined"`` (too few
        points or zero variance: left untreated).

    Examples
    --------
    >>> import numpy as np
    >>> _, how, _ = treat_vector(np.r_[np.zeros(30), np.arange(5.0), 1e6], winmax=1)
    >>> how
    'log'
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    p0 = check_skew_kurt(x, skew_thresh, kurt_thresh)
    if p0 is None:
        return x.copy(), "undefined", 0
    if p0:
        return x.copy(), "none", 0
    x1, nwin = winsorise(x, winmax, skew_thresh, kurt_thresh)
    p1 = check_skew_kurt(x1, skew_thresh, kurt_thresh)
    if p1 is None or p1 or not log_fallback:
        return x1, "winsorised", nwin
    base = x1 if combine_treat else x
    return log_ct(base), "log", nwin


def treat(
    data: pd.DataFrame,
    *,
    winmax: int | None = 5,
    skew_thresh: float = 2,
    kurt_thresh: float = 3.5,
    log_fallback: bool = True,
    combine_treat: bool = False,
    indiv: dict[str, dict | str] | None = None,
    details: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Treat every column of ``data`` for outliers; returns ``(treated, details)``.

    ``indiv`` maps indicator codes to ``"none"`` (leave untreated) or to a dict overriding
    ``winmax``/``skew_thresh``/``kurt_thresh``/``log_fallback`` for that indicator. With
    ``details=False`` the second item is None (faster; used by the uncertainty engine).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> df = pd.DataFrame({"a": np.r_[np.arange(20.0), 500.0], "b": np.arange(21.0)})
    >>> treated, details = treat(df, winmax=5)
    >>> details.loc["a", "treatment"], details.loc["b", "treatment"]
    ('winsorised', 'none')
    """
    import pandas as pd

    from .._validate import check_frame, check_number
    from ..errors import ParameterError

    check_frame(data, "treat: data", numeric=True)
    if winmax is not None:
        check_number("winmax", winmax, lo=0, integer=True)
    check_number("skew_thresh", skew_thresh, lo=0)
    check_number("kurt_thresh", kurt_thresh, lo=0)
    if indiv is not None and not isinstance(indiv, dict):
        raise ParameterError(f"treat: indiv must be a dict of code -> 'none' or a dict of "
                             f"options, got {type(indiv).__name__}")
    out = {}
    rows = []
    indiv = indiv or {}
    for c in data.columns:
        spec = indiv.get(c, {})
        x = data[c].to_numpy(dtype=float)
        if spec == "none":
            out[c], how, nwin = x.copy(), "none (by request)", 0
        else:
            kw = dict(winmax=winmax, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh,
                      log_fallback=log_fallback, combine_treat=combine_treat)
            kw.update(spec)
            out[c], how, nwin = treat_vector(x, **kw)
        if details:
            rows.append({"iCode": c, "treatment": how, "n_winsorised": nwin,
                         "skew_before": skew(x), "kurt_before": kurt(x),
                         "skew_after": skew(out[c]), "kurt_after": kurt(out[c])})
    table = (pd.DataFrame(rows, columns=["iCode", "treatment", "n_winsorised", "skew_before",
                                         "kurt_before", "skew_after", "kurt_after"])
             .set_index("iCode") if details else None)
    return pd.DataFrame(out, index=data.index)[list(data.columns)], table
