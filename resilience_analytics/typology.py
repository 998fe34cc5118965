"""City typologies: multi-hazard types of cities, each named by its hazard profile.

Method (stated):

1. Features: the hazard feature space of :class:`resilience_analytics.peers.FeatureSpace`
   (hazard-v2 rates and return-period values, saturating where a hazard is absent, scaled by
   median/IQR).
2. ``by="hazard"`` (default): one score per hazard (earthquake, cyclone, flood, tsunami,
   volcano, coast): the mean of that hazard's scaled features, clipped to [-``clip``, ``clip``]
   (default 2: beyond two IQR above the median city a hazard is "high" whatever its size), so
   that the long tails of earthquake and cyclone rates do not decide the types alone; separate
   hazard and capacity typologies follow the EU Urban Typologies practice (hazards only here).
   ``by="feature"``: the scaled features themselves.
3. Clustering: k-means (``n_init=4``, seeded with ``ra.settings.seed``) or Ward agglomerative.
   The number of types, unless given, is the one with the highest mean silhouette coefficient
   (Rousseeuw, 1987, *J. Comput. Appl. Math.* 20: 53-65) over ``n_range`` (default 3..10: more
   than two types), computed on a seeded sample of at most ``silhouette_sample`` cities as
   scikit-learn's ``silhouette_score(sample_size=...)``.
4. Names (:func:`name_type`): a type is named by the hazards on which its mean score is at
   least ``threshold`` (default 0.5 IQR above the median city), strongest first, with a level
   ("high earthquake + tsunami + coastal"); a type with none is "no dominant hazard". Types
   that would share a name add the hazard they differ most on (", less flood"), then the type
   number.
5. Speed: k-means is fitted on a seeded sample of at most ``fit_sample`` cities (default
   5,000) and every city joins the nearest centre; silhouettes use a seeded sample of
   ``silhouette_sample`` (default 3,000). The default search (3..10 types, 34,006 cities) is
   timed in ``benchmarks/bench_peers.py``.

Ward clustering needs the full pairwise distance structure, so on more than ``max_hierarchical``
cities it is fitted on a seeded sample and the remaining cities join the type with the nearest
centroid (stated in ``attrs["method_note"]``).

Examples
--------
>>> import resilience_analytics as ra
>>> types = ra.typology.city_types()  # doctest: +SKIP
>>> types.attrs["n_types"] > 2  # doctest: +SKIP
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._validate import check_choice, check_number
from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BY", "METHODS", "city_types", "hazard_scores", "name_type"]

METHODS = ("kmeans", "hierarchical")
BY = ("hazard", "feature")


def hazard_scores(table: pd.DataFrame | None = None, features: Sequence[str] | None = None,
                  *, clip: float = 2.0) -> pd.DataFrame:
    """Return one score per hazard and city: the mean of its scaled features, clipped.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Feature table (default: the hazard table).
    features : list of str, optional
        Default: :data:`resilience_analytics.peers.DEFAULT_FEATURES`. Features of no known
        hazard form their own column.
    clip : float, default 2
        Scores are clipped to [-clip, clip] (in IQR units).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``city_id``, one column per hazard.

    Raises
    ------
    ParameterError
        ``clip`` not a number > 0, and as :class:`~resilience_analytics.peers.FeatureSpace`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"fl_rate": [0.0, 0.1, 0.2, 3.0], "tc_rate_34kt": [0.0, 0.0, 1.0, 2.0]},
    ...                  index=pd.Index([1, 2, 3, 4], name="city_id"))
    >>> hazard_scores(t).columns.tolist()
    ['cyclone', 'flood']
    """
    import numpy as np

    from . import peers

    if isinstance(clip, bool) or not isinstance(clip, int | float) or not clip > 0:
        raise ParameterError(f"clip must be a number > 0, got {clip!r}")
    z = peers.feature_matrix(table, features)
    groups: dict[str, list[str]] = {}
    for f in z.columns:
        spec = peers.FEATURES.get(f)
        groups.setdefault(spec.hazard if spec and spec.hazard else f, []).append(f)
    out = z.T.groupby(lambda f: next(h for h, fl in groups.items() if f in fl)).mean().T
    out = out.clip(-clip, clip)
    out.attrs["groups"] = groups
    out.attrs["clip"] = clip
    return out.astype(float).reindex(columns=sorted(out.columns)).pipe(
        lambda d: d.where(np.isfinite(d), 0.0))


def name_type(profile: pd.Series, *, threshold: float = 0.5, n: int = 3) -> str:
    """Name a type by the hazards on which it stands out.

    Each hazard whose mean score is at least ``threshold`` is named, strongest first, with its
    level: "high" from 1.5 IQR above the median city, plain from 1, "moderate" below that (the
    coast is "coastal" at any level). A type with none is "no dominant hazard".

    Parameters
    ----------
    profile : pandas.Series
        Mean score of each hazard (or feature) within the type, in IQR units.
    threshold : float, default 0.5
        Hazards with a mean score at least this are named.
    n : int, default 3
        At most this many hazards in the name.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.typology import name_type
    >>> name_type(pd.Series({"earthquake": 1.9, "tsunami": 1.2, "coast": 0.6, "flood": 0.1}))
    'high earthquake + tsunami + coastal'
    >>> name_type(pd.Series({"cyclone": 0.7, "flood": -0.4}))
    'moderate cyclone'
    >>> name_type(pd.Series({"earthquake": 0.2, "flood": -0.4}))
    'no dominant hazard'
    """
    import pandas as pd

    from .peers import FEATURE_LABELS

    if not isinstance(profile, pd.Series) or not pd.api.types.is_numeric_dtype(profile.dtype):
        raise ParameterError(
            f"profile must be a numeric pandas Series (mean score per hazard), got "
            f"{type(profile).__name__} {str(getattr(profile, 'dtype', ''))}".rstrip()
        )
    n = check_number("n", n, lo=1, integer=True)
    threshold = check_number("threshold", threshold)
    top = profile[profile >= threshold].sort_values(ascending=False, kind="stable")[:n]
    if top.empty:
        return "no dominant hazard"

    def word(h: str, v: float) -> str:
        if h == "coast":
            return "coastal"
        w = FEATURE_LABELS.get(h, h)
        return f"high {w}" if v >= 1.5 else (w if v >= 1 else f"moderate {w}")

    return " + ".join(word(h, v) for h, v in top.items())


def city_types(
    features: Sequence[str] | None = None,
    *,
    by: str = "hazard",
    method: str = "kmeans",
    n_types: int | None = None,
    n_range: Sequence[int] = range(3, 11),
    table: pd.DataFrame | None = None,
    threshold: float = 0.5,
    silhouette_sample: int = 3000,
    fit_sample: int = 5000,
    max_hierarchical: int = 8000,
) -> pd.DataFrame:
    """Cluster cities into multi-hazard types and name each type by its hazard profile.

    Parameters
    ----------
    features : list of str, optional
        Numeric columns of ``table`` (default: the hazard profile,
        :data:`resilience_analytics.peers.DEFAULT_FEATURES`).
    by : {"hazard", "feature"}
        Cluster on one score per hazard (default) or on the scaled features.
    method : {"kmeans", "hierarchical"}
        k-means (``n_init=4``, seeded with ``ra.settings.seed``) or Ward agglomerative.
    n_types : int, optional
        Number of types; default: the best mean silhouette over ``n_range``.
    n_range : sequence of int, default 3..10
        Candidates for the number of types.
    table : pandas.DataFrame, optional
        Feature table indexed by ``city_id`` (default: the hazard table).
    threshold : float, default 0.5
        Naming threshold (see :func:`name_type`).
    silhouette_sample : int, default 3000
        Cities sampled (seeded) to compute silhouettes.
    fit_sample : int, default 5000
        k-means is fitted on a seeded sample of this many cities; all cities then join the
        nearest centre.
    max_hierarchical : int, default 8000
        Above this many cities, Ward is fitted on a sample of this size (see module docstring).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``city_id``: ``type`` (0 = largest type), ``type_name``, and ``name`` /
        ``country_iso3`` when the table has them. ``attrs``: ``n_types``, ``criterion``,
        ``silhouette`` ({n: score}), ``profiles`` (type × hazard mean scores, as a dict),
        ``sizes``, ``method``, ``method_note``, ``by``.

    Raises
    ------
    ParameterError
        Unknown method or ``by``, bad ``n_types``/``n_range``, fewer cities than types, or a
        feature without variance or values.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> rng = np.random.default_rng(1)
    >>> g = np.repeat([0, 1, 2], 40)
    >>> t = pd.DataFrame({"fl_rate": np.where(g == 1, 2.0, 0.05) * rng.uniform(0.8, 1.2, 120),
    ...                   "tc_rate_34kt": np.where(g == 2, 1.0, 0.0) * rng.uniform(0.8, 1.2, 120)},
    ...                  index=pd.Index(range(120), name="city_id"))
    >>> types = ra.typology.city_types(table=t, n_range=range(3, 6))
    >>> types.attrs["n_types"], sorted(set(types["type_name"]))
    (3, ['cyclone', 'flood', 'no dominant hazard'])
    """
    import numpy as np
    import pandas as pd
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.metrics import silhouette_score

    from . import peers, settings

    check_choice("method", method, METHODS)
    check_choice("by", by, BY)
    z = hazard_scores(table, features) if by == "hazard" else peers.feature_matrix(table, features)
    n = len(z)
    if n_types is not None:
        if isinstance(n_types, bool) or not isinstance(n_types, int) or n_types < 2:
            raise ParameterError(f"n_types must be a whole number >= 2, got {n_types!r}")
        candidates = [n_types]
    else:
        try:
            candidates = sorted({int(c) for c in n_range})
        except (TypeError, ValueError):
            raise ParameterError(f"n_range must hold whole numbers >= 2, got {n_range!r}") from None
        if not candidates or min(candidates) < 2:
            raise ParameterError(f"n_range must hold whole numbers >= 2, got {list(n_range)}")
    if max(candidates) >= n:
        raise ParameterError(
            f"{max(candidates)} types asked for {n} cities: the number of types must be below "
            "the number of cities"
        )
    x = z.to_numpy()
    rng = np.random.default_rng(settings.seed)
    note = ""
    fit_idx = np.arange(n)
    if method == "hierarchical" and n > max_hierarchical:
        fit_idx = np.sort(rng.choice(n, size=max_hierarchical, replace=False))
        note = (f"Ward fitted on a seeded sample of {max_hierarchical:,} of {n:,} cities; the "
                "others joined the type with the nearest centroid")
    sample = min(silhouette_sample, n)

    for name, v in (("silhouette_sample", silhouette_sample), ("fit_sample", fit_sample)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 2:
            raise ParameterError(f"{name} must be a whole number >= 2, got {v!r}")
    km_idx = (np.sort(rng.choice(n, size=fit_sample, replace=False)) if n > fit_sample
              else np.arange(n))
    if n > fit_sample:
        note = (f"k-means fitted on a seeded sample of {fit_sample:,} of {n:,} cities; every "
                "city joined the nearest centre")

    def fit(c: int) -> np.ndarray:
        if method == "kmeans":
            km = KMeans(n_clusters=c, n_init=4, random_state=settings.seed).fit(x[km_idx])
            return km.predict(x)
        lab = AgglomerativeClustering(n_clusters=c, linkage="ward").fit_predict(x[fit_idx])
        if len(fit_idx) == n:
            return lab
        cent = np.vstack([x[fit_idx][lab == t].mean(axis=0) for t in range(c)])
        from scipy.spatial import cKDTree

        return cKDTree(cent).query(x)[1]

    from threadpoolctl import threadpool_limits

    scores: dict[int, float] = {}
    labels: dict[int, np.ndarray] = {}
    # one OpenMP thread: on small samples threads only add overhead, and on a shared machine
    # oversubscribed OpenMP threads made k-means 300 times slower (benchmarks/bench_peers.py)
    with threadpool_limits(limits=1, user_api="openmp"):
        for c in candidates:
            lab = fit(c)
            labels[c] = lab
            if len(np.unique(lab)) < 2:
                scores[c] = float("nan")
                continue
            scores[c] = float(silhouette_score(
                x, lab, sample_size=sample if sample < n else None, random_state=settings.seed))
    valid = {c: s for c, s in scores.items() if s == s}
    if not valid:
        raise ParameterError("no clustering with at least two types was found")
    best = max(valid, key=lambda c: (valid[c], -c))
    lab = labels[best]
    sizes = pd.Series(lab).value_counts()
    order = {old: new for new, old in enumerate(sizes.index)}
    lab = np.array([order[v] for v in lab])
    profiles = z.groupby(lab).mean()
    names = {t: name_type(profiles.loc[t], threshold=threshold) for t in profiles.index}
    counts = pd.Series(names).value_counts()
    base = dict(names)
    for t in sorted(names):  # tell apart same-named types by the hazard they differ most on
        if counts[base[t]] > 1:
            same = [u for u in names if base[u] == base[t]]
            dev = profiles.loc[t] - profiles.loc[same].mean()
            h = dev.abs().idxmax()
            names[t] = f"{base[t]}, {'more' if dev[h] > 0 else 'less'} {h}"
    counts = pd.Series(names).value_counts()
    for t in sorted(names):
        if counts[names[t]] > 1:
            names[t] = f"{names[t]} (type {t})"
    out = pd.DataFrame({"type": lab}, index=z.index)
    out["type_name"] = out["type"].map(names)
    src = peers.feature_table(table)
    for col in ("name", "country_iso3"):
        if col in src.columns:
            out[col] = src[col].reindex(out.index)
    out.attrs.update(
        n_types=int(best),
        criterion=("given" if n_types is not None else
                   f"highest mean silhouette over n in {candidates}"
                   + (f" (sample of {sample:,} cities, seed {settings.seed})" if sample < n
                      else "")),
        silhouette=scores,
        profiles=profiles.to_dict(orient="index"),
        sizes={int(t): int(s) for t, s in out["type"].value_counts().sort_index().items()},
        method=method,
        method_note=note,
        by=by,
        features=list(z.columns),
    )
    return out
