"""Predictor diagnostics run before a model is fitted, and variance inflation factors.

:func:`predictor_diagnostics` reports, for each candidate predictor, the share of zeros,
the number of distinct values, in how many clusters (countries) it varies, and for a
binary outcome whether it separates the outcome (Albert & Anderson 1984: a logit has no
finite estimate when a predictor, or a threshold on it, splits the outcome's classes
perfectly). It decides what to do with each predictor, in words:

* ``keep``;
* ``indicator``: a sparse count or rate (more than ``sparse_share`` zeros) is replaced by
  the stated indicator "any exposure" (``x > 0``), which is what the data can support;
* ``drop``: constant, varying in fewer than ``min_clusters`` clusters, or separating.

References
----------
Albert, A., & Anderson, J. A. (1984). On the existence of maximum likelihood estimates in
logistic regression models. Biometrika 71(1), 1–10.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._validate import check_frame, check_names
from ..errors import ParameterError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["predictor_diagnostics", "vif"]


def _separates(x: pd.Series, y: pd.Series) -> str:
    """Empty string, or how ``x`` separates the binary ``y`` (complete or quasi-complete)."""
    import numpy as np

    x = x.to_numpy(dtype=float)
    y = y.to_numpy(dtype=float)
    if len(np.unique(x)) < 2:
        return ""
    x0, x1 = x[y == 0], x[y == 1]
    if len(x0) == 0 or len(x1) == 0:
        return ""
    if x0.max() < x1.min() or x1.max() < x0.min():
        return "complete separation: a threshold on it splits the outcome's classes"
    if len(np.unique(x)) == 2:
        lo, hi = np.unique(x)
        for v in (lo, hi):
            if len(np.unique(y[x == v])) == 1:
                return (f"quasi-complete separation: every city with value {v:g} has "
                        f"outcome {int(y[x == v][0])}")
    return ""


def predictor_diagnostics(
    data: pd.DataFrame,
    predictors: dict[str, str] | list[str],
    *,
    cluster: str = "country",
    outcome: str | None = None,
    sparse_share: float = 0.75,
    min_clusters: int = 3,
) -> pd.DataFrame:
    """Share of zeros, clusters with variation and separation of each predictor.

    Parameters
    ----------
    data : pandas.DataFrame
        The model frame.
    predictors : dict or list
        Column names (or label → column).
    cluster : str
        Cluster column (countries).
    outcome : str, optional
        A binary outcome column: adds the separation check.
    sparse_share : float
        Share of zeros above which a predictor becomes the indicator ``x > 0``.
    min_clusters : int
        Fewest clusters in which a predictor (or its indicator) must vary to be kept.

    Returns
    -------
    pandas.DataFrame
        ``label, column, n, share_zero, n_distinct, clusters_varying, clusters,
        separation, action, message``; ``action`` is ``keep``, ``indicator`` or ``drop``.

    Examples
    --------
    >>> import pandas as pd, resilience_analytics as ra
    >>> d = pd.DataFrame({"country": list("aabbccdd"), "y": [0, 1, 0, 1, 0, 1, 1, 0],
    ...                   "rain": [1., 2, 3, 4, 5, 6, 7, 8], "quake": [0., 0, 0, 0, 0, 0, 2, 0],
    ...                   "flat": [1.] * 8})
    >>> t = ra.explain.predictor_diagnostics(d, ["rain", "quake", "flat"], outcome="y")
    >>> t.set_index("column")["action"].to_dict()
    {'rain': 'keep', 'quake': 'drop', 'flat': 'drop'}
    """
    import numpy as np
    import pandas as pd

    from .._validate import check_number, short_repr

    check_frame(data, "predictor_diagnostics: data")
    if isinstance(predictors, dict):
        items = list(predictors.items())
        if any(not isinstance(k, str) or not isinstance(v, str) for k, v in items):
            raise ParameterError("predictor_diagnostics: predictors must map labels (str) to "
                                 f"column names (str); got {short_repr(predictors)}")
    else:
        items = [(c, c) for c in check_names("predictor_diagnostics: predictors", predictors)]
    if not items:
        raise ParameterError("predictor_diagnostics: predictors is empty; give column names")
    check_number("sparse_share", sparse_share, lo=0.0, hi=1.0)
    if not 0 < sparse_share < 1:
        raise ParameterError(f"sparse_share={sparse_share!r} must lie in (0, 1)")
    check_number("min_clusters", min_clusters, lo=1, integer=True)
    if not isinstance(cluster, str):
        raise ParameterError(f"cluster must be a column name (str), got {short_repr(cluster)}")
    if outcome is not None:
        if not isinstance(outcome, str) or outcome not in data.columns:
            raise ParameterError(f"predictor_diagnostics: outcome {short_repr(outcome)} is not "
                                 f"a column; found {list(data.columns)[:20]}")
        yv = pd.to_numeric(data[outcome], errors="coerce")
        if not yv.dropna().isin([0, 1]).all():
            raise ParameterError(f"predictor_diagnostics: outcome {outcome!r} must be binary "
                                 "(0/1) for the separation check")
    rows = []
    G = int(data[cluster].nunique()) if cluster in data.columns else 1
    for label, col in items:
        if col not in data.columns:
            raise ParameterError(f"predictor_diagnostics: column {col!r} not in the data; "
                                 f"found {list(data.columns)[:20]}")
        x = pd.to_numeric(data[col], errors="coerce")
        if not isinstance(x, pd.Series):  # duplicated column names give a frame
            raise ParameterError(f"predictor_diagnostics: column {col!r} is not unique")
        x = x.astype(float)
        x = x[np.isfinite(x)]
        if outcome is not None:
            x = x[pd.to_numeric(data.loc[x.index, outcome], errors="coerce").notna()]
        n = len(x)
        share_zero = float((x == 0).mean()) if n else float("nan")
        n_distinct = int(x.nunique())

        def varying(v: pd.Series) -> int:
            if cluster not in data.columns:
                return int(v.nunique() > 1)
            return int((v.groupby(data.loc[v.index, cluster]).nunique() > 1).sum())

        clusters_varying = varying(x)
        sep = ""
        if outcome is not None and n:
            sep = _separates(x, pd.to_numeric(data.loc[x.index, outcome]))
        if n_distinct < 2:
            action, msg = "drop", f"{label} ({col}) is constant in the sample: dropped"
        elif sep:
            action, msg = "drop", f"{label} ({col}): {sep}; dropped (no finite estimate)"
        elif share_zero > sparse_share and n_distinct > 2:
            ind = (x > 0).astype(float)
            cv = varying(ind)
            sep_i = _separates(ind, pd.to_numeric(data.loc[x.index, outcome])) \
                if outcome else ""
            if cv < min_clusters or sep_i:
                action = "drop"
                msg = (f"{label} ({col}) is {100 * share_zero:.0f} % zeros and its indicator "
                       f"varies in {cv} of {G} clusters{'; ' + sep_i if sep_i else ''}: "
                       "dropped")
            else:
                action = "indicator"
                nonzero = int((x > 0).groupby(data.loc[x.index, cluster]).any().sum()) \
                    if cluster in data.columns else 1
                msg = (f"{label} ({col}) is {100 * share_zero:.0f} % zeros (non-zero in "
                       f"{nonzero} of {G} clusters): replaced by the indicator 'any {label} "
                       f"exposure' ({col} > 0)")
        elif clusters_varying < min_clusters:
            action, msg = "drop", (f"{label} ({col}) varies in only {clusters_varying} of {G} "
                                   "clusters: dropped")
        else:
            action, msg = "keep", f"{label} ({col}): kept"
        rows.append({"label": label, "column": col, "n": n, "share_zero": share_zero,
                     "n_distinct": n_distinct, "clusters_varying": clusters_varying,
                     "clusters": G, "separation": sep, "action": action, "message": msg})
    out = pd.DataFrame(rows)
    out["share_zero"] = out["share_zero"].astype(float).round(12)
    return out


def vif(data: pd.DataFrame, formula_rhs: str, terms: list[str]) -> pd.DataFrame:
    """Variance inflation factors of ``terms`` in the design of ``formula_rhs``.

    ``VIF_j = 1 / (1 - R²_j)`` with ``R²_j`` from regressing column ``j`` on the other
    columns (as ``statsmodels.stats.outliers_influence.variance_inflation_factor``),
    computed at once from ``(X'X)⁻¹``: ``VIF_j = [(X'X)⁻¹]_jj · Σ_i (x_ij - x̄_j)²``
    (the design has an intercept).

    Parameters
    ----------
    data : pandas.DataFrame
    formula_rhs : str
        Right-hand side of a formula, e.g. ``"a + b + C(country)"``.
    terms : list of str
        Design columns to report.

    Returns
    -------
    pandas.DataFrame
        ``term, vif``.

    Examples
    --------
    >>> import numpy as np, pandas as pd, resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> d = pd.DataFrame({"a": rng.normal(size=100), "b": rng.normal(size=100)})
    >>> bool((ra.explain.vif(d, "a + b", ["a", "b"])["vif"] < 1.2).all())
    True
    """
    import numpy as np
    import pandas as pd
    from patsy import dmatrix

    check_frame(data, "vif: data")
    if not isinstance(formula_rhs, str) or not formula_rhs.strip():
        raise ParameterError(f"vif: formula_rhs must be a formula right-hand side such as "
                             f"'a + b', got {formula_rhs!r:.80}")
    terms = check_names("vif: terms", terms)
    try:
        X = dmatrix(formula_rhs, data, return_type="dataframe")
    except Exception as exc:  # noqa: BLE001 - patsy raises many kinds for a bad formula
        raise ParameterError(
            f"vif: the formula {formula_rhs!r:.80} cannot be built from the data's columns "
            f"{list(data.columns)[:20]}: {type(exc).__name__}: {str(exc)[:200]}"
        ) from None
    cols = list(X.columns)
    missing = [t for t in terms if t not in cols]
    if missing:
        raise ParameterError(f"vif: term(s) {missing} not in the design columns {cols[:20]}")
    try:
        arr = X.to_numpy(dtype=float)
        inv = np.linalg.pinv(arr.T @ arr)
    except (TypeError, ValueError, np.linalg.LinAlgError) as exc:
        raise ParameterError(f"vif: the design matrix is not numeric or finite ({exc})") from None
    rows = []
    for t in terms:
        j = cols.index(t)
        x = arr[:, j]
        sst = float(((x - x.mean()) ** 2).sum())
        rows.append({"term": t, "vif": float(inv[j, j] * sst) if sst > 0 else float("inf")})
    return pd.DataFrame(rows)
