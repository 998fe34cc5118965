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
    assert "cyclone" in names[0] and "earthquake" not in names[0]
    assert "earthquake" in names[1] and "cyclone" not in names[1]
    assert names[2].startswith("no dominant hazard")
    assert out["name"].iloc[0] == "Example City 1"
    assert out.attrs["by"] == "hazard"


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
    prof = pd.Series({"flood": 0.1, "earthquake": -0.3})
    assert ra.typology.name_type(prof) == "no dominant hazard"
    prof = pd.Series({"coast": 1.2, "flood": 1.8, "tsunami": 0.6, "volcano": 0.55, "cyclone": 1.1})
    assert ra.typology.name_type(prof) == "high flood + coastal + cyclone"
    assert ra.typology.name_type(prof, threshold=1.15) == "high flood + coastal"
    assert ra.typology.name_type(prof, n=5) == ("high flood + coastal + cyclone + moderate tsunami"
                                                " + moderate volcano")


def test_hazard_scores_group_features():
    t = pd.DataFrame({"fl_rate": [0.0, 0.1, 0.3, 2.0], "fl_severity_rate": [0, 0.2, 0.1, 5.0],
                      "vo_nearest_km": [500.0, 50.0, 10.0, 300.0]},
                     index=pd.Index([1, 2, 3, 4], name="city_id"))
    s = ra.typology.hazard_scores(t)
    assert s.columns.tolist() == ["flood", "volcano"]
    z = ra.peers.feature_matrix(t)
    np.testing.assert_allclose(s["flood"], z[["fl_rate", "fl_severity_rate"]].mean(axis=1)
                               .clip(-2, 2))
    with pytest.raises(ParameterError, match="clip must be a number > 0"):
        ra.typology.hazard_scores(t, clip=0)


def test_bad_input(three_groups):
    t, _ = three_groups
    with pytest.raises(ParameterError, match="method='dbscan' is not accepted"):
        ra.typology.city_types(table=t, method="dbscan")
    with pytest.raises(ParameterError, match="n_types must be a whole number >= 2"):
        ra.typology.city_types(table=t, n_types=1)
    with pytest.raises(ParameterError, match="must be below the number of cities"):
        ra.typology.city_types(table=t.iloc[::18], n_types=5)
    with pytest.raises(ParameterError, match="by='country' is not accepted"):
        ra.typology.city_types(table=t, by="country")
    with pytest.raises(ParameterError, match=r"\['flat'\] have no variance"):
        ra.typology.city_types(["tc_max_wind_kt", "flat"], table=t.assign(flat=1.0))


@pytest.mark.data
def test_real_types_default_search():
    import time

    ra.peers.feature_table()  # the hazard table is loaded once per session, not timed here
    t0 = time.perf_counter()
    out = ra.typology.city_types()
    elapsed = time.perf_counter() - t0
    assert len(out) == 34006
    assert out.attrs["n_types"] > 2
    assert out["type_name"].nunique() == out.attrs["n_types"]
    assert "silhouette" in out.attrs["criterion"]
    # no catch-all type: the largest type holds well under the 30,012 of the old typology
    assert out["type"].value_counts().max() < 0.6 * len(out)
    assert elapsed <= 10, f"default typology search took {elapsed:.1f} s"
