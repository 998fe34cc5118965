"""City typologies: clusters of cities with alike hazard profiles, named by what dominates them.

:func:`city_types` clusters the standardised feature matrix of
:func:`resilience_analytics.peers.feature_matrix` (``log1p`` of counts, then z-scores) with
k-means or Ward hierarchical clustering. The number of types, unless given, is the one with the
highest mean silhouette coefficient over ``n_range`` (stated criterion; silhouettes are computed
on a seeded sample of at most ``silhouette_sample`` cities, as scikit-learn's
``silhouette_score(sample_size=...)``). Each type is named by its dominant features: the (at most
two) features whose type mean is farthest from the all-city mean, in standard deviations, with
"high"/"low"; a type within ``0.5`` SD of the mean on every feature is "average on all features".

Ward clustering needs the full pairwise distance structure, so on more than ``max_hierarchical``
cities it is fitted on a seeded sample and the remaining cities join the type with the nearest
centroid (stated in ``attrs["method_note"]``).

Examples
--------
>>> import resilience_analytics as ra
>>> types = ra.typology.city_types()  # doctest: +SKIP
>>> types.attrs["silhouette"]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ._validate import check_choice, check_number
from .errors import ParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["METHODS", "city_types", "name_type"]

METHODS = ("kmeans", "hierarchical")


def name_type(profile: pd.Series, *, n: int = 2, threshold: float = 0.5) -> str:
    """Name a type by its dominant features.

    Parameters
    ----------
    profile : pandas.Series
        Mean z-score of each feature within the type.
    n : int, default 2
        At most this many features in the name.
    threshold : float, default 0.5
        Features closer than this (in standard deviations) to the mean are not named.

    Returns
    -------
    str

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.typology import name_type
    >>> name_type(pd.Series({"fl_count": 1.4, "eq_count_m6": -0.2, "coast_distance_km": -0.9}))
    'high large floods, low distance to the coast'
    """
    import pandas as pd

    from .peers import FEATURE_LABELS

    if not isinstance(profile, pd.Series) or not pd.api.types.is_numeric_dtype(profile.dtype):
        raise ParameterError(
            f"profile must be a numeric pandas Series (mean z-score per feature), got "
            f"{type(profile).__name__} {str(getattr(profile, 'dtype', ''))}".rstrip()
        )
    n = check_number("n", n, lo=1, integer=True)
    threshold = check_number("threshold", threshold, lo=0)
    top = profile.abs().sort_values(ascending=False, kind="stable")
    names = [
        f"{'high' if profile[f] > 0 else 'low'} {FEATURE_LABELS.get(f, f)}"
        for f in top.index[:n]
        if abs(profile[f]) >= threshold
    ]
    return ", ".join(names) if names else "average on all features"


def city_types(
    features: Sequence[str] | None = None,
    *,
    method: str = "kmeans",
    n_types: int | None = None,
    n_range: Sequence[int] = range(2, 11),
    table: pd.DataFrame | None = None,
    silhouette_sample: int = 5000,
    max_hierarchical: int = 8000,
) -> pd.DataFrame:
    """Cluster cities into types and name each type by its dominant features.

    Parameters
    ----------
    features : list of str, optional
        Numeric columns of ``table`` (default: the hazard profile,
        :data:`resilience_analytics.peers.DEFAULT_FEATURES`).
    method : {"kmeans", "hierarchical"}
        k-means (``n_init=4``, seeded with ``ra.settings.seed``) or Ward agglomerative.
    n_types : int, optional
        Number of types; default: the best mean silhouette over ``n_range``.
    n_range : sequence of int, default 2..10
        Candidates for the number of types.
    table : pandas.DataFrame, optional
        Feature table indexed by ``city_id`` (default:
        :func:`resilience_analytics.peers.default_table`).
    silhouette_sample : int, default 5000
        Cities sampled (seeded) to compute silhouettes.
    max_hierarchical : int, default 8000
        Above this many cities, Ward is fitted on a sample of this size (see module docstring).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``city_id``: ``type`` (0 = largest type), ``type_name``, and ``name`` /
        ``country_iso3`` when the table has them. ``attrs``: ``n_types``, ``criterion``,
        ``silhouette`` ({n: score}), ``profiles`` (type × feature mean z-scores, as a dict),
        ``sizes``, ``method``, ``method_note``.

    Raises
    ------
    ParameterError
        Unknown method, bad ``n_types``/``n_range``, fewer cities than types, or a feature
        without variance or values.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> rng = np.random.default_rng(1)
    >>> t = pd.DataFrame({"fl_count": np.r_[rng.poisson(1, 50), rng.poisson(30, 50)],
    ...                   "eq_max_magnitude": rng.normal(6.0, 0.1, 100)},
    ...                  index=pd.Index(range(100), name="city_id"))
    >>> types = ra.typology.city_types(table=t, n_range=range(2, 5))
    >>> types.attrs["n_types"], sorted(set(types["type_name"]))
    (2, ['high large floods', 'low large floods'])
    """
    import numpy as np
    import pandas as pd
    from sklearn.cluster import AgglomerativeClustering, KMeans
    from sklearn.metrics import silhouette_score

    from . import peers, settings

    check_choice("method", method, METHODS)
    z = peers.feature_matrix(table, features)
    n = len(z)
    if n_types is not None:
        if isinstance(n_types, bool) or not isinstance(n_types, int) or n_types < 2:
            raise ParameterError(f"n_types must be a whole number >= 2, got {n_types!r}")
        candidates = [n_types]
    else:
        candidates = sorted({int(c) for c in n_range})
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

    def fit(c: int) -> np.ndarray:
        if method == "kmeans":
            return KMeans(n_clusters=c, n_init=4, random_state=settings.seed).fit_predict(x)
        lab = AgglomerativeClustering(n_clusters=c, linkage="ward").fit_predict(x[fit_idx])
        if len(fit_idx) == n:
            return lab
        cent = np.vstack([x[fit_idx][lab == t].mean(axis=0) for t in range(c)])
        from scipy.spatial import cKDTree

        return cKDTree(cent).query(x)[1]

    scores: dict[int, float] = {}
    labels: dict[int, np.ndarray] = {}
    for c in candidates:
        lab = fit(c)
        labels[c] = lab
        if len(np.unique(lab)) < 2:
            scores[c] = float("nan")
            continue
        scores[c] = float(silhouette_score(x, lab, sample_size=sample if sample < n else None,
                                           random_state=settings.seed))
    valid = {c: s for c, s in scores.items() if s == s}
    if not valid:
        raise ParameterError("no clustering with at least two types was found")
    best = max(valid, key=lambda c: (valid[c], -c))
    lab = labels[best]
    # number types by size (0 = largest)
    sizes = pd.Series(lab).value_counts()
    order = {old: new for new, old in enumerate(sizes.index)}
    lab = np.array([order[v] for v in lab])
    profiles = z.groupby(lab).mean()
    names = {t: name_type(profiles.loc[t]) for t in profiles.index}
    seen: dict[str, int] = {}
    for t in sorted(names):
        seen[names[t]] = seen.get(names[t], 0) + 1
        if seen[names[t]] > 1 or list(names.values()).count(names[t]) > 1:
            names[t] = f"{names[t]} (type {t})"
    out = pd.DataFrame({"type": lab}, index=z.index)
    out["type_name"] = out["type"].map(names)
    src = peers._table(table)
    if src is not None:
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
        features=list(z.columns),
    )
    return out
