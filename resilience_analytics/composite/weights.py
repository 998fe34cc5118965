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

__all__ = ["equal_weights", "given_weights", "optimal_weights", "pca_weights"]


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


def pca_weights(coin: Coin, *, dset: str = "Aggregated", levels: list[int] | None = None,
                loadings: str = "squared") -> pd.DataFrame:
    """PCA-based weights: inside each parent, children weighted by their PC1 loadings.

    For each aggregate at the chosen levels (default: every level), the children's values in
    ``dset`` (units with all children present) are standardised and the first principal axis
    found. Two conventions exist and give different weights:

    ``loadings="squared"`` (default)
        the squared components of the first (unit-length) eigenvector, which sum to 1: the
        OECD/JRC Handbook's (2008, section 6.1, pp. 89-91) factor-analysis weights with one
        factor (squared factor loadings scaled to unity sum).
    ``loadings="raw"``
        COINr's ``get_PCA(..., weights_to = ...)`` convention (Becker et al. 2022): the
        absolute eigenvector components themselves, re-scaled inside the parent by the
        aggregation (COINr writes the loadings as weights; weights are relative). COINr warns
        that a negative loading means the child moves against the others; here the absolute
        value is taken only after checking that all components share one sign, else an error.

    Other codes keep the framework's weights. PCA weights reward children that co-vary with
    the others and say nothing about importance.

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

    Examples
    --------
    Four fictional cities, three indicators under one index; the squared PC1 loadings equal
    the squared leading eigenvector of the indicators' correlation matrix:

    >>> import numpy as np
    >>> from resilience_analytics.composite import example_city_coin
    >>> coin = example_city_coin().normalise("Raw", l_u=(1, 100)).aggregate()
    >>> w = pca_weights(coin).set_index("iCode")["Weight"]
    >>> kids = ["parks", "shelters", "clinics"]
    >>> z = coin.data["Aggregated"][kids].to_numpy()
    >>> v1 = np.linalg.eigh(np.corrcoef(z.T))[1][:, -1]
    >>> bool(np.allclose(w[kids], v1 ** 2)), round(float(w[kids].sum()), 12)
    (True, 1.0)
    """
    import numpy as np

    from .._validate import check_choice

    check_choice("loadings", loadings, ("squared", "raw"))
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
            if loadings == "squared":
                load = vt[0] ** 2
            else:
                v = vt[0] * np.sign(vt[0].sum() or 1.0)
                if (v < 0).any():
                    raise ParameterError(
                        f"pca_weights(loadings='raw'): child "
                        f"{kids[int(np.flatnonzero(v < 0)[0])]!r} of {parent!r} loads against "
                        "the others on PC1; raw loadings would give it a negative weight "
                        "(use loadings='squared' or drop it)")
                load = v
            w.loc[w["iCode"].isin(kids), "Weight"] = [
                float(load[kids.index(c)]) for c in w.loc[w["iCode"].isin(kids), "iCode"]]
    return w


