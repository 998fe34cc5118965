"""Peer cities: who shares a city's hazards, and who is strong where it is weak.

One feature space (:mod:`~resilience_analytics.peers.features`), three questions:

* :func:`similar`: the ``k`` cities nearest to a focal city on its hazard profile (hazard-v2
  return-period values and rates, saturating where a hazard is absent, robustly scaled), one per
  urban agglomeration (:mod:`~resilience_analytics.peers.agglomeration`), with the per-feature
  contributions to each distance and a flag saying whether the peer already shares a network or
  an exchange with the focal city (an *easy contact*) or not (a *bridge* worth building).
* :func:`complementary`: cities that share the focal city's hazards but are stronger where it is
  weakest, on city-level capacities (networks, Covenant of Mayors commitments and reporting,
  exchanges, self-assessments) and national ones, with strengths *and* trade-offs in words.
* :func:`all_pairs`: the top-``k`` peers of every city at once.

:func:`stability` says how firm a top-10 is under other metrics, weights and hazard parameters.

Metrics
-------
``seuclidean``
    Euclidean distance on the weighted scaled features (robust scaling by default; with
    ``scaling="standard"`` this is the standardised Euclidean distance).
``cosine``
    ``1 - cos`` of the weighted scaled vectors (their direction: the *shape* of the profile).
``mahalanobis``
    Euclidean distance after whitening with the inverse covariance of the scaled features, so
    that correlated features are not counted twice.
``gower``
    Gower's (1971) distance for mixed data: numeric features ``|a - b| / range`` (after the
    transform), categorical features 0 if equal else 1; the weighted mean over the features
    present in both cities. In [0, 1].

Every result row's ``contrib_<feature>`` columns add up to its ``distance``.

Examples
--------
>>> import resilience_analytics as ra
>>> peers = ra.peers.similar("The Hague", k=5)  # doctest: +SKIP
>>> len(peers), bool(peers["distance"].is_monotonic_increasing)  # doctest: +SKIP
(5, True)
>>> import pandas as pd
>>> t = pd.DataFrame({"fl_rate": [0.0, 0.5, 0.6, 3.0]},
...                  index=pd.Index([1, 2, 3, 4], name="city_id"))
>>> none = pd.DataFrame(columns=["city_id", "network"])
>>> ra.peers.similar(2, k=1, table=t, memberships=none).index.tolist()
[3]
"""

from __future__ import annotations

from .agglomeration import agglomerations
from .complement import (
    CAPACITY_LABELS,
    CITY_CAPACITIES,
    DEFAULT_CAPACITIES,
    all_complementary,
    capacities,
    complementary,
)
from .features import (
    DEFAULT_FEATURES,
    FEATURES,
    METRICS,
    SCALINGS,
    FeatureSpace,
    FeatureSpec,
)
from .features import label as feature_label
from .pairs import all_pairs
from .similarity import feature_matrix, similar
from .stability import plot_stability, stability
from .tables import (
    check_k,
    default_table,
    feature_space,
    feature_table,
    locate,
    with_memberships,
)

#: Words used in reasons, by feature (see :data:`FEATURES`).
FEATURE_LABELS = {f: s.label for f, s in FEATURES.items()}

__all__ = [
    "CAPACITY_LABELS",
    "CITY_CAPACITIES",
    "DEFAULT_CAPACITIES",
    "DEFAULT_FEATURES",
    "FEATURES",
    "FEATURE_LABELS",
    "METRICS",
    "SCALINGS",
    "FeatureSpace",
    "FeatureSpec",
    "agglomerations",
    "all_complementary",
    "all_pairs",
    "capacities",
    "complementary",
    "default_table",
    "feature_label",
    "feature_matrix",
    "feature_space",
    "feature_table",
    "check_k",
    "locate",
    "plot_stability",
    "similar",
    "stability",
    "with_memberships",
]
