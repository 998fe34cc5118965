"""Similar peers: the cities nearest to a focal city in the hazard feature space."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .._validate import check_choice
from ..errors import ParameterError
from .agglomeration import RULES, agglomerations
from .features import label
from .tables import (
    _check_k,
    _contact_columns,
    _pool_mask,
    _table,
    feature_space,
    locate,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .features import FeatureSpace

__all__ = ["feature_matrix", "similar"]

MISSING = ("raise", "empty")


def feature_matrix(
    table: pd.DataFrame | None = None,
    features: Sequence[str] | None = None,
    *,
    scaling: str = "robust",
    params: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Return the transformed, scaled numeric features that the distances use.

    Parameters
    ----------
    table : pandas.DataFrame, optional
        Indexed by ``city_id`` (default: :func:`default_table`).
    features : list of str, optional
        Columns (default: :data:`DEFAULT_FEATURES`, legacy columns substituted while the
        hazard-v2 columns are missing). Categorical columns are left out here.
    scaling : {"robust", "standard"}
        See :mod:`resilience_analytics.peers.features`.
    params : dict, optional
        Hazard parameters (zone widths, rate units) by feature.

    Returns
    -------
    pandas.DataFrame
        One column per numeric feature; ``attrs["transform"]`` maps each column to the
        transform applied, ``attrs["notes"]`` lists substitutions.

    Raises
    ------
    ParameterError
        A feature is unknown, has no variance or no value at all.

    Examples
    --------
    >>> import pandas as pd
    >>> from resilience_analytics.peers import feature_matrix
    >>> t = pd.DataFrame({"fl_count": [0, 1, 3, 7]}, index=pd.Index([1, 2, 3, 4], name="city_id"))
    >>> z = feature_matrix(t, ["fl_count"], scaling="standard")
    >>> round(float(z["fl_count"].mean()), 6), round(float(z["fl_count"].std(ddof=0)), 6)
    (0.0, 1.0)
    """
    table = _table(table)
    from .features import FeatureSpace, _is_categorical, resolve_features

    feats, _ = resolve_features(table, features)
    num = [f for f in feats if not _is_categorical(table[f])]
    if not num:
        raise ParameterError(f"features {feats} are all categorical; no numeric matrix to build")
    fs = (feature_space(table, features, None, "seuclidean", scaling, params) if num == feats
          else FeatureSpace.build(table, num, scaling=scaling, params=params))
    out = fs.matrix()
    out.index = table.index
    out.attrs["notes"] = list(fs.notes)
    return out


def _agglo(table: pd.DataFrame, agglomeration: str, agglomeration_km: float):
    """Agglomeration frame, or None (rule 'none' or no coordinates), and a note."""
    check_choice("agglomeration", agglomeration, RULES)
    if agglomeration == "none":
        return None, "no agglomeration rule"
    need = {"latitude", "longitude", "population"}
    if not need <= set(table.columns):
        return None, (f"no agglomeration rule: the table lacks {sorted(need - set(table.columns))}")
    a = agglomerations(table, rule=agglomeration, radius_km=agglomeration_km)
    return a, a.attrs.get("note", "")


def _alike_on(fs: FeatureSpace, i: int, contrib_row: np.ndarray, n: int = 3) -> str:
    """Name the closest features, preferring those where the focal city is exposed."""
    import numpy as np

    feats = fs.features
    exposed = fs.exposed(i)
    order = np.argsort(np.nan_to_num(contrib_row, nan=np.inf), kind="stable")
    chosen = [j for j in order if exposed[j]][:n]
    if len(chosen) < n:
        chosen += [j for j in order if j not in chosen][: n - len(chosen)]

    high = [label(feats[j]) for j in chosen if exposed[j]]
    low = [label(feats[j]) for j in chosen if not exposed[j]]
    parts = high + ([f"both low on {', '.join(low)}"] if low else [])
    return "; ".join(parts)


def _order(fs: FeatureSpace, d: np.ndarray, k: int, pop: np.ndarray | None) -> np.ndarray:
    """Rows of the k smallest finite ``d``; ties: larger population first, then city_id."""
    import numpy as np

    if k < len(d):
        kth = np.partition(d, k - 1)[k - 1]
        cand = np.flatnonzero(d <= kth)
    else:
        cand = np.arange(len(d))
    keys = [fs.ids[cand]]
    if pop is not None:
        keys.append(-np.nan_to_num(pop[cand], nan=0.0))
    keys.append(d[cand])
    return cand[np.lexsort(keys)][:k]


