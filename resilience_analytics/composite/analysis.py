"""Statistical analysis of a composite indicator.

Correlations within and across levels, Cronbach's alpha, PCA, effective contributions and
the comparison of two specifications.

Examples
--------
>>> from resilience_analytics.composite import build_example_coin, analysis
>>> coin = build_example_coin()
>>> round(analysis.cronbach_alpha(coin, dset="Normalised", code="Physical"), 2) > 0
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._validate import check_choice
from ..errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

    from .pipeline import Coin

__all__ = [
    "compare",
    "correlations",
    "cronbach_alpha",
    "effective_contributions",
    "effective_weights",
    "pca",
]


def correlations(
    coin: Coin, dset: str = "Aggregated", *, levels: tuple[int, int] = (1, 2),
    method: str = "pearson", within_parent: bool = False,
) -> pd.DataFrame:
    """Correlations between the codes of two levels (rows: ``levels[0]``, columns: ``levels[1]``).

    With ``within_parent=True``, only pairs in the same branch are kept (a code and its own
    ancestor, or two codes with the same parent when both levels are equal); others are NaN.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> c = correlations(build_example_coin(), levels=(2, 4))
    >>> c.shape
    (8, 1)
    """
    import numpy as np

    check_choice("method", method, ("pearson", "spearman", "kendall"))
    data = coin._get(dset)
    a, b = coin.codes_at(levels[0]), coin.codes_at(levels[1])
    miss = [c for c in a + b if c not in data.columns]
    if miss:
        raise ParameterError(f"correlations: {miss[:5]} not in data set {dset!r}")
    corr = data[list(dict.fromkeys(a + b))].corr(method=method).loc[a, b]
    if within_parent:
        from .framework import lineage

        parent = dict(zip(coin.meta["iCode"], coin.meta["Parent"], strict=True))

        def ancestors(code):
            out = []
            cur = parent.get(code)
            while isinstance(cur, str):
                out.append(cur)
                cur = parent.get(cur)
            return out

        del lineage
        mask = np.zeros(corr.shape, dtype=bool)
        for i, r in enumerate(a):
            for j, c in enumerate(b):
                same = levels[0] == levels[1] and parent.get(r) == parent.get(c)
                mask[i, j] = same or c in ancestors(r) or r in ancestors(c)
        corr = corr.where(mask)
    return corr


def cronbach_alpha(coin: Coin, dset: str = "Normalised", *, code: str | None = None) -> float:
    """Cronbach's alpha of the children of ``code`` (default: all indicators), complete cases.

    ``alpha = k/(k-1) * (1 - sum(var_i) / var(sum_i))``.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> 0 < cronbach_alpha(build_example_coin(), "Aggregated", code="Conn") < 1
    True
    """
    data = coin._get(dset)
    cols = coin.children(code) if code else coin.indicator_codes
    miss = [c for c in cols if c not in data.columns]
    if miss:
        raise ParameterError(f"cronbach_alpha: {miss} (children of {code!r}) are not in data "
                             f"set {dset!r}; use dset='Aggregated' for aggregates")
    X = data[cols].dropna()
    k = X.shape[1]
    if k < 2:
        raise ParameterError(f"cronbach_alpha: {code!r} has {k} child; alpha needs at least 2")
    return float(k / (k - 1) * (1 - X.var(ddof=1).sum() / X.sum(axis=1).var(ddof=1)))


def pca(coin: Coin, dset: str = "Normalised", *, code: str | None = None
        ) -> tuple[pd.Series, pd.DataFrame]:
    """PCA of the (standardised) children of ``code`` or of all indicators; complete cases.

    Returns
    -------
    tuple
        ``(explained_variance_ratio, loadings)``: a Series per component and a DataFrame of
        loadings (children x components).

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> ev, load = pca(build_example_coin(), code="Environ")
    >>> round(float(ev.sum()), 6), load.shape[0]
    (1.0, 5)
    """
    import numpy as np
    import pandas as pd

    data = coin._get(dset)
    cols = coin.children(code) if code else coin.indicator_codes
    X = data[cols].dropna().to_numpy(dtype=float)
    sd = X.std(axis=0, ddof=1)
    if (sd == 0).any():
        raise ParameterError(f"pca: {cols[int(np.flatnonzero(sd == 0)[0])]!r} has zero variance")
    Z = (X - X.mean(axis=0)) / sd
    _, s, vt = np.linalg.svd(Z, full_matrices=False)
    ev = s**2 / np.sum(s**2)
    names = [f"PC{i + 1}" for i in range(len(s))]
    return pd.Series(ev, index=names, name="explained_variance_ratio"), pd.DataFrame(
        vt.T, index=cols, columns=names)


def effective_weights(coin: Coin, weights=None) -> pd.Series:
    """Each indicator's weight in the index: product of the re-scaled weights along its path.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> round(float(effective_weights(build_example_coin("new_coin")).sum()), 9)
    1.0
    """
    import pandas as pd

    from .pipeline import weights_frame

    wf = weights_frame(coin.meta, weights)
    w = dict(zip(wf["iCode"], wf["Weight"], strict=True))
    parent = dict(zip(coin.meta["iCode"], coin.meta["Parent"], strict=True))
    out = {}
    for ind in coin.indicator_codes:
        eff, cur = 1.0, ind
        while isinstance(parent.get(cur), str):
            p = parent[cur]
            sib = coin.children(p)
            eff *= w[cur] / sum(w[s] for s in sib)
            cur = p
        out[ind] = eff
    return pd.Series(out, name="effective_weight")


def effective_contributions(coin: Coin, *, dset: str = "Normalised",
                            target: str | None = None) -> pd.DataFrame:
    """Each indicator's share of each unit's score: effective weight x normalised value / score.

    Exact for arithmetic aggregation (shares sum to 1 for units with complete data); for other
    aggregation methods it is the arithmetic approximation.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> ec = effective_contributions(build_example_coin())
    >>> round(float(ec.loc["NLD"].sum()), 9)
    1.0
    """
    if "aggregate" not in coin.log:
        raise ParameterError("effective_contributions: aggregate the coin first")
    target = target or coin.top_code
    weights = coin.log["aggregate"]["weights"]
    weights = coin.weights[weights] if isinstance(weights, str) else weights
    ew = effective_weights(coin, weights)
    x = coin._get(dset)[coin.indicator_codes]
    score = coin.data["Aggregated"][target]
    return x.mul(ew, axis=1).div(score, axis=0)


def compare(coin_a: Coin, coin_b: Coin, *, code: str | None = None,
            dset: str = "Aggregated", names: tuple[str, str] = ("a", "b")) -> pd.DataFrame:
    """Compare two specifications: scores, ranks and rank changes of ``code`` per unit.

    Returns a DataFrame sorted by absolute rank change (largest first) with columns
    ``score_<a>, score_<b>, rank_<a>, rank_<b>, rank_change`` (b minus a; negative = moved
    up) and ``abs_rank_change``.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> a = build_example_coin()
    >>> b = a.regen({"aggregate": {"method": "geometric"}, "normalise": {"l_u": (1, 100)}})
    >>> cmp = compare(a, b, names=("arith", "geo"))
    >>> list(cmp.columns)[:4]
    ['score_arith', 'score_geo', 'rank_arith', 'rank_geo']
    """
    import pandas as pd

    from .pipeline import rank_desc

    code = code or coin_a.top_code
    sa = coin_a._get(dset)[code]
    sb = coin_b._get(dset)[code]
    common = sa.index.intersection(sb.index)
    if len(common) == 0:
        raise ParameterError("compare: the two coins share no units")
    sa, sb = sa.loc[common], sb.loc[common]
    ra_, rb_ = rank_desc(sa.to_numpy()), rank_desc(sb.to_numpy())
    out = pd.DataFrame({f"score_{names[0]}": sa, f"score_{names[1]}": sb,
                        f"rank_{names[0]}": ra_, f"rank_{names[1]}": rb_}, index=common)
    out["rank_change"] = out[f"rank_{names[1]}"] - out[f"rank_{names[0]}"]
    out["abs_rank_change"] = out["rank_change"].abs()
    return out.sort_values("abs_rank_change", ascending=False, kind="stable")
