"""Tests of ra.peers on fictional example cities, and on the real hazard table when present."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from peer_examples import FEATURES, NO_MEMBERSHIPS, example_table
from scipy.spatial.distance import cdist
from sklearn.neighbors import NearestNeighbors

import resilience_analytics as ra
from resilience_analytics.errors import ParameterError, UnknownCityError


@pytest.fixture(scope="module")
def table():
    return example_table()


def _similar(table, city="Example City 1", **kw):
    kw.setdefault("features", FEATURES)
    kw.setdefault("memberships", NO_MEMBERSHIPS)
    return ra.peers.similar(city, table=table, **kw)


def _transformed(table):
    """Step 1 as ra.peers.features states: log1p of counts, coast zone max(0, 100 - km)."""
    x = table[FEATURES].astype(float).copy()
    for c in ("fl_count", "eq_count_m6"):
        x[c] = np.log1p(x[c])
    x["coast_distance_km"] = np.clip(100.0 - x["coast_distance_km"], 0, None)
    return x.to_numpy()


def _robust(x):
    med = np.median(x, axis=0)
    q1, q3 = np.percentile(x, [25, 75], axis=0)
    return (x - med) / (q3 - q1)


@pytest.mark.parametrize("metric", ["seuclidean", "cosine", "mahalanobis", "gower"])
def test_planted_twin_is_nearest_and_contributions_add_up(table, metric):
    feats = FEATURES + (["koppen_group"] if metric == "gower" else [])
    out = _similar(table, k=8, metric=metric, features=feats)
    assert out.index[0] == 2
    assert list(out["rank"]) == list(range(1, 9))
    assert out["distance"].is_monotonic_increasing
    contrib = out[[f"contrib_{f}" for f in feats]]
    np.testing.assert_allclose(contrib.sum(axis=1), out["distance"], rtol=1e-9, atol=1e-12)
    assert 1 not in out.index  # the focal city is never its own peer


def test_seuclidean_matches_scipy(table):
    out = _similar(table, k=20, scaling="standard")
    x = _transformed(table)
    d = cdist(x[:1], x, metric="seuclidean", V=x.var(axis=0))[0]
    expected = pd.Series(d, index=table.index).drop(1).nsmallest(20)
    np.testing.assert_allclose(out["distance"].to_numpy(), expected.to_numpy(), rtol=1e-10)
    assert list(out.index) == list(expected.index)


def test_robust_scaling_is_median_over_iqr(table):
    out = _similar(table, k=20)
    z = _robust(_transformed(table))
    d = pd.Series(cdist(z[:1], z)[0], index=table.index).drop(1).nsmallest(20)
    np.testing.assert_allclose(out["distance"].to_numpy(), d.to_numpy(), rtol=1e-10)
    assert out.attrs["scaling"] == "robust"
    assert out.attrs["transforms"]["coast_distance_km"].startswith("max(0, 100 km - distance)")


def test_saturation_absent_hazard_is_one_state():
    # far from every volcano is one state: 300 and 600 km are equal, 20 km is not
    t = pd.DataFrame({"vo_nearest_km": [300.0, 600.0, 20.0, 5.0, np.nan],
                      "name": [f"Example City {c}" for c in "ABCDE"]},
                     index=pd.Index([1, 2, 3, 4, 5], name="city_id"))
    out = ra.peers.similar(1, k=4, table=t, memberships=NO_MEMBERSHIPS)
    assert out.loc[2, "distance"] == 0 and out.loc[5, "distance"] == 0  # unknown = none
    assert out.loc[3, "distance"] > 0
    # a rate: no event is 0 whatever else; a return-period value: missing = no event
    t = pd.DataFrame({"fl_rate": [0.0, np.nan, 0.02, 1.0], "tc_wind_100yr_kt": [np.nan, 0, 80, 120]},
                     index=pd.Index([1, 2, 3, 4], name="city_id"))
    fs = ra.peers.FeatureSpace.build(t)
    col = fs.numeric.index
    np.testing.assert_allclose(fs.values[:, col("fl_rate")],
                               np.log1p(np.array([0, 0, 2.0, 100.0])))
    np.testing.assert_allclose(fs.values[:, col("tc_wind_100yr_kt")], [0, 0, 80, 120])
    # levels are ordered numbers
    lv = pd.DataFrame({"fl_level": pd.Categorical(["low", "high", "very low", "medium"],
                                                  categories=list(ra.peers.features.LEVELS),
                                                  ordered=True)},
                      index=pd.Index([1, 2, 3, 4], name="city_id"))
    np.testing.assert_allclose(ra.peers.FeatureSpace.build(lv, ["fl_level"]).values[:, 0],
                               [1, 3, 0, 2])


def test_hazard_params_change_the_zone():
    t = pd.DataFrame({"vo_nearest_km": [150.0, 190.0, 400.0]},
                     index=pd.Index([1, 2, 3], name="city_id"))
    with pytest.raises(ParameterError, match="no variance"):
        ra.peers.FeatureSpace.build(t)  # all beyond 100 km: one state
    fs = ra.peers.FeatureSpace.build(t, params={"vo_nearest_km": 200})
    np.testing.assert_allclose(fs.values[:, 0], [50, 10, 0])
    with pytest.raises(ParameterError, match="params names 'fl_rate'"):
        ra.peers.FeatureSpace.build(t, params={"fl_rate": 10})
    with pytest.raises(ParameterError, match=r"params\['vo_nearest_km'\] must be a number > 0"):
        ra.peers.FeatureSpace.build(t, params={"vo_nearest_km": -5})


def test_mahalanobis_and_cosine_match_scipy(table):
    x = _transformed(table)
    z = _robust(x)
    vi = np.linalg.inv(np.cov(z, rowvar=False))
    d = pd.Series(cdist(z[:1], z, metric="mahalanobis", VI=vi)[0], index=table.index).drop(1)
    out = _similar(table, k=10, metric="mahalanobis")
    np.testing.assert_allclose(out["distance"], d.nsmallest(10).to_numpy(), rtol=1e-8)
    w = np.array([2.0, 1.0, 1.0, 0.5])
    zc = z * np.sqrt(w)
    d = pd.Series(cdist(zc[:1], zc, metric="cosine")[0], index=table.index).drop(1)
    out = _similar(table, k=10, metric="cosine", weights=dict(zip(FEATURES, w, strict=True)))
    np.testing.assert_allclose(out["distance"], d.nsmallest(10).to_numpy(), rtol=1e-8)


def test_gower_by_hand():
    t = pd.DataFrame(
        {"x": [0.0, 10.0, 5.0], "climate": ["Cfb", "Cfb", "BWh"], "name": ["Example City A",
                                                                            "Example City B",
                                                                            "Example City C"]},
        index=pd.Index([1, 2, 3], name="city_id"),
    )
    out = ra.peers.similar("Example City A", k=2, features=["x", "climate"], metric="gower",
                           table=t, memberships=NO_MEMBERSHIPS)
    # x is not count-like: range 10. B: (1 + 0) / 2; C: (0.5 + 1) / 2
    assert out["distance"].to_dict() == {2: 0.5, 3: 0.75}
    # a missing value drops that feature for the pair (Gower's rule)
    t.loc[3, "x"] = np.nan
    out = ra.peers.similar(1, k=2, features=["x", "climate"], metric="gower", table=t,
                           memberships=NO_MEMBERSHIPS)
    assert out.loc[3, "distance"] == 1.0


def test_weights_change_the_ranking(table):
    base = _similar(table, k=5)
    only_wind = _similar(table, k=5, weights={"fl_count": 0, "eq_count_m6": 0,
                                              "coast_distance_km": 0})
    w = table["tc_max_wind_kt"]
    gaps = (w.drop(1) - w[1]).abs()
    assert set(only_wind.index) == set(gaps.nsmallest(5).index)
    assert list(base.index) != list(only_wind.index)


def test_filters(table):
    out = _similar(table, k=5, country="BBB")
    assert (out["country_iso3"] == "BBB").all()
    out = _similar(table, k=20, exclude_own_country=True)
    assert (out["country_iso3"] != "AAA").all()
    out = _similar(table, k=10, population_band=(1e6, 2e6))
    assert out["population"].between(1e6, 2e6).all()
    pop = table.loc[1, "population"]
    out = _similar(table, k=10, population_band=2)
    assert out["population"].between(pop / 2, pop * 2).all()
    real = table.assign(country_iso3=np.where(table.index % 2, "NLD", "JPN"))
    out = _similar(real, k=10, region="Asia")
    assert (out["country_iso3"] == "JPN").all()
    m = pd.DataFrame({"city_id": [1, 2, 5, 9, 40], "network": ["c40", "c40", "c40", "gcom",
                                                                  "c40"]})
    out = _similar(table, k=3, within_network="c40", memberships=m)
    assert set(out.index) == {2, 5, 40}


def test_agglomeration_one_peer_per_city_region(table):
    t = table.assign(latitude=50.0, longitude=np.linspace(0, 30, len(table)))
    t.loc[2, "longitude"] = t.loc[1, "longitude"] + 0.05  # ~3.6 km east: a district of city 1
    t.loc[2, "population"] = t.loc[1, "population"] - 1
    kw = dict(agglomeration="distance")
    assert 2 not in _similar(t, k=5, **kw).index
    assert 1 not in _similar(t, city=2, k=5, **kw).index  # own agglomeration left out
    assert _similar(t, k=5, agglomeration="none").index[0] == 2
    a = ra.peers.agglomerations(t, rule="distance")
    assert a.loc[2, "representative"] == 1 and a.loc[2, "how"] == "within 25 km of a larger city"
    # all_pairs applies the same rule
    pairs = ra.peers.all_pairs(k=5, features=FEATURES, table=t, **kw)
    assert not pairs["peer_id"].isin([2]).any()
    assert not ((pairs["city_id"] == 2) & (pairs["peer_id"] == 1)).any()
    # a table without coordinates has no rule, and says so
    out = _similar(table, k=3)
    assert "no agglomeration rule" in out.attrs["agglomeration"]
    with pytest.raises(ParameterError, match="agglomeration='metro' is not accepted"):
        _similar(t, agglomeration="metro")


def test_min_separation_leaves_out_districts(table):
    t = table.assign(latitude=50.0, longitude=np.linspace(0, 30, len(table)))
    t.loc[2, "longitude"] = t.loc[1, "longitude"] + 0.05
    t.loc[2, "population"] = t.loc[1, "population"] - 1
    kw = dict(agglomeration="none")
    assert 2 not in _similar(t, k=5, min_separation_km=25, **kw).index
    assert _similar(t, k=5, **kw).index[0] == 2
    with pytest.raises(ParameterError, match="min_separation_km must be a number >= 0"):
        _similar(t, k=5, min_separation_km=-1, **kw)


def test_exclusion_filters(table):
    real = table.assign(country_iso3=np.where(table.index % 2, "NLD", "JPN"))
    out = _similar(real, k=10, exclude_region="Asia")
    assert (out["country_iso3"] == "NLD").all()
    m = pd.DataFrame({"city_id": [2, 5, 9], "network": ["c40", "c40", "gcom"]})
    out = _similar(table, k=20, exclude_network="c40", memberships=m)
    assert not out.index.isin([2, 5]).any()
    empty = _similar(table, k=3, country="BBB", population_band=(1, 2), missing="empty")
    assert len(empty) == 0 and "no candidate" in empty.attrs["note"]


def test_contact_flags(table):
    m = pd.DataFrame({"city_id": [1, 2, 3], "network": ["c40", "c40", "c40"],
                      "status": ["member", "member", "applicant"]})
    out = _similar(table, k=10, memberships=m)
    assert out.loc[2, "contact"] == "easy contact"
    assert out.loc[2, "shared_networks"] == "c40"
    assert (out.drop(index=2)["contact"] == "bridge").all()  # an applicant is not a member


def test_similar_agrees_with_all_pairs(table):
    pairs = ra.peers.all_pairs(k=10, features=FEATURES, table=table)
    for city in (1, 50, 299):
        one = _similar(table, city=city, k=10)
        row = pairs[pairs["city_id"] == city]
        np.testing.assert_allclose(row["distance"], one["distance"], rtol=1e-10)
        assert set(row["peer_id"]) == set(one.index)


@pytest.mark.parametrize("metric", ["seuclidean", "cosine", "mahalanobis"])
def test_all_pairs_matches_sklearn(metric):
    rng = np.random.default_rng(3)
    t = pd.DataFrame(rng.normal(size=(1500, 5)), columns=list("abcde"),
                     index=pd.Index(np.arange(10, 1510, dtype="int64"), name="city_id"))
    pairs = ra.peers.all_pairs(k=10, features=list("abcde"), metric=metric, table=t,
                               block_size=256)
    z = ra.peers.feature_matrix(t, list("abcde")).to_numpy()
    if metric == "seuclidean":
        nn = NearestNeighbors(n_neighbors=11).fit(z)
    elif metric == "cosine":
        nn = NearestNeighbors(n_neighbors=11, metric="cosine", algorithm="brute").fit(z)
    else:
        vi = np.linalg.inv(np.cov(z, rowvar=False))
        nn = NearestNeighbors(n_neighbors=11, metric="mahalanobis", algorithm="brute",
                              metric_params={"VI": vi}).fit(z)
    d, i = nn.kneighbors(z)
    assert (i[:, 0] == np.arange(len(t))).all()
    np.testing.assert_allclose(pairs["distance"].to_numpy().reshape(-1, 10), d[:, 1:],
                               rtol=1e-7, atol=1e-10)
    np.testing.assert_array_equal(pairs["peer_id"].to_numpy().reshape(-1, 10),
                                  t.index.to_numpy()[i[:, 1:]])


def test_all_pairs_blocks_and_gower(table):
    a = ra.peers.all_pairs(k=5, features=FEATURES + ["koppen_group"], metric="gower",
                           table=table, block_size=64)
    b = ra.peers.all_pairs(k=5, features=FEATURES + ["koppen_group"], metric="gower",
                           table=table, block_size=4096)
    np.testing.assert_allclose(a["distance"], b["distance"])
    one = _similar(table, city=7, k=5, metric="gower", features=FEATURES + ["koppen_group"])
    np.testing.assert_allclose(a.loc[a["city_id"] == 7, "distance"], one["distance"])
    assert len(a) == 5 * len(table) and (a["city_id"] != a["peer_id"]).all()


def test_all_pairs_with_exact_duplicates():
    t = pd.DataFrame({"a": [1.0] * 6 + [2.0, 3.0, 4.0]},
                     index=pd.Index(range(1, 10), name="city_id"))
    pairs = ra.peers.all_pairs(k=3, features=["a"], table=t)
    assert (pairs["city_id"] != pairs["peer_id"]).all()
    assert (pairs.loc[pairs["city_id"] <= 6, "distance"] == 0).all()


def test_complementary_picks_stronger_peers(table):
    out = ra.peers.complementary("Example City 1", k=5, features=FEATURES, table=table,
                                 memberships=NO_MEMBERSHIPS)
    assert set(out.attrs["weakest"]) == {"ndgain_readiness", "inform_lack_of_coping_capacity"}
    # the focal country AAA has readiness 0.3 (lowest); every peer must be ahead somewhere
    assert (out["gain"] > 0).all() and (out["country_iso3"] != "AAA").all()
    assert out.index[0] == 2  # the near-twin in country BBB (stronger on both)
    assert out["reason"].iloc[0].startswith("similar hazards")
    assert ("stronger (national level): national readiness to adapt (ND-GAIN readiness) 0.7 vs "
            "0.3") in out["reason"].iloc[0]
    assert out["score"].is_monotonic_decreasing
    # trade-offs: a DDD peer is ahead on readiness (0.6 vs 0.3) but behind on coping (7 vs 6)
    ddd = out[out["country_iso3"] == "DDD"]
    if len(ddd):
        assert (ddd["weaker_on"] == "inform_lack_of_coping_capacity").all()
        assert "weaker on: national coping capacity (INFORM lack of coping capacity) 7 vs 6 " \
               "(lower is better)" in ddd["reason"].iloc[0]
    assert (out.loc[out["country_iso3"] == "BBB", "weaker_on"] == "").all()


def test_complementary_city_level_capacities(table):
    # C40 membership (a city-level capacity) makes a same-country peer complementary
    m = pd.DataFrame({"city_id": [4, 7, 10], "network": ["c40"] * 3})
    out = ra.peers.complementary(1, k=200, features=FEATURES, table=table, memberships=m,
                                 pool=300)
    assert "city_c40" in out.attrs["weakest"]
    assert out.attrs["level"]["city_c40"] == "city"
    assert out.attrs["level"]["ndgain_readiness"] == "national"
    c40 = out[out["stronger_on"].str.contains("city_c40")]
    assert len(c40) and "C40 member: yes (Example City 1: no)" in c40["reason"].iloc[0]
    assert "stronger (city level)" in c40["reason"].iloc[0]
    # a same-country (AAA) member has a gain although the country capacities are equal
    same = table.loc[[4, 7, 10], "country_iso3"].eq("AAA")
    for cid in same[same].index:
        assert cid in out.index and out.loc[cid, "gain"] > 0
    caps = ra.peers.capacities(table, city_level=pd.DataFrame(
        {"city_c40": [1.0]}, index=pd.Index([4], name="city_id")),
        self_assessments={"Example City 3": 62.5})
    assert caps.loc[3, "city_self_assessment"] == 62.5 and np.isnan(caps.loc[5, "city_self_assessment"])
    with pytest.raises(ParameterError, match="give a score in \\[0, 100\\]"):
        ra.peers.capacities(table, self_assessments={"Example City 3": 140})


def test_complementary_with_country_capacity_table(table):
    caps = pd.DataFrame({"health_capacity": [1.0, 9.0, 5.0, 5.0]},
                        index=pd.Index(["AAA", "BBB", "CCC", "DDD"], name="iso3"))
    out = ra.peers.complementary(1, capacities=caps, k=3, features=FEATURES, table=table,
                                 memberships=NO_MEMBERSHIPS)
    assert (out["health_capacity"] > 1.0).all()
    assert (out["health_capacity_focal"] == 1.0).all()
    # a focal city that is the strongest everywhere has nobody to learn from: an explained,
    # empty result (or an error when asked)
    none = ra.peers.complementary(2, capacities=caps, k=3, features=FEATURES, table=table,
                                  memberships=NO_MEMBERSHIPS)
    assert len(none) == 0 and none.attrs["empty_reason"] == "none_stronger"
    assert "at or above every candidate" in none.attrs["note"]
    with pytest.raises(ParameterError, match="hazard-similar candidates is stronger"):
        ra.peers.complementary(2, capacities=caps, k=3, features=FEATURES, table=table,
                               memberships=NO_MEMBERSHIPS, missing="raise")


def test_with_memberships_makes_a_gower_feature(table):
    m = pd.DataFrame({"city_id": [1, 2, 3], "network": ["c40"] * 3})
    t = ra.peers.with_memberships(table, memberships=m)
    assert t["member_c40"].sum() == 3
    out = _similar(t, k=3, metric="gower", features=FEATURES + ["member_c40"])
    assert "contrib_member_c40" in out.columns


def test_feature_matrix_is_standardised(table):
    z = ra.peers.feature_matrix(table, FEATURES, scaling="standard")
    np.testing.assert_allclose(z.mean(), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(ddof=0), 1, atol=1e-12)
    assert z.attrs["transform"]["fl_count"] == "log(1 + count); missing = 0, then z-score"
    assert z.attrs["transform"]["tc_max_wind_kt"] == "value; missing = no event (0), then z-score"
    r = ra.peers.feature_matrix(table, ["fl_count", "tc_max_wind_kt"])
    np.testing.assert_allclose(r.median(), 0, atol=1e-12)
    q = r.quantile(0.75) - r.quantile(0.25)
    np.testing.assert_allclose(q, 1, atol=1e-12)


# ---------------------------------------------------------------------------- bad input


def test_unknown_city_suggests_names(table):
    with pytest.raises(UnknownCityError, match="Rotterdam") as exc:
        _similar(table, city="Rotterdm")
    assert exc.value.suggestions


def test_real_city_not_in_table(table):
    with pytest.raises(UnknownCityError, match="not in the feature table"):
        _similar(table, city="Kyiv")


def test_bad_features(table):
    t = table.assign(flat=3.0, empty=np.nan)
    with pytest.raises(ParameterError, match=r"\['flat'\] have no variance"):
        _similar(t, features=FEATURES + ["flat"])
    with pytest.raises(ParameterError, match=r"\['empty'\] have no value"):
        _similar(t, features=FEATURES + ["empty"])
    with pytest.raises(ParameterError, match="not columns of the table"):
        _similar(t, features=["nope"])
    with pytest.raises(ParameterError, match="categorical.*gower"):
        _similar(t, features=FEATURES + ["koppen_group"])
    with pytest.raises(ParameterError, match="none of the default hazard features"):
        ra.peers.similar(1, table=t[["name"]], memberships=NO_MEMBERSHIPS)


def test_bad_weights_features_metric_k(table):
    with pytest.raises(ParameterError, match="weight 'heavy' for 'fl_count' is not a number"):
        _similar(table, weights={"fl_count": "heavy"})
    with pytest.raises(ParameterError, match="weight -2.0 for 'fl_count' is not accepted; weights "
                                             "are finite numbers >= 0"):
        _similar(table, weights={"fl_count": -2})
    with pytest.raises(ParameterError, match=r"weights name feature\(s\) \['nope'\] not among"):
        _similar(table, weights={"nope": 1})
    with pytest.raises(ParameterError, match="one number per feature"):
        _similar(table, weights=[1, 2])
    with pytest.raises(ParameterError, match="weights are all 0"):
        _similar(table, weights=[0, 0, 0, 0])
    with pytest.raises(ParameterError, match=r"feature\(s\) \['nope'\] are not columns.*accepted"):
        _similar(table, features=["nope"])
    with pytest.raises(ParameterError, match="metric='manhattan' is not accepted"):
        _similar(table, metric="manhattan")
    with pytest.raises(ParameterError, match="scaling='minmax' is not accepted"):
        _similar(table, scaling="minmax")
    with pytest.raises(ParameterError, match="k=299 is larger than the candidate pool "
                                             r"\(298 cities after filters\); ask for k <= 298"):
        _similar(table, k=299, exclude_network="c40", memberships=pd.DataFrame(
            {"city_id": [5], "network": ["c40"]}))
    with pytest.raises(ParameterError, match="k must be a whole number >= 1, got 2.5"):
        ra.peers.complementary(1, k=2.5, table=table, features=FEATURES)


def test_bad_parameters(table):
    with pytest.raises(ParameterError, match="k=400 is larger than the candidate pool"):
        _similar(table, k=400)
    with pytest.raises(ParameterError, match="no candidate city is left"):
        _similar(table, country="BBB", population_band=(1, 2))
    with pytest.raises(ParameterError, match="metric='manhattan' is not accepted"):
        _similar(table, metric="manhattan")
    with pytest.raises(ParameterError, match="weights are not accepted with metric='mahal"):
        _similar(table, metric="mahalanobis", weights={"fl_count": 2})
    with pytest.raises(ParameterError, match="k must be a whole number"):
        _similar(table, k=0)
    with pytest.raises(ParameterError, match="region='Atlantis'"):
        _similar(table, region="Atlantis")
    with pytest.raises(ParameterError, match="unknown network"):
        _similar(table, within_network="c40", memberships=pd.DataFrame(
            {"city_id": [1], "network": ["gcom"]}))
    with pytest.raises(ParameterError, match="larger than the pool"):
        ra.peers.all_pairs(k=300, features=FEATURES, table=table)


# ---------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def exposure():
    hazards = pytest.importorskip("resilience_analytics.hazards")
    return hazards.exposure()


@pytest.mark.data
def test_real_the_hague_peers(exposure):
    out = ra.peers.similar("Den Haag", k=10, table=exposure)
    assert len(out) == 10 and ra.cities.resolve("The Hague").city_id not in out.index
    np.testing.assert_allclose(out.filter(like="contrib_").sum(axis=1), out["distance"])
    assert set(out["contact"].dropna()) <= {"easy contact", "bridge"}
    # one peer per agglomeration: Rotterdam (20 km away, larger) is The Hague's own
    # agglomeration, so neither it nor any other member of it is a peer
    a = ra.peers.agglomerations(exposure)
    hague, rdam = ra.cities.resolve("The Hague").city_id, ra.cities.resolve("Rotterdam").city_id
    assert a.loc[hague, "representative"] == a.loc[rdam, "representative"]
    own = a.index[a["representative"] == a.loc[hague, "representative"]]
    pairs = ra.peers.similar("The Hague", k=340, table=exposure)
    assert not pairs.index.isin(own).any()
    assert pairs.index.isin(a.index[a["is_representative"]]).all()


@pytest.mark.data
def test_real_kyiv_complementary(exposure):
    out = ra.peers.complementary("Kyiv", k=5, table=exposure, exclude_own_country=True)
    assert (out["country_iso3"] != "UKR").all() and (out["gain"] > 0).all()
    assert out["reason"].str.contains(r"stronger \((?:city|national) level\)").all()
    assert out["reason"].str.contains("trade-off").all()


# ---------------------------------------------------------------------------- never fails


@pytest.mark.data
@pytest.mark.slow
def test_every_city_gets_peers_or_an_explained_empty_result():
    """Fast path over the whole gazetteer (34,006 cities)."""
    table = ra.peers.feature_table()
    pairs = ra.peers.all_pairs(10)
    assert len(pairs) == 10 * len(table) and np.isfinite(pairs["distance"]).all()
    assert (pairs["city_id"] != pairs["peer_id"]).all()
    comp = ra.peers.all_complementary(10)
    have = set(comp["city_id"])
    rest = set(table.index) - have
    a = comp.attrs
    assert rest == set(a["none_in_pool"]) | set(a["no_capacity"])
    assert set(a["none_in_pool"]) == set(a["wider_pool"]) | set(a["none_stronger"])
    assert len(rest) < 0.05 * len(table)
    assert (comp["gain"] > 0).all()
    # the full path for every city nobody is stronger than (an explained empty result) and a
    # seeded sample of those whose stronger peers lie beyond the pool (found by widening)
    for cid in a["none_stronger"] + a["no_capacity"]:
        out = ra.peers.complementary(int(cid), k=3)
        assert len(out) == 0 and out.attrs["note"]
        assert out.attrs["empty_reason"] in {"none_stronger", "no_capacity_values"}
    rng = np.random.default_rng(0)
    wider = a["wider_pool"]
    for cid in rng.choice(wider, size=min(25, len(wider)), replace=False):
        out = ra.peers.complementary(int(cid), k=3)
        assert len(out) > 0 and out.attrs["pool"] > 200


@pytest.mark.data
@pytest.mark.slow
def test_the_100_largest_cities_full_path():
    table = ra.peers.feature_table()
    largest = table["population"].nlargest(100).index
    n_comp = 0
    for cid in largest:
        sim = ra.peers.similar(int(cid), k=10)
        assert len(sim) == 10 and sim["alike_on"].str.len().gt(0).all()
        comp = ra.peers.complementary(int(cid), k=10)
        if len(comp):
            n_comp += 1
            assert (comp["gain"] > 0).all() and comp["reason"].str.contains("trade-off").all()
        else:
            assert comp.attrs["empty_reason"] and comp.attrs["note"]
    assert n_comp >= 95  # Tokyo and the others that raised before now get peers
    tokyo = ra.peers.complementary("Tokyo")
    assert len(tokyo) > 0


# ---------------------------------------------------------------------------- stability


def test_stability_jaccard_by_alternative(table):
    out = ra.peers.stability(1, k=10, table=table, features=FEATURES, memberships=NO_MEMBERSHIPS)
    assert set(out["group"]) == {"metric", "scaling", "weights", "hazard parameters"}
    assert out["jaccard"].between(0, 1).all()
    # Jaccard by hand for one alternative
    base = set(_similar(table, k=10).index)
    cos = set(_similar(table, k=10, metric="cosine").index)
    row = out.set_index("alternative").loc["metric cosine"]
    assert row["jaccard"] == len(base & cos) / len(base | cos)
    assert row["shared"] == len(base & cos)
    # the coastal zone alternatives change the zone parameter
    assert {"coast zone 50 km", "coast zone 200 km"} <= set(out["alternative"])
    assert out.attrs["mean_jaccard"] == pytest.approx(out["jaccard"].mean())
    # an alternative that changes nothing keeps the whole list
    same = ra.peers.stability(1, k=5, table=table, features=FEATURES, memberships=NO_MEMBERSHIPS,
                              alternatives=[("weights", "all ×3", {"weights": dict.fromkeys(
                                  FEATURES, 3.0)})])
    assert same["jaccard"].tolist() == [1.0]
    fig = ra.peers.plot_stability(out)
    assert len(fig.axes[0].patches) == len(out)
    with pytest.raises(ParameterError, match="alternative 'metric' is not accepted"):
        ra.peers.stability(1, table=table, features=FEATURES, memberships=NO_MEMBERSHIPS,
                           alternatives=["metric"])
    with pytest.raises(ParameterError, match="the table returned by ra.peers.stability"):
        ra.peers.plot_stability(pd.DataFrame({"x": [1]}))


# ---------------------------------------------------------------------------- hazard-v2 names


def _contract_table(n=400, seed=5):
    """Fictional cities with the hazard-v2 contract columns (issue 13), heavy tails and zeros."""
    rng = np.random.default_rng(seed)
    quake = rng.random(n) < 0.3
    storm = rng.random(n) < 0.25
    t = pd.DataFrame({
        "eq_rate_pga_0p1g": np.where(quake, rng.lognormal(-3, 1, n), 0.0),
        "eq_rate_pga_0p2g": np.where(quake, rng.lognormal(-4, 1, n), 0.0),
        "eq_pga_475yr_g": np.where(quake, rng.lognormal(-1.5, 0.5, n), np.nan),
        "tc_rate_34kt": np.where(storm, rng.lognormal(-1, 1, n), 0.0),
        "tc_rate_64kt": np.where(storm, rng.lognormal(-2, 1, n), 0.0),
        "tc_wind_100yr_kt": np.where(storm, rng.normal(90, 20, n), np.nan),
        "fl_rate": rng.exponential(0.1, n),
        "fl_severity_rate": rng.exponential(0.2, n),
        "ts_rate_per_century": np.where(quake & (rng.random(n) < 0.5), rng.exponential(2, n), 0),
        "ts_max_height_m": np.where(quake & (rng.random(n) < 0.3), rng.exponential(3, n), np.nan),
        "vo_nearest_km": rng.uniform(0, 2000, n),
        "vo_count_100km": rng.poisson(0.3, n),
        "coast_distance_km": rng.exponential(150, n),
        "eq_level": pd.Categorical(rng.choice(["very low", "low", "medium", "high"], n),
                                   categories=["very low", "low", "medium", "high"],
                                   ordered=True),
        "population": rng.integers(15_000, 5_000_000, n),
        "country_iso3": rng.choice(["AAA", "BBB", "CCC"], n),
    }, index=pd.Index(np.arange(1, n + 1, dtype="int64"), name="city_id"))
    t["name"] = [f"Example City {i}" for i in t.index]
    return t


def test_contract_columns_are_the_default_features():
    t = _contract_table()
    out = ra.peers.similar(1, k=5, table=t, memberships=NO_MEMBERSHIPS)
    assert out.attrs["features"] == list(ra.peers.DEFAULT_FEATURES)
    assert out.attrs["notes"] == []
    np.testing.assert_allclose(out.filter(like="contrib_").sum(axis=1), out["distance"])
    pairs = ra.peers.all_pairs(k=5, table=t)
    row = pairs[pairs["city_id"] == 1]
    np.testing.assert_allclose(row["distance"], out["distance"])
    # stability offers the 0.2 g and 64 kt rates as hazard-parameter alternatives
    s = ra.peers.stability(1, k=5, table=t, memberships=NO_MEMBERSHIPS)
    assert {"shaking rate at 0.2 g", "wind rate at 64 kt"} <= set(s["alternative"])
    # a level column is an ordered number, usable as a feature
    lv = ra.peers.similar(1, k=3, table=t, features=["eq_level", "fl_rate"],
                          memberships=NO_MEMBERSHIPS)
    assert "contrib_eq_level" in lv.columns
    types = ra.typology.city_types(table=t, n_range=range(3, 6))
    assert types.attrs["n_types"] >= 3
    assert set(types.attrs["features"]) <= {"earthquake", "cyclone", "flood", "tsunami",
                                            "volcano", "coast"}


def test_fast_path_agrees_with_complementary(table):
    fast = ra.peers.all_complementary(5, table=table, memberships=NO_MEMBERSHIPS, pool=200,
                                      features=FEATURES)
    for cid in (1, 7, 50):
        one = ra.peers.complementary(cid, k=5, table=table, memberships=NO_MEMBERSHIPS,
                                     features=FEATURES, pool=200)
        row = fast[fast["city_id"] == cid]
        np.testing.assert_allclose(row["gain"].to_numpy(), one["gain"].to_numpy())
        np.testing.assert_allclose(row["score"].to_numpy(), one["score"].to_numpy())


def test_alike_on_names_shared_exposure_then_shared_absence():
    t = pd.DataFrame({"fl_rate": [2.0, 2.1, 0.0, 0.0, 0.1],
                      "ts_rate_per_century": [0.0] * 4 + [3.0],
                      "tc_rate_34kt": [0.0, 0.0, 1.0, 2.0, 0.0]},
                     index=pd.Index([1, 2, 3, 4, 5], name="city_id"))
    out = ra.peers.similar(1, k=1, table=t, memberships=NO_MEMBERSHIPS)
    assert out["alike_on"].iloc[0] == ("large floods per century; both low on tropical-storm "
                                       "winds (34 kt) per century, tsunamis per century")
