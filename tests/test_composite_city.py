"""Composite indicators: the city risk index on all 34,006 real gazetteer cities (slow)."""

from __future__ import annotations

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
