"""Uncertainty and variance-based sensitivity analysis of a composite indicator, batched.

The assumptions that may vary are those of COINr's sensitivity vignette: the winsorisation limit
(``winmax``), the normalisation (a list of alternatives), the aggregation (a list of
alternatives) and noise on the weights at chosen levels (COINr's ``get_noisy_weights``: each
weight times ``1 + U(-f, f)``, drawn into ``n_weight_sets`` alternative weight sets). Each
replication is a point of the unit hypercube mapped onto these choices (a discrete choice among
``n`` alternatives takes ``floor(u * n)``).

Instead of re-running a Python pipeline per replication, the engine treats and normalises once
per distinct (winmax, normalisation) pair, then aggregates *all* replications sharing that pair
in a few matrix products with the replications stacked along the last axis.

Examples
--------
>>> from resilience_analytics.composite import build_example_coin, uncertainty
>>> coin = build_example_coin()
>>> ua = uncertainty(coin, n=200, winmax=[1, 2, 3, 4, 5],
...                              aggregation=["arithmetic", "geometric"],
...                              normalisation=[{"method": "minmax", "l_u": (1, 100)}])
>>> bool(ua.rank_stats.loc["CHE", "median"] <= 3)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .. import settings
from ..errors import DataFileError, ParameterError
from .normalise import normalise_array
from .pipeline import rank_desc, resolve_methods, weights_frame
from .treat import treat_vector

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .pipeline import Coin

__all__ = [
    "SensitivityResult",
    "UncertaintyResult",
    "noisy_weights",
    "sensitivity",
    "uncertainty",
]


def noisy_weights(
    coin: Coin, noise: dict[int, float], n_sets: int, *, seed: int | None = None,
    weights=None,
) -> np.ndarray:
    """Weight sets with multiplicative noise at chosen levels (COINr ``get_noisy_weights``).

    Parameters
    ----------
    coin : Coin
        Supplies the framework and nominal weights.
    noise : dict
        ``{level: factor}``: each weight at ``level`` becomes ``w * (1 + U(-factor, factor))``.
    n_sets : int
        Number of weight sets.
    seed : int, optional
        Random seed (default ``ra.settings.seed``).
    weights : optional
        Nominal weights (default: the framework's).

    Returns
    -------
    numpy.ndarray
        ``(n_sets, n_codes)`` in the order of ``weights_frame(coin.meta)``.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> W = noisy_weights(build_example_coin("new_coin"), {2: 0.25, 3: 0.25}, 10, seed=1)
    >>> W.shape, bool(((W >= 0.75) & (W <= 1.25)).all())
    ((10, 60), True)
    """
    import numpy as np

    wf = weights_frame(coin.meta, weights)
    rng = np.random.default_rng(settings.seed if seed is None else seed)
    base = wf["Weight"].to_numpy(dtype=float)
    levels = wf["Level"].to_numpy(dtype=int)
    W = np.tile(base, (int(n_sets), 1))
    for lev, f in noise.items():
        if not 0 <= f < 1:
            raise ParameterError(f"weight noise {f!r} at level {lev}: must be in [0, 1)")
        if lev not in set(levels.tolist()):
            raise ParameterError(f"weight noise at level {lev}: the framework has levels "
                                 f"{sorted(set(levels.tolist()))}")
        sel = levels == lev
        u = rng.random((int(n_sets), int(sel.sum())))
        W[:, sel] = W[:, sel] + (u * 2 - 1) * f * W[:, sel]
    return W


class _Engine:
    """Batched re-evaluation of a coin from its pre-treatment data set."""

    def __init__(self, coin: Coin):
        import numpy as np

        if "aggregate" not in coin.log or "normalise" not in coin.log:
            raise ParameterError("the coin must be normalised and aggregated first "
                                 f"(logged steps: {list(coin.log)})")
        self.coin = coin
        self.treat_kw = dict(coin.log.get("treat", {}))
        nk = dict(coin.log["normalise"])
        src = self.treat_kw["dset"] if self.treat_kw else nk["dset"]
        self.base = coin.data[src]
        self.units = self.base.index
        self.norm_nominal = {k: v for k, v in nk.items() if k not in ("dset", "write_to")}
        ak = dict(coin.log["aggregate"])
        self.agg_nominal = ak["method"]
        self.dat_thresh = ak["dat_thresh"]
        self.upper = ak["upper"]
        self.p = ak.get("p")
        self.wf = weights_frame(coin.meta, ak["weights"] if not isinstance(ak["weights"], str)
                                else coin.weights[ak["weights"]])
        self.codes = self.wf["iCode"].tolist()
        self.pos = {c: i for i, c in enumerate(self.codes)}
        meta = coin.meta.set_index("iCode")
        self.ind = coin.indicator_codes
        self.dirs = np.array([float(meta.at[c, "Direction"]) for c in self.ind])
        self.targets = np.array([float(meta.at[c, "Target"]) for c in self.ind])
        # structure per level: children codes, parents codes, membership matrix
        self.levels = []
        prev = self.ind
        for lev in range(2, coin.n_levels + 1):
            parents = coin.codes_at(lev)
            kids = [k for p in parents for k in coin.children(p)]
            # children must be ordered as prev codes; build membership over prev
            C = np.zeros((len(prev), len(parents)))
            for j, p in enumerate(parents):
                for k in coin.children(p):
                    C[prev.index(k), j] = 1.0
            del kids
            th = self.dat_thresh[lev - 2] if isinstance(self.dat_thresh, list | tuple) \
                else self.dat_thresh
            self.levels.append({"level": lev, "prev": list(prev), "parents": parents, "C": C,
                                "thresh": th,
                                "widx": np.array([self.pos[c] for c in prev])})
            prev = parents
        self.kids = {q: coin.children(q) for L in self.levels for q in L["parents"]}
        self._methods: dict[str, dict[str, str]] = {}
        self._treated: dict[Any, np.ndarray] = {}
        self._normed: dict[Any, np.ndarray] = {}

    # --------------------------------------------------------------- treat + normalise
    def treated(self, winmax):
        import numpy as np

        key = ("nominal",) if winmax is None else ("winmax", winmax)
        if key not in self._treated:
            if not self.treat_kw:
                self._treated[key] = self.base[self.ind].to_numpy(dtype=float)
            else:
                kw = {k: v for k, v in self.treat_kw.items() if k not in ("dset", "write_to")}
                if winmax is not None:
                    kw["winmax"] = winmax
                indiv = kw.pop("indiv", None) or {}
                X = self.base[self.ind].to_numpy(dtype=float)
                cols = []
                for j, c in enumerate(self.ind):
                    spec = indiv.get(c, {})
                    if spec == "none":
                        cols.append(X[:, j].copy())
                        continue
                    if "transform" in spec:
                        from .treat import _transform

                        cols.append(_transform(X[:, j], spec["transform"],
                                               spec.get("lambda_")))
                        continue
                    cols.append(treat_vector(X[:, j], **{**kw, **spec})[0])
                self._treated[key] = np.column_stack(cols)
        return self._treated[key]

    def normalised(self, winmax, norm: dict | None):
        import numpy as np

        key = (winmax, None if norm is None else repr(sorted(norm.items())))
        if key not in self._normed:
            spec = dict(self.norm_nominal if norm is None else norm)
            method = spec.pop("method", "minmax")
            dirs = spec.pop("directions", None)
            d = self.dirs.copy()
            if dirs:
                d = np.array([float(dirs.get(c, x)) for c, x in zip(self.ind, d, strict=True)])
            if {"indiv", "use_meta", "ref"} & set(spec):
                import pandas as pd

                from .normalise import normalise

                df = pd.DataFrame(self.treated(winmax), index=self.units, columns=self.ind)
                arr = normalise(df, self.coin.meta, method=method,
                                directions=dict(zip(self.ind, d, strict=True)),
                                **spec).to_numpy()
            else:
                arr = normalise_array(self.treated(winmax), d, method=method, codes=self.ind,
                                      targets=self.targets, **spec)
            self._normed[key] = np.ascontiguousarray(arr)
        return self._normed[key]

    # --------------------------------------------------------------- aggregation (batched)
    def aggregate(self, Xn: np.ndarray, W: np.ndarray, method) -> tuple[dict, np.ndarray]:
        """Aggregate normalised data ``Xn`` (units x indicators) for weight sets ``W``.

        ``W`` is ``(reps, n_codes)``. Returns ``(scores, failed)``: ``scores`` maps every
        aggregate code to a ``(units, reps)`` array; ``failed`` flags replications in which a
        method's domain was violated (COINr's failed regeneration); their scores are NaN.

        Missing values are skipped with weights re-scaled, as in :func:`aggregate_values`;
        which units lack a child does not depend on the replication, so masks are per unit.
        """
        import numpy as np

        mkey = repr(method)
        if mkey not in self._methods:
            self._methods[mkey] = resolve_methods(self.coin.meta, method)
        meth = self._methods[mkey]
        R = W.shape[0]
        failed = np.zeros(R, dtype=bool)
        out: dict[str, np.ndarray] = {}
        ok_in = ~np.isnan(Xn)
        # per-code availability of each unit (rep-invariant)
        have: dict[str, np.ndarray] = {c: ok_in[:, j] for j, c in enumerate(self.ind)}
        first = True
        for L in self.levels:
            th = L["thresh"]
            for q in L["parents"]:
                kids = self.kids[q]
                mth = meth[q]
                wk = W[:, [self.pos[k] for k in kids]].T  # (kq, R)
                with np.errstate(all="ignore"):
                    wk = wk / wk.sum(axis=0)  # weights re-scaled to sum to 1 (as COINr)
                hk = np.stack([have[k] for k in kids], axis=1)  # (n, kq)
                nav = hk.sum(axis=1)
                if callable(mth) or mth in ("generalised", "copeland"):
                    # methods without a batched form: one call per weight set
                    from .aggregate import aggregate_values

                    if first:
                        V3 = Xn[:, [self.ind.index(k) for k in kids]]
                        V3 = np.broadcast_to(V3[:, :, None], (*V3.shape, R))
                    else:
                        V3 = np.stack([out[k] for k in kids], axis=1)
                    V3 = np.where(hk[:, :, None], V3, np.nan)
                    try:
                        val = aggregate_values(V3, wk, method=mth, upper=self.upper,
                                               p=self.p, codes=kids)
                    except DataFileError:
                        failed[:] = True
                        val = np.full((V3.shape[0], R), np.nan)
                    keep = nav > 0
                    if th is not None:
                        keep &= nav / len(kids) >= th
                    val[~keep] = np.nan
                    out[q] = val
                    have[q] = keep
                    continue
                part = ~hk.all(axis=1)  # units missing some child: re-scale their weights
                if first:
                    cols = [self.ind.index(k) for k in kids]
                    V = Xn[:, cols]
                    if _domain_bad(V, mth, self.upper):
                        failed[:] = True
                    T = _transform(V, hk, mth, self.upper)
                    with np.errstate(all="ignore"):
                        num = T @ wk
                else:
                    num = None
                    for j, k in enumerate(kids):
                        V = out[k]
                        with np.errstate(invalid="ignore"):
                            bad = _domain_any(V, mth, self.upper)
                        if bad is not None:
                            failed |= bad
                        with np.errstate(all="ignore"):
                            T = _transform_raw(V, mth, self.upper)
                        if not hk[:, j].all():
                            T[~hk[:, j]] = 0.0
                        np.multiply(T, wk[j], out=T)
                        if num is None:
                            num = T
                        else:
                            num += T
                if part.any():
                    with np.errstate(all="ignore"):
                        num[part] /= hk[part].astype(float) @ wk
                with np.errstate(all="ignore"):
                    val = _finish_norm(num, mth, self.upper)
                keep = nav > 0
                if th is not None:
                    keep &= nav / len(kids) >= th
                if not keep.all():
                    val[~keep] = np.nan
                out[q] = val
                have[q] = keep
            first = False
        if failed.any():
            for c in out:
                out[c][:, failed] = np.nan
        return out, failed


def _domain_mask(V, mth, upper):
    import numpy as np

    if mth == "geometric":
        return V <= 0
    if mth == "harmonic":
        return V == 0
    if mth == "inform":
        return V < 0
    if mth == "inform_complement":
        return V > upper
    return np.zeros(V.shape, dtype=bool)


def _domain_bad(V, mth, upper) -> bool:
    import numpy as np

    with np.errstate(invalid="ignore"):
        return bool((_domain_mask(V, mth, upper) & ~np.isnan(V)).any())


def _transform_raw(V, mth, upper):
    import numpy as np

    if mth == "arithmetic":
        return V.copy()
    if mth in ("geometric", "inform"):
        return np.log(V)
    if mth == "harmonic":
        return 1.0 / V
    return np.log(upper - V)


def _transform(V, M, mth, upper):
    import numpy as np

    with np.errstate(all="ignore"):
        if mth == "arithmetic":
            T = V
        elif mth in ("geometric", "inform"):
            T = np.log(V)
        elif mth == "harmonic":
            T = 1.0 / V
        else:
            T = np.log(upper - V)
    return np.where(M, T, 0.0) if not M.all() else T


def _domain_any(V, mth, upper):
    """Per replication: does any unit violate the method's domain (None if none do)."""
    import numpy as np

    if mth == "arithmetic":
        return None
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if mth == "harmonic":
            bad = (V == 0).any(axis=0)
        elif mth == "inform_complement":
            bad = np.nanmax(V, axis=0) > upper
        else:
            mn = np.nanmin(V, axis=0)
            bad = mn <= 0 if mth == "geometric" else mn < 0
    return bad if bad.any() else None


