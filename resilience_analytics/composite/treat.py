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
           "log_ct_plus", "skew", "skew_kurt_columns", "treat", "treat_vector", "winsorise"]


def _moments(x):
    """Central moments m2, m3, m4 of the non-missing values (numpy only: this runs in loops)."""
    import numpy as np

    x = x[~np.isnan(x)]
    n = x.size
    if n == 0:
        return 0, 0.0, 0.0, 0.0
    d = x - x.mean()
    d2 = d * d
    return n, d2.mean(), (d2 * d).mean(), (d2 * d2).mean()


def skew(x: np.ndarray) -> float:
    """Sample skewness (type 2, as ``e1071::skewness(type = 2)`` and Excel), NaN removed.

    ``G1 = g1 sqrt(n (n - 1)) / (n - 2)`` with ``g1 = m3 / m2^(3/2)`` (Joanes and Gill 1998);
    equal to ``scipy.stats.skew(x, bias=False)`` (tested), computed with numpy because the
    treatment calls it in loops.

    Examples
    --------
    >>> import numpy as np
    >>> round(skew(np.array([1.0, 2.0, 10.0])), 4)
    1.6523
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    n, m2, m3, _ = _moments(x)
    if n < 3 or m2 == 0 or np.all(x[~np.isnan(x)] == x[~np.isnan(x)][0]):
        return float("nan")
    g1 = m3 / m2**1.5
    return float(g1 * np.sqrt(n * (n - 1)) / (n - 2))


def kurt(x: np.ndarray) -> float:
    """Sample excess kurtosis (type 2, as ``e1071::kurtosis(type = 2)`` and Excel), NaN removed.

    ``G2 = ((n + 1) g2 + 6)(n - 1) / ((n - 2)(n - 3))`` with ``g2 = m4 / m2^2 - 3`` (Joanes and
    Gill 1998); equal to ``scipy.stats.kurtosis(x, bias=False)`` (tested).

    Examples
    --------
    >>> import numpy as np
    >>> round(kurt(np.array([1.0, 2.0, 3.0, 4.0, 100.0])), 3)
    4.987
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    n, m2, _, m4 = _moments(x)
    if n < 4 or m2 == 0 or np.all(x[~np.isnan(x)] == x[~np.isnan(x)][0]):
        return float("nan")
    g2 = m4 / m2**2 - 3
    return float(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))


def check_skew_kurt(x: np.ndarray, skew_thresh: float = 2, kurt_thresh: float = 3.5) -> bool | None:
    """COINr's pass test: ``abs(skew) < skew_thresh or kurt < kurt_thresh`` (None if undefined).

    Examples
    --------
    >>> import numpy as np
    >>> check_skew_kurt(np.arange(20.0))
    True
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    s, k = _sk(x[~np.isnan(x)])
    if s != s or k != k:
        return None
    return bool(abs(s) < skew_thresh or k < kurt_thresh)


def _sk(v):
    """(skew, kurt) of a NaN-free vector from one pass of moments (NaN where undefined)."""
    n = v.size
    if n < 3:
        return float("nan"), float("nan")
    d = v - v.sum() / n
    d2 = d * d
    m2 = d2.sum() / n
    if m2 == 0 or (v == v[0]).all():
        return float("nan"), float("nan")
    m3 = (d2 * d).sum() / n
    sk = m3 / m2**1.5 * (n * (n - 1)) ** 0.5 / (n - 2)
    if n < 4:
        return float(sk), float("nan")
    g2 = (d2 * d2).sum() / n / m2**2 - 3
    return float(sk), float(((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3)))


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
    if force_win and winmax is None:
        raise ParameterError("force_win=True needs a finite winmax (else every point would be "
                             "winsorised)")
    ok = ~np.isnan(x)
    v = x[ok]

    def test(v):
        s, k = _sk(v)
        return (None if (s != s or k != k) else bool(abs(s) < skew_thresh or
                                                     k < kurt_thresh)), s

    passing, s = test(v)
    if passing is None or (passing and not force_win):
        return x, 0
    nmax = nmin = 0  # sizes of the latest tie sets winsorised at each end (COINr's count)
    nwin = 0
    while (not passing or force_win) and (winmax is None or nwin < winmax):
        if s >= 0:
            mx = v.max()
            sel = v == mx
            if sel.all():
                break
            v[sel] = v[~sel].max()
            nmax = int(sel.sum())
        else:
            mn = v.min()
            sel = v == mn
            if sel.all():
                break
            v[sel] = v[~sel].min()
            nmin = int(sel.sum())
        nwin = nmax + nmin
        passing, s = test(v)
        if passing is None:
            break
    x[ok] = v
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
    import numpy as np
    import pandas as pd

    from .._validate import check_number
    from ..errors import ParameterError
    from ._checks import numeric_frame

    numeric_frame(data, "treat: data")
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
    X = data.to_numpy(dtype=float)
    sk0, ku0 = skew_kurt_columns(X)
    for j, c in enumerate(data.columns):
        spec = indiv.get(c, {})
        x = X[:, j]
        if spec == {} and not force_win and (np.isnan(sk0[j]) or np.isnan(ku0[j]) or
                                              abs(sk0[j]) < skew_thresh or ku0[j] < kurt_thresh):
            # passes COINr's test (or is undefined): untreated, as treat_vector would return
            out[c] = x.copy()
            if details:
                how = "undefined" if (np.isnan(sk0[j]) or np.isnan(ku0[j])) else "none"
                rows.append({"iCode": c, "treatment": how, "n_winsorised": 0})
            continue
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
            rows.append({"iCode": c, "treatment": how, "n_winsorised": nwin})
    res = pd.DataFrame(np.column_stack([out[c] for c in data.columns]) if len(out) else
                       np.empty((len(data), 0)), index=data.index, columns=data.columns)
    table = None
    if details:
        sk1, ku1 = skew_kurt_columns(res.to_numpy(dtype=float))
        table = pd.DataFrame({"treatment": [r["treatment"] for r in rows],
                              "n_winsorised": [r["n_winsorised"] for r in rows],
                              "skew_before": sk0, "kurt_before": ku0,
                              "skew_after": sk1, "kurt_after": ku1},
                             index=pd.Index([r["iCode"] for r in rows], name="iCode"))
    return res, table


def skew_kurt_columns(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`skew` and :func:`kurt` of every column at once (NaN ignored, NaN if undefined).

    Examples
    --------
    >>> import numpy as np
    >>> s, k = skew_kurt_columns(np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [4.0, 100.0]]))
    >>> round(float(s[1]), 4) == round(skew(np.array([1.0, 2.0, 3.0, 100.0])), 4)
    True
    """
    import numpy as np

    X = np.asarray(X, dtype=float)
    ok = ~np.isnan(X)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(all="ignore"):
        mean = np.where(ok, X, 0.0).sum(axis=0) / n
        d = np.where(ok, X - mean, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0) / n
        m3 = (d2 * d).sum(axis=0) / n
        m4 = (d2 * d2).sum(axis=0) / n
        const = ~(np.where(ok, X, -np.inf).max(axis=0) > np.where(ok, X, np.inf).min(axis=0))
        g1 = m3 / m2**1.5
        sk = g1 * np.sqrt(n * (n - 1)) / (n - 2)
        g2 = m4 / m2**2 - 3
        ku = ((n + 1) * g2 + 6) * (n - 1) / ((n - 2) * (n - 3))
    sk = np.where((n < 3) | const | (m2 == 0), np.nan, sk)
    ku = np.where((n < 4) | const | (m2 == 0), np.nan, ku)
    return sk, ku
