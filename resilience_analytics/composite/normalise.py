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
    "n_dist2ref",
    "n_scaled",
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


def n_scaled(x: np.ndarray, npara=(0, 100), scale_factor: float = 100) -> np.ndarray:
    """COINr's ``n_scaled``: ``(x - l)/(u - l) * scale_factor`` with fixed ``npara = (l, u)``.

    A linear rescaling with fixed bounds (used in the Global Innovation Index 2020); unlike
    min-max it does not depend on the other units (Becker et al. 2022, COINr).

    Examples
    --------
    >>> import numpy as np
    >>> n_scaled(np.array([0.0, 5.0, 20.0]), npara=(0, 10)).tolist()
    [0.0, 50.0, 200.0]
    """
    import numpy as np

    a, one = _cols(x)
    g = np.asarray(npara, dtype=float)
    if g.ndim == 1:
        g = np.broadcast_to(g[:, None], (2, a.shape[1]))
    if (g[1] == g[0]).any():
        raise ParameterError(f"n_scaled: npara={npara!r} has l == u; the bounds must differ")
    return _out((a - g[0]) / (g[1] - g[0]) * scale_factor, one)


def n_dist2ref(x: np.ndarray, iref, cap_max: bool = False) -> np.ndarray:
    """COINr's ``n_dist2ref``: ``1 - (x_ref - x)/(x_ref - min)`` with ``x_ref = x[iref]``.

    ``iref`` is a 0-based row position (COINr counts from 1); values above the reference are
    capped at 1 with ``cap_max``. A missing reference gives NaN, as in COINr.

    Examples
    --------
    >>> import numpy as np
    >>> n_dist2ref(np.array([0.0, 5.0, 10.0, 20.0]), 2, cap_max=True).tolist()
    [0.0, 0.5, 1.0, 1.0]
    """
    import numpy as np

    a, one = _cols(x)
    if isinstance(iref, bool) or not isinstance(iref, int | np.integer) or not \
            0 <= int(iref) < a.shape[0]:
        raise ParameterError(f"n_dist2ref: iref={iref!r} must be a row position in "
                             f"0..{a.shape[0] - 1}")
    ref = a[int(iref)]
    with np.errstate(all="ignore"):
        y = 1 - (ref - a) / (ref - np.nanmin(a, axis=0))
    if cap_max:
        y = np.where(y > 1, 1.0, y)
    return _out(y, one)


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
    "scaled": n_scaled,
    "dist2ref": n_dist2ref,
    "none": None,
}