def _finish_norm(num, mth, upper):
    """Finish a mean from the weighted sum of transformed values (weights summing to 1)."""
    import numpy as np

    if mth == "arithmetic":
        return num
    if mth in ("geometric", "inform"):
        return np.exp(num, out=num)
    if mth == "harmonic":
        return np.divide(1.0, num, out=num)
    np.exp(num, out=num)
    return np.subtract(upper, num, out=num)


def _finish(num, den, mth, upper):
    import numpy as np

    if mth == "arithmetic":
        return num / den
    if mth in ("geometric", "inform"):
        return np.exp(num / den)
    if mth == "harmonic":
        return den / num
    return upper - np.exp(num / den)


@dataclass
class UncertaintyResult:
    """Results of :func:`uncertainty`.

    Attributes
    ----------
    scores : pandas.DataFrame
        Units x replications: the target's score in each replication.
    ranks : pandas.DataFrame
        Units x replications: ranks (1 = highest score, ties share the best rank).
    rank_stats, score_stats : pandas.DataFrame
        Per unit: ``nominal``, ``mean``, ``median``, ``q05``, ``q95``.
    records : pandas.DataFrame or None
        One row per replication: sampled assumptions, ``failed``/``reason`` and summary stats.
    seconds : float
        Wall time of the batched evaluation.

    Examples
    --------
    Four fictional cities: B leads with the arithmetic mean, but its low shelter score costs
    it the lead with the geometric mean; A is last either way:

    >>> from resilience_analytics.composite import example_city_coin
    >>> from resilience_analytics.composite import uncertainty
    >>> coin = example_city_coin().normalise("Raw", l_u=(1, 100)).aggregate()
    >>> ua = uncertainty(coin, n=40, aggregation=["arithmetic", "geometric"], progress=False)
    >>> ua.target, ua.scores.shape  # units x replications
    ('Index', (4, 40))
    >>> ua.rank_stats.loc["B", ["nominal", "q05", "q95"]].tolist()
    [1.0, 1.0, 3.0]
    >>> bool((ua.ranks.loc["A"] == 4).all())
    True
    """

    scores: pd.DataFrame
    ranks: pd.DataFrame
    rank_stats: pd.DataFrame
    score_stats: pd.DataFrame
    records: pd.DataFrame | None
    seconds: float
    target: str
    factors: list[str] = field(default_factory=list)


