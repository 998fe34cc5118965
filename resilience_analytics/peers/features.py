"""The hazard feature space in which peer cities are compared.

Public and shared by :mod:`~resilience_analytics.peers`, :mod:`~resilience_analytics.matching`
and :mod:`~resilience_analytics.typology`.

Every hazard column is put on a hazard-relevant scale first (step 1), then scaled so that
features with heavy tails or mostly-zero values neither dominate nor vanish (step 2).

Step 1: transforms, by kind (:data:`FEATURES` gives each known column its kind)
-------------------------------------------------------------------------------
``rate``
    An annual rate of exceedance ``r`` (events/year, hazard-v2 contract columns such as
    ``eq_rate_pga_0p1g``, ``tc_rate_34kt``, ``fl_rate``) becomes ``log(1 + r × 100)``: the log
    of one plus the expected number of events in a century. No event is 0, whatever the city's
    distance to the nearest event: absence is one state. A missing rate means "no event" (0).
``intensity``
    A return-period value or an observed maximum (``eq_pga_475yr_g``, ``tc_wind_100yr_kt``,
    in the unit of the column) used as it is; missing means no event (0).
``intensity_log``
    As ``intensity`` but ``log(1 + x)`` (tsunami heights in metres, whose tail is long).
``proximity``
    A distance ``d`` km to a hazard source becomes ``max(0, D - d)``: kilometres inside the
    ``D``-km zone of the source. Every city beyond ``D`` is one state (0), so being 300 or 600 km
    from a volcano no longer counts. ``D`` = 100 km for volcanoes (the largest of the 10/30/100 km
    radii of Brown et al., 2015, *Global Volcanic Hazards and Risk*, Cambridge University Press,
    ch. 4, population exposure) and 100 km for the coast (the coastal zone of Small & Nicholls,
    2003, *J. Coastal Research* 19(3): 584-599). A missing distance means "none known": 0.
``count``
    ``log(1 + n)`` (supporting event counts).
``level``
    ThinkHazard-style ordered levels "very low" < "low" < "medium" < "high" become 0, 1, 2, 3.
``plain``
    Any other numeric column, as it is (booleans 0/1); missing values get the median.

Step 2: scaling (``scaling=``)
------------------------------
``"robust"`` (default)
    ``(x - median) / IQR`` (interquartile range, p75 - p25), so that a heavy tail does not set
    the unit. Where most cities share one value (no cyclone: IQR 0), the unit is the IQR of the
    cities that differ from the median (the exposed cities' spread); if that is 0 too (a 0/1
    column), the range. Rousseeuw & Croux (1993), *JASA* 88: 1273-1283, on robust scale.
``"standard"``
    z-score ``(x - mean) / std`` (population standard deviation).

Examples
--------
>>> import pandas as pd
>>> from resilience_analytics.peers.features import FeatureSpace
>>> t = pd.DataFrame({"vo_nearest_km": [5.0, 60.0, 300.0, 600.0, None]},
...                  index=pd.Index([1, 2, 3, 4, 5], name="city_id"))
>>> fs = FeatureSpace.build(t, ["vo_nearest_km"])
>>> fs.values[:, 0].tolist()  # km inside the 100-km zone: 300 and 600 km are one state
[95.0, 40.0, 0.0, 0.0, 0.0]
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._validate import check_choice
from ..errors import ParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "DEFAULT_FEATURES",
    "FEATURES",
    "KINDS",
    "LEVELS",
    "METRICS",
    "SCALINGS",
    "FeatureSpace",
    "FeatureSpec",
    "resolve_features",
]

METRICS = ("seuclidean", "cosine", "mahalanobis", "gower")
SCALINGS = ("robust", "standard")
KINDS = ("rate", "intensity", "intensity_log", "proximity", "count", "level", "plain")
#: ThinkHazard's ordered hazard levels and the numbers they become.
LEVELS = {"very low": 0, "low": 1, "medium": 2, "high": 3}


@dataclass(frozen=True)
class FeatureSpec:
    """How one column enters the feature space.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    label : str
        Words used in reasons.
    hazard : str
        Hazard group ("earthquake", "cyclone", "flood", "tsunami", "volcano", "coast").
    param : float or None
        ``rate``: years per unit (100: events per century; 1 for a rate already per century);
        ``proximity``: the zone width ``D`` in km.
    low_means_exposed : bool
        True for distances (a small value is more exposure).

    Examples
    --------
    The known columns' specs are in :data:`FEATURES`; a rate's ``param`` turns events per
    year into events per century before the log:

    >>> import math
    >>> import pandas as pd
    >>> from resilience_analytics.peers.features import FEATURES, FeatureSpace
    >>> spec = FEATURES["fl_rate"]
    >>> spec.kind, spec.hazard, spec.param
    ('rate', 'flood', 100)
    >>> t = pd.DataFrame({"fl_rate": [0.0, 0.1, 1.0]},
    ...                  index=pd.Index([1, 2, 3], name="city_id"))
    >>> v = FeatureSpace.build(t, ["fl_rate"]).values[:, 0]
    >>> bool(abs(v[1] - math.log1p(0.1 * spec.param)) < 1e-12)
    True
    >>> FEATURES["vo_nearest_km"].low_means_exposed  # a distance: small = exposed
    True
    """

    kind: str
    label: str
    hazard: str = ""
    param: float | None = None
    low_means_exposed: bool = False


#: Known columns: the hazard-v2 columns of :func:`resilience_analytics.hazards.exposure`.
FEATURES: dict[str, FeatureSpec] = {
    # earthquake (contract)
    "eq_rate_pga_0p1g": FeatureSpec("rate", "shaking >= 0.1 g per century", "earthquake", 100),
    "eq_rate_pga_0p2g": FeatureSpec("rate", "shaking >= 0.2 g per century", "earthquake", 100),
    "eq_pga_475yr_g": FeatureSpec("intensity", "475-year shaking (PGA, g)", "earthquake"),
    "eq_pga_max_g": FeatureSpec("intensity", "strongest historical shaking (PGA, g)",
                                "earthquake"),
    "eq_level": FeatureSpec("level", "earthquake level", "earthquake"),
    # cyclone (contract)
    "tc_rate_34kt": FeatureSpec("rate", "tropical-storm winds (34 kt) per century", "cyclone",
                                100),
    "tc_rate_64kt": FeatureSpec("rate", "hurricane winds (64 kt) per century", "cyclone", 100),
    "tc_rate_96kt": FeatureSpec("rate", "major-hurricane winds (96 kt) per century", "cyclone",
                                100),
    "tc_wind_50yr_kt": FeatureSpec("intensity", "50-year cyclone wind (kt)", "cyclone"),
    "tc_wind_100yr_kt": FeatureSpec("intensity", "100-year cyclone wind (kt)", "cyclone"),
    "tc_wind_max_kt": FeatureSpec("intensity", "strongest modelled cyclone wind (kt)",
                                  "cyclone"),
    "tc_level": FeatureSpec("level", "cyclone level", "cyclone"),
    # flood (contract)
    "fl_rate": FeatureSpec("rate", "large floods per century", "flood", 100),
    "fl_severity_rate": FeatureSpec("rate", "severity-weighted floods per century", "flood",
                                    100),
    "fl_level": FeatureSpec("level", "flood level", "flood"),
    # tsunami (contract)
    "ts_rate_per_century": FeatureSpec("rate", "tsunamis per century", "tsunami", 1),
    "ts_max_height_m": FeatureSpec("intensity_log", "highest observed tsunami (m)", "tsunami"),
    "ts_level": FeatureSpec("level", "tsunami level", "tsunami"),
    # volcano, coast
    "vo_nearest_km": FeatureSpec("proximity", "closeness to a volcano (km inside 100 km)",
                                 "volcano", 100, True),
    "vo_count_100km": FeatureSpec("count", "volcanoes within 100 km", "volcano"),
    "coast_distance_km": FeatureSpec("proximity", "closeness to the coast (km inside 100 km)",
                                     "coast", 100, True),
    # supporting counts (for user feature lists; not in the default profile)
    "eq_events_felt": FeatureSpec("count", "felt earthquakes (PGA >= 0.05 g)", "earthquake"),
    "tc_storms_34kt": FeatureSpec("count", "storms with 34-kt winds", "cyclone"),
    "fl_events": FeatureSpec("count", "large flood events", "flood"),
    "fl_dead": FeatureSpec("count", "flood deaths", "flood"),
    "ts_events_observed": FeatureSpec("count", "tsunamis observed nearby", "tsunami"),
}

#: Default hazard profile: hazard-v2 contract columns (one frequency and one return-period
#: intensity per hazard where the contract has both; volcano and coast as saturating zones).
DEFAULT_FEATURES = (
    "eq_rate_pga_0p1g",
    "eq_pga_475yr_g",
    "tc_rate_34kt",
    "tc_wind_100yr_kt",
    "fl_rate",
    "fl_severity_rate",
    "ts_rate_per_century",
    "ts_max_height_m",
    "vo_nearest_km",
    "vo_count_100km",
    "coast_distance_km",
)



def label(feature: str) -> str:
    """Return the words for a feature (its name if unknown).

    Examples
    --------
    >>> label("fl_rate"), label("my_column")
    ('large floods per century', 'my_column')
    """
    spec = FEATURES.get(feature)
    return spec.label if spec else feature


def _is_categorical(s: pd.Series) -> bool:
    import pandas as pd

    if isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.ordered:
        return False  # ordered levels become numbers
    if _is_level_strings(s):
        return False
    return not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s))


def _is_level_strings(s: pd.Series) -> bool:
    import pandas as pd

    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s):
        return False
    vals = set(s.dropna().astype(str).str.lower().unique().tolist())
    return bool(vals) and vals <= set(LEVELS)


def resolve_features(table: pd.DataFrame, features: Sequence[str] | None
                     ) -> tuple[list[str], list[str]]:
    """Return (features, notes): the columns to use, and what was substituted or left out.

    Parameters
    ----------
    table : pandas.DataFrame
    features : list of str, optional
        Default :data:`DEFAULT_FEATURES`; a default column missing from the table is left out
        (and said so in the notes).

    Returns
    -------
    (list of str, list of str)

    Raises
    ------
    ParameterError
        Unknown feature (names the value and the accepted columns), or no default feature.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"fl_events": [1, 2], "fl_rate": [0.1, 0.2]})
    >>> resolve_features(t, None)[0]
    ['fl_rate']
    >>> feats, notes = resolve_features(t, None)
    >>> notes[0]
    'eq_rate_pga_0p1g not in the table: left out'
    """
    notes: list[str] = []
    if features is None:
        feats: list[str] = []
        for f in DEFAULT_FEATURES:
            if f in table.columns:
                feats.append(f)
            else:
                notes.append(f"{f} not in the table: left out")
        feats = list(dict.fromkeys(feats))
        if not feats:
            raise ParameterError(
                "none of the default hazard features is a column of the table "
                f"({', '.join(DEFAULT_FEATURES[:4])}, ...); pass features= (a list of columns)"
            )
        return feats, notes
    if isinstance(features, str):
        features = [features]
    try:
        feats = list(dict.fromkeys(features))
    except TypeError:
        raise ParameterError(
            f"features must be a list of column names, got {features!r}"
        ) from None
    if not feats:
        raise ParameterError("features is empty: give at least one column of the table")
    bad = [f for f in feats if not isinstance(f, str)]
    missing = [f for f in feats if f not in table.columns]
    if bad or missing:
        raise ParameterError(
            f"feature(s) {bad or missing} are not columns of the table; accepted: "
            f"{[c for c in table.columns][:40]}"
        )
    return feats, notes


def _check_params(params: Mapping[str, float] | None, feats: list[str]) -> dict[str, float]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise ParameterError(f"params must be a dict feature -> number, got {params!r}")
    accepted = [f for f in feats if FEATURES.get(f) and FEATURES[f].param is not None]
    out = {}
    for k, v in params.items():
        if k not in accepted:
            raise ParameterError(
                f"params names {k!r}, which is not a feature with a parameter here; accepted: "
                f"{accepted}"
            )
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not v > 0:
            raise ParameterError(f"params[{k!r}] must be a number > 0, got {v!r}")
        out[k] = float(v)
    return out


def _check_weights(feats: list[str], weights) -> np.ndarray:
    import numpy as np

    if weights is None:
        return np.ones(len(feats))

    def num(name, v) -> float:
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise ParameterError(
                f"weight {v!r} for {name} is not a number; weights are numbers >= 0"
            )
        v = float(v)
        if not np.isfinite(v) or v < 0:
            raise ParameterError(
                f"weight {v!r} for {name} is not accepted; weights are finite numbers >= 0"
            )
        return v

    if isinstance(weights, Mapping):
        unknown = [k for k in weights if k not in feats]
        if unknown:
            raise ParameterError(
                f"weights name feature(s) {unknown} not among the features; accepted: {feats}"
            )
        w = np.array([num(repr(f), weights.get(f, 1.0)) for f in feats])
    else:
        if isinstance(weights, str | bytes) or not isinstance(weights, Sequence | np.ndarray):
            raise ParameterError(
                f"weights must be a dict feature -> weight or a list of numbers, got {weights!r}"
            )
        vals = list(weights)
        if len(vals) != len(feats):
            raise ParameterError(
                f"weights must be a dict feature → weight or one number per feature "
                f"({len(feats)}: {feats}), got {len(vals)} numbers"
            )
        w = np.array([num(f"feature {f!r}", v) for f, v in zip(feats, vals, strict=True)])
    if w.sum() <= 0:
        raise ParameterError(f"weights are all 0 ({w.tolist()}): at least one must be > 0")
    return w


def _transform(table: pd.DataFrame, col: str, params: Mapping[str, float]
               ) -> tuple[np.ndarray, str]:
    """Return (transformed values with NaN where missing and imputable, description)."""
    import numpy as np
    import pandas as pd

    s = table[col]
    spec = FEATURES.get(col)
    kind = spec.kind if spec else "plain"
    if _is_level_strings(s) or (isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.ordered):
        if isinstance(s.dtype, pd.CategoricalDtype) and not _is_level_strings(s):
            v = s.cat.codes.to_numpy(dtype=float)
            v[v < 0] = np.nan
        else:
            v = s.astype("string").str.lower().map(LEVELS).to_numpy(dtype=float, na_value=np.nan)
        return v, "ordered level → 0, 1, 2, 3 (missing: median)"
    v = pd.to_numeric(s, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    p = params.get(col, spec.param if spec else None)
    if kind == "rate":
        v = np.where(np.isnan(v), 0.0, v)
        if np.nanmin(v, initial=0) < 0:
            raise ParameterError(f"feature {col!r} is a rate and has negative values")
        return np.log1p(v * p), f"log(1 + events per {p * 1:g} years); missing = none"
    if kind in ("intensity", "intensity_log"):
        v = np.where(np.isnan(v), 0.0, v)
        if kind == "intensity_log":
            return np.log1p(np.clip(v, 0, None)), "log(1 + value); missing = no event (0)"
        return v, "value; missing = no event (0)"
    if kind == "proximity":
        v = np.where(np.isnan(v), np.inf, v)
        words = f"max(0, {p:g} km - distance): beyond {p:g} km is one state"
        return np.clip(p - v, 0.0, None), words
    if kind == "count":
        v = np.where(np.isnan(v), 0.0, v)
        return np.log1p(np.clip(v, 0, None)), "log(1 + count); missing = 0"
    return v, "value (missing: median)"


def _scale(v: np.ndarray, scaling: str) -> tuple[float, float]:
    import numpy as np

    x = v[~np.isnan(v)]
    if scaling == "standard":
        return float(x.mean()), float(x.std())
    med = float(np.median(x))
    q1, q3 = np.percentile(x, [25, 75])
    s = float(q3 - q1)
    if not s > 0:
        off = x[x != med]
        if len(off) >= 2:
            q1, q3 = np.percentile(off, [25, 75])
            s = float(q3 - q1)
        if not s > 0:
            s = float(x.max() - x.min())
    return med, s


@dataclass
class FeatureSpace:
    """Cities as points in a scaled hazard-feature space (build with :meth:`build`).

    Attributes
    ----------
    ids : numpy.ndarray
        ``city_id`` of each row.
    features, numeric, categorical : list of str
    values : numpy.ndarray
        Transformed numeric values (step 1), missing values imputed (median) except for Gower.
    center, scale : numpy.ndarray
        Per numeric feature (step 2).
    z : numpy.ndarray
        Scaled values ``(values - center) / scale``.
    weights : numpy.ndarray
        Per feature (order of ``features``).
    metric, scaling : str
    transforms : dict
        Feature → words describing its transform.
    notes : list of str
        Default features left out because the table lacks them, etc.
    x : numpy.ndarray or None
        Search coordinates (Euclidean metrics): distances are Euclidean distances between rows
        (``cosine``: half the squared distance).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> t = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0, 40.0]},
    ...                  index=pd.Index([1, 2, 3, 4, 5], name="city_id"))
    >>> fs = FeatureSpace.build(t, ["a"])
    >>> fs.center.tolist(), fs.scale.tolist()   # median and IQR: the tail does not set the unit
    ([2.0], [2.0])
    >>> fs.distances(fs.row(1)).tolist()
    [0.0, 0.5, 1.0, 1.5, 20.0]
    """

    ids: np.ndarray
    features: list[str]
    numeric: list[str]
    categorical: list[str]
    values: np.ndarray
    center: np.ndarray
    scale: np.ndarray
    z: np.ndarray
    weights: np.ndarray
    metric: str
    scaling: str
    transforms: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    params: dict = field(default_factory=dict)
    x: np.ndarray | None = None
    gower_num: np.ndarray | None = None
    gower_cat: np.ndarray | None = None
    whiten: np.ndarray | None = None
    meta: dict = field(default_factory=dict)

    # ------------------------------------------------------------------ construction
    @classmethod
    def build(
        cls,
        table: pd.DataFrame,
        features: Sequence[str] | None = None,
        *,
        weights: Mapping[str, float] | Sequence[float] | None = None,
        metric: str = "seuclidean",
        scaling: str = "robust",
        params: Mapping[str, float] | None = None,
    ) -> FeatureSpace:
        """Transform, scale and weight the features of ``table``.

        Parameters
        ----------
        table : pandas.DataFrame
            Indexed by ``city_id``.
        features : list of str, optional
            Default :data:`DEFAULT_FEATURES` (see :func:`resolve_features`).
        weights : dict or list of float, optional
            Numbers >= 0, not all 0 (default 1 each).
        metric : {"seuclidean", "cosine", "mahalanobis", "gower"}
        scaling : {"robust", "standard"}
        params : dict, optional
            Feature → parameter override (rate: years per unit; proximity: zone width km),
            e.g. ``{"vo_nearest_km": 50}``.

        Returns
        -------
        FeatureSpace

        Raises
        ------
        ParameterError
            Unknown feature, metric or scaling; bad weights or params; a feature without values
            or variance; categorical features with a Euclidean metric; weights with Mahalanobis.

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"fl_rate": [0.0, 0.1, 1.0]},
        ...                  index=pd.Index([1, 2, 3], name="city_id"))
        >>> FeatureSpace.build(t).transforms["fl_rate"]
        'log(1 + events per 100 years); missing = none, then (x - median) / IQR'
        >>> FeatureSpace.build(t, weights={"fl_rate": -1})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        resilience_analytics.errors.ParameterError: weight -1.0 for 'fl_rate' is not accepted; ...
        """
        import numpy as np
        import pandas as pd

        check_choice("metric", metric, METRICS)
        check_choice("scaling", scaling, SCALINGS)
        feats, notes = resolve_features(table, features)
        w = _check_weights(feats, weights)
        prm = _check_params(params, feats)
        cat = [f for f in feats if _is_categorical(table[f])]
        num = [f for f in feats if f not in cat]
        if cat and metric != "gower":
            raise ParameterError(
                f"feature(s) {cat} are categorical; metric={metric!r} needs numeric features. "
                "Use metric='gower' for mixed numeric and categorical features"
            )
        if metric == "mahalanobis" and weights is not None:
            raise ParameterError(
                "weights are not accepted with metric='mahalanobis': the Mahalanobis distance "
                "is invariant to rescaling a feature; use 'seuclidean', 'cosine' or 'gower'"
            )
        n = len(table)
        raw = np.empty((n, len(num)))
        transforms = {}
        for j, c in enumerate(num):
            raw[:, j], transforms[c] = _transform(table, c, prm)
        _check_variance(num, raw)
        vals = raw.copy()
        holes = np.isnan(vals)
        for j in np.flatnonzero(holes.any(axis=0)):
            vals[holes[:, j], j] = np.nanmedian(vals[:, j])
        center = np.empty(len(num))
        scale = np.empty(len(num))
        for j in range(len(num)):
            center[j], scale[j] = _scale(vals[:, j], scaling)
        flat = [c for j, c in enumerate(num) if not scale[j] > 0]
        if flat:
            raise ParameterError(
                f"feature(s) {flat} have no variance once missing values are filled; drop them"
            )
        z = (vals - center) / scale if num else np.empty((n, 0))
        for c in num:
            transforms[c] += (", then (x - median) / IQR" if scaling == "robust"
                              else ", then z-score")
        fs = cls(ids=table.index.to_numpy(dtype="int64"), features=feats, numeric=num,
                 categorical=cat, values=vals, center=center, scale=scale, z=z, weights=w,
                 metric=metric, scaling=scaling, transforms=transforms, notes=notes, params=prm)
        wnum = np.array([w[feats.index(f)] for f in num])
        if metric == "seuclidean":
            fs.x = np.ascontiguousarray(z * np.sqrt(wnum))
        elif metric == "cosine":
            x = z * np.sqrt(wnum)
            norm = np.linalg.norm(x, axis=1, keepdims=True)
            fs.meta["zero_norm"] = norm[:, 0] == 0
            fs.x = np.divide(x, norm, out=np.zeros_like(x), where=norm > 0)
        elif metric == "mahalanobis":
            cov = np.cov(z, rowvar=False).reshape(len(num), len(num))
            lam, vec = np.linalg.eigh(cov)
            keep = lam > lam.max() * 1e-10
            fs.meta["rank"] = int(keep.sum())
            fs.whiten = vec[:, keep] / np.sqrt(lam[keep])
            fs.x = np.ascontiguousarray(z @ fs.whiten)
        else:  # gower: range of the transformed values, missing values kept (Gower's rule)
            if num:
                rng = np.nanmax(raw, axis=0) - np.nanmin(raw, axis=0)
                fs.gower_num = raw / rng
            else:
                fs.gower_num = raw
            codes = np.empty((n, len(cat)), dtype=np.int64)
            for j, c in enumerate(cat):
                s = table[c]
                if s.isna().all():
                    raise ParameterError(f"feature {c!r} has no value for any city (all missing)")
                k = pd.factorize(s, use_na_sentinel=True)[0]
                if len(set(k[k >= 0].tolist())) < 2:
                    raise ParameterError(
                        f"feature {c!r} has a single category for every city (no variance); "
                        "drop it"
                    )
                codes[:, j] = k
                transforms[c] = "category: 0 if equal, else 1"
            fs.gower_cat = codes
            fs.meta["wnum"] = wnum
            fs.meta["wcat"] = np.array([w[feats.index(f)] for f in cat])
        return fs

    # ------------------------------------------------------------------ queries
    def row(self, city_id: int) -> int:
        """Return the row number of ``city_id``.

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"a": [0.0, 1.0]}, index=pd.Index([7, 9], name="city_id"))
        >>> FeatureSpace.build(t, ["a"]).row(9)
        1
        """
        import numpy as np

        hit = np.flatnonzero(self.ids == int(city_id))
        if not len(hit):
            raise ParameterError(f"city_id {city_id} is not a row of this feature space")
        return int(hit[0])

    def distances(self, i: int) -> np.ndarray:
        """Distances from row ``i`` to every row (see the metrics in :mod:`..peers`).

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"a": [0.0, 4.0]}, index=pd.Index([1, 2], name="city_id"))
        >>> FeatureSpace.build(t, ["a"], scaling="standard").distances(0).tolist()
        [0.0, 2.0]
        """
        import numpy as np

        if self.metric == "gower":
            return _gower_rows(self, np.array([i]))[0]
        diff = self.x - self.x[i]
        d2 = np.einsum("ij,ij->i", diff, diff)
        if self.metric == "cosine":
            return d2 / 2.0
        return np.sqrt(np.clip(d2, 0, None))

    def contributions(self, i: int, rows: np.ndarray) -> np.ndarray:
        """Per-feature contributions (len(rows) × p) to the distances from row ``i``.

        They add up to the distance.

        Examples
        --------
        >>> import numpy as np, pandas as pd
        >>> t = pd.DataFrame({"a": [0.0, 3.0, 1.0], "b": [0.0, 4.0, 2.0]},
        ...                  index=pd.Index([1, 2, 3], name="city_id"))
        >>> fs = FeatureSpace.build(t, ["a", "b"])
        >>> bool(np.isclose(fs.contributions(0, np.array([1])).sum(), fs.distances(0)[1]))
        True
        """
        import numpy as np

        feats = self.features
        if self.metric == "gower":
            _, terms = _gower_rows(self, np.array([i]), with_terms=True, targets=rows)
            return terms[0]
        contrib = np.zeros((len(rows), len(feats)))
        num_idx = [feats.index(f) for f in self.numeric]
        if self.metric == "mahalanobis":
            delta = self.z[rows] - self.z[i]
            part2 = delta * (delta @ (self.whiten @ self.whiten.T))
        else:
            part2 = (self.x[rows] - self.x[i]) ** 2
        if self.metric == "cosine":
            part = part2 / 2.0
        else:
            d = np.sqrt(np.clip(part2.sum(axis=1), 0, None))
            with np.errstate(invalid="ignore", divide="ignore"):
                part = np.where(d[:, None] > 0, part2 / d[:, None], 0.0)
        contrib[:, num_idx] = part
        return contrib

    def matrix(self) -> pd.DataFrame:
        """Return the scaled numeric values (rows: ``city_id``), ``attrs["transform"]`` per column.

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"a": [0.0, 1.0, 2.0]}, index=pd.Index([1, 2, 3], name="city_id"))
        >>> FeatureSpace.build(t, ["a"]).matrix()["a"].tolist()
        [-1.0, 0.0, 1.0]
        """
        import pandas as pd

        out = pd.DataFrame(self.z, index=pd.Index(self.ids, name="city_id"),
                           columns=self.numeric)
        out.attrs["transform"] = {c: self.transforms[c] for c in self.numeric}
        return out

    def describe(self) -> pd.DataFrame:
        """One row per feature: label, hazard, transform, centre, scale and weight.

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"fl_rate": [0.0, 0.1, 1.0]},
        ...                  index=pd.Index([1, 2, 3], name="city_id"))
        >>> FeatureSpace.build(t).describe().loc["fl_rate", "hazard"]
        'flood'
        """
        import numpy as np
        import pandas as pd

        rows = []
        for j, f in enumerate(self.features):
            spec = FEATURES.get(f)
            k = self.numeric.index(f) if f in self.numeric else None
            rows.append({"feature": f, "label": label(f), "hazard": spec.hazard if spec else "",
                         "transform": self.transforms.get(f, ""),
                         "center": self.center[k] if k is not None else np.nan,
                         "scale": self.scale[k] if k is not None else np.nan,
                         "weight": float(self.weights[j])})
        return pd.DataFrame(rows).set_index("feature")

    def exposed(self, i: int) -> np.ndarray:
        """Return, per feature, whether row ``i`` is more exposed than the median city.

        Examples
        --------
        >>> import pandas as pd
        >>> t = pd.DataFrame({"fl_rate": [0.0, 0.1, 1.0]},
        ...                  index=pd.Index([1, 2, 3], name="city_id"))
        >>> FeatureSpace.build(t).exposed(2).tolist()
        [True]
        """
        import numpy as np

        out = np.ones(len(self.features), dtype=bool)
        for j, f in enumerate(self.numeric):
            out[self.features.index(f)] = self.z[i, j] > 0 if self.scaling == "robust" else (
                self.values[i, j] > np.median(self.values[:, j]))
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


def _gower_rows(fs: FeatureSpace, rows: np.ndarray, *, with_terms: bool = False,
                targets: np.ndarray | None = None) -> Any:
    """Gower distances from each of ``rows`` to all rows (or ``targets``) [and the terms]."""
    import numpy as np

    num, cat = fs.gower_num, fs.gower_cat
    if targets is not None:
        num_t, cat_t = num[targets], cat[targets]
    else:
        num_t, cat_t = num, cat
    n = len(num_t)
    wnum, wcat = fs.meta["wnum"], fs.meta["wcat"]
    total = np.zeros((len(rows), n), dtype=np.float64)
    wsum = np.zeros((len(rows), n), dtype=np.float64)
    terms = np.zeros((len(rows), n, len(fs.features))) if with_terms else None
    feats = fs.features
    for j in range(num.shape[1]):
        t = np.abs(num[rows, j][:, None] - num_t[:, j][None, :])
        present = ~np.isnan(t)
        t = np.where(present, t, 0.0) * wnum[j]
        total += t
        wsum += present * wnum[j]
        if with_terms:
            terms[:, :, feats.index(fs.numeric[j])] = t
    for j in range(cat.shape[1]):
        a = cat[rows, j][:, None]
        b = cat_t[:, j][None, :]
        present = (a >= 0) & (b >= 0)
        t = ((a != b) & present) * wcat[j]
        total += t
        wsum += present * wcat[j]
        if with_terms:
            terms[:, :, feats.index(fs.categorical[j])] = t
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.where(wsum > 0, total / wsum, np.nan)
        if with_terms:
            terms = np.where(wsum[:, :, None] > 0, terms / wsum[:, :, None], np.nan)
    return (d, terms) if with_terms else d