def similar(
    city: str | int,
    *,
    k: int = 10,
    features: Sequence[str] | None = None,
    weights: Mapping[str, float] | Sequence[float] | None = None,
    metric: str = "seuclidean",
    scaling: str = "robust",
    params: Mapping[str, float] | None = None,
    agglomeration: str = "urban_area",
    agglomeration_km: float = 25.0,
    within_network: str | Sequence[str] | None = None,
    exclude_network: str | Sequence[str] | None = None,
    country: str | Sequence[str] | None = None,
    exclude_own_country: bool = False,
    region: str | Sequence[str] | None = None,
    exclude_region: str | Sequence[str] | None = None,
    population_band: tuple[float | None, float | None] | float | None = None,
    min_separation_km: float = 0.0,
    table: pd.DataFrame | None = None,
    memberships: pd.DataFrame | None = None,
    missing: str = "raise",
) -> pd.DataFrame:
    """Return the ``k`` cities most similar to ``city`` on ``features``.

    Parameters
    ----------
    city : str or int
        Focal city: a name in any spelling ("Den Haag") or a ``city_id``.
    k : int, default 10
        Number of peers.
    features : list of str, optional
        Columns of ``table`` (default: :data:`DEFAULT_FEATURES`, the hazard-v2 profile).
        Categorical columns need ``metric="gower"``.
    weights : dict or list of float, optional
        Feature weights, numbers >= 0 (default 1 each).
    metric : {"seuclidean", "cosine", "mahalanobis", "gower"}
        See :mod:`resilience_analytics.peers`.
    scaling : {"robust", "standard"}
        Median/IQR (default) or z-score; see :mod:`resilience_analytics.peers.features`.
    params : dict, optional
        Hazard parameters by feature, e.g. ``{"vo_nearest_km": 50}`` (volcano zone 50 km).
    agglomeration : {"urban_area", "distance", "none"}
        One peer per urban agglomeration, represented by its largest city, and none from the
        focal city's own (:mod:`resilience_analytics.peers.agglomeration`). Needs
        ``latitude``, ``longitude`` and ``population`` in the table (else no rule, noted in
        ``attrs["agglomeration"]``).
    agglomeration_km : float, default 25
        Distance rule for cities outside an urban-area polygon.
    within_network, exclude_network : str or list of str, optional
        Keep only / leave out members of these networks ("100rc", "c40", "gcom", "rcn").
    country : str or list of str, optional
        Keep peers in these countries (ISO2, ISO3 or English name).
    exclude_own_country : bool, default False
        Leave out the focal city's own country.
    region, exclude_region : str or list of str, optional
        Keep only / leave out these continents ("EU", "Europe", "AS", ...).
    population_band : (min, max) or float, optional
        Keep peers with population in [min, max]; a single number ``f > 1`` keeps peers within
        a factor ``f`` of the focal city's population.
    min_separation_km : float, default 0
        Also leave out smaller cities closer than this to the focal city.
    table : pandas.DataFrame, optional
        Feature table indexed by ``city_id`` (default: :func:`default_table`).
    memberships : pandas.DataFrame, optional
        ``city_id, network[, status]`` (default: :func:`resilience_analytics.networks.memberships`).
    missing : {"raise", "empty"}, default "raise"
        When the filters leave nobody: raise :class:`ParameterError`, or return an empty table
        (same columns) whose ``attrs["note"]`` says why.

    Returns
    -------
    pandas.DataFrame
        Indexed by the peer's ``city_id``, nearest first (ties: larger city first): ``rank``,
        ``name``, ``country_iso3``, ``population``, ``latitude``, ``longitude`` (those the table
        has), ``distance``, ``alike_on`` (the features on which the pair is closest, preferring
        those on which the focal city is more exposed than the median city), ``contact``
        ("easy contact" when the two share a network membership or an exchange, else
        "bridge"), ``shared_networks``, ``shared_exchanges`` and one ``contrib_<feature>``
        column per feature; the contributions add up to ``distance``. ``attrs`` records the
        focal city, parameters, the transforms and the agglomeration rule.

    Raises
    ------
    UnknownCityError
        The focal city is unknown (with suggestions) or not in the table.
    ParameterError
        Unknown metric, scaling or feature, bad weights or params, a feature without variance or
        values, ``k`` larger than the candidate pool, or filters that leave nobody.

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
    >>> ra.peers.similar("Example City A", k=9, features=["a", "b"], table=t)
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    resilience_analytics.errors.ParameterError: k=9 is larger than the candidate pool (5 ...
    """
    import numpy as np

    check_choice("missing", missing, MISSING)
    table = _table(table)
    k = _check_k(k)
    focal, fs, i, d, pool, agglo_note = _search(
        city, table, memberships, missing, features=features, weights=weights, metric=metric,
        scaling=scaling, params=params, agglomeration=agglomeration,
        agglomeration_km=agglomeration_km, within_network=within_network,
        exclude_network=exclude_network, country=country,
        exclude_own_country=exclude_own_country, region=region, exclude_region=exclude_region,
        population_band=population_band, min_separation_km=min_separation_km)
    n_ok = int(np.isfinite(d).sum())
    if pool == 0 or n_ok == 0:
        return _empty(table, fs, focal, city, k,
                      "no candidate city is left after the filters; loosen them")
    if k > pool:
        raise ParameterError(
            f"k={k} is larger than the candidate pool ({pool} cities after filters); "
            f"ask for k <= {pool}"
        )
    if n_ok < k:
        raise ParameterError(
            f"only {n_ok} candidates share a non-missing feature with {city!r}; ask for "
            f"k <= {n_ok}"
        )
    idx = _order(fs, d, k, _population(table))
    out = _result_frame(table, fs, focal, i, idx, d, fs.contributions(i, idx), memberships,
                        city, k)
    out.attrs["agglomeration"] = agglo_note
    out.attrs["pool"] = pool
    return out