@dataclass
class SensitivityResult:
    """Results of :func:`sensitivity`: Sobol indices plus the underlying uncertainty run.

    Attributes
    ----------
    indices : pandas.DataFrame
        One row per uncertain assumption: ``S1``, ``ST`` and their ``conf_level`` percentile
        bootstrap intervals ``S1_low/S1_high/ST_low/ST_high`` (COINr's ``SA_estimate``);
        ``S1_conf``/``ST_conf`` are the half-widths of those intervals (for plotting).
    output : numpy.ndarray
        The scalar output per replication (mean absolute rank change against the nominal ranks,
        COINr's target).
    uncertainty : UncertaintyResult
        Scores, ranks and rank statistics over the ``2n`` independent replications (A and B)
        only.

    Examples
    --------
    Four fictional cities; the choice of aggregation moves the ranks more than +-25 % noise
    on the indicator weights:

    >>> from resilience_analytics.composite import example_city_coin
    >>> from resilience_analytics.composite import sensitivity
    >>> coin = example_city_coin().normalise("Raw", l_u=(1, 100)).aggregate()
    >>> sa = sensitivity(coin, n=32, aggregation=["arithmetic", "geometric"],
    ...                  weight_noise={1: 0.25}, num_resamples=200, progress=False)
    >>> sa.indices.index.tolist()
    ['aggregation', 'weights']
    >>> bool(sa.indices.loc["aggregation", "ST"] > sa.indices.loc["weights", "ST"])
    True
    >>> sa.output.shape, sa.uncertainty.scores.shape  # n (d + 2) runs; 2n independent ones
    ((128,), (4, 64))
    """

    indices: pd.DataFrame
    output: np.ndarray
    uncertainty: UncertaintyResult
    n: int


