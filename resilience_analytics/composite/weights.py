"""Weight sets: given (the framework's), equal, and PCA-based.

Every function returns a weight table (``iCode, Level, Weight``) that
:meth:`~resilience_analytics.composite.pipeline.Coin.aggregate` accepts as ``weights=``; it
can also be stored by name in ``coin.weights``.

Examples
--------
>>> from resilience_analytics.composite import build_example_coin, weights
>>> coin = build_example_coin()
>>> w = weights.pca_weights(coin, dset="Normalised", levels=[2])
>>> round(float(w.loc[w["iCode"].isin(coin.children("Physical")), "Weight"].sum()), 6)
1.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ParameterError
from .pipeline import weights_frame

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import Coin

__all__ = ["equal_weights", "given_weights", "pca_weights"]


def given_weights(coin: Coin) -> pd.DataFrame:
    """Return the framework's own weights.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> float(given_weights(build_example_coin("new_coin"))["Weight"].sum())
    60.0
    """
    return weights_frame(coin.meta)


def equal_weights(coin: Coin) -> pd.DataFrame:
    """Return weights equal to 1 for every indicator and aggregate (equal inside each parent).

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> set(equal_weights(build_example_coin("new_coin"))["Weight"])
    {1.0}
    """
    w = weights_frame(coin.meta)
    w["Weight"] = 1.0
    return w


def pca_weights(coin: Coin, *, dset: str = "Aggregated", levels: list[int] | None = None
                ) -> pd.DataFrame:
    """PCA-based weights: inside each parent, children weighted by their squared PC1 loadings.

    For each aggregate at the chosen levels (default: every level), the children's values in
    ``dset`` (units with all children present) are standardised; the weights are the squared
    components of the first principal axis (they sum to 1), the OECD/JRC Handbook's
    factor-analysis weights with one factor. Other codes keep the framework's weights. PCA
    weights reward children that co-vary with the others and say nothing about importance.

    Parameters
    ----------
    dset : str
        Data set holding the children (e.g. ``"Normalised"`` for level 2 parents,
        ``"Aggregated"`` for every level).
    levels : list of int, optional
        Aggregation levels (parents' levels) whose children get PCA weights.

    Returns
    -------
    pandas.DataFrame
        ``iCode, Level, Weight``.
    """
    import numpy as np

    w = weights_frame(coin.meta)
    data = coin._get(dset)
    levels = levels or list(range(2, coin.n_levels + 1))
    for lev in levels:
        for parent in coin.codes_at(lev):
            kids = coin.children(parent)
            miss = [k for k in kids if k not in data.columns]
            if miss:
                raise ParameterError(f"pca_weights: {miss} (children of {parent!r}) are not in "
                                     f"data set {dset!r}; aggregate first or choose levels")
            if len(kids) < 2:
                continue
            X = data[kids].dropna().to_numpy(dtype=float)
            sd = X.std(axis=0, ddof=1)
            if (sd == 0).any():
                raise ParameterError(
                    f"pca_weights: child {kids[int(np.flatnonzero(sd == 0)[0])]!r} of {parent!r} "
                    "has zero variance (rule: PCA needs varying indicators)")
            Z = (X - X.mean(axis=0)) / sd
            _, _, vt = np.linalg.svd(Z, full_matrices=False)
            load = vt[0] ** 2
            w.loc[w["iCode"].isin(kids), "Weight"] = [
                float(load[kids.index(c)]) for c in w.loc[w["iCode"].isin(kids), "iCode"]]
    return w
