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
    "corr_flags",
    "strengths_weaknesses",
    "vif",
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

    ``alpha = k/(k-1) * (1 - sum(var_i) / var(sum_i))`` (Cronbach 1951; OECD/JRC Handbook
    2008, step 4 multivariate analysis).

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

    Principal components (Pearson 1901; Hotelling 1933) from the SVD of the z-scores, i.e.
    of their correlation matrix.

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


def strengths_weaknesses(
    coin: Coin, unit, *, dset: str = "Raw", top_n: int = 5, bottom_n: int = 5,
    report_level: int = 2, unq_discard: float | None = None, min_discard: bool = True,
    adjust_direction: bool | None = None,
) -> dict[str, pd.DataFrame]:
    """Return a unit's strongest and weakest indicators by rank (COINr's ``get_str_weak``).

    Indicators are ranked across units (1 = best, ties share the best rank; with
    ``adjust_direction``, default True for ``dset="Raw"``, values are multiplied by their
    direction first). Indicators where the unit is missing are skipped; ``unq_discard``
    drops indicators whose share of unique values is at most this (e.g. binary ones); with
    ``min_discard`` indicators where the unit sits at the worst rank are dropped (COINr's
    rule, so a unit tied at the bottom with many others is not listed as weak there). The
    ``top_n`` best and ``bottom_n`` worst remaining are returned with their aggregate at
    ``report_level``, rank and value (Becker et al. 2022, COINr).

    Returns
    -------
    dict
        ``{"strengths": DataFrame, "weaknesses": DataFrame}`` with columns ``iCode, iName,
        <Level name>, Rank, Value, Unit``.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> sw = strengths_weaknesses(build_example_coin(), "NZL", top_n=3, bottom_n=3)
    >>> sw["strengths"]["Rank"].is_monotonic_increasing, len(sw["weaknesses"])
    (True, 3)
    """
    import numpy as np
    import pandas as pd

    from .framework import lineage
    from .pipeline import rank_desc

    data = coin._get(dset)
    ind = [c for c in coin.indicator_codes if c in data.columns]
    if unit not in data.index:
        raise ParameterError(f"strengths_weaknesses: unit {unit!r} is not in data set {dset!r}")
    for name, v in (("top_n", top_n), ("bottom_n", bottom_n)):
        if not isinstance(v, int) or not 1 <= v <= len(ind):
            raise ParameterError(f"{name}={v!r}: must be an integer in 1..{len(ind)}")
    if not isinstance(report_level, int) or not 2 <= report_level <= coin.n_levels:
        raise ParameterError(f"report_level={report_level!r}: must be in 2..{coin.n_levels}")
    if adjust_direction is None:
        adjust_direction = dset == "Raw"
    mi = coin.meta.set_index("iCode")
    X = data[ind].to_numpy(dtype=float)
    if adjust_direction:
        X = X * mi.loc[ind, "Direction"].to_numpy(dtype=float)
    R = rank_desc(X, axis=0)
    keep = np.ones(len(ind), dtype=bool)
    if unq_discard is not None:
        frac = np.array([data[c].nunique() / len(data) for c in ind])
        keep &= frac > unq_discard
    i = data.index.get_loc(unit)
    r = R[i]
    keep &= ~np.isnan(r)
    if min_discard:
        keep &= r != np.nanmax(R, axis=0)
    codes = [c for c, k in zip(ind, keep, strict=True) if k]
    rk = pd.Series(r[keep], index=codes).sort_values(kind="stable")
    lin = lineage(coin.meta)[f"Level{report_level}"]
    lname = coin.level_names[report_level - 1]

    def table(cs):
        return pd.DataFrame({
            "iCode": cs, "iName": [mi.at[c, "iName"] for c in cs],
            lname: [lin[c] for c in cs], "Rank": rk[cs].to_numpy(),
            "Value": [float(data.at[unit, c]) for c in cs],
            "Unit": [mi.at[c, "Unit"] if "Unit" in mi.columns else None for c in cs]})

    return {"strengths": table(list(rk.index[:top_n])),
            "weaknesses": table(list(rk.index[len(rk) - min(bottom_n, len(rk)):]))}