def _label(x) -> str:
    if isinstance(x, dict):
        return ",".join(f"{k}={v}" for k, v in x.items())
    return str(x)


def _factors(coin, winmax, normalisation, aggregation, weight_noise, n_weight_sets, seed,
             weights):
    """List of (name, alternatives) for the uncertain assumptions."""
    facs = []
    if winmax is not None:
        if "treat" not in coin.log:
            raise ParameterError("winmax varies but the coin has no treat step")
        facs.append(("winmax", list(winmax)))
    if normalisation is not None:
        alts = [dict(a) for a in normalisation]
        for a in alts:
            if "method" not in a:
                raise ParameterError(f"normalisation alternative {a!r} needs a 'method'")
        facs.append(("normalisation", alts))
    if aggregation is not None:
        alts = list(aggregation)
        for a in alts:
            resolve_methods(coin.meta, a)
        facs.append(("aggregation", alts))
    if weight_noise:
        if weights is None and "aggregate" in coin.log:
            weights = coin.log["aggregate"]["weights"]  # noise around the weights in use
            weights = coin.weights[weights] if isinstance(weights, str) else weights
        W = noisy_weights(coin, weight_noise, n_weight_sets, seed=seed, weights=weights)
        facs.append(("weights", list(range(W.shape[0]))))
    else:
        W = None
    if not facs:
        raise ParameterError("nothing varies: give winmax=, normalisation=, aggregation= "
                             "and/or weight_noise=")
    return facs, W