def optimal_weights(
    coin: Coin,
    level: int,
    *,
    itarg="equal",
    optype: str = "balance",
    measure: str = "correlation",
    cortype: str = "pearson",
    dset: str = "Aggregated",
    tol: float = 1e-10,
    maxiter: int = 2000,
    allow_negative: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Weights at one level that make each code's influence on the index match a target.

    COINr's ``get_opt_weights`` (Becker et al. 2022), a linear version of Becker, Saisana,
    Paruolo and Vandecasteele (2017, Ecological Indicators 80, 12-22, doi
    10.1016/j.ecolind.2017.03.056): the weights of the codes at ``level`` are searched
    (Nelder-Mead, as R's ``optim``) so that their normalised influences on the index,
    ``s_i / sum(s)``, match the target shares ``itarg`` (``optype="balance"``; objective
    ``log(mean((itarg - s/sum(s))^2))`` in COINr; the mean squared difference itself is
    minimised here, which has the same minimiser), or so that the sum of the correlations is
    largest (``optype="infomax"``). Weights are kept positive by searching ``w = exp(z)``
    (COINr searches unconstrained weights, which can end negative: its own test target
    ``itarg = c(1, 2)`` on ASEM level 3 is only reached with a negative weight on ``Conn``;
    ``allow_negative=True`` reproduces that search). The influence ``s_i`` is

    ``measure="correlation"``
        the correlation of the code with the index (COINr);
    ``measure="main_effect"``
        the first-order main effect (correlation ratio) ``Var(E[y | x_i]) / Var(y)``, as in
        Paruolo, Saisana and Saltelli (2013, J. R. Stat. Soc. A 176(3), 609-634), estimated by
        a cubic polynomial regression of the index on the code (the smoother here is a
        stated simplification of their penalised splines).

    The coin is re-aggregated for every trial weight vector; other levels keep their weights.

    Parameters
    ----------
    level : int
        Aggregation level whose codes are re-weighted (1 = indicators).
    itarg : "equal" or sequence
        Target relative influences, one per code at ``level`` (``"equal"``: all equal).

    Returns
    -------
    tuple
        ``(weights, table)``: the full weight table (``iCode, Level, Weight``) usable as
        ``coin.aggregate(weights=...)``, and per code ``target``, ``obtained``, ``initial``
        (normalised influence under the original weights) and ``weight``.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> w, tab = optimal_weights(build_example_coin(), level=3)
    >>> bool((tab["obtained"] - tab["target"]).abs().max() < 0.01)
    True
    """
    import numpy as np
    import pandas as pd
    from scipy.optimize import minimize

    from .._validate import check_choice
    from . import analysis

    check_choice("optype", optype, ("balance", "infomax"))
    check_choice("measure", measure, ("correlation", "main_effect"))
    check_choice("cortype", cortype, ("pearson", "spearman", "kendall"))
    if "aggregate" not in coin.log:
        raise ParameterError("optimal_weights: aggregate the coin first")
    if not isinstance(level, int) or not 1 <= level < coin.n_levels:
        raise ParameterError(f"optimal_weights: level={level!r} must be an integer in "
                             f"1..{coin.n_levels - 1}")
    codes = coin.codes_at(level)
    k = len(codes)
    if isinstance(itarg, str):
        if itarg != "equal":
            raise ParameterError(f"itarg={itarg!r}: give 'equal' or {k} numbers")
        t = np.ones(k)
    else:
        t = np.asarray(itarg, dtype=float)
        if t.shape != (k,) or not np.isfinite(t).all() or (t < 0).any() or t.sum() <= 0:
            raise ParameterError(f"itarg: {k} finite non-negative numbers needed (codes "
                                 f"{codes}), got {itarg!r}")
    t = t / t.sum()
    logged = coin.log["aggregate"]
    w0 = logged["weights"]
    w0 = coin.weights[w0] if isinstance(w0, str) else w0
    base = weights_frame(coin.meta, w0)
    sel = base["iCode"].isin(codes).to_numpy()
    order = [base.loc[sel, "iCode"].tolist().index(c) for c in codes]
    top = coin.top_code
    agg_kw = {k_: v for k_, v in logged.items() if k_ not in ("weights", "write_to", "dset")}
    src = logged["dset"]
    del analysis

    def influence(wv):
        wf = base.copy()
        wf.attrs["negative_weights_allowed"] = allow_negative
        vals = np.empty(int(sel.sum()))
        vals[order] = wv
        wf.loc[sel, "Weight"] = vals
        coin.aggregate(src, weights=wf, write_to="_opt_weights", **agg_kw)
        d = coin.data.pop("_opt_weights")[[*codes, top]].dropna()
        y = d[top].to_numpy()
        out = np.empty(k)
        for j, c in enumerate(codes):
            x = d[c].to_numpy()
            if measure == "correlation" and cortype == "pearson":
                out[j] = np.corrcoef(x, y)[0, 1]
            elif measure == "correlation":
                out[j] = d[c].corr(d[top], method=cortype)
            else:
                coef = np.polyfit(x, y, 3)
                fit = np.polyval(coef, x)
                out[j] = np.var(fit) / np.var(y)
        return out

    saved_log = dict(coin.log["aggregate"])

    def objective(wv):
        s = influence(wv)
        if optype == "balance":
            # COINr minimises log(mean squared difference); the mean itself has the same
            # minimiser and gives Nelder-Mead a finite stopping scale
            sn = s / s.sum()
            return float(np.mean((t - sn) ** 2))
        return -float(s.sum())

    try:
        init = base.loc[sel, "Weight"].to_numpy()[order]
        init = init / init.sum()
        s0 = influence(init)
        if allow_negative:  # COINr: unconstrained weights divided by their sum
            start = t if optype == "balance" else init
            res = minimize(lambda v: objective(v / v.sum()), start, method="Nelder-Mead",
                           options={"xatol": 1e-6, "fatol": tol, "maxiter": maxiter})
            wopt = res.x / res.x.sum()
        else:
            # positive weights through w = exp(z); the search starts from the target shares
            start = np.log(np.maximum(t if optype == "balance" else init, 1e-6))
            res = minimize(lambda z: objective(np.exp(z - z.max())), start,
                           method="Nelder-Mead",
                           options={"xatol": 1e-6, "fatol": tol, "maxiter": maxiter,
                                    "initial_simplex": start + np.vstack([np.zeros(k),
                                                                          -np.eye(k)])})
            wopt = np.exp(res.x - res.x.max())
            wopt = wopt / wopt.sum()
        s1 = influence(wopt)
    finally:
        coin.log["aggregate"] = saved_log
    full = base.copy()
    full.attrs["negative_weights_allowed"] = bool(allow_negative and (wopt < 0).any())
    vals = np.empty(int(sel.sum()))
    vals[order] = wopt
    full.loc[sel, "Weight"] = vals
    table = pd.DataFrame({"target": t if optype == "balance" else np.nan,
                          "obtained": s1 / s1.sum() if optype == "balance" else s1,
                          "initial": s0 / s0.sum() if optype == "balance" else s0,
                          "weight": wopt}, index=pd.Index(codes, name="iCode"))
    table.attrs["converged"] = bool(res.success)
    table.attrs["objective"] = float(res.fun)
    return full, table