def corr_flags(
    coin: Coin, dset: str = "Normalised", *, cor_thresh: float = 0.9, thresh_type: str = "high",
    cortype: str = "pearson", grouplev: int = 2, use_directions: bool = False,
) -> pd.DataFrame:
    """Pairs of indicators in the same group whose correlation crosses a threshold.

    COINr's ``get_corr_flags`` (Becker et al. 2022): correlations (pairwise complete) of the
    indicators in ``dset`` are compared within each aggregate at ``grouplev``; ``"high"``
    flags pairs above ``cor_thresh`` (redundancy, double counting), ``"low"`` pairs below it
    (e.g. negative correlations that cancel out). Each pair appears once.

    Returns
    -------
    pandas.DataFrame
        ``Group, Ind1, Ind2, Corr``.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> f = corr_flags(build_example_coin(), cor_thresh=0.85)
    >>> list(f.columns), bool((f["Corr"] > 0.85).all())
    (['Group', 'Ind1', 'Ind2', 'Corr'], True)
    """
    import numpy as np
    import pandas as pd

    from .framework import lineage

    check_choice("thresh_type", thresh_type, ("high", "low"))
    check_choice("cortype", cortype, ("pearson", "spearman", "kendall"))
    if not -1 <= cor_thresh <= 1:
        raise ParameterError(f"cor_thresh={cor_thresh!r}: must be in [-1, 1]")
    if not isinstance(grouplev, int) or not 2 <= grouplev <= coin.n_levels:
        raise ParameterError(f"grouplev={grouplev!r}: must be in 2..{coin.n_levels}")
    data = coin._get(dset)
    ind = [c for c in coin.indicator_codes if c in data.columns]
    X = data[ind]
    if use_directions:
        mi = coin.meta.set_index("iCode")
        X = X * mi.loc[ind, "Direction"].to_numpy(dtype=float)
    cr = X.corr(method=cortype)
    grp = lineage(coin.meta)[f"Level{grouplev}"]
    rows = []
    for a in range(len(ind)):
        for b in range(a + 1, len(ind)):
            i1, i2 = ind[a], ind[b]
            if grp[i1] != grp[i2]:
                continue
            v = cr.iat[a, b]
            if np.isnan(v):
                continue
            if (v > cor_thresh) if thresh_type == "high" else (v < cor_thresh):
                rows.append({"Group": grp[i1], "Ind1": i1, "Ind2": i2, "Corr": float(v)})
    return pd.DataFrame(rows, columns=["Group", "Ind1", "Ind2", "Corr"])


def vif(data: pd.DataFrame) -> pd.Series:
    """Variance inflation factor of each column: ``1 / (1 - R²)`` of it on all the others.

    Computed from the inverse of the correlation matrix of complete cases (the diagonal of
    ``R^-1``; Belsley, Kuh and Welsch 1980); above 10 is the usual multicollinearity flag
    (OECD/JRC Handbook 2008, step 4 multivariate analysis). Constant columns are an error.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=200)
    >>> v = vif(pd.DataFrame({"a": a, "b": a + rng.normal(0, 0.1, 200),
    ...                       "c": rng.normal(size=200)}))
    >>> bool(v["a"] > 10 and v["c"] < 2)
    True
    """
    import numpy as np
    import pandas as pd

    d = data.dropna()
    if d.shape[0] <= d.shape[1]:
        raise ParameterError(f"vif: {d.shape[0]} complete rows for {d.shape[1]} columns; need "
                             "more rows than columns")
    sd = d.std()
    if (sd == 0).any():
        raise ParameterError(f"vif: column {sd.index[sd == 0][0]!r} is constant")
    R = np.corrcoef(d.to_numpy(dtype=float), rowvar=False)
    try:
        inv = np.linalg.inv(R)
        v = np.diag(inv)
    except np.linalg.LinAlgError:
        v = np.full(d.shape[1], np.inf)
    v = np.where(v < 0, np.inf, v)  # numerically singular
    return pd.Series(v, index=d.columns, name="VIF")
