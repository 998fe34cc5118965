"""Outlier treatment: COINr's default rule, winsorisation with a log fallback.

For each indicator (COINr 1.1 ``Treat.numeric`` with its default specs):

1. pass if ``abs(skew) < skew_thresh`` OR ``kurtosis < kurt_thresh`` (sample skewness and
   excess kurtosis of type 2, as ``e1071``/Excel; NaN ignored);
2. otherwise winsorise: while failing and fewer than ``winmax`` points are winsorised, replace
   the maximum value(s) by the next highest (if skew >= 0) or the minimum value(s) by the next
   lowest (if skew < 0); COINr counts the points tied at the current extreme;
3. if still failing, discard the winsorisation and apply ``log_CT`` to the ORIGINAL values:
   ``log(x - min(x) + 0.01*(max(x) - min(x)))``.

The second-stage transform ``f2`` may be any of COINr's: ``log_CT`` (default), ``log_CT_plus``
(skew-direction aware), ``log_CT_orig`` (``log(x - min + 1)``) or ``boxcox`` (with ``lambda_``);
``force_win=True`` winsorises up to ``winmax`` points whatever the skew and kurtosis (COINr's
``force_win``). References: Becker et al. (2022), COINr, JOSS 7(78) 4567; OECD/JRC (2008)
Handbook on Constructing Composite Indicators, step 3 (outliers) and step 5 (transformations).

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

from ..errors import ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["TRANSFORMS", "boxcox", "check_skew_kurt", "kurt", "log_ct", "log_ct_orig",
           "log_ct_plus", "skew", "treat", "treat_vector", "winsorise"]


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
    x: np.ndarray, winmax: int | None = 5, skew_thresh: float = 2, kurt_thresh: float = 3.5,
    force_win: bool = False,
) -> tuple[np.ndarray, int]:
    """COINr's ``winsorise``: returns the winsorised copy and COINr's count of winsorised points.

    With ``force_win`` the loop runs until ``winmax`` points are winsorised whatever the skew
    and kurtosis (COINr: "forces winsorisation up to winmax"); the side is chosen by the sign
    of the current skew at each step, as in COINr.

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
    if force_win and winmax is None:
        raise ParameterError("force_win=True needs a finite winmax (else every point would be "
                             "winsorised)")
    if passing is None or (passing and not force_win):
        return x, 0
    while (not passing or force_win) and (winmax is None or nwin < winmax):
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