#: COINr's ``use_iMeta`` columns: framework columns read per indicator by ``use_meta=True``.
META_PARAMS: dict[str, tuple[str, ...]] = {
    "minmax": ("minmax_lower", "minmax_upper"),
    "scaled": ("scaled_lower", "scaled_upper", "scale_factor"),
    "zscore": ("zscore_mean", "zscore_sd"),
    "dist2targ": ("Target", "dist2targ_cap_max"),
    "goalposts": ("goalpost_lower", "goalpost_upper", "goalpost_scale", "goalpost_trunc2posts"),
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
        if "gposts" not in params:
            raise ParameterError("method='goalposts' needs gposts=(lower, upper, scale)")
        return f(Xd, params.pop("gposts"), direction=d, **params)
    if method == "scaled":
        # bounds on the raw scale: flip them with the direction as COINr's use_iMeta does
        g = np.asarray(params.pop("npara", (0, 100)), dtype=float)
        if g.ndim == 1:
            g = np.broadcast_to(g[:, None], (2, X.shape[1]))
        g = np.where(d == -1, g[::-1] * d, g)
        return f(Xd, g, **params)
    return f(Xd, **params)


def normalise(
    data: pd.DataFrame,
    meta: pd.DataFrame | None = None,
    *,
    method: str = "minmax",
    directions: dict[str, int] | None = None,
    indiv: dict[str, dict] | None = None,
    use_meta: bool = False,
    **params: Any,
) -> pd.DataFrame:
    """Normalise every indicator column of ``data`` (units in rows) with one method.

    Per-indicator choices follow COINr's ``Normalise``: ``indiv`` maps a code to its own
    ``{"method": ..., **params}`` (COINr's ``indiv_specs``), and ``use_meta=True`` reads each
    indicator's parameters of ``method`` from framework columns (COINr's
    ``f_n_para = "use_iMeta"``; columns in :data:`META_PARAMS`, e.g. ``goalpost_lower``,
    ``goalpost_upper``, ``goalpost_scale``, ``goalpost_trunc2posts``). For ``dist2ref`` the
    reference is given as ``ref=`` (a unit label of ``data``'s index) or ``iref=`` (position).

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
    from ._checks import numeric_frame

    numeric_frame(data, "normalise: data")
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
        dirs = pd.to_numeric(mi["Direction"], errors="coerce").reindex(cols).fillna(1.0
                                                                              ).to_numpy(float)
        if "Target" in mi.columns:
            targets = pd.to_numeric(mi["Target"], errors="coerce").reindex(cols).to_numpy(float)
    if directions is not None:
        dirs = np.array([float(directions.get(c, d)) for c, d in zip(cols, dirs, strict=True)])
    if "ref" in params:
        ref = params.pop("ref")
        if ref not in data.index:
            raise ParameterError(f"dist2ref: reference unit {ref!r} is not in the data")
        params["iref"] = int(data.index.get_loc(ref))
    X = data.to_numpy(dtype=float)
    if not use_meta and not indiv:
        out = normalise_array(X, dirs, method=method, codes=cols, targets=targets, **params)
        return pd.DataFrame(out, index=data.index, columns=cols)
    specs = {c: {"method": method, **params} for c in cols}
    if use_meta:
        if meta is None:
            raise ParameterError("use_meta=True needs the framework (meta=)")
        need = META_PARAMS.get(method)
        if need is None:
            raise ParameterError(f"use_meta: method {method!r} takes no framework parameters; "
                                 f"methods with framework parameters: {list(META_PARAMS)}")
        mi = meta.set_index("iCode")
        miss = [c for c in need if c not in mi.columns and c != "dist2targ_cap_max"]
        if miss:
            raise ParameterError(f"use_meta with method {method!r} needs framework column(s) "
                                 f"{miss} (COINr's use_iMeta columns: {list(need)})")
        for c in cols:
            v = {k: mi.at[c, k] if k in mi.columns else False for k in need}
            bad = [k for k, x in v.items() if k != "dist2targ_cap_max" and pd.isna(x)]
            if bad:
                raise ParameterError(f"use_meta: indicator {c!r} has no value in framework "
                                     f"column(s) {bad}")
            sp = specs[c]
            if method == "minmax":
                sp["l_u"] = (float(v["minmax_lower"]), float(v["minmax_upper"]))
            elif method == "scaled":
                sp["npara"] = (float(v["scaled_lower"]), float(v["scaled_upper"]))
                sp["scale_factor"] = float(v["scale_factor"])
            elif method == "zscore":
                sp["m_sd"] = (float(v["zscore_mean"]), float(v["zscore_sd"]))
            elif method == "dist2targ":
                sp["cap_max"] = bool(v["dist2targ_cap_max"])
            else:
                sp["gposts"] = (float(v["goalpost_lower"]), float(v["goalpost_upper"]),
                                float(v["goalpost_scale"]))
                sp["trunc2posts"] = bool(v["goalpost_trunc2posts"])
    for c, sp in (indiv or {}).items():
        if c not in specs:
            raise ParameterError(f"indiv: {c!r} is not an indicator column; columns: {cols}")
        sp = dict(sp)
        specs[c] = {"method": sp.pop("method", method), **sp}
    out = np.empty_like(X)
    for j, c in enumerate(cols):
        sp = dict(specs[c])
        m = sp.pop("method")
        t = None if targets is None else targets[[j]]
        out[:, [j]] = normalise_array(X[:, [j]], dirs[[j]], method=m, codes=[c], targets=t,
                                      **sp)
    return pd.DataFrame(out, index=data.index, columns=cols)