def _run_job(eng, alts, kw, kn, ka, reps, W_all, target, scores, failed, reason):
    """Evaluate one batch of replications sharing treatment, normalisation and aggregation."""
    wm = alts["winmax"][kw] if "winmax" in alts else None
    nm = alts["normalisation"][kn] if "normalisation" in alts else None
    am = alts["aggregation"][ka] if "aggregation" in alts else eng.agg_nominal
    try:
        Xn = eng.normalised(wm, nm)
    except DataFileError as exc:
        failed[reps] = True
        reason[reps] = str(exc)
        return
    out, fail = eng.aggregate(Xn, W_all[reps], am)
    scores[:, reps] = out[target]
    failed[reps] |= fail
    reason[reps[fail]] = (f"aggregation {_label(am)!r}: values outside the method's domain "
                          "(e.g. <= 0 under a geometric mean); replication discarded as in "
                          "COINr")


def _row_quantiles(b, n):
    """5 %, 50 %, 95 % quantiles of each row (type 7, as R), NaN-only rows give NaN."""
    import numpy as np

    q = np.full((3, n), np.nan)
    if not b.size:
        return q
    nanr = np.isnan(b)
    full = ~nanr.any(axis=1)
    rows = np.flatnonzero(full)
    step = max(1, 2_000_000 // b.shape[1])
    for s0 in range(0, len(rows), step):  # blocks of units: cache-friendly partitions
        r = rows[s0:s0 + step]
        q[:, r] = np.quantile(b[r], [0.05, 0.5, 0.95], axis=1)
    part = ~full & ~nanr.all(axis=1)
    if part.any():
        q[:, part] = np.nanquantile(b[part], [0.05, 0.5, 0.95], axis=1)
    return q


def _evaluate(coin, U, facs, Wsets, target, progress, return_records, nominal_ranks):
    """Evaluate replications given unit-hypercube rows ``U`` (reps x factors)."""
    import time

    import numpy as np
    import pandas as pd

    eng = _Engine(coin)
    if target is None:
        target = coin.top_code
    if target not in coin.meta["iCode"].tolist() or target in coin.indicator_codes:
        raise ParameterError(f"target={target!r} must be an aggregate code of the framework")
    R = U.shape[0]
    idx = {}
    for j, (name, alts) in enumerate(facs):
        idx[name] = np.minimum((U[:, j] * len(alts)).astype(int), len(alts) - 1)
    nominal_w = eng.wf["Weight"].to_numpy(dtype=float)
    W_all = (Wsets[idx["weights"]] if "weights" in idx else np.tile(nominal_w, (R, 1)))
    alts = dict(facs)
    key_w = idx.get("winmax", np.zeros(R, int))
    key_n = idx.get("normalisation", np.zeros(R, int))
    key_a = idx.get("aggregation", np.zeros(R, int))
    groups: dict[tuple, list[int]] = {}
    for r in range(R):
        groups.setdefault((key_w[r], key_n[r], key_a[r]), []).append(r)
    n = len(eng.units)
    max_p = max(L["C"].shape[1] for L in eng.levels)
    chunk = max(1, int(1.5e7 // (n * max_p)))
    scores = np.full((n, R), np.nan)
    failed = np.zeros(R, dtype=bool)
    reason = np.full(R, "", dtype=object)
    t0 = time.perf_counter()
    jobs = []
    for (kw, kn, ka), reps in groups.items():
        reps = np.array(reps)
        for s in range(0, len(reps), chunk):
            jobs.append((kw, kn, ka, reps[s:s + chunk]))
    it = jobs
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(jobs, desc="replications (batched)", unit="batch")
    import contextlib

    from threadpoolctl import threadpool_limits

    # small matrices: BLAS threads cost more than they save
    small = n * len(eng.ind) < 200_000
    with threadpool_limits(1) if small else contextlib.nullcontext():
        for kw, kn, ka, reps in it:
            _run_job(eng, alts, kw, kn, ka, reps, W_all, target, scores, failed, reason)
        ranks = rank_desc(scores, axis=0)
    seconds = time.perf_counter() - t0
    ranks[:, failed] = np.nan
    units = eng.units
    cols = pd.RangeIndex(R, name="replication")
    sc = pd.DataFrame(scores, index=units, columns=cols)
    rk = pd.DataFrame(ranks, index=units, columns=cols)
    nom_scores = coin.data["Aggregated"][target].reindex(units).to_numpy(dtype=float) \
        if "Aggregated" in coin.data else np.full(n, np.nan)
    if nominal_ranks is None:
        nominal_ranks = rank_desc(nom_scores)

    def stats(a, nominal):
        b = a[:, ~failed] if failed.any() else a
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                q = _row_quantiles(b, n)
                mean = np.full(n, np.nan)
                if b.size:
                    mean = b.mean(axis=1)  # NaN for units without a score
                    part = np.isnan(mean) & ~np.isnan(b).all(axis=1)
                    if part.any():
                        mean[part] = np.nanmean(b[part], axis=1)
        return pd.DataFrame({"nominal": nominal, "mean": mean, "median": q[1], "q05": q[0],
                             "q95": q[2]}, index=units)

    rank_stats = stats(ranks, nominal_ranks)
    score_stats = stats(scores, nom_scores)
    records = None
    if return_records:
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                marc = np.nanmean(np.abs(ranks - nominal_ranks[:, None]), axis=0)
                maxrc = np.nanmax(np.abs(ranks - nominal_ranks[:, None]), axis=0)
                smean = np.nanmean(scores, axis=0)
                smed = np.nanmedian(scores, axis=0)
        rec = {"replication": np.arange(R)}
        for j, (name, al) in enumerate(facs):
            rec[f"u_{name}"] = U[:, j]
            rec[name] = [_label(al[i]) for i in idx[name]]
        rec.update({"failed": failed, "reason": reason.astype(str),
                    "mean_abs_rank_change": marc, "max_abs_rank_change": maxrc,
                    "score_mean": smean, "score_median": smed})
        records = pd.DataFrame(rec)
    return UncertaintyResult(sc, rk, rank_stats, score_stats, records, seconds, target,
                             [f for f, _ in facs]), nominal_ranks


def uncertainty(
    coin: Coin,
    *,
    n: int = 1000,
    winmax: list[int] | None = None,
    normalisation: list[dict] | None = None,
    aggregation: list | None = None,
    weight_noise: dict[int, float] | None = None,
    n_weight_sets: int = 100,
    target: str | None = None,
    seed: int | None = None,
    return_records: bool = False,
    progress: bool | None = None,
) -> UncertaintyResult:
    """Uncertainty analysis: scores and ranks of every unit under sampled assumptions.

    Parameters
    ----------
    coin : Coin
        A coin built up to aggregation (its log defines the nominal pipeline).
    n : int
        Number of replications (random uniform sample, seeded).
    winmax : list of int, optional
        Alternative winsorisation limits (discrete, equally likely).
    normalisation : list of dict, optional
        Alternative normalisations, e.g. ``[{"method": "minmax", "l_u": (1, 100)},
        {"method": "zscore", "m_sd": (10, 2)}]``.
    aggregation : list, optional
        Alternative aggregation methods (anything :meth:`Coin.aggregate` accepts as ``method``).
    weight_noise : dict, optional
        ``{level: factor}``, e.g. ``{2: 0.25, 3: 0.25}`` (COINr's 25 % at levels 2 and 3).
    n_weight_sets : int
        Number of noisy weight sets to choose from (COINr's vignette uses 100).
    target : str, optional
        Aggregate whose scores are analysed (default the index).
    seed : int, optional
        Default ``ra.settings.seed``; the same seed gives the same result.
    return_records : bool
        Also return one row per replication (assumptions drawn and summary statistics).
    progress : bool, optional
        Show a tqdm bar (default ``ra.settings.progress``).

    Returns
    -------
    UncertaintyResult

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> ua = uncertainty(build_example_coin(), n=50, weight_noise={2: 0.25},
    ...                  return_records=True)
    >>> ua.records[["weights", "mean_abs_rank_change"]].shape
    (50, 2)
    """
    import numpy as np

    seed = settings.seed if seed is None else seed
    progress = settings.progress if progress is None else progress
    facs, W = _factors(coin, winmax, normalisation, aggregation, weight_noise, n_weight_sets,
                       seed, None)
    rng = np.random.default_rng(seed + 1)
    U = rng.random((int(n), len(facs)))
    res, _ = _evaluate(coin, U, facs, W, target, progress, return_records, None)
    return res


def sensitivity(
    coin: Coin,
    *,
    n: int = 256,
    winmax: list[int] | None = None,
    normalisation: list[dict] | None = None,
    aggregation: list | None = None,
    weight_noise: dict[int, float] | None = None,
    n_weight_sets: int = 100,
    target: str | None = None,
    num_resamples: int = 1000,
    conf_level: float = 0.90,
    seed: int | None = None,
    return_records: bool = False,
    progress: bool | None = None,
) -> SensitivityResult:
    """Variance-based sensitivity: first-order and total Sobol indices with bootstrap intervals.

    COINr's ``get_sensitivity(SA_type = "SA")`` (Becker et al. 2022): the design
    ``[A; B; AB_1..AB_d]`` (:func:`~resilience_analytics.composite.gsa.sobol_design`, ``n``
    rows per block, ``n (d + 2)`` replications, ``d`` = number of varying assumptions), each
    row mapped onto the assumptions as :func:`uncertainty` does; the output is COINr's mean
    absolute rank change of the target against the nominal ranks; ``S1`` (Saltelli 2010) and
    ``ST`` (Jansen) with **percentile bootstrap** intervals (``num_resamples``, ``conf_level``,
    default the 5-95 % interval COINr reports). The uncertainty part (``uncertainty``
    attribute: ``rank_stats``, ``score_stats``) is computed on the ``2n`` independent
    replications of ``A`` and ``B`` only, as COINr does.

    Examples
    --------
    >>> from resilience_analytics.composite import build_example_coin
    >>> sa = sensitivity(build_example_coin(), n=64, winmax=[1, 2, 3, 4, 5],
    ...                  aggregation=["arithmetic", "geometric"],
    ...                  normalisation=[{"method": "minmax", "l_u": (1, 100)}])
    >>> bool(sa.indices.loc["aggregation", "ST"] > sa.indices.loc["winmax", "ST"])
    True
    """
    import numpy as np
    import pandas as pd

    from .gsa import sobol_design, sobol_estimates

    seed = settings.seed if seed is None else seed
    progress = settings.progress if progress is None else progress
    facs, W = _factors(coin, winmax, normalisation, aggregation, weight_noise, n_weight_sets,
                       seed, None)
    if len(facs) < 2:
        raise ParameterError("sensitivity analysis needs at least two varying assumptions; "
                             "use uncertainty() for one")
    names = [f for f, _ in facs]
    d, n = len(facs), int(n)
    U = sobol_design(d, n, seed=seed)
    ua, nominal = _evaluate(coin, U, facs, W, target, progress, return_records, None)
    ranks = ua.ranks.to_numpy()
    with np.errstate(all="ignore"):
        y = np.nanmean(np.abs(ranks - nominal[:, None]), axis=0)
    if np.isnan(y).any():
        raise DataFileError(
            f"{int(np.isnan(y).sum())} of {len(y)} replications failed (e.g. values <= 0 "
            "under a geometric mean); Sobol indices need every replication: change the "
            "normalisation alternatives so every method's domain is respected")
    est = sobol_estimates(y, n, d, n_boot=num_resamples, conf_level=conf_level, seed=seed)
    est.index = pd.Index(names, name="assumption")
    cols = ["S1", "S1_conf", "ST", "ST_conf", "S1_low", "S1_high", "ST_low", "ST_high"]
    df = est[cols]
    df.attrs["interval"] = est.attrs["interval"]
    # uncertainty statistics from the 2n independent runs (A and B) only
    ind = slice(0, 2 * n)
    ua_ind, _ = _evaluate(coin, U[ind], facs, W, target, False, return_records, nominal)
    return SensitivityResult(df, y, ua_ind, n)