def log_ct_plus(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT_plus``: ``log_CT`` if skew > 0, else ``-log(max + a - x)``.

    ``a = 0.01*(max - min)``; the aim is to reduce absolute skew whatever its sign.

    Examples
    --------
    >>> import numpy as np
    >>> log_ct_plus(np.array([0.0, 99.0, 100.0])).round(4).tolist()
    [-4.6151, -0.6931, -0.0]
    """
    import numpy as np

    mn, mx = np.nanmin(x), np.nanmax(x)
    a = 0.01 * (mx - mn)
    if skew(np.asarray(x, dtype=float)) > 0:
        return np.log(x - mn + a)
    return -np.log(mx + a - x)


def log_ct_orig(x: np.ndarray) -> np.ndarray:
    """COINr's ``log_CT_orig`` (the COIN Tool's original): ``log(x - min(x) + 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> log_ct_orig(np.array([2.0, 3.0])).round(4).tolist()
    [0.0, 0.6931]
    """
    import numpy as np

    return np.log(x - np.nanmin(x) + 1)


def boxcox(x: np.ndarray, lambda_: float, makepos: bool = True) -> np.ndarray:
    """COINr's ``boxcox``: ``(x^lambda - 1)/lambda`` (``log x`` at 0), no optimisation.

    With ``makepos`` (default) ``x`` is first shifted to ``x - min(x) + 1`` as COINr does;
    without it every value must be > 0 (Box and Cox 1964).

    Examples
    --------
    >>> import numpy as np
    >>> boxcox(np.array([0.0, 1.0, 2.0]), 2).tolist()
    [0.0, 1.5, 4.0]
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    if lambda_ is None or not np.isfinite(lambda_):
        raise ParameterError(f"boxcox: lambda_ must be a finite number, got {lambda_!r}")
    if makepos:
        x = x - np.nanmin(x) + 1
    elif np.nanmin(x) <= 0:
        raise ParameterError(f"boxcox with makepos=False: values must be > 0, found "
                             f"{float(np.nanmin(x))!r}")
    if lambda_ == 0:
        return np.log(x)
    return (x**lambda_ - 1) / lambda_


#: Second-stage transforms of the treatment (COINr ``f2``).
TRANSFORMS = ("log_CT", "log_CT_plus", "log_CT_orig", "boxcox")


def _transform(x, f2, lambda_):
    from .._validate import check_choice

    check_choice("f2", f2, TRANSFORMS)
    if f2 == "log_CT":
        return log_ct(x)
    if f2 == "log_CT_plus":
        return log_ct_plus(x)
    if f2 == "log_CT_orig":
        return log_ct_orig(x)
    return boxcox(x, lambda_)


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
    f2: str = "log_CT",
    lambda_: float | None = None,
    force_win: bool = False,
) -> tuple[np.ndarray, str, int]:
    """Apply COINr's two-stage treatment to one indicator.

    Returns
    -------
    tuple
        ``(treated values, how, n_winsorised)`` with ``how`` one of ``"none"``,
        ``"winsorised"``, ``"log"`` (winsorisation was not enough; ``f2`` applied, named
        ``"log"`` for ``log_CT`` and by ``f2`` otherwise) or ``"undefined"`` (too few points or
        zero variance: left untreated).

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
    if p0 and not force_win:
        return x.copy(), "none", 0
    x1, nwin = winsorise(x, winmax, skew_thresh, kurt_thresh, force_win=force_win)
    p1 = check_skew_kurt(x1, skew_thresh, kurt_thresh)
    if p1 is None or p1 or not log_fallback:
        return x1, ("winsorised" if nwin else "none"), nwin
    base = x1 if combine_treat else x
    return _transform(base, f2, lambda_), ("log" if f2 == "log_CT" else f2), nwin


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
    f2: str = "log_CT",
    lambda_: float | None = None,
    force_win: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Treat every column of ``data`` for outliers; returns ``(treated, details)``.

    ``indiv`` maps indicator codes to ``"none"`` (leave untreated) or to a dict overriding
    ``winmax``/``skew_thresh``/``kurt_thresh``/``log_fallback``/``f2``/``lambda_``/
    ``force_win`` for that indicator, or to ``{"transform": f2, ...}`` to apply a transform
    unconditionally (e.g. ``{"transform": "boxcox", "lambda_": 0.5}``). With
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

    out = {}
    rows = []
    indiv = indiv or {}
    for c in data.columns:
        spec = indiv.get(c, {})
        x = data[c].to_numpy(dtype=float)
        if spec == "none":
            out[c], how, nwin = x.copy(), "none (by request)", 0
        elif isinstance(spec, dict) and "transform" in spec:
            sp = dict(spec)
            f = sp.pop("transform")
            out[c], how, nwin = _transform(x, f, sp.pop("lambda_", None)), f"{f} (by request)", 0
        else:
            if not isinstance(spec, dict):
                raise ParameterError(f"indiv[{c!r}] = {spec!r}: give 'none' or a dict of "
                                     "treatment parameters")
            kw = dict(winmax=winmax, skew_thresh=skew_thresh, kurt_thresh=kurt_thresh,
                      log_fallback=log_fallback, combine_treat=combine_treat, f2=f2,
                      lambda_=lambda_, force_win=force_win)
            kw.update(spec)
            out[c], how, nwin = treat_vector(x, **kw)
        if details:
            rows.append({"iCode": c, "treatment": how, "n_winsorised": nwin,
                         "skew_before": skew(x), "kurt_before": kurt(x),
                         "skew_after": skew(out[c]), "kurt_after": kurt(out[c])})
    table = pd.DataFrame(rows).set_index("iCode") if details else None
    return pd.DataFrame(out, index=data.index)[list(data.columns)], table
