"""Composite indicators: the city risk index on all 34,006 real gazetteer cities (slow)."""

from __future__ import annotations

import numpy as np
import pytest

import resilience_analytics as ra
from resilience_analytics.composite import build_city_index


@pytest.mark.slow
@pytest.mark.data
def test_city_index_real_cities():
    idx = build_city_index()
    assert len(idx) == 34006
    scored = idx["score"].notna()
    assert scored.mean() > 0.98
    assert (idx.loc[~scored, "note"] != "").all(), "every missing score is explained"
    assert idx.loc[scored, "score"].between(0, 10).all()
    hague = ra.cities.resolve("The Hague").city_id
    tokyo = ra.cities.resolve("Tokyo").city_id
    # Tokyo (earthquakes, typhoons, tsunamis) carries more hazard & exposure than The Hague
    assert idx.loc[tokyo, "HE"] > idx.loc[hague, "HE"]


@pytest.fixture(scope="module")
def real_products():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exposure = ra.hazards.exposure()
    hazard = ra.composite.city_hazard_index(exposure)
    risk = ra.composite.city_risk_index(hazard=hazard)
    return exposure, hazard, risk


@pytest.mark.slow
@pytest.mark.data
def test_city_products_score_every_city(real_products):
    exposure, hazard, risk = real_products
    assert len(risk) == len(exposure) == 34006
    assert risk["risk"].notna().all(), "no city is dropped"
    assert risk["risk"].between(0, 10).all() and hazard["hazard_index"].between(0, 10).all()
    for name in ("Taipei", "Hong Kong"):
        cid = ra.cities.resolve(name).city_id
        assert risk.loc[cid, "context_imputed"]
        assert risk.loc[cid, "context_source"].startswith("imputed")
        assert risk.loc[cid, "reliability"] < 1
    assert int(risk["context_imputed"].sum()) == 359
    tokyo = ra.cities.resolve("Tokyo").city_id
    hague = ra.cities.resolve("The Hague").city_id
    assert hazard.loc[tokyo, "hazard_index"] > hazard.loc[hague, "hazard_index"]
    # the top of the hazard scale is not a block of ties
    assert (hazard["hazard_index"] >= 10).sum() < 10
    for grp in ("rank_in_country", "rank_in_subregion"):
        assert risk[grp].min() == 1


@pytest.mark.slow
@pytest.mark.data
def test_real_hazard_scores_do_not_depend_on_the_sample(real_products):
    exposure, hazard, _ = real_products
    sample = exposure.sample(2000, random_state=1)
    alone = ra.composite.city_hazard_index(sample)
    assert np.array_equal(alone["hazard_index"].to_numpy(),
                          hazard.loc[sample.index, "hazard_index"].to_numpy())
