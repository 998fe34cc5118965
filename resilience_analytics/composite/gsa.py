"""Uncertainty and sensitivity over input choices, Sobol estimates and driver analysis.

Any choice can be an uncertain factor: a parameter of the hazard computation (search radius,
thresholds, catalogue window, a hazard-model option), a step of the pipeline (which indicators
are included, ``remove_elements``-style; the weight set; the imputation method; the
normalisation), continuous (``(low, high)``, uniform) or discrete (a list of alternatives,
equally likely). The model is any function of the factors returning one score per unit.

Design and estimators follow COINr's ``get_sensitivity`` (Becker et al. 2022, JOSS 7(78) 4567)
and Saltelli et al. (2010, Computer Physics Communications 181, 259-270):

- the design stacks two independent base samples ``A`` and ``B`` (N rows each, here the two
  halves of a scrambled Sobol sequence of dimension 2d) and the d matrices ``AB_i`` (``A``
  with column i from ``B``), in COINr's order ``[A; B; AB_1; ...; AB_d]``: N (d + 2) runs;
- **rank statistics (median, 5 % and 95 % quantiles) use the 2N independent runs of A and B
  only** (the ``AB_i`` rows are not independent draws; COINr does the same);
- first-order ``S_i = mean(y_B (y_ABi - y_A)) / V(y)`` (Saltelli 2010) and total
  ``ST_i = sum((y_A - y_ABi)^2) / (2 N V(y))`` (Jansen 1999), ``V(y)`` the variance of
  ``[y_A, y_B]``; the scalar output is COINr's mean absolute rank change against the nominal;
- intervals are **percentile bootstrap** intervals as in COINr: the per-run terms are resampled
  with replacement ``n_boot`` times and the ``(1 - conf)/2`` and ``(1 + conf)/2`` quantiles of
  the resampled indices are reported (not a normal approximation).

:func:`drivers` replaces regressing an index on its own inputs: for observed (given) data it
estimates each input's first-order effect ``Var(E[y | x_i]) / Var(y)`` (the correlation ratio,
Pearson 1905; given-data estimation by equal-count bins, Plischke, Borgonovo and Smith 2013,
EJOR 226, 536-550) and Shapley effects (Owen 2014, SIAM/ASA JUQ 2, 245-251; Song, Nelson and
Staum 2016, SIAM/ASA JUQ 4, 1060-1083), which share ``Var(y)`` among dependent inputs and sum
to 1 for a deterministic index.

Examples
--------
>>> import numpy as np, pandas as pd
>>> def model(w, shift):
...     x = np.arange(10.0)
...     return pd.Series(w * x + shift * (x % 3), index=[f"Example City {i}" for i in range(10)])
>>> res = input_uncertainty(model, {"w": (0.5, 1.5), "shift": [0.0, 2.0]}, n=32, seed=1)
>>> list(res.indices.columns)[:4]
['S1', 'S1_low', 'S1_high', 'ST']
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import settings
from .._validate import check_choice
from ..errors import DataFileError, ParameterError

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import pandas as pd

__all__ = ["InputUncertaintyResult", "decode", "drivers", "input_uncertainty", "remove_elements",
           "sobol_design", "sobol_estimates"]


def _check_factors(factors: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    if not isinstance(factors, dict) or not factors:
        raise ParameterError("factors: give a dict name -> (low, high) or list of alternatives")
    out = {}
    for k, v in factors.items():
        if isinstance(v, tuple):
            if len(v) != 2 or not all(np.isfinite(float(x)) for x in v) or float(v[0]) >= \
                    float(v[1]):
                raise ParameterError(f"factor {k!r}: a continuous factor is (low, high) with "
                                     f"low < high, got {v!r}")
            out[k] = (float(v[0]), float(v[1]))
        elif isinstance(v, list):
            if len(v) < 1:
                raise ParameterError(f"factor {k!r}: the list of alternatives is empty")
            out[k] = list(v)
        else:
            raise ParameterError(f"factor {k!r}: {v!r} is neither (low, high) nor a list of "
                                 "alternatives")
    return out


def decode(U: np.ndarray, factors: dict[str, Any]) -> list[dict[str, Any]]:
    """Map unit-hypercube rows onto factor values (discrete: ``floor(u * n)``, as COINr).

    Examples
    --------
    >>> import numpy as np
    >>> decode(np.array([[0.0, 0.99], [0.5, 0.2]]), {"a": (10.0, 20.0), "b": ["x", "y"]})
    [{'a': 10.0, 'b': 'y'}, {'a': 15.0, 'b': 'x'}]
    """
    import numpy as np

    factors = _check_factors(factors)
    rows = []
    for u in np.atleast_2d(U):
        r = {}
        for j, (k, v) in enumerate(factors.items()):
            if isinstance(v, tuple):
                r[k] = v[0] + float(u[j]) * (v[1] - v[0])
            else:
                r[k] = v[min(int(u[j] * len(v)), len(v) - 1)]
        rows.append(r)
    return rows


def sobol_design(d: int, n: int, *, seed: int | None = None) -> np.ndarray:
    """COINr's design ``[A; B; AB_1; ...; AB_d]`` from a scrambled Sobol sequence.

    ``A`` and ``B`` are the first and last d columns of ``n`` points of a scrambled Sobol'
    sequence (Sobol' 1967) of dimension 2d (``scipy.stats.qmc.Sobol``, whose scrambling is
    a linear matrix scramble plus digital shift, Matoušek 1998), which makes them independent
    samples; COINr draws them by plain Monte Carlo.

    Returns
    -------
    numpy.ndarray
        ``(n (d + 2), d)`` points of the unit hypercube.

    Examples
    --------
    >>> X = sobol_design(3, 8, seed=0)
    >>> X.shape, bool((X[16:24, 1:] == X[:8, 1:]).all())
    ((40, 3), True)
    """
    import numpy as np
    from scipy.stats import qmc

    if not isinstance(d, int) or d < 1:
        raise ParameterError(f"d={d!r}: the number of factors must be an integer >= 1")
    if not isinstance(n, int) or n < 2:
        raise ParameterError(f"n={n!r}: the base sample size must be an integer >= 2")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # n not a power of 2 is allowed
        base = qmc.Sobol(2 * d, scramble=True, seed=settings.seed if seed is None else seed
                         ).random(n)
    A, B = base[:, :d], base[:, d:]
    AB = []
    for i in range(d):
        m = A.copy()
        m[:, i] = B[:, i]
        AB.append(m)
    return np.vstack([A, B, *AB])


def sobol_estimates(y: np.ndarray, n: int, d: int, *, n_boot: int = 1000,
                    conf_level: float = 0.90, seed: int | None = None) -> pd.DataFrame:
    """First-order and total Sobol indices with percentile bootstrap intervals (COINr).

    ``y`` follows :func:`sobol_design`'s order. ``S_i = mean(y_B (y_ABi - y_A)) / V``,
    ``ST_i = sum((y_A - y_ABi)^2) / (2 n V)``; intervals: percentile bootstrap of the per-run
    terms (COINr's ``SA_estimate``), ``conf_level`` wide (default the 5-95 % interval).

    Returns
    -------
    pandas.DataFrame
        Rows ``0..d-1``; ``S1, S1_low, S1_high, ST, ST_low, ST_high`` and the half-widths
        ``S1_conf``, ``ST_conf`` (for plotting).

    Examples
    --------
    >>> import numpy as np
    >>> X = sobol_design(2, 512, seed=1)
    >>> y = X[:, 0] * 4 + X[:, 1]
    >>> est = sobol_estimates(y, 512, 2, seed=1)
    >>> bool(abs(est.loc[0, "S1"] - 16 / 17) < 0.05 and abs(est.loc[1, "ST"] - 1 / 17) < 0.02)
    True
    """
    import numpy as np
    import pandas as pd

    y = np.asarray(y, dtype=float)
    if y.shape != (n * (d + 2),):
        raise ParameterError(f"y has {y.size} values; the design has n (d + 2) = {n * (d + 2)}")
    if np.isnan(y).any():
        raise DataFileError(f"{int(np.isnan(y).sum())} of {y.size} runs have no output; Sobol "
                            "estimates need every run (change the factor ranges)")
    if not 0 < conf_level < 1:
        raise ParameterError(f"conf_level={conf_level!r}: must be in (0, 1)")
    yA, yB = y[:n], y[n:2 * n]
    yAB = y[2 * n:].reshape(d, n)
    V = np.var(np.r_[yA, yB], ddof=1)
    if V == 0:
        raise DataFileError("the output does not vary over the design: no variance to share")
    s_terms = yB[None, :] * (yAB - yA[None, :])
    t_terms = (yA[None, :] - yAB) ** 2
    S1 = s_terms.mean(axis=1) / V
    ST = t_terms.sum(axis=1) / (2 * n * V)
    rng = np.random.default_rng(settings.seed if seed is None else seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    S1b = s_terms[:, idx].mean(axis=2) / V
    STb = t_terms[:, idx].sum(axis=2) / (2 * n * V)
    lo, hi = (1 - conf_level) / 2, (1 + conf_level) / 2
    out = pd.DataFrame({
        "S1": S1, "S1_low": np.quantile(S1b, lo, axis=1), "S1_high": np.quantile(S1b, hi, axis=1),
        "ST": ST, "ST_low": np.quantile(STb, lo, axis=1), "ST_high": np.quantile(STb, hi, axis=1),
    })
    out["S1_conf"] = (out["S1_high"] - out["S1_low"]) / 2
    out["ST_conf"] = (out["ST_high"] - out["ST_low"]) / 2
    out.attrs["interval"] = f"percentile bootstrap, {n_boot} resamples, {conf_level:.0%}"
    return out


@dataclass
class InputUncertaintyResult:
    """Results of :func:`input_uncertainty`.

    Attributes
    ----------
    scores, ranks : pandas.DataFrame
        Units x runs (all ``n (d + 2)`` runs of the design; ``runs`` says which are A/B).
    rank_stats : pandas.DataFrame
        Per unit ``nominal, mean, median, q05, q95`` over the 2N independent runs only.
    indices : pandas.DataFrame or None
        Sobol indices of the mean absolute rank change, per factor (None when ``sobol=False``).
    runs : pandas.DataFrame
        One row per run: the factor values, ``block`` (``A``, ``B`` or ``AB_<factor>``) and the
        output ``mean_abs_rank_change``.

    Examples
    --------
    Three fictional cities; an uncertain bonus ``shift`` in [0, 2.5] is added to city A's
    score (nominal: the middle, 1.25, which ranks A second):

    >>> import pandas as pd
    >>> x = pd.Series([1.0, 2.0, 3.0], index=["Example A", "Example B", "Example C"])
    >>> res = input_uncertainty(lambda shift: x + pd.Series([shift, 0.0, 0.0], index=x.index),
    ...                         {"shift": (0.0, 2.5)}, n=16, seed=1)
    >>> res.scores.shape, res.runs["block"].value_counts().to_dict()  # N (d + 2) runs
    ((3, 48), {'A': 16, 'B': 16, 'AB_shift': 16})
    >>> res.rank_stats.loc["Example A", ["nominal", "q05", "q95"]].tolist()
    [2.0, 1.0, 3.0]
    >>> res.indices.index.tolist()
    ['shift']
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    rank_stats: pd.DataFrame
    indices: pd.DataFrame | None
    runs: pd.DataFrame
    n: int


def input_uncertainty(
    model: Callable[..., pd.Series], factors: dict[str, Any], *, n: int = 64,
    nominal: dict[str, Any] | None = None, sobol: bool = True, n_boot: int = 1000,
    conf_level: float = 0.90, seed: int | None = None, cache: bool = True,
) -> InputUncertaintyResult:
    """Uncertainty and Sobol sensitivity of unit ranks over any input choices.

    Parameters
    ----------
    model : callable
        ``model(**values) -> pandas.Series`` of scores per unit (higher = rank 1), e.g. a
        function that recomputes the hazard table with a given radius and scores it with
        :func:`~resilience_analytics.composite.city_hazard_index`.
    factors : dict
        ``name -> (low, high)`` (continuous, uniform) or ``name -> [alternatives]``.
    n : int
        Base sample size N; the design has ``N (d + 2)`` runs.
    nominal : dict, optional
        Factor values of the nominal run (default: the middle of each range, the first
        alternative of each list).
    sobol : bool
        Also estimate Sobol indices (else only the 2N independent runs are evaluated).
    cache : bool
        Evaluate each distinct combination of factor values once (discrete factors repeat).

    Returns
    -------
    InputUncertaintyResult

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> x = pd.Series(np.arange(6.0), index=[f"Example City {i}" for i in range(6)])
    >>> res = input_uncertainty(lambda drop: x.drop(drop) if drop else x,
    ...                         {"drop": [None, "Example City 0"]}, n=8, sobol=False)
    >>> int(res.rank_stats.loc["Example City 5", "median"])
    1
    """
    import numpy as np
    import pandas as pd

    from .pipeline import rank_desc

    factors = _check_factors(factors)
    d = len(factors)
    if sobol:
        U = sobol_design(d, int(n), seed=seed)
    else:
        U = sobol_design(d, int(n), seed=seed)[: 2 * int(n)]
    vals = decode(U, factors)
    if nominal is None:
        nominal = {k: ((v[0] + v[1]) / 2 if isinstance(v, tuple) else v[0])
                   for k, v in factors.items()}
    unknown = set(nominal) - set(factors)
    if unknown:
        raise ParameterError(f"nominal: {sorted(unknown)} are not factors")
    memo: dict[str, pd.Series] = {}

    def run(kw):
        key = repr(sorted(kw.items(), key=lambda t: t[0]))
        if cache and key in memo:
            return memo[key]
        s = model(**kw)
        if not isinstance(s, pd.Series):
            raise ParameterError(f"model returned {type(s).__name__}; it must return a "
                                 "pandas Series of scores per unit")
        if cache:
            memo[key] = s
        return s

    nom = run(dict(nominal))
    outs = [run(kw) for kw in vals]
    units = nom.index
    for s in outs:
        units = units.union(s.index)
    S = np.column_stack([s.reindex(units).to_numpy(dtype=float) for s in outs])
    R = rank_desc(S, axis=0)
    nom_r = rank_desc(nom.reindex(units).to_numpy(dtype=float))
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            y = np.nanmean(np.abs(R - nom_r[:, None]), axis=0)
            ind = R[:, : 2 * int(n)]
            stats = pd.DataFrame({
                "nominal": nom_r, "mean": np.nanmean(ind, axis=1),
                "median": np.nanmedian(ind, axis=1),
                "q05": np.nanquantile(ind, 0.05, axis=1),
                "q95": np.nanquantile(ind, 0.95, axis=1)}, index=units)
    names = list(factors)
    blocks = (["A"] * int(n) + ["B"] * int(n)
              + [f"AB_{names[i]}" for i in range(d) for _ in range(int(n))])[: len(vals)]
    runs = pd.DataFrame(vals)
    runs["block"] = blocks
    runs["mean_abs_rank_change"] = y
    indices = None
    if sobol:
        indices = sobol_estimates(y, int(n), d, n_boot=n_boot, conf_level=conf_level,
                                  seed=seed)
        indices.index = pd.Index(names, name="factor")
    cols = pd.RangeIndex(len(vals), name="run")
    return InputUncertaintyResult(pd.DataFrame(S, index=units, columns=cols),
                                  pd.DataFrame(R, index=units, columns=cols), stats, indices,
                                  runs, int(n))


def _closed_effect(y, Z, k):
    """Var(E[y | z]) / Var(y) from given data: mean of y over the k nearest neighbours."""
    import numpy as np
    from scipy.spatial import cKDTree

    if Z.shape[1] == 1:
        # equal-count bins on the ranks (Plischke et al. 2013)
        order = np.argsort(Z[:, 0], kind="stable")
        nb = max(2, int(round(len(y) / k)))
        bins = np.array_split(order, nb)
        m = np.empty(len(y))
        for b in bins:
            m[b] = y[b].mean()
    else:
        tree = cKDTree(Z)
        _, nn = tree.query(Z, k=k)
        m = y[nn].mean(axis=1)
    return float(np.var(m) / np.var(y))


def drivers(
    data: pd.DataFrame, target: str, inputs: list[str] | None = None, *,
    method: str = "both", k: int | None = None, n_boot: int = 0,
    conf_level: float = 0.90, seed: int | None = None,
) -> pd.DataFrame:
    """Which inputs drive an index: variance-based main effects and Shapley effects.

    A replacement for regressing an index on its own inputs (whose R² has no sampling
    meaning): over the observed units, each input's **first-order (main) effect**
    ``S_i = Var(E[y | x_i]) / Var(y)`` is the share of the index's variance explained by that
    input alone, with any shape of dependence (the correlation ratio; estimated from given data
    with equal-count bins of ``k`` units, Plischke, Borgonovo and Smith 2013). **Shapley
    effects** ``Sh_i = sum_u |u|! (d - |u| - 1)! / d! (V_{u+i} - V_u) / Var(y)`` share the
    variance among inputs when they are correlated (Owen 2014; Song, Nelson and Staum 2016);
    the closed effects ``V_u = Var(E[y | x_u])`` are estimated by averaging ``y`` over the
    ``k`` nearest neighbours in the rank-transformed ``x_u`` (a given-data estimator in the
    spirit of Broto, Bachoc and Depecker 2020). For an index that is a function of its inputs
    the Shapley effects sum to about 1; main effects of correlated inputs can sum to more.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per unit (e.g. ``city_risk_index()`` output).
    target : str
        The index column.
    inputs : list of str, optional
        Candidate drivers (default every other numeric column); at most 10 for Shapley.
    method : str
        ``"main_effect"``, ``"shapley"`` or ``"both"``.
    k : int, optional
        Units per bin / neighbours (default ``max(5, round(sqrt(n)))``).
    n_boot : int
        Bootstrap resamples of units for percentile intervals of the main effects (0: none).

    Returns
    -------
    pandas.DataFrame
        Index ``input``; ``main_effect`` and/or ``shapley`` (shares of ``Var(target)``),
        ``main_effect_low``/``_high`` with ``n_boot``; ``attrs["n"]`` units used (complete
        cases), ``attrs["k"]``, and ``attrs["explained"]``: the estimated share of variance
        explained by all inputs together, which the Shapley effects sum to (1 for an index
        that is a function of its inputs, less by the estimator's smoothing).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"a": rng.random(2000), "b": rng.random(2000)})
    >>> df["y"] = 4 * df["a"] + df["b"] ** 2
    >>> dr = drivers(df, "y")
    >>> bool(dr.loc["a", "main_effect"] > 0.9 > dr.loc["b", "main_effect"])
    True
    >>> round(float(dr["shapley"].sum()), 1)
    1.0
    """
    import itertools
    import math

    import numpy as np
    import pandas as pd

    check_choice("method", method, ("main_effect", "shapley", "both"))
    if target not in data.columns:
        raise ParameterError(f"drivers: target {target!r} is not a column; columns: "
                             f"{list(data.columns)}")
    if inputs is None:
        inputs = [c for c in data.columns if c != target
                  and pd.api.types.is_numeric_dtype(data[c])]
    miss = [c for c in inputs if c not in data.columns]
    if miss:
        raise ParameterError(f"drivers: input(s) {miss} are not columns")
    if not inputs:
        raise ParameterError("drivers: no inputs")
    d = data[[*inputs, target]].apply(pd.to_numeric, errors="coerce")
    d = d.replace([np.inf, -np.inf], np.nan).dropna()
    n = len(d)
    if n < 20:
        raise DataFileError(f"drivers: {n} complete rows; at least 20 are needed")
    y = d[target].to_numpy(dtype=float)
    if np.var(y) == 0:
        raise DataFileError(f"drivers: {target!r} is constant over the {n} units")
    k = int(k) if k is not None else max(5, int(round(math.sqrt(n))))
    if not 2 <= k < n:
        raise ParameterError(f"k={k!r}: must be in 2..{n - 1}")
    Zr = d[inputs].rank(pct=True).to_numpy(dtype=float)
    out = pd.DataFrame(index=pd.Index(inputs, name="input"))
    if method in ("main_effect", "both"):
        out["main_effect"] = [_closed_effect(y, Zr[:, [j]], k) for j in range(len(inputs))]
        if n_boot:
            rng = np.random.default_rng(settings.seed if seed is None else seed)
            B = np.empty((n_boot, len(inputs)))
            for b in range(n_boot):
                ii = rng.integers(0, n, n)
                B[b] = [_closed_effect(y[ii], Zr[ii][:, [j]], k) for j in range(len(inputs))]
            lo, hi = (1 - conf_level) / 2, (1 + conf_level) / 2
            out["main_effect_low"] = np.quantile(B, lo, axis=0)
            out["main_effect_high"] = np.quantile(B, hi, axis=0)
    if method in ("shapley", "both"):
        p = len(inputs)
        if p > 10:
            raise ParameterError(f"drivers: Shapley effects over {p} inputs need 2^{p} "
                                 "conditional variances; give at most 10 inputs")
        V = {(): 0.0}
        k_multi = min(k, max(3, int(round(n**0.4))))  # less smoothing in more dimensions
        for r in range(1, p + 1):
            for u in itertools.combinations(range(p), r):
                V[u] = _closed_effect(y, Zr[:, list(u)], k if r == 1 else k_multi)
        sh = np.zeros(p)
        for i in range(p):
            others = [j for j in range(p) if j != i]
            for r in range(p):
                wgt = math.factorial(r) * math.factorial(p - r - 1) / math.factorial(p)
                for u in itertools.combinations(others, r):
                    ui = tuple(sorted((*u, i)))
                    sh[i] += wgt * (V[ui] - V[u])
        out["shapley"] = sh
        out.attrs["explained"] = float(V[tuple(range(p))])
    out.attrs["n"] = n
    out.attrs["k"] = k
    return out


def remove_elements(coin, level: int = 1, *, target: str | None = None,
                    return_ranks: bool = False):
    """Leave one element out at a time and measure how much the ranks move (COINr).

    COINr's ``remove_elements`` (Becker et al. 2022): for each code at ``level`` the coin is
    rebuilt without it (its parent re-weights the remaining children) by replaying the logged
    steps, and the mean absolute rank change of ``target`` (default the index) against the
    nominal is recorded. A code that is its parent's only child cannot be removed (NaN).

    Returns
    -------
    pandas.DataFrame or tuple
        Index ``iCode``; ``mean_abs_rank_change``, ``max_abs_rank_change``; with
        ``return_ranks`` also the ranks without each code (units x codes).

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> re = remove_elements(build_example_coin(), level=3)
    >>> sorted(re.index), bool((re["mean_abs_rank_change"] > 0).all())
    (['Conn', 'Sust'], True)
    """
    import numpy as np
    import pandas as pd

    from . import framework as _fw
    from .pipeline import Coin, rank_desc

    if "aggregate" not in coin.log:
        raise ParameterError("remove_elements: aggregate the coin first")
    if not isinstance(level, int) or not 1 <= level < coin.n_levels:
        raise ParameterError(f"remove_elements: level={level!r} must be in 1..{coin.n_levels - 1}")
    target = target or coin.top_code
    nominal = coin.data["Aggregated"][target]
    r0 = rank_desc(nominal.to_numpy(dtype=float))
    data, meta = coin._source
    rows, ranks = {}, {}
    for code in coin.codes_at(level):
        m = _fw.check_framework(meta)
        par = m.loc[m["iCode"] == code, "Parent"].iloc[0]
        if len(coin.children(par)) < 2:
            rows[code] = {"mean_abs_rank_change": np.nan, "max_abs_rank_change": np.nan}
            continue
        drop = {code}
        if level > 1:  # drop the whole branch below the code
            lin = _fw.lineage(m)
            drop |= set(lin.index[lin[f"Level{level}"] == code])
            for lv in range(2, level):
                drop |= set(lin.loc[lin[f"Level{level}"] == code, f"Level{lv}"])
        m2 = m[~m["iCode"].isin(drop)]
        new = Coin(data, m2, **coin._init_args)
        for step, kw in coin.log.items():
            kw = dict(kw)
            if step == "aggregate" and kw.get("weights") is not None and not isinstance(
                    kw["weights"], str):
                w = kw["weights"]
                if isinstance(w, pd.DataFrame):
                    kw["weights"] = w[~w["iCode"].isin(drop)]
                else:
                    kw["weights"] = {k: v for k, v in dict(w).items() if k not in drop}
            if step == "treat" and kw.get("indiv"):
                kw["indiv"] = {k: v for k, v in kw["indiv"].items() if k not in drop}
            getattr(new, step)(**kw)
        s = new.data["Aggregated"][target].reindex(nominal.index)
        r = rank_desc(s.to_numpy(dtype=float))
        ranks[code] = r
        d = np.abs(r - r0)
        rows[code] = {"mean_abs_rank_change": float(np.nanmean(d)),
                      "max_abs_rank_change": float(np.nanmax(d))}
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "iCode"
    if return_ranks:
        return out, pd.DataFrame(ranks, index=nominal.index)
    return out
