"""Composite indicators: a COINr-grade engine (framework as data, pipeline, uncertainty).

Examples
--------
>>> from resilience_analytics import composite
>>> coin = composite.build_example_coin()
>>> coin.results().index[0]
'CHE'
"""

from __future__ import annotations

from . import analysis, weights
from .aggregate import AGG_METHODS, aggregate_values
from .analysis import compare, correlations, cronbach_alpha, effective_contributions, pca
from .city import build_city_index, city_coin
from .framework import check_framework, city_framework, lineage, read_framework
from .impute import data_availability, impute, screen
from .normalise import normalise
from .pipeline import Coin, build_example_coin, rank_desc, weights_frame
from .treat import treat
from .uncertainty import noisy_weights, sensitivity, uncertainty
from .weights import equal_weights, pca_weights

__all__ = [
    "analysis",
    "compare",
    "correlations",
    "cronbach_alpha",
    "effective_contributions",
    "equal_weights",
    "pca",
    "pca_weights",
    "weights",
    "AGG_METHODS",
    "Coin",
    "aggregate_values",
    "build_city_index",
    "build_example_coin",
    "check_framework",
    "city_coin",
    "city_framework",
    "data_availability",
    "impute",
    "lineage",
    "noisy_weights",
    "normalise",
    "rank_desc",
    "read_framework",
    "screen",
    "sensitivity",
    "treat",
    "uncertainty",
    "weights_frame",
]
