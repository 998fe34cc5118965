"""Explanatory statistics: adaptation commitments and network members' exposure.

A subpackage split by idea:

* :mod:`.models` — the questions (:func:`adaptation_commitment`,
  :func:`commitment_robustness`, :func:`network_exposure`) returning an
  :class:`Explanation`;
* :mod:`.inference` — conventional, HC3 and clustered (CR1, as R's ``sandwich::vcovCL``)
  covariances, the wild / score cluster bootstrap, Holm and Benjamini–Hochberg adjustment;
* :mod:`.diagnostics` — predictor diagnostics before fitting (zeros, clusters with
  variation, separation) and variance inflation factors;
* :mod:`.spatial` — Moran's I of residuals and the Conley spatial HAC covariance;
* :mod:`.summaries` — plain-language wording (no causal words, the sample stated, adjusted
  p-values).

The former ``index_drivers`` (a regression of the composite index on its own inputs, which
read collinearity artefacts as "drivers") is removed; the variance-based main effects of
the index's indicators belong to ``ra.composite`` (notebook 04).

Examples
--------
>>> import numpy as np, pandas as pd, statsmodels.formula.api as smf
>>> import resilience_analytics as ra
>>> rng = np.random.default_rng(0)
>>> d = pd.DataFrame({"x": rng.normal(size=300), "g": np.repeat(np.arange(30), 10)})
>>> d["y"] = 0.4 * d["x"] + rng.normal(size=30)[d["g"]] + rng.normal(size=300)
>>> t = ra.explain.inference_table(smf.ols("y ~ x", d).fit(), ["x"], d["g"], B=499)
>>> t[["term", "clusters"]].to_dict("records")
[{'term': 'x', 'clusters': 30}]
"""

from __future__ import annotations

from .diagnostics import predictor_diagnostics, vif
from .inference import (
    BOOTSTRAP_MAX_CLUSTERS,
    adjust_pvalues,
    hc3_logit,
    hc3_ols,
    inference_table,
    score_bootstrap_logit,
    vcov_cluster,
    wild_cluster_bootstrap,
)
from .models import (
    ADAPTATION_HAZARDS,
    ALTERNATIVE_HAZARDS,
    EXPOSURE_OUTCOMES,
    Explanation,
    adaptation_commitment,
    commitment_robustness,
    network_exposure,
    resolve_column,
)
from .spatial import residual_moran, vcov_conley
from .summaries import CAUSAL_WORDS, causal_words, p_text, sample_text, verdict

__all__ = [
    "ADAPTATION_HAZARDS",
    "ALTERNATIVE_HAZARDS",
    "BOOTSTRAP_MAX_CLUSTERS",
    "CAUSAL_WORDS",
    "EXPOSURE_OUTCOMES",
    "Explanation",
    "adaptation_commitment",
    "adjust_pvalues",
    "causal_words",
    "commitment_robustness",
    "hc3_logit",
    "hc3_ols",
    "inference_table",
    "network_exposure",
    "p_text",
    "predictor_diagnostics",
    "residual_moran",
    "resolve_column",
    "sample_text",
    "score_bootstrap_logit",
    "vcov_cluster",
    "vcov_conley",
    "verdict",
    "vif",
    "wild_cluster_bootstrap",
]
