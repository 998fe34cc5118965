"""Composite indicators: a COINr-grade engine (framework as data, pipeline, uncertainty).

The surface, by step (each a module too):

- framework as data: :func:`check_framework`, :func:`read_framework`, :func:`city_framework`,
  :func:`lineage` (:mod:`.framework`);
- the pipeline: :class:`Coin` with ``denominate``, ``impute``, ``screen``, ``treat``,
  ``normalise``, ``aggregate``, ``regen``, ``results`` and ``ranks``;
  :func:`build_example_coin` (COINr's ASEM example); the step functions :func:`impute`,
  :func:`screen`, :func:`treat`, :func:`normalise`, :func:`aggregate_values`;
- weights: :func:`weights_frame` (checked against the framework), :func:`equal_weights`,
  :func:`pca_weights` (squared or COINr's raw loadings), :func:`optimal_weights` (COINr's
  ``get_opt_weights``: equal correlations or main effects);
- analysis: :func:`correlations`, :func:`cronbach_alpha`, :func:`pca`,
  :func:`effective_contributions`, :func:`compare`, :func:`corr_flags`, :func:`vif`,
  :func:`strengths_weaknesses`, :func:`outrank_matrix` / :func:`copeland`;
- panel data: :func:`build_panel` (one coin per year), :func:`panel_trends`,
  :func:`country_panel` (WorldRiskIndex 2000-2022, ND-GAIN 1995-2020);
- uncertainty and sensitivity: :func:`uncertainty`, :func:`sensitivity`, :func:`noisy_weights`
  (pipeline choices, batched); :func:`input_uncertainty` (any input choice: hazard parameters,
  leave-one-out, weight sets, imputation; COINr's design and percentile bootstrap),
  :func:`remove_elements`, :func:`sobol_design`, :func:`sobol_estimates`;
- drivers: :func:`drivers` (variance-based main effects and Shapley effects from given data);
- the city products (fixed goalposts, INFORM-style; ``frameworks/README.md``):
  :func:`city_hazard_index`, :func:`city_risk_index`, with :func:`hazard_goalposts`,
  :func:`national_context`, :func:`screen_indicators`, :func:`un_subregions`;
- the earlier min-max city index: :func:`build_city_index`, :func:`city_coin`.

Examples
--------
>>> from resilience_analytics import composite
>>> coin = composite.build_example_coin()
>>> coin.results().index[0]
'CHE'
"""

from __future__ import annotations

from . import analysis, gsa, panel, products, weights
from .aggregate import AGG_METHODS, aggregate_values, copeland, outrank_matrix
from .analysis import (
    compare,
    corr_flags,
    correlations,
    cronbach_alpha,
    effective_contributions,
    pca,
    strengths_weaknesses,
    vif,
)
from .city import build_city_index, city_coin
from .framework import check_framework, city_framework, lineage, read_framework
from .gsa import drivers, input_uncertainty, remove_elements, sobol_design, sobol_estimates
from .impute import data_availability, impute, screen
from .normalise import normalise
from .panel import build_panel, country_panel, panel_trends
from .pipeline import (
    Coin,
    build_example_coin,
    example_city_coin,
    rank_desc,
    weights_frame,
)
from .products import (
    between_country_share,
    city_hazard_index,
    city_risk_index,
    hazard_goalposts,
    national_context,
    position_text,
    screen_indicators,
    un_subregions,
)
from .treat import treat
from .uncertainty import noisy_weights, sensitivity, uncertainty
from .weights import equal_weights, optimal_weights, pca_weights

__all__ = [
    "analysis",
    "drivers",
    "gsa",
    "input_uncertainty",
    "remove_elements",
    "sobol_design",
    "sobol_estimates",
    "between_country_share",
    "city_hazard_index",
    "city_risk_index",
    "hazard_goalposts",
    "position_text",
    "national_context",
    "products",
    "screen_indicators",
    "un_subregions",
    "build_panel",
    "copeland",
    "corr_flags",
    "country_panel",
    "optimal_weights",
    "outrank_matrix",
    "panel",
    "panel_trends",
    "strengths_weaknesses",
    "vif",
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
    "example_city_coin",
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
