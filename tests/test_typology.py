"""Tests of ra.typology on fictional example cities and on the real hazard table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError


@pytest.fixture(scope="module")
def three_groups():
    rng = np.random.default_rng(11)
    n = 90
    g = np.repeat([0, 1, 2], n // 3)
    t = pd.DataFrame(
        {
            "tc_max_wind_kt": np.where(g == 0, 150.0, 50.0) + rng.normal(0, 5, n),
            "eq_max_magnitude": np.where(g == 1, 8.0, 5.0) + rng.normal(0, 0.1, n),
        },
        index=pd.Index(np.arange(1, n + 1), name="city_id"),
    )
    t["name"] = [f"Example City {i}" for i in t.index]
    return t, g


@pytest.mark.parametrize("method", ["kmeans", "hierarchical"])
def test_silhouette_finds_the_planted_groups(three_groups, method):
    t, g = three_groups
    out = ra.typology.city_types(table=t, method=method, n_range=range(2, 7))
    assert out.attrs["n_types"] == 3
    assert max(out.attrs["silhouette"], key=out.attrs["silhouette"].get) == 3
    assert "silhouette" in out.attrs["criterion"]
    # the clustering recovers the planted groups exactly (up to label names)
    assert pd.crosstab(out["type"], g).gt(0).sum(axis=1).eq(1).all()
    names = out.groupby(g)["type_name"].first()
    assert names[0].startswith("high strongest cyclone wind")
    assert names[1].startswith("high strongest nearby earthquake")
    assert out["name"].iloc[0] == "Example City 1"


def test_types_are_numbered_by_size_and_named_uniquely(three_groups):
    t, _ = three_groups
    out = ra.typology.city_types(table=t, n_types=5)
    sizes = out["type"].value_counts().sort_index()
    assert sizes.is_monotonic_decreasing
    names = out.groupby("type")["type_name"].first()
    assert names.is_unique
    assert out.attrs["criterion"] == "given"


def test_seeded_and_repeatable(three_groups):
    t, _ = three_groups
    a = ra.typology.city_types(table=t, n_types=4)
    b = ra.typology.city_types(table=t, n_types=4)
    assert a["type"].tolist() == b["type"].tolist()


def test_hierarchical_on_a_sample_assigns_everyone(three_groups):
    t, g = three_groups
    out = ra.typology.city_types(table=t, method="hierarchical", n_types=3, max_hierarchical=40)
    assert len(out) == len(t) and out["type"].notna().all()
    assert "sample of 40" in out.attrs["method_note"]
    assert pd.crosstab(out["type"], g).gt(0).sum(axis=1).eq(1).all()


def test_name_type():
    prof = pd.Series({"fl_count": 0.1, "eq_count_m6": -0.3})
    assert ra.typology.name_type(prof) == "average on all features"
    prof = pd.Series({"coast_distance_km": -1.2, "fl_count": 0.8, "ts_count": 0.6})
    assert ra.typology.name_type(prof) == "low distance to the coast, high large floods"


def test_bad_input(three_groups):
    t, _ = three_groups
    with pytest.raises(ParameterError, match="method='dbscan' is not accepted"):
        ra.typology.city_types(table=t, method="dbscan")
    with pytest.raises(ParameterError, match="n_types must be a whole number >= 2"):
        ra.typology.city_types(table=t, n_types=1)
    with pytest.raises(ParameterError, match="must be below the number of cities"):
        ra.typology.city_types(table=t.iloc[::18], n_types=5)
    with pytest.raises(ParameterError, match=r"\['flat'\] have no variance"):
        ra.typology.city_types(["tc_max_wind_kt", "flat"], table=t.assign(flat=1.0))


@pytest.mark.data
def test_real_types():
    pytest.importorskip("resilience_analytics.hazards")
    out = ra.typology.city_types(n_range=range(3, 5))
    assert len(out) == 34006
    assert out.attrs["n_types"] in (3, 4)
    assert out["type_name"].nunique() == out.attrs["n_types"]