def _population(table):
    import numpy as np

    return (table["population"].to_numpy(dtype=float, na_value=np.nan)
            if "population" in table.columns else None)


def _search(city, table, memberships, missing, *, features=None, weights=None,
            metric="seuclidean", scaling="robust", params=None, agglomeration="urban_area",
            agglomeration_km=25.0, within_network=None, exclude_network=None, country=None,
            exclude_own_country=False, region=None, exclude_region=None, population_band=None,
            min_separation_km=0.0):
    """Return (focal, feature space, row, distances (inf outside the pool), pool size, note)."""
    import numpy as np

    focal = locate(city, table)
    fs = feature_space(table, features, weights, metric, scaling, params)
    agglo, agglo_note = _agglo(table, agglomeration, agglomeration_km)
    i = table.index.get_loc(focal)
    if metric == "cosine" and fs.meta["zero_norm"][i]:
        raise ParameterError(
            f"cosine distance is undefined for {city!r}: it sits at the median on every "
            "feature; use metric='seuclidean'"
        )
    mask = _pool_mask(
        table, focal, within_network=within_network, country=country, region=region,
        population_band=population_band, exclude_own_country=exclude_own_country,
        memberships=memberships, min_separation_km=min_separation_km,
        exclude_region=exclude_region, exclude_network=exclude_network, agglo=agglo,
        raise_empty=missing == "raise",
    )
    d = fs.distances(i)
    d = np.where(mask & ~np.isnan(d), d, np.inf)
    return focal, fs, i, d, int(mask.sum()), agglo_note


def _empty(table, fs, focal, city, k, note):
    import pandas as pd

    cols = ["rank", *[c for c in ("name", "country_iso3", "population", "latitude", "longitude")
                      if c in table.columns], "distance", "alike_on", "contact",
            "shared_networks", "shared_exchanges", *[f"contrib_{f}" for f in fs.features]]
    out = pd.DataFrame(columns=cols, index=pd.Index([], name="city_id", dtype="int64"))
    out.attrs.update(focal_city_id=int(focal), note=note, empty_reason="no_candidates", k=k)
    return out


def _result_frame(table, fs, focal, i, idx, d, contrib, memberships, city, k):
    import numpy as np
    import pandas as pd

    ids = fs.ids[idx]
    cols: dict = {"rank": np.arange(1, len(idx) + 1)}
    for col in ("name", "country_iso3", "population", "latitude", "longitude"):
        if col in table.columns:
            cols[col] = table[col].iloc[idx].to_numpy()
    cols["distance"] = d[idx]
    cols["alike_on"] = [_alike_on(fs, i, contrib[r]) for r in range(len(idx))]
    sn, se, contact = _contact_columns(focal, ids, memberships)
    cols["contact"] = pd.array(contact, dtype="string")
    cols["shared_networks"] = sn
    cols["shared_exchanges"] = se
    for j, f in enumerate(fs.features):
        cols[f"contrib_{f}"] = contrib[:, j]
    out = pd.DataFrame(cols, index=pd.Index(ids, name="city_id"))
    out.attrs.update(
        focal_city_id=int(focal),
        focal_name=str(table["name"].loc[focal]) if "name" in table.columns else str(city),
        metric=fs.metric,
        scaling=fs.scaling,
        features=list(fs.features),
        weights=dict(zip(fs.features, fs.weights.tolist(), strict=True)),
        transforms=dict(fs.transforms),
        notes=list(fs.notes),
        k=k,
    )
    return out
