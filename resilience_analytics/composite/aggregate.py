"""Aggregation up the hierarchy: weighted means with data-availability thresholds.

Every function works on stacked arrays so that many weight sets (replications) are aggregated
in one call: ``X`` has shape ``(units, children)`` or ``(units, children, reps)`` and ``w`` has
shape ``(children,)`` or ``(children, reps)``. Missing values are skipped and the remaining
weights re-scaled to sum to one (COINr's ``a_amean``/``a_gmean``/``a_hmean``).

Methods
-------
``arithmetic``
    ``sum(w x) / sum(w)``.
``geometric``
    ``exp(sum(w log x) / sum(w))``; every value must be > 0 (COINr's rule).
``harmonic``
    ``sum(w) / sum(w / x)``; no value may be 0.
``inform``
    INFORM's combination of its three dimensions: the weighted geometric mean that accepts 0
    (a zero dimension gives zero risk); negative values are an error.
``inform_complement``
    INFORM's combination inside hazard & exposure: ``u - geometric mean(u - x)`` with upper
    bound ``u`` (default 10), which lets one severe hazard dominate; values must be <= ``u``.
``generalised``
    COINr's ``a_genmean``: ``(sum(w x^p) / sum(w))^(1/p)`` with exponent ``p`` (``p = 1``
    arithmetic, ``p = -1`` harmonic, ``p -> 0`` geometric); ``p = 0`` is an error and a
    negative ``p`` needs every value > 0 (Becker et al. 2022, COINr, JOSS 7(78) 4567).
``copeland``
    COINr's ``a_copeland``: the rows of the weighted outranking matrix
    (:func:`outrank_matrix`) turned into +1 (> 0.5), -1 (< 0.5) or 0 and summed; a
    non-compensatory method (OECD/JRC Handbook 2008, section 6.1.3 "Non-compensatory
    multi-criteria approach"). A unit's score depends on every other unit.

A callable ``f(X, w) -> y`` (``X`` units x children, ``w`` weights summing to one, NaN where
missing) is a custom aggregation function, as COINr's ``f_ag`` accepts any function name.

Examples
--------
>>> import numpy as np
>>> X = np.array([[1.0, 4.0], [2.0, np.nan]])
>>> aggregate_values(X, np.array([1.0, 1.0]), method="geometric").tolist()
[2.0, 2.0]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._validate import check_array, check_choice
from ..errors import DataFileError, ParameterError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["AGG_METHODS", "aggregate_values", "check_domain", "copeland", "generalised_mean",
           "outrank_matrix"]

AGG_METHODS = ("arithmetic", "geometric", "harmonic", "inform", "inform_complement",
               "generalised", "copeland")


def outrank_matrix(X, w=None) -> tuple:
    """COINr's ``outrankMatrix``: weighted share of indicators on which unit i beats unit j.

    Entry ``(i, j)`` is the sum of the (re-scaled) weights of the indicators where unit ``i``
    is higher than unit ``j`` plus half the weights where they are equal; comparisons with a
    missing value count for neither (COINr's ``na.rm = TRUE``). The diagonal is 0 and the
    lower triangle is ``1 - upper`` as in COINr. A pair is *dominant* (robust) when the entry
    is exactly 1 (Becker et al. 2022, COINr; OECD/JRC Handbook 2008, p. 104).

    Parameters
    ----------
    X : array-like
        Units x indicators, higher = better (apply directions first).
    w : array-like, optional
        Indicator weights (default equal), re-scaled to sum to 1.

    Returns
    -------
    tuple
        ``(matrix, n_dominant, frac_dominant)``; ``frac_dominant`` is ``n_dominant`` over
        the ``n (n - 1) / 2`` pairs, as COINr.

    Examples
    --------
    >>> import numpy as np
    >>> m, ndom, frac = outrank_matrix(np.array([[3.0, 3.0], [1.0, 2.0], [2.0, 1.0]]))
    >>> m.tolist()
    [[0.0, 1.0, 1.0], [0.0, 0.0, 0.5], [0.0, 0.5, 0.0]]
    >>> ndom, round(frac, 4)
    (2, 0.6667)
    """
    import numpy as np

    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ParameterError(f"outrank_matrix: X must be 2-D (units x indicators), got {X.ndim}-D")
    n, k = X.shape
    w = np.ones(k) if w is None else np.asarray(w, dtype=float)
    if w.shape != (k,):
        raise ParameterError(f"outrank_matrix: {w.size} weights for {k} indicators")
    if not np.isfinite(w).all() or (w < 0).any() or w.sum() <= 0:
        raise ParameterError(f"outrank_matrix: weights must be finite, >= 0 and not all zero; "
                             f"got {w.tolist()}")
    w = w / w.sum()
    a = X[:, None, :]
    b = X[None, :, :]
    with np.errstate(invalid="ignore"):
        gt = (a > b).astype(float) @ w
        eq = (a == b).astype(float) @ w
    m = gt + eq / 2
    iu = np.triu_indices(n, 1)
    full = np.zeros((n, n))
    full[iu] = m[iu]
    full.T[iu] = 1 - m[iu]
    ndom = int(np.sum(full == 1))
    npairs = (n * n - n) / 2
    return full, ndom, (ndom / npairs if npairs else float("nan"))


def copeland(X, w=None):
    """COINr's ``a_copeland``: Copeland scores from the outranking matrix.

    Examples
    --------
    >>> import numpy as np
    >>> copeland(np.array([[3.0, 3.0], [1.0, 2.0], [2.0, 1.0]])).tolist()
    [2.0, -1.0, -1.0]
    """
    import numpy as np

    m = outrank_matrix(X, w)[0]
    s = np.where(m > 0.5, 1.0, np.where(m < 0.5, -1.0, 0.0))
    np.fill_diagonal(s, 0.0)
    return s.sum(axis=1)


def generalised_mean(x, w=None, p: float = 2.0) -> float:
    """COINr's ``a_genmean`` for one unit: ``(sum(w x^p)/sum(w))^(1/p)``, NaN skipped.

    Examples
    --------
    >>> round(generalised_mean([1.0, 2.0, 3.0], p=2), 6)  # quadratic mean
    2.160247
    """
    import numpy as np

    x = np.asarray(x, dtype=float)
    w = np.ones(x.size) if w is None else np.asarray(w, dtype=float)
    return float(aggregate_values(x[None, :], w, method="generalised", p=p)[0])


def check_domain(X: np.ndarray, method, codes=None, *, upper: float = 10.0,
                 p: float | None = None) -> None:
    """Raise :class:`DataFileError` if ``X`` has values outside ``method``'s domain.

    Examples
    --------
    >>> import numpy as np
    >>> check_domain(np.array([[0.0, 1.0]]), "geometric", ["a", "b"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.DataFileError: geometric mean: 'a' has 1 value(s) <= 0 ...
    """
    import numpy as np

    rules = {
        "geometric": (lambda a: a <= 0, "<= 0", "values must be > 0: normalise to a positive "
                      "range, e.g. min-max onto [1, 100], or use another method",
                      "the geometric mean takes logarithms"),
        "harmonic": (lambda a: a == 0, "= 0", "values must be non-zero", "the harmonic mean "
                     "divides by each value"),
        "inform": (lambda a: a < 0, "< 0", "values must be >= 0", "INFORM's geometric "
                   "combination takes logarithms"),
        "inform_complement": (lambda a: a > upper, f"> {upper}", f"values must be <= {upper}",
                              f"INFORM's complement combination takes log({upper} - x)"),
    }
    if method == "generalised" and p is not None and p < 0:
        rules["generalised"] = (lambda a: a <= 0, "<= 0", "values must be > 0 when p < 0",
                                "a negative power of zero is infinite")
    if method not in rules:
        return
    test, what, rule, why = rules[method]
    with np.errstate(invalid="ignore"):
        bad = test(X) & ~np.isnan(X)
    if bad.any():
        idx = np.argwhere(bad)[0]
        j = int(idx[1]) if X.ndim > 1 else 0
        name = codes[j] if codes is not None else f"column {j}"
        label = {"geometric": "geometric mean", "harmonic": "harmonic mean",
                 "generalised": f"generalised mean (p={p})"}.get(method, method)
        col = bad[:, j] if X.ndim > 1 else bad
        raise DataFileError(
            f"{label}: {name!r} has {int(col.sum())} value(s) {what} "
            f"(e.g. {float(X[tuple(idx)])!r} for unit {int(idx[0])}); {why} (rule: {rule})"
        )


def aggregate_values(
    X: np.ndarray,
    w: np.ndarray,
    *,
    method="arithmetic",
    dat_thresh: float | None = None,
    upper: float = 10.0,
    codes=None,
    check: bool = True,
    p: float | None = None,
) -> np.ndarray:
    """Aggregate the children ``X`` of one parent with weights ``w``.

    Parameters
    ----------
    X : numpy.ndarray
        ``(units, children)`` or ``(units, children, reps)``.
    w : numpy.ndarray
        ``(children,)`` or ``(children, reps)`` relative weights.
    method : str or callable
        One of :data:`AGG_METHODS`, or a function ``f(X, w) -> y`` (custom aggregation).
    dat_thresh : float, optional
        A unit whose share of available children is below this gets NaN (COINr's rule).
    upper : float
        Upper bound for ``inform_complement``.
    codes : list, optional
        Child codes for error messages.
    check : bool
        Check the method's domain first (raise on e.g. zeros under a geometric mean).
    p : float, optional
        Exponent of the ``generalised`` mean (required for it).

    Returns
    -------
    numpy.ndarray
        ``(units,)`` or ``(units, reps)``.

    Examples
    --------
    >>> import numpy as np
    >>> aggregate_values(np.array([[2.0, 8.0]]), np.array([1.0, 3.0])).tolist()
    [6.5]
    """
    import numpy as np

    if not callable(method):
        check_choice("method", method, AGG_METHODS)
    X = check_array(X, "X (units x children)", ndim=(2, 3))
    w = check_array(w, "w (weights)", ndim=(1, 2))
    if X.ndim == 2 and w.ndim == 2:
        X = np.broadcast_to(X[:, :, None], (*X.shape, w.shape[1]))
    if w.shape[0] != X.shape[1]:
        raise ParameterError(
            f"{w.shape[0]} weights for {X.shape[1]} children; they must match one to one"
        )
    if method == "generalised":
        if p is None or not np.isfinite(p):
            raise ParameterError(f"method='generalised' needs a finite exponent p=, got {p!r}")
        if p == 0:
            raise ParameterError("generalised mean with p=0: the exponent 1/p is infinite; the "
                                 "limit p -> 0 is the geometric mean: use method='geometric'")
    if check:
        check_domain(X, method, codes, upper=upper, p=p)
    if callable(method) or method == "copeland":
        return _per_unit_set(X, w, method, dat_thresh)
    ww = w[None, ...] if X.ndim == 3 or w.ndim == 1 else w
    if X.ndim == 3 and w.ndim == 1:
        ww = w[None, :, None]
    mask = ~np.isnan(X)
    wm = np.where(mask, ww, 0.0)
    sw = wm.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            y = np.where(mask, X, 0.0)
            # normalise weights first (as COINr), then sum
            out = (wm / sw[:, None] * y).sum(axis=1)
        elif method in ("geometric", "inform"):
            y = np.where(mask, np.log(np.where(mask, X, 1.0)), 0.0)
            out = np.exp((wm * y).sum(axis=1) / sw)
        elif method == "harmonic":
            y = np.where(mask, 1.0 / np.where(mask, X, 1.0), 0.0)
            out = sw / (wm * y).sum(axis=1)
        elif method == "generalised":
            y = np.where(mask, np.where(mask, X, 1.0) ** p, 0.0)
            out = ((wm * y).sum(axis=1) / sw) ** (1.0 / p)
        else:  # inform_complement
            y = np.where(mask, np.log(np.where(mask, upper - X, 1.0)), 0.0)
            out = upper - np.exp((wm * y).sum(axis=1) / sw)
    nav = mask.sum(axis=1)
    out = np.where(nav == 0, np.nan, out)
    if dat_thresh is not None:
        out = np.where(nav / X.shape[1] < dat_thresh, np.nan, out)
    return out


def _per_unit_set(X, w, method, dat_thresh):
    """Copeland or a custom function: applied to the whole units x children matrix per set."""
    import numpy as np

    if X.ndim == 2:
        X3, W2, one = X[:, :, None], (w[:, None] if w.ndim == 1 else w), True
    else:
        X3, W2, one = X, (np.broadcast_to(w[:, None], (w.shape[0], X.shape[2]))
                          if w.ndim == 1 else w), False
    outs = []
    for r in range(X3.shape[2]):
        Xr, wr = X3[:, :, r], W2[:, r]
        if method == "copeland":
            y = copeland(Xr, wr)
        else:
            wn = wr / wr.sum()
            y = np.asarray(method(Xr.copy(), wn), dtype=float)
            if y.shape != (Xr.shape[0],):
                name = getattr(method, "__name__", repr(method))
                raise ParameterError(
                    f"custom aggregation {name!r} returned shape {y.shape}; it must return one "
                    f"value per unit ({Xr.shape[0]},)")
        nav = (~np.isnan(Xr)).sum(axis=1)
        y = np.where(nav == 0, np.nan, y)
        if dat_thresh is not None:
            y = np.where(nav / Xr.shape[1] < dat_thresh, np.nan, y)
        outs.append(y)
    out = np.column_stack(outs)
    return out[:, 0] if one else out
