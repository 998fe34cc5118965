"""Normalisation: bring indicators onto a common scale, with directions applied first.

Each ``n_*`` function takes a numeric array (one indicator per column) and returns an array of
the same shape, computed column by column exactly as COINr's functions of the same name
(``x * direction`` first, NaN ignored). :func:`normalise` applies one method to a data frame.

Examples
--------
>>> import numpy as np
>>> n_minmax(np.array([1.0, 2.0, 3.0]), l_u=(0, 100)).tolist()
[0.0, 50.0, 100.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "METHODS",
    "n_borda",
    "n_dist2max",
    "n_dist2targ",
    "n_fracmax",
    "n_goalposts",
    "n_minmax",
    "n_prank",
    "n_rank",
    "n_zscore",
    "normalise",
]


def _cols(x):
    import numpy as np

    a = np.asarray(x, dtype=float)
    return (a[:, None], True) if a.ndim == 1 else (a, False)


def _out(a, was1d):
    return a[:, 0] if was1d else a


def n_minmax(x: np.ndarray, l_u: tuple[float, float] = (0, 100)) -> np.ndarray:
    """Min-max scale each column onto ``[l, u]``: ``(x - min)/(max - min)*(u - l) + l``.

    Examples
    --------
    >>> import numpy as np
    >>> n_minmax(np.array([2.0, 4.0]), l_u=(1, 10)).tolist()
    [1.0, 10.0]
    """
    import numpy as np

    a, one = _cols(x)
    with np.errstate(all="ignore"):
        mn = np.nanmin(a, axis=0)
        mx = np.nanmax(a, axis=0)
        y = (a - mn) / (mx - mn) * (l_u[1] - l_u[0]) + l_u[0]
    return _out(y, one)


def n_zscore(x: np.ndarray, m_sd: tuple[float, float] = (0, 1)) -> np.ndarray:
    """Standardise each column to mean ``m`` and standard deviation ``sd`` (sample sd, n-1).

    Examples
    --------
    >>> import numpy as np
    >>> n_zscore(np.array([1.0, 2.0, 3.0]), m_sd=(10, 2)).tolist()
    [8.0, 10.0, 12.0]
    """
    import numpy as np

    if m_sd[1] <= 0:
        raise ParameterError(f"m_sd={m_sd!r}: the target sd must be > 0")
    a, one = _cols(x)
    with np.errstate(all="ignore"):
        y = (a - np.nanmean(a, axis=0)) / np.nanstd(a, axis=0, ddof=1) * m_sd[1] + m_sd[0]
    return _out(y, one)


def _rank_min(a):
    """Column-wise ranks (ascending, ties get the minimum rank, NaN kept)."""
    import numpy as np
    from scipy.stats import rankdata

    r = rankdata(np.where(np.isnan(a), np.inf, a), method="min", axis=0).astype(float)
    r[np.isnan(a)] = np.nan
    return r


def n_rank(x: np.ndarray) -> np.ndarray:
    """Ranks, higher values get higher ranks, ties get the minimum rank (R ``rank(ties="min")``).

    Examples
    --------
    >>> import numpy as np
    >>> n_rank(np.array([5.0, 1.0, 5.0])).tolist()
    [2.0, 1.0, 2.0]
    """
    a, one = _cols(x)
    return _out(_rank_min(a), one)


def n_borda(x: np.ndarray) -> np.ndarray:
    """Borda scores: ``rank - 1``.

    Examples
    --------
    >>> import numpy as np
    >>> n_borda(np.array([3.0, 1.0])).tolist()
    [1.0, 0.0]
    """
    a, one = _cols(x)
    return _out(_rank_min(a) - 1, one)


def n_prank(x: np.ndarray, l_u: tuple[float, float] = (0, 1)) -> np.ndarray:
    """Percentile ranks ``(rank - 1)/(n_available - 1)`` (COINr), rescaled onto ``l_u``.

    Examples
    --------
    >>> import numpy as np
    >>> n_prank(np.array([10.0, 20.0, 30.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    import numpy as np

    a, one = _cols(x)
    n = np.sum(~np.isnan(a), axis=0)
    p = (_rank_min(a) - 1) / (n - 1)
    return _out(p * (l_u[1] - l_u[0]) + l_u[0], one)


def n_dist2max(x: np.ndarray) -> np.ndarray:
    """Distance to the maximum: ``1 - (max - x)/(max - min)``.

    Examples
    --------
    >>> import numpy as np
    >>> n_dist2max(np.array([0.0, 5.0, 10.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    import numpy as np

    a, one = _cols(x)
    with np.errstate(all="ignore"):
        mn, mx = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
        y = 1 - (mx - a) / (mx - mn)
    return _out(y, one)


def n_fracmax(x: np.ndarray) -> np.ndarray:
    """Fraction of the maximum: ``x / max``.

    Examples
    --------
    >>> import numpy as np
    >>> n_fracmax(np.array([1.0, 4.0])).tolist()
    [0.25, 1.0]
    """
    import numpy as np

    a, one = _cols(x)
    return _out(a / np.nanmax(a, axis=0), one)


def n_dist2targ(x: np.ndarray, targ, cap_max: bool = False) -> np.ndarray:
    """Distance to target: ``1 - (targ - x)/(targ - min)``, optionally capped at 1.

    ``targ`` is one number or one number per column (already multiplied by the direction).

    Examples
    --------
    >>> import numpy as np
    >>> n_dist2targ(np.array([0.0, 5.0, 20.0]), 10, cap_max=True).tolist()
    [0.0, 0.5, 1.0]
    """
    import numpy as np

    a, one = _cols(x)
    t = np.broadcast_to(np.asarray(targ, dtype=float), (a.shape[1],))
    if np.isnan(t).any():
        raise ParameterError("distance to target needs a Target for every indicator; got NaN")
    with np.errstate(all="ignore"):
        y = 1 - (t - a) / (t - np.nanmin(a, axis=0))
    if cap_max:
        y = np.where(y > 1, 1.0, y)
    return _out(y, one)


def n_goalposts(x: np.ndarray, gposts, direction=1, trunc2posts: bool = True) -> np.ndarray:
    """Goalposts ``(l, u, a)``: ``(x - l)/(u - l)`` truncated to [0, 1], times ``a``.

    As in COINr, ``x`` arrives already multiplied by its direction; for ``direction = -1`` the
    goalposts are flipped accordingly.

    Examples
    --------
    >>> import numpy as np
    >>> n_goalposts(np.array([0.0, 50.0, 200.0]), (0, 100, 10)).tolist()
    [0.0, 5.0, 10.0]
    """
    import numpy as np

    a, one = _cols(x)
    g = np.asarray(gposts, dtype=float)
    if g.ndim == 1:
        g = np.broadcast_to(g[:, None], (3, a.shape[1]))
    d = np.broadcast_to(np.asarray(direction, dtype=float), (a.shape[1],))
    gl, gu, sc = g[0] * d, g[1] * d, g[2]
    with np.errstate(all="ignore"):
        y = np.where(d == -1, (a - gu) / (gl - gu), (a - gl) / (gu - gl))
    if trunc2posts:
        y = np.clip(y, 0, 1)
    return _out(y * sc, one)


METHODS: dict[str, Any] = {
    "minmax": n_minmax,
    "zscore": n_zscore,
    "rank": n_rank,
    "prank": n_prank,
    "borda": n_borda,
    "dist2max": n_dist2max,
    "dist2targ": n_dist2targ,
    "fracmax": n_fracmax,
    "goalposts": n_goalposts,
    "none": None,
}

_NEEDS_RANGE = {"minmax", "zscore", "dist2max", "prank"}


def normalise_array(
    X: np.ndarray,
    directions: np.ndarray,
    *,
    method: str = "minmax",
    codes: list[str] | None = None,
    targets: np.ndarray | None = None,
    **params: Any,
) -> np.ndarray:
    """Normalise a 2-D array (units x indicators) column by column; see :func:`normalise`.

    Examples
    --------
    >>> import numpy as np
    >>> normalise_array(np.array([[1.0], [3.0]]), np.array([-1]), method="minmax").tolist()
    [[100.0], [0.0]]
    """
    import numpy as np

    from .._validate import check_choice

    check_choice("method", method, list(METHODS))
    X = np.asarray(X, dtype=float)
    d = np.asarray(directions, dtype=float)
    if not np.isin(d, (1, -1)).all():
        raise ParameterError(f"directions must be +1 or -1, got {sorted(set(d.tolist()))}")
    codes = codes or [f"column {j}" for j in range(X.shape[1])]
    avail = np.sum(~np.isnan(X), axis=0)
    if (avail == 0).any():
        j = int(np.flatnonzero(avail == 0)[0])
        raise DataFileError(
            f"indicator {codes[j]!r} has no values to normalise "
            "(rule: an indicator must have at least one non-missing value)"
        )
    if method in _NEEDS_RANGE:
        with np.errstate(all="ignore"):
            rng = np.nanmax(X, axis=0) - np.nanmin(X, axis=0)
        if (rng == 0).any():
            j = int(np.flatnonzero(rng == 0)[0])
            raise DataFileError(
                f"indicator {codes[j]!r} has zero variance (every unit = {np.nanmax(X[:, j])!r}); "
                f"{method!r} normalisation divides by its range (rule: indicators must vary; "
                "drop it or use method='goalposts'/'fracmax')"
            )
    Xd = X * d
    if method == "none":
        return Xd
    f = METHODS[method]
    if method == "dist2targ":
        t = params.pop("targ", targets)
        if t is None:
            raise ParameterError("method='dist2targ' needs targ= or a Target column")
        return f(Xd, np.asarray(t, dtype=float) * d, **params)
    if method == "goalposts":
        return f(Xd, params.pop("gposts"), direction=d, **params)
    return f(Xd, **params)


def normalise(
    data: pd.DataFrame,
    meta: pd.DataFrame | None = None,
    *,
    method: str = "minmax",
    directions: dict[str, int] | None = None,
    **params: Any,
) -> pd.DataFrame:
    """Normalise every indicator column of ``data`` (units in rows) with one method.

    Parameters
    ----------
    data : pandas.DataFrame
        Indicator values, one column per indicator.
    meta : pandas.DataFrame, optional
        Framework; supplies ``Direction`` and ``Target`` per indicator.
    method : str
        ``"minmax"`` (``l_u=(0, 100)``), ``"zscore"`` (``m_sd=(0, 1)``), ``"rank"``,
        ``"prank"`` (percentile rank), ``"borda"``, ``"dist2max"``, ``"dist2targ"`` (``targ=``
        or the framework's Target, ``cap_max=``), ``"fracmax"``, ``"goalposts"``
        (``gposts=(l, u, a)``) or ``"none"`` (directions only).
    directions : dict, optional
        Overrides the framework's directions (+1/-1 per code); default +1 without a framework.
    **params
        Parameters of the method (see above).

    Returns
    -------
    pandas.DataFrame
        Same index and columns.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [30.0, 20.0, 10.0]})
    >>> normalise(df, method="minmax", directions={"a": 1, "b": -1}, l_u=(0, 10))["b"].tolist()
    [0.0, 5.0, 10.0]
    """
    import numpy as np
    import pandas as pd

    from .._validate import check_frame

    check_frame(data, "normalise: data", numeric=True)
    if meta is not None:
        check_frame(meta, "normalise: meta")
    if directions is not None and (
            not isinstance(directions, dict)
            or any(isinstance(v, bool) or v not in (1, -1) for v in directions.values())):
        raise ParameterError(
            f"normalise: directions must be a dict of indicator code -> 1 or -1, got "
            f"{directions!r:.80}"
        )
    cols = list(data.columns)
    dirs = np.ones(len(cols))
    targets = None
    if meta is not None:
        mi = meta.set_index("iCode")
        dirs = np.array([float(mi.at[c, "Direction"]) if c in mi.index else 1.0 for c in cols])
        if "Target" in mi.columns:
            targets = np.array(
                [float(mi.at[c, "Target"]) if c in mi.index else np.nan for c in cols]
            )
    if directions is not None:
        dirs = np.array([float(directions.get(c, d)) for c, d in zip(cols, dirs, strict=True)])
    out = normalise_array(
        data.to_numpy(dtype=float), dirs, method=method, codes=cols, targets=targets, **params
    )
    return pd.DataFrame(out, index=data.index, columns=cols)
