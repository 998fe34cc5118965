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

__all__ = ["AGG_METHODS", "aggregate_values", "check_domain"]

AGG_METHODS = ("arithmetic", "geometric", "harmonic", "inform", "inform_complement")


def check_domain(X: np.ndarray, method: str, codes=None, *, upper: float = 10.0) -> None:
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
    if method not in rules:
        return
    test, what, rule, why = rules[method]
    with np.errstate(invalid="ignore"):
        bad = test(X) & ~np.isnan(X)
    if bad.any():
        idx = np.argwhere(bad)[0]
        j = int(idx[1]) if X.ndim > 1 else 0
        name = codes[j] if codes is not None else f"column {j}"
        label = {"geometric": "geometric mean", "harmonic": "harmonic mean"}.get(method, method)
        col = bad[:, j] if X.ndim > 1 else bad
        raise DataFileError(
            f"{label}: {name!r} has {int(col.sum())} value(s) {what} "
            f"(e.g. {float(X[tuple(idx)])!r} for unit {int(idx[0])}); {why} (rule: {rule})"
        )


def aggregate_values(
    X: np.ndarray,
    w: np.ndarray,
    *,
    method: str = "arithmetic",
    dat_thresh: float | None = None,
    upper: float = 10.0,
    codes=None,
    check: bool = True,
) -> np.ndarray:
    """Aggregate the children ``X`` of one parent with weights ``w``.

    Parameters
    ----------
    X : numpy.ndarray
        ``(units, children)`` or ``(units, children, reps)``.
    w : numpy.ndarray
        ``(children,)`` or ``(children, reps)`` relative weights.
    method : str
        One of :data:`AGG_METHODS`.
    dat_thresh : float, optional
        A unit whose share of available children is below this gets NaN (COINr's rule).
    upper : float
        Upper bound for ``inform_complement``.
    codes : list, optional
        Child codes for error messages.
    check : bool
        Check the method's domain first (raise on e.g. zeros under a geometric mean).

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

    check_choice("method", method, AGG_METHODS)
    X = check_array(X, "X (units x children)", ndim=(2, 3))
    w = check_array(w, "w (weights)", ndim=(1, 2))
    if X.ndim == 2 and w.ndim == 2:
        X = np.broadcast_to(X[:, :, None], (*X.shape, w.shape[1]))
    if w.shape[0] != X.shape[1]:
        raise ParameterError(
            f"{w.shape[0]} weights for {X.shape[1]} children; they must match one to one"
        )
    if check:
        check_domain(X, method, codes, upper=upper)
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
        else:  # inform_complement
            y = np.where(mask, np.log(np.where(mask, upper - X, 1.0)), 0.0)
            out = upper - np.exp((wm * y).sum(axis=1) / sw)
    nav = mask.sum(axis=1)
    out = np.where(nav == 0, np.nan, out)
    if dat_thresh is not None:
        out = np.where(nav / X.shape[1] < dat_thresh, np.nan, out)
    return out
